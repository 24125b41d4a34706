import type { CostError } from "../../core/cost/costReport";
import type { MetricsSourceKind } from "../../core/metrics/metricsSource";
import { describeMetricsError } from "../explain";

/**
 * A CostError for the editor: a sentence for the dashboard and the log, the detail apart. It
 * belongs beside describeMetricsError in explain.ts, which words every core error kind; kept
 * here while the cost feature lands.
 */
export function describeCostError(e: CostError, kind?: MetricsSourceKind): { message: string; detail?: string } {
  switch (e.kind) {
    case "metrics":
      return { message: `The cost needs usage and request counts, and the metrics source failed: ${describeMetricsError(e.error, kind) ?? "the read was cancelled."}`, ...(e.error.query ? { detail: e.error.query } : {}) };
    case "opencost-unreachable":
      return { message: `OpenCost runs in the cluster (${e.service}) but cannot be reached${e.status !== undefined ? ` (HTTP ${e.status})` : ""}.`, detail: e.detail };
    case "opencost-forbidden":
      return { message: `OpenCost runs in the cluster (${e.service}), and this user may not reach it through the service proxy: it needs get on services/proxy in its namespace.`, detail: e.detail };
    case "opencost-not-found":
      return { message: `${e.service} looks like OpenCost but answered neither ${e.tried.join(" nor ")}.` };
    case "opencost-bad-response":
      return { message: `OpenCost (${e.service}) did not answer ${e.path} with its allocation JSON.`, detail: e.detail };
    case "cancelled":
      return { message: "Cancelled." };
  }
}
