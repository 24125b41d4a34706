/**
 * Node prices by instance type (`node.kubernetes.io/instance-type`): the shipped Azure list
 * prices, overridden by a pricing.yaml, overridden by the setting; for any other type,
 * OpenCost's custom-pricing defaults (or the user's `defaults`).
 */
import type { EstimateMark, PriceOrigin, ResourcePrices } from "../../shared/protocol/cost";
import { azurePriceBookSource, azureSkus } from "./azurePriceBook";
import { parsePricingFile, parsePricingSetting, type PricingOverrides } from "./pricingFile";

/**
 * OpenCost's custom-pricing defaults, per vCPU-hour, GiB-hour and GPU-hour: configs/default.json
 * ("Default prices based on GCP us-central1"), opencost/opencost @ 5f653330. OpenCost prices an
 * unknown node with them and splits a node price by their ratios (see nodePricing.ts).
 */
export const openCostDefaultPrices: ResourcePrices = { cpu: 0.031611, ram: 0.004237, gpu: 0.95 };
export const openCostDefaultsSource = "OpenCost custom-pricing defaults (configs/default.json)";

export interface PriceBookEntry {
  readonly instanceType: string;
  /** The whole node per hour; split into CPU, RAM and GPU as OpenCost splits it. */
  readonly nodeHourly?: number;
  /** Per-resource prices; with nodeHourly they are fixed and the rest of the node price is split over the others. */
  readonly hourly?: Partial<ResourcePrices>;
  /** The SKU's shape, used where the node's capacity does not say. */
  readonly vcpus?: number;
  readonly ramGiB?: number;
  readonly gpus?: number;
  readonly origin: PriceOrigin;
  readonly source: string;
}

export interface PriceBook {
  readonly currency: "USD";
  /** Case-insensitive: the label's spelling varies between tools. */
  lookup(instanceType: string | undefined): PriceBookEntry | undefined;
  /** OpenCost's custom-pricing defaults unless overridden field by field. */
  readonly defaults: ResourcePrices;
  /** Where the defaults came from, for PriceUsed.source. */
  readonly defaultsSource: string;
  /** "price-book-error" marks of the file and the setting. */
  readonly errors: readonly EstimateMark[];
}

/**
 * Layers, lowest first: shipped Azure prices, pricing.yaml, the setting. A higher layer's entry
 * replaces a lower one's prices whole (so `{ gpu: 2 }` alone means CPU and RAM at the defaults),
 * but keeps the SKU's shape (vcpus, ramGiB, gpus) where it gives none.
 */
export function createPriceBook(opts: { settings?: unknown; pricingFile?: { path: string; text: string } } = {}): PriceBook {
  const shipped: PriceBookEntry[] = azureSkus.map((s) => ({ instanceType: s.instanceType, nodeHourly: s.nodeHourly, vcpus: s.vcpus, ramGiB: s.ramGiB, gpus: s.gpus, origin: "price-book", source: azurePriceBookSource }));
  const layers: { name: string; overrides: PricingOverrides }[] = [{ name: azurePriceBookSource, overrides: { entries: shipped, defaults: {}, errors: [] } }];
  if (opts.pricingFile) layers.push({ name: `pricing file ${opts.pricingFile.path}`, overrides: parsePricingFile(opts.pricingFile.path, opts.pricingFile.text) });
  if (opts.settings !== undefined) layers.push({ name: "setting aiPlatform.cost.prices", overrides: parsePricingSetting(opts.settings) });

  const byType = new Map<string, PriceBookEntry>();
  let defaults: ResourcePrices = openCostDefaultPrices;
  const overriddenBy: string[] = [];
  for (const { name, overrides: layer } of layers) {
    for (const entry of layer.entries) {
      const key = entry.instanceType.toLowerCase();
      const below = byType.get(key);
      byType.set(key, {
        ...entry,
        ...(entry.vcpus === undefined && below?.vcpus !== undefined ? { vcpus: below.vcpus } : {}),
        ...(entry.ramGiB === undefined && below?.ramGiB !== undefined ? { ramGiB: below.ramGiB } : {}),
        ...(entry.gpus === undefined && below?.gpus !== undefined ? { gpus: below.gpus } : {}),
      });
    }
    if (Object.keys(layer.defaults).length > 0) {
      defaults = { ...defaults, ...layer.defaults };
      overriddenBy.push(name);
    }
  }
  const defaultsSource = overriddenBy.length > 0 ? `${openCostDefaultsSource}, overridden by ${overriddenBy.join(" and ")}` : openCostDefaultsSource;
  return {
    currency: "USD",
    lookup: (instanceType) => (instanceType ? byType.get(instanceType.toLowerCase()) : undefined),
    defaults,
    defaultsSource,
    errors: layers.flatMap((l) => l.overrides.errors),
  };
}
