/**
 * The canary demo `npm start` writes into the repository's git-ignored .sandbox/: a service
 * manifest with a metric-gated canary rollout, for the demo cluster. Its images are the sandbox's
 * demo builds (sandbox/metrics/trafficModel.ts demoImageTraits): 1.3.0 and 1.3.1 are good, 1.4.0-rc1
 * is 2.5 × slower, so a canary of it fails its analysis and is rolled back, and one of 1.3.1 passes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";

export const canaryDemoService = { namespace: "ml-dev", name: "reranker-canary", image: "aiplatform.azurecr.io/reranker-onnx" } as const;

export function canaryDemoManifest(): string {
  const { namespace, name, image } = canaryDemoService;
  return `# The canary demo (sandbox/canary/canaryDemoFiles.ts), in the demo cluster's ${namespace} namespace.
# 1. Deploy it (the CodeLens above "dev", or: aiplat deploy aiplatform.yaml -e dev --yes):
#    the first deploy goes out whole, there is nothing to compare a canary with yet.
# 2. Change the image to ${image}:1.4.0-rc1 (a build 2.5 x slower) and deploy again:
#    the canary takes 50 % of the replicas, fails its analysis (p95 over the baseline + 10 %)
#    and is rolled back automatically, with an audit record of the failing measurements.
# 3. Change it to ${image}:1.3.1 (a good build) and deploy: the canary passes both steps and is promoted.
# The Deployments row shows "canary 50% · analysis 2/3 ok" while it runs.
apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: ${name}
description: Cross-encoder reranker (ONNX Runtime behind FastAPI), rolled out as a metric-gated canary
owner: team-platform
runtime: python
model: {registry: "models:/reranker-minilm", version: "3"}
image: ${image}:1.3.0
resources: {cpu: 500m, memory: 1Gi}
scaling: {minReplicas: 2, maxReplicas: 2}
slo: {p95LatencyMs: 1000, errorRate: 0.02}
environments:
  dev: {context: sandbox, namespace: ${namespace}}
rollout:
  strategy: canary
  # Each step: the canary's share of the replicas, a pause (the sandbox counts a new pod's
  # requests from its first whole minute), then the analysis: a measurement every 30 s, 3 in all,
  # no failure allowed (Argo Rollouts' AnalysisRun semantics).
  steps:
    - {traffic: 50, pauseSeconds: 65}
    - {traffic: 100, pauseSeconds: 30}
  analysis: {interval: 30s, count: 3, failureLimit: 0, inconclusiveLimit: 1}
  tolerance: 0.1
`;
}

/** Writes <dir>/aiplatform.yaml (replacing an earlier demo's); returns its path. */
export async function writeCanaryDemo(dir: string): Promise<{ readonly manifest: string }> {
  await mkdir(dir, { recursive: true });
  const manifest = path.join(dir, "aiplatform.yaml");
  await writeFile(manifest, canaryDemoManifest());
  return { manifest };
}
