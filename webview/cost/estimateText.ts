/** What each estimate code means for a person reading the dashboard, and the marks grouped by code. */
import type { EstimateCode, EstimateMark } from "../../src/shared/protocol/cost";

export const estimateText: Record<EstimateCode, string> = {
  "default-price": "Instance type not in the price book: OpenCost's default prices were used",
  "no-instance-type": "Node without a node.kubernetes.io/instance-type label: default prices were used",
  "price-book-error": "An entry of the price settings or pricing.yaml is invalid and was ignored",
  "no-usage": "No usage measured: charged by request only",
  "bad-usage": "Negative or non-numeric usage samples were dropped",
  "no-requests": "Pod requests no CPU or memory: charged by usage alone, or nothing",
  "partial-window": "Ran for part of the window only",
  "counter-reset": "A request counter reset; counted as Prometheus' increase() does",
  "clock-skew": "Sample times disagree with the window; clipped to it",
  "history-unknown": "Pods that finished before now are not known to the cluster",
  "no-request-counts": "No request counts: no cost per 1K inferences",
  "no-gpu-utilisation": "No GPU utilisation from dcgm-exporter",
  "over-committed": "Pods used more of a node than it has: their shares were scaled down to the node's cost",
};

export interface EstimateGroup {
  readonly code: EstimateCode;
  readonly text: string;
  readonly marks: readonly EstimateMark[];
}

/** Marks grouped by code, the most frequent code first (ties in the enum's order), marks in arrival order. */
export function groupEstimates(marks: readonly EstimateMark[]): EstimateGroup[] {
  const byCode = new Map<EstimateCode, EstimateMark[]>();
  for (const m of marks) {
    const list = byCode.get(m.code);
    if (list) list.push(m);
    else byCode.set(m.code, [m]);
  }
  const order = Object.keys(estimateText);
  return [...byCode.entries()]
    .map(([code, list]) => ({ code, text: estimateText[code], marks: list }))
    .sort((a, b) => b.marks.length - a.marks.length || order.indexOf(a.code) - order.indexOf(b.code));
}
