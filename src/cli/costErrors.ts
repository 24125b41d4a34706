import type { CostError } from "../core/cost/costReport";
import type { MetricsSourceKind } from "../core/metrics/metricsSource";
import { describeMetricsErrorForTerminal } from "./metricsErrors";

/** A CostError for a terminal: what failed, then the flag that gets past it. */
export function describeCostErrorForTerminal(e: CostError, kind?: MetricsSourceKind): string {
  switch (e.kind) {
    case "metrics":
      return `${describeMetricsErrorForTerminal(e.error, kind)}\n  (aiplat cost reads usage and request counts from it; pass --source to read another)`;
    case "opencost-unreachable":
      return `cannot reach OpenCost at ${e.service}${e.status !== undefined ? ` (HTTP ${e.status})` : ""}: ${e.detail}; pass --opencost off to use the price-book model instead`;
    case "opencost-forbidden":
      return `may not reach OpenCost at ${e.service} through the service proxy: ${e.detail}; it needs get on services/proxy in its namespace, or pass --opencost off`;
    case "opencost-not-found":
      return `${e.service} answered neither ${e.tried.join(" nor ")}: no such Service, or not OpenCost's API port; pass --opencost service:<namespace>/<service>:<port>, or --opencost off`;
    case "opencost-bad-response":
      return `${e.service} did not answer ${e.path} with OpenCost's allocation JSON (${e.detail}); pass --opencost off to use the price-book model instead`;
    case "cancelled":
      return "interrupted; no cost was computed";
  }
}
