/**
 * triageWorkload alone, as the editor and `aiplat triage` run it, against the demo sandbox's API
 * server and its real Prometheus: how long one pass over the demo incident takes.
 */
import { performance } from "node:perf_hooks";
import type { SandboxMetrics } from "../sandbox/metrics/sandboxMetrics";
import { demoIncidentRevision } from "../sandbox/demoIncident";
import { kubeConfigForContext, kubeconfigSearchPath, loadKubeconfig } from "../src/core/kube/client/kubeconfig";
import { readDeploymentHistory } from "../src/core/kube/rollout/rolloutUndo";
import { metricsTargetOfDeployment } from "../src/core/metrics/metricsTarget";
import { createPrometheusSource } from "../src/core/metrics/prometheusSource";
import { resolveSlo } from "../src/core/metrics/sloTargets";
import { triageWorkload } from "../src/core/triage/triageWorkload";

export async function triageCoreRuns(kubeconfigFile: string, metrics: SandboxMetrics | undefined, runs: number): Promise<{ ms: number[]; classification: string; suspectRevision: number | string | null }> {
  if (!metrics) throw new Error("the incident bench needs the sandbox's metrics stack");
  const loaded = await loadKubeconfig(kubeconfigSearchPath({ configured: [kubeconfigFile], env: {} }));
  const chosen = loaded.ok && loaded.currentContext ? kubeConfigForContext(loaded, loaded.currentContext) : undefined;
  if (!chosen) throw new Error(`the sandbox's kubeconfig ${kubeconfigFile} did not load`);
  const { kubeConfig: kc, context } = chosen;
  const current = context.name;
  const { namespace, deployment: name } = demoIncidentRevision;
  const history = await readDeploymentHistory(kc, namespace, name);
  if (!history.ok) throw new Error(`the demo incident's history: ${JSON.stringify(history.error)}`);
  const target = metricsTargetOfDeployment(current, history.deployment, (runtime) => resolveSlo(undefined, runtime));
  const source = createPrometheusSource({ endpoint: { kind: "url", url: metrics.prometheus.url }, auth: { kind: "none" } });
  const ms: number[] = [];
  let last: Awaited<ReturnType<typeof triageWorkload>> | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await triageWorkload({ kc, context, workload: { kind: "Deployment", namespace, name }, sinceSeconds: 2 * 3600, now: new Date(), metrics: { source, target }, auditRecords: [], signal: new AbortController().signal });
    ms.push(performance.now() - started);
    console.error(`[bench] incident: triageWorkload run ${i + 1}/${runs} in ${ms[i]!.toFixed(0)} ms`);
  }
  return { ms, classification: last?.classification ?? "unknown", suspectRevision: last?.suspect?.revision ?? null };
}
