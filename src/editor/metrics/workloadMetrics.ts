/**
 * A workload's metrics in the selected context, as triage and the canary take them: the source
 * with the workload's target (runtime and SLO from the object, as the latency dashboard resolves
 * them), or why there is none, in words for the log, a report's blind spot or a refusal.
 */
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import type { MetricsTarget } from "../../core/metrics/metricsTarget";
import type { MetricsConnectionState } from "./metricsConnection";
import { metricsTargetOfWorkload } from "./workloadMetricsTarget";

export type WorkloadMetrics = { readonly source: MetricsSource; readonly target: MetricsTarget } | { readonly unavailable: string };

export function workloadMetricsOf(state: MetricsConnectionState, context: string, workload: Workload): WorkloadMetrics {
  if (state.kind === "none") return { unavailable: `no metrics source is connected for ${context} (Connect Metrics… sets one up)` };
  if (state.kind === "problem") return { unavailable: `the metrics source for ${context} cannot be used: ${state.problem}` };
  if (state.context !== context) return { unavailable: `the metrics source is for ${state.context}, not ${context}` };
  const target = metricsTargetOfWorkload(context, workload);
  if (!target) return { unavailable: `${workload.namespace}/${workload.name} has no pod template to read metrics of` };
  // An Azure Monitor source reads the Azure ML online endpoint its setting names.
  const resourceId = state.entry.kind === "azure-monitor" ? state.entry.azure?.resourceId : undefined;
  return { source: state.source, target: resourceId ? { ...target, azureResourceUri: resourceId } : target };
}

