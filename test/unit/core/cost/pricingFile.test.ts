import { describe, expect, it } from "vitest";
import { createPriceBook, openCostDefaultPrices } from "../../../../src/core/cost/priceBook";
import { parsePricingFile, parsePricingSetting } from "../../../../src/core/cost/pricingFile";

describe("the price book", () => {
  it("ships Azure eastus list prices with their source, found whatever the label's case", () => {
    const book = createPriceBook();
    expect(book.lookup("Standard_NC24ads_A100_v4")).toMatchObject({ nodeHourly: 3.673, vcpus: 24, ramGiB: 220, gpus: 1, origin: "price-book" });
    expect(book.lookup("standard_nc24ads_a100_v4")?.nodeHourly).toBe(3.673);
    expect(book.lookup("Standard_NV36ads_A10_v5")).toMatchObject({ nodeHourly: 3.2, vcpus: 36, ramGiB: 440, gpus: 1 });
    expect(book.lookup("Standard_ND96isr_H100_v5")?.gpus).toBe(8);
    expect(book.lookup("Standard_D8s_v5")?.nodeHourly).toBe(0.384);
    expect(book.lookup("Standard_D8s_v5")?.source).toMatch(/eastus.*pay-as-you-go.*skypilot-catalog/);
    expect(book.lookup(undefined)).toBeUndefined();
    expect(book.lookup("Standard_Unknown")).toBeUndefined();
    expect(book.defaults).toEqual({ cpu: 0.031611, ram: 0.004237, gpu: 0.95 });
    expect(book.errors).toEqual([]);
  });

  it("the setting overrides pricing.yaml, which overrides the shipped prices; the SKU's shape is kept", () => {
    const pricingFile = {
      path: "/repo/pricing.yaml",
      text: ["instanceTypes:", "  Standard_NC24ads_A100_v4:", "    nodeHourly: 2.2", "  Standard_D8s_v5:", "    nodeHourly: 0.3", "defaults:", "  gpu: 1.5", ""].join("\n"),
    };
    const settings = { instanceTypes: { Standard_D8s_v5: { cpu: 0.02, ram: 0.002 } }, defaults: { cpu: 0.05 } };
    const book = createPriceBook({ pricingFile, settings });
    expect(book.lookup("Standard_NC24ads_A100_v4")).toMatchObject({ nodeHourly: 2.2, vcpus: 24, gpus: 1, origin: "pricing-file", source: "pricing file /repo/pricing.yaml" });
    const d8 = book.lookup("Standard_D8s_v5");
    expect(d8).toMatchObject({ hourly: { cpu: 0.02, ram: 0.002 }, vcpus: 8, ramGiB: 32, origin: "settings" });
    expect(d8?.nodeHourly).toBeUndefined();
    expect(book.defaults).toEqual({ cpu: 0.05, ram: openCostDefaultPrices.ram, gpu: 1.5 });
    expect(book.defaultsSource).toMatch(/overridden by pricing file \/repo\/pricing.yaml and setting aiPlatform.cost.prices/);
  });

  it("a typo'd entry is ignored with a mark naming the file, line and key; the other entries are used", () => {
    const text = [
      "currency: USD",
      "instanceTypes:",
      "  Standard_NC24ads_A100_v4:",
      "    nodeHourl: 2.2",
      "  my-onprem-gpu:",
      "    gpu: 2.5",
      "    cpu: 0.02",
      "  Standard_D8s_v5:",
      "    nodeHourly: cheap",
      "defaults:",
      "  gpuu: 3",
      "",
    ].join("\n");
    const book = createPriceBook({ pricingFile: { path: "pricing.yaml", text } });
    expect(book.lookup("Standard_NC24ads_A100_v4")?.nodeHourly).toBe(3.673);
    expect(book.lookup("my-onprem-gpu")).toMatchObject({ hourly: { gpu: 2.5, cpu: 0.02 }, origin: "pricing-file" });
    expect(book.lookup("Standard_D8s_v5")?.origin).toBe("price-book");
    expect(book.defaults).toEqual(openCostDefaultPrices);
    expect(book.errors).toHaveLength(3);
    for (const e of book.errors) expect(e).toMatchObject({ code: "price-book-error", subject: "pricing file pricing.yaml" });
    const [defaultsTypo, typo, notNumber] = book.errors.map((e) => e.detail ?? "");
    expect(typo).toBe("line 4, instanceTypes.Standard_NC24ads_A100_v4.nodeHourl: unknown key (expected nodeHourly, cpu, ram, gpu, vcpus, ramGiB, gpus); entry ignored");
    expect(notNumber).toMatch(/^line 9, instanceTypes\.Standard_D8s_v5\.nodeHourly: a number \(USD per hour\); entry ignored$/);
    expect(defaultsTypo).toMatch(/^line 11, defaults\.gpuu: unknown key/);
  });

  it("an entry without any price, or with a negative price, is an error, not a free node", () => {
    const parsed = parsePricingSetting({ instanceTypes: { A: { gpus: 4 }, B: { gpu: -1 } } });
    expect(parsed.entries).toEqual([]);
    expect(parsed.errors.map((e) => e.detail)).toEqual([
      "instanceTypes.A: no price: give nodeHourly or cpu/ram/gpu; entry ignored",
      "instanceTypes.B.gpu: not negative; entry ignored",
    ]);
    expect(parsed.errors[0]?.subject).toBe("setting aiPlatform.cost.prices");
  });

  it("a YAML syntax error or another currency drops the whole file, with the line", () => {
    const broken = parsePricingFile("p.yaml", "instanceTypes:\n  A: { nodeHourly: 1\n  B: 2\n");
    expect(broken.entries).toEqual([]);
    expect(broken.errors[0]?.detail).toMatch(/^line \d+: YAML: .*; the file is ignored$/);
    const euro = parsePricingFile("p.yaml", "currency: EUR\ninstanceTypes:\n  A: { nodeHourly: 1 }\n");
    expect(euro.entries).toEqual([]);
    expect(euro.errors[0]?.detail).toBe('line 1, currency: currency "EUR" is not supported (prices are USD); every price here is ignored');
  });

  it("a file of nested aliases or a huge file is refused with a mark, not expanded", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]", "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]", ""].join("\n");
    const parsed = parsePricingFile("bomb.yaml", bomb);
    expect(parsed.entries).toEqual([]);
    expect(parsed.errors[0]?.detail).toMatch(/^YAML: .*alias.*; the file is ignored$/i);
    expect(parsePricingFile("big.yaml", "#".repeat(600 * 1024)).errors[0]?.detail).toMatch(/more than a price book's 512 KB; the file is ignored/);
  });

  it("a duplicated instance type is a YAML error, not a silent last-one-wins", () => {
    const dup = parsePricingFile("p.yaml", "instanceTypes:\n  A: { nodeHourly: 1 }\n  A: { nodeHourly: 2 }\n");
    expect(dup.entries).toEqual([]);
    expect(dup.errors[0]?.detail).toMatch(/^line 3: YAML: /);
  });

  it("unknown top-level keys and a setting that is not a map are marked and ignored", () => {
    expect(parsePricingSetting({ Standard_X: { nodeHourly: 1 } }).errors[0]?.detail).toBe("Standard_X: unknown key (expected currency, defaults, instanceTypes); ignored");
    expect(parsePricingSetting("cheap").errors[0]?.detail).toBe("expected a map with defaults and instanceTypes; ignored");
    expect(parsePricingSetting(undefined)).toEqual({ entries: [], defaults: {}, errors: [] });
  });
});
