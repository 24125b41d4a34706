/**
 * A node's hourly price per vCPU, GiB of RAM and GPU, the way OpenCost derives it.
 *
 * OpenCost (pkg/costmodel/costmodel.go GetNodeCost, opencost/opencost @ 5f653330; see
 * /work/shared/reference/protocols.md §6.2): when the provider gives a node price but no
 * GPU price, it splits the node price by the ratios of the custom-pricing defaults:
 *   ramMultiple = gpus·(GPU/RAM) + vCPUs·(CPU/RAM) + RAM_GiB;  ramPrice = nodePrice / ramMultiple
 *   cpuPrice = ramPrice·CPU/RAM;  gpuPrice = ramPrice·GPU/RAM
 * which is price_r = nodePrice · default_r / Σ_s capacity_s · default_s, the form used here (it
 * also holds when the RAM default is 0, where OpenCost gives the whole price to the CPUs). A node
 * without GPUs takes the same formula with gpus = 0 (OpenCost's "no RAM cost" branch). So
 * vCPUs·cpu + GiB·ram + GPUs·gpu = nodePrice exactly.
 * Where a price book entry fixes some resources' prices next to a node price, the rest of the node
 * price is split over the other resources the same way. OpenCost subtracts the GPU price once
 * from the node price in that case; we subtract it per GPU, since GPU prices are per GPU-hour.
 */
import type { EstimateMark, PriceOrigin, ResourcePrices } from "../../shared/protocol/cost";
import type { NodeRecord } from "./costInputs";
import type { PriceBook } from "./priceBook";

export interface NodeCapacity {
  readonly cpuCores: number;
  readonly ramGiB: number;
  readonly gpus: number;
}

export interface NodePrice {
  readonly instanceType: string | null;
  readonly origin: PriceOrigin;
  readonly source: string;
  /** The node price the split started from, when there was one. */
  readonly nodeHourly: number | null;
  readonly hourly: ResourcePrices;
  /** Σ capacity × hourly: what the whole node costs per hour. */
  readonly totalHourly: number;
  readonly capacity: NodeCapacity;
  readonly estimates: readonly EstimateMark[];
}

const resources = ["cpu", "ram", "gpu"] as const;
const gib = 1024 ** 3;
const finite = (x: number | undefined): number => (x !== undefined && Number.isFinite(x) && x > 0 ? x : 0);
const quantity = (c: NodeCapacity, r: (typeof resources)[number]): number => (r === "cpu" ? c.cpuCores : r === "ram" ? c.ramGiB : c.gpus);

/**
 * Splits `nodeHourly` over the capacity by the weights (OpenCost: the default prices). Resources
 * in `fixed` keep their price; the remainder of the node price goes to the others. Returns
 * undefined when nothing can carry the price (no capacity with a weight).
 */
export function splitNodePrice(nodeHourly: number, capacity: NodeCapacity, weights: ResourcePrices, fixed: Partial<ResourcePrices> = {}): ResourcePrices | undefined {
  let remainder = nodeHourly;
  let weighted = 0;
  for (const r of resources) {
    const price = fixed[r];
    if (price !== undefined) remainder -= quantity(capacity, r) * price;
    else weighted += quantity(capacity, r) * weights[r];
  }
  remainder = Math.max(0, remainder);
  const out = { cpu: fixed.cpu ?? 0, ram: fixed.ram ?? 0, gpu: fixed.gpu ?? 0 };
  if (weighted > 0) {
    for (const r of resources) if (fixed[r] === undefined) out[r] = (remainder * weights[r]) / weighted;
    return out;
  }
  if (remainder === 0) return out;
  // OpenCost: with no RAM default "just assign the full price to CPU".
  if (fixed.cpu === undefined && capacity.cpuCores > 0) return { ...out, cpu: remainder / capacity.cpuCores };
  return undefined;
}

/** The node's prices from the book, with marks for defaults and for what could not be priced. */
export function priceNode(node: Pick<NodeRecord, "name" | "instanceType" | "capacity">, book: PriceBook): NodePrice {
  const estimates: EstimateMark[] = [];
  const entry = book.lookup(node.instanceType);
  const capacity: NodeCapacity = {
    cpuCores: finite(node.capacity.cpuCores) || finite(entry?.vcpus),
    ramGiB: finite(node.capacity.ramBytes) / gib || finite(entry?.ramGiB),
    gpus: finite(node.capacity.gpus) || finite(entry?.gpus),
  };
  const instanceType = node.instanceType ?? null;
  const withTotal = (hourly: ResourcePrices): number => capacity.cpuCores * hourly.cpu + capacity.ramGiB * hourly.ram + capacity.gpus * hourly.gpu;
  if (!entry) {
    if (instanceType === null) estimates.push({ code: "no-instance-type", subject: `node ${node.name}`, detail: "no node.kubernetes.io/instance-type label: priced at the default prices" });
    else estimates.push({ code: "default-price", subject: `instance type ${instanceType}`.slice(0, 500), detail: "not in the price book: priced at the default prices" });
    return { instanceType, origin: "default", source: book.defaultsSource, nodeHourly: null, hourly: book.defaults, totalHourly: withTotal(book.defaults), capacity, estimates };
  }
  let hourly: ResourcePrices;
  if (entry.nodeHourly !== undefined) {
    const split = splitNodePrice(entry.nodeHourly, capacity, book.defaults, entry.hourly);
    if (split) hourly = split;
    else {
      hourly = { ...book.defaults, ...entry.hourly };
      estimates.push({ code: "default-price", subject: `node ${node.name}`, detail: `the node reports no capacity to carry ${entry.instanceType}'s price: priced at the default prices` });
    }
    const fixedTotal = resources.reduce((sum, r) => sum + quantity(capacity, r) * (entry.hourly?.[r] ?? 0), 0);
    if (fixedTotal > entry.nodeHourly * (1 + 1e-9)) {
      estimates.push({ code: "price-book-error", subject: `instance type ${entry.instanceType}`.slice(0, 500), detail: `${entry.source}: the per-resource prices come to ${fixedTotal.toFixed(4)} per hour, more than nodeHourly ${entry.nodeHourly}; the other resources are priced at 0` });
    }
  } else {
    hourly = { ...book.defaults, ...entry.hourly };
  }
  return { instanceType, origin: entry.origin, source: entry.source, nodeHourly: entry.nodeHourly ?? null, hourly, totalHourly: withTotal(hourly), capacity, estimates };
}
