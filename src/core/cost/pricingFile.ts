/**
 * The user's prices: a `pricing.yaml` and the setting `aiPlatform.cost.prices`, one shape for
 * both:
 *
 *   currency: USD                      # optional; only USD is supported
 *   defaults: { cpu: 0.03, ram: 0.004, gpu: 0.95 }   # per vCPU-, GiB- and GPU-hour, for types not listed
 *   instanceTypes:
 *     Standard_NC24ads_A100_v4: { nodeHourly: 2.2 }  # a reserved price; split as OpenCost splits it
 *     onprem-h100: { cpu: 0.02, ram: 0.003, gpu: 2.5, gpus: 8 }
 *
 * A typo never makes the whole book fail: each bad entry or field is dropped with a
 * "price-book-error" mark that names the file (or setting), the line and the key, and the rest
 * is used. Only what would make every price wrong (a YAML syntax error, a currency other than
 * USD) drops the whole file.
 */
import * as z from "zod";
import { LineCounter, parseDocument } from "yaml";
import type { EstimateMark, PriceOrigin, ResourcePrices } from "../../shared/protocol/cost";
import { documentLocator } from "../manifest/manifestLocations";
import type { PriceBookEntry } from "./priceBook";

export interface PricingOverrides {
  readonly entries: readonly PriceBookEntry[];
  readonly defaults: Partial<ResourcePrices>;
  readonly errors: readonly EstimateMark[];
}

/** A price book lists some dozens of types; anything far larger is not one. */
const maxPricingFileChars = 512 * 1024;

const Price = z.number("a number (USD per hour)").nonnegative("not negative");
const entryKeys = ["nodeHourly", "cpu", "ram", "gpu", "vcpus", "ramGiB", "gpus"] as const;

const Entry = z
  .strictObject({
    nodeHourly: z.number("a number (USD per hour)").positive("more than 0").optional(),
    cpu: Price.optional(),
    ram: Price.optional(),
    gpu: Price.optional(),
    vcpus: z.number("a number").positive("more than 0").optional(),
    ramGiB: z.number("a number").positive("more than 0").optional(),
    gpus: z.number("a number").int("a whole number").nonnegative("not negative").optional(),
  })
  .refine((e) => e.nodeHourly !== undefined || e.cpu !== undefined || e.ram !== undefined || e.gpu !== undefined, "no price: give nodeHourly or cpu/ram/gpu");

const resourceKeys = ["cpu", "ram", "gpu"] as const;
const topKeys = ["currency", "defaults", "instanceTypes"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

type Locate = (path: readonly (string | number)[]) => string;

function issueText(issue: z.core.$ZodIssue, expected: readonly string[]): string {
  if (issue.code === "unrecognized_keys") return `unknown key (expected ${expected.join(", ")})`;
  return issue.message;
}

/** Reads the shape above from a parsed value; `where` names it in marks, `locate` turns a path into "line N". */
function readPricing(value: unknown, where: { subject: string; origin: PriceOrigin; source: string; locate: Locate }): PricingOverrides {
  const errors: EstimateMark[] = [];
  const fail = (path: readonly (string | number)[], text: string): void => {
    const at = where.locate(path);
    const key = path.length > 0 ? `${path.join(".")}: ` : "";
    errors.push({ code: "price-book-error", subject: where.subject, detail: `${at}${key}${text}`.slice(0, 2000) });
  };
  if (value === undefined || value === null) return { entries: [], defaults: {}, errors };
  if (!isRecord(value)) {
    fail([], "expected a map with defaults and instanceTypes; ignored");
    return { entries: [], defaults: {}, errors };
  }
  for (const key of Object.keys(value)) {
    if (!(topKeys as readonly string[]).includes(key)) fail([key], `unknown key (expected ${topKeys.join(", ")}); ignored`);
  }
  if (value.currency !== undefined && value.currency !== "USD") {
    fail(["currency"], `currency ${JSON.stringify(value.currency)} is not supported (prices are USD); every price here is ignored`);
    return { entries: [], defaults: {}, errors };
  }
  const defaults: Partial<Record<(typeof resourceKeys)[number], number>> = {};
  if (value.defaults !== undefined) {
    if (!isRecord(value.defaults)) fail(["defaults"], "expected a map of cpu, ram, gpu; ignored");
    else {
      for (const [key, price] of Object.entries(value.defaults)) {
        if (!(resourceKeys as readonly string[]).includes(key)) {
          fail(["defaults", key], `unknown key (expected ${resourceKeys.join(", ")}); ignored`);
          continue;
        }
        const parsed = Price.safeParse(price);
        if (parsed.success) defaults[key as (typeof resourceKeys)[number]] = parsed.data;
        else fail(["defaults", key], `${parsed.error.issues[0]?.message ?? "invalid"}; ignored`);
      }
    }
  }
  const entries: PriceBookEntry[] = [];
  if (value.instanceTypes !== undefined) {
    if (!isRecord(value.instanceTypes)) fail(["instanceTypes"], "expected a map of instance type to prices; ignored");
    else {
      for (const [instanceType, raw] of Object.entries(value.instanceTypes)) {
        const parsed = Entry.safeParse(raw);
        if (!parsed.success) {
          // "no price" only when nothing else is wrong: a misspelt nodeHourly is the real cause.
          const issues = parsed.error.issues.length > 1 ? parsed.error.issues.filter((i) => i.code !== "custom") : parsed.error.issues;
          for (const issue of issues.slice(0, 3)) {
            // An unknown key is reported at the key itself, so the line is the typo's.
            const path = [...issue.path, ...(issue.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [])].map((p) => (typeof p === "number" ? p : String(p)));
            fail(["instanceTypes", instanceType, ...path], `${issueText(issue, entryKeys)}; entry ignored`);
          }
          continue;
        }
        const { nodeHourly, cpu, ram, gpu, vcpus, ramGiB, gpus } = parsed.data;
        const hourly: Partial<ResourcePrices> = {};
        if (cpu !== undefined) hourly.cpu = cpu;
        if (ram !== undefined) hourly.ram = ram;
        if (gpu !== undefined) hourly.gpu = gpu;
        entries.push({
          instanceType,
          ...(nodeHourly === undefined ? {} : { nodeHourly }),
          ...(Object.keys(hourly).length > 0 ? { hourly } : {}),
          ...(vcpus === undefined ? {} : { vcpus }),
          ...(ramGiB === undefined ? {} : { ramGiB }),
          ...(gpus === undefined ? {} : { gpus }),
          origin: where.origin,
          source: where.source,
        });
      }
    }
  }
  return { entries, defaults, errors };
}

/** pricing.yaml text → overrides; marks carry the file's path and the line of each problem. */
export function parsePricingFile(path: string, text: string): PricingOverrides {
  const subject = `pricing file ${path}`.slice(0, 500);
  if (text.length > maxPricingFileChars) {
    return { entries: [], defaults: {}, errors: [{ code: "price-book-error", subject, detail: `the file is ${Math.round(text.length / 1024)} KB, more than a price book's ${maxPricingFileChars / 1024} KB; the file is ignored` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      entries: [],
      defaults: {},
      errors: doc.errors.slice(0, 5).map((e) => ({
        code: "price-book-error",
        subject,
        detail: `line ${lineCounter.linePos(e.pos[0]).line}: YAML: ${e.message.split("\n")[0] ?? e.code}; the file is ignored`.slice(0, 2000),
      })),
    };
  }
  let value: unknown;
  try {
    // Aliases are bounded: a file of nested aliases must not expand into gigabytes.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { entries: [], defaults: {}, errors: [{ code: "price-book-error", subject, detail: `YAML: ${err instanceof Error ? err.message : String(err)}; the file is ignored`.slice(0, 2000) }] };
  }
  const locateNode = documentLocator(doc, lineCounter);
  return readPricing(value, { subject, origin: "pricing-file", source: subject, locate: (p) => `line ${locateNode(p).line}, ` });
}

/** The raw value of the setting `aiPlatform.cost.prices` → overrides; marks name the setting's key. */
export function parsePricingSetting(value: unknown): PricingOverrides {
  const subject = "setting aiPlatform.cost.prices";
  return readPricing(value, { subject, origin: "settings", source: subject, locate: () => "" });
}
