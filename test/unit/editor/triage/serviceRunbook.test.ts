/**
 * Open Runbook's choice of file: the runbook.md beside the aiplatform.yaml a workload was deployed
 * from (the scaffold writes one there), trying the manifests that match in order; none when no
 * matching manifest has one, and the command then opens the built-in runbook. Real files in a
 * temporary workspace, so "exists" is the file system's answer.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ServiceManifest } from "../../../../src/core/manifest/serviceManifest";
import type { WorkspaceManifest } from "../../../../src/editor/drift/driftServiceOf";
import { serviceRunbookOf } from "../../../../src/editor/triage/serviceRunbook";

let ws: string;
const exists = async (file: string): Promise<boolean> => {
  const { stat } = await import("node:fs/promises");
  return stat(file).then(
    () => true,
    () => false,
  );
};

function manifest(dir: string, name: string, namespace: string, context: string): WorkspaceManifest {
  return {
    file: path.join(ws, dir, "aiplatform.yaml"),
    manifest: ServiceManifest.parse({
      apiVersion: "aiplatform.dev/v1",
      kind: "InferenceServiceManifest",
      name,
      runtime: "kserve",
      modelFormat: "xgboost",
      model: { storageUri: "s3://models/fraud/3", version: "3" },
      environments: { prod: { context, namespace } },
    }),
  };
}

beforeAll(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "runbook-"));
  for (const dir of ["fraud", "fraud-eu", "sentiment"]) await mkdir(path.join(ws, dir));
  await writeFile(path.join(ws, "fraud-eu", "runbook.md"), "# fraud-xgboost (EU) runbook\n");
  await writeFile(path.join(ws, "sentiment", "RUNBOOK.txt"), "not the runbook\n");
});
afterAll(() => rm(ws, { recursive: true, force: true }));

describe("the service's runbook", () => {
  test("the manifest deploying to this context and namespace has runbook.md beside it: that one", async () => {
    const manifests = [manifest("fraud", "fraud-xgboost", "kserve-models", "aks-prod"), manifest("fraud-eu", "fraud-xgboost", "kserve-models", "aks-eu")];
    expect(await serviceRunbookOf(manifests, { context: "aks-eu", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, exists)).toBe(path.join(ws, "fraud-eu", "runbook.md"));
  });

  test("the matching manifest has no runbook.md: none (the command opens the built-in one), not another service's", async () => {
    const manifests = [manifest("fraud", "fraud-xgboost", "kserve-models", "aks-prod"), manifest("fraud-eu", "fraud-xgboost", "kserve-models", "aks-eu")];
    expect(await serviceRunbookOf(manifests, { context: "aks-prod", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, exists)).toBeUndefined();
    expect(await serviceRunbookOf([manifest("sentiment", "sentiment", "onnx-api", "aks-prod")], { context: "aks-prod", namespace: "onnx-api", name: "sentiment", labels: undefined }, exists)).toBeUndefined();
  });

  test("a kube context no manifest names (a local kubeconfig's own name) still finds it by namespace", async () => {
    const manifests = [manifest("fraud-eu", "fraud-xgboost", "kserve-models", "aks-eu")];
    expect(await serviceRunbookOf(manifests, { context: "my-laptop", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, exists)).toBe(path.join(ws, "fraud-eu", "runbook.md"));
  });
});
