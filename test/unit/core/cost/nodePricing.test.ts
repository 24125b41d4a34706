import { describe, expect, it } from "vitest";
import { priceNode, splitNodePrice } from "../../../../src/core/cost/nodePricing";
import { createPriceBook, openCostDefaultPrices } from "../../../../src/core/cost/priceBook";
import { gib } from "./costScenario";

/**
 * Expected values: OpenCost's GetNodeCost as protocols.md §6.2 writes it (ramMultiple form,
 * computed here independently of the weight form the code uses) and its worked examples:
 * NC24ads_A100_v4 at $3.673/h → GPU ≈ $1.32/h, about 36% of the node, vCPU ≈ $0.044/h, RAM ≈
 * $0.0059/GiB-h; ND96isr_H100_v5 about 41% GPU; NC4as_T4_v3 about 80%.
 */
function openCostSplit(nodePrice: number, cpu: number, ramGiB: number, gpus: number): { cpu: number; ram: number; gpu: number } {
  const { cpu: c, ram: r, gpu: g } = openCostDefaultPrices;
  const cpuToRam = c / r;
  const gpuToRam = g / r;
  const ramMultiple = gpus * gpuToRam + cpu * cpuToRam + ramGiB;
  const ramPrice = nodePrice / ramMultiple;
  return { cpu: ramPrice * cpuToRam, ram: ramPrice, gpu: ramPrice * gpuToRam };
}

const book = createPriceBook();
const skuNode = (instanceType: string, cpu: number, ramGiB: number, gpus: number) => ({ name: "n", instanceType, capacity: { cpuCores: cpu, ramBytes: ramGiB * gib, gpus } });

describe("OpenCost's node price split", () => {
  it("NC24ads_A100_v4: the GPU carries about 36% of $3.673/h, as protocols.md §6.2 works out", () => {
    const price = priceNode(skuNode("Standard_NC24ads_A100_v4", 24, 220, 1), book);
    const expected = openCostSplit(3.673, 24, 220, 1);
    expect(price.hourly.gpu).toBeCloseTo(expected.gpu, 10);
    expect(price.hourly.cpu).toBeCloseTo(expected.cpu, 10);
    expect(price.hourly.ram).toBeCloseTo(expected.ram, 10);
    expect(price.hourly.gpu).toBeCloseTo(1.32, 2);
    expect(price.hourly.cpu).toBeCloseTo(0.044, 3);
    expect(price.hourly.ram).toBeCloseTo(0.0059, 4);
    expect(price.hourly.gpu / 3.673).toBeCloseTo(0.36, 2);
    expect(price.totalHourly).toBeCloseTo(3.673, 10);
    expect(price).toMatchObject({ origin: "price-book", nodeHourly: 3.673, instanceType: "Standard_NC24ads_A100_v4", estimates: [] });
    expect(price.source).toMatch(/Azure retail prices, eastus/);
  });

  it("ND96isr_H100_v5 puts about 41% on its 8 GPUs; NC4as_T4_v3 about 80% on its T4", () => {
    const h100 = priceNode(skuNode("Standard_ND96isr_H100_v5", 96, 1900, 8), book);
    expect((8 * h100.hourly.gpu) / 98.32).toBeCloseTo(0.41, 2);
    const t4 = priceNode(skuNode("Standard_NC4as_T4_v3", 4, 28, 1), book);
    expect(t4.hourly.gpu / 0.526).toBeCloseTo(0.795, 2);
    expect(t4.hourly.gpu).toBeCloseTo(openCostSplit(0.526, 4, 28, 1).gpu, 10);
  });

  it("a CPU node's price goes to vCPUs and RAM in the defaults' ratio (OpenCost's no-RAM-cost branch)", () => {
    const price = priceNode(skuNode("Standard_D8s_v5", 8, 32, 0), book);
    const expected = openCostSplit(0.384, 8, 32, 0);
    expect(price.hourly.cpu).toBeCloseTo(expected.cpu, 10);
    expect(price.hourly.ram).toBeCloseTo(expected.ram, 10);
    expect(price.totalHourly).toBeCloseTo(0.384, 10);
  });

  it("splits over the node's capacity as Kubernetes reports it, not the SKU's list shape", () => {
    // An AKS A100 node reports less memory than the SKU's 220 GiB; the whole price is still charged.
    const price = priceNode(skuNode("Standard_NC24ads_A100_v4", 24, 216.5, 1), book);
    expect(price.totalHourly).toBeCloseTo(3.673, 10);
    expect(price.hourly.gpu).toBeCloseTo(openCostSplit(3.673, 24, 216.5, 1).gpu, 10);
  });

  it("uses the SKU's GPU count when the node reports none (no device plugin yet): those GPUs are paid for", () => {
    const price = priceNode(skuNode("Standard_NC24ads_A100_v4", 24, 220, 0), book);
    expect(price.capacity.gpus).toBe(1);
    expect(price.totalHourly).toBeCloseTo(3.673, 10);
  });

  it("with a fixed GPU price, the rest of the node price is split over CPU and RAM", () => {
    const split = splitNodePrice(10, { cpuCores: 10, ramGiB: 100, gpus: 2 }, openCostDefaultPrices, { gpu: 3 });
    expect(split?.gpu).toBe(3);
    const rest = openCostSplit(4, 10, 100, 0);
    expect(split?.cpu).toBeCloseTo(rest.cpu, 10);
    expect(split?.ram).toBeCloseTo(rest.ram, 10);
  });

  it("an unknown type is priced at the defaults and says so", () => {
    const price = priceNode({ name: "n1", instanceType: "Standard_Foo_v9", capacity: { cpuCores: 4, ramBytes: 16 * gib, gpus: 1 } }, book);
    expect(price.hourly).toEqual(openCostDefaultPrices);
    expect(price.totalHourly).toBeCloseTo(4 * 0.031611 + 16 * 0.004237 + 0.95, 10);
    expect(price.origin).toBe("default");
    expect(price.estimates).toEqual([expect.objectContaining({ code: "default-price", subject: "instance type Standard_Foo_v9" })]);
  });

  it("a node without the instance-type label is priced at the defaults, marked by node", () => {
    const price = priceNode({ name: "n2", instanceType: undefined, capacity: { cpuCores: 2, ramBytes: 8 * gib, gpus: 0 } }, book);
    expect(price.origin).toBe("default");
    expect(price.instanceType).toBeNull();
    expect(price.estimates).toEqual([expect.objectContaining({ code: "no-instance-type", subject: "node n2" })]);
  });

  it("NaN or negative capacity is read as none, never as a NaN price", () => {
    const price = priceNode({ name: "n3", instanceType: "Standard_D8s_v5", capacity: { cpuCores: Number.NaN, ramBytes: -1, gpus: Number.NaN } }, book);
    expect(Number.isFinite(price.totalHourly)).toBe(true);
    expect(price.capacity).toEqual({ cpuCores: 8, ramGiB: 32, gpus: 0 });
    expect(price.totalHourly).toBeCloseTo(0.384, 10);
  });
});
