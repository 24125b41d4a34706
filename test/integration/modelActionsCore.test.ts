import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import { startSandboxMlflow, type SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { manifestModelReference } from "../../src/core/manifest/manifestModelReference";
import { parseManifest } from "../../src/core/manifest/parseManifest";
import { manifestRegistryField, setManifestModel } from "../../src/core/manifest/setManifestModel";
import { createMlflowRegistry } from "../../src/core/registry/mlflowRegistry";
import { checkModelAliasName } from "../../src/core/registry/modelAliasName";
import type { ModelRegistry, ModelVersion } from "../../src/core/registry/modelRegistry";
import { parseTrackingUri } from "../../src/core/registry/registryTarget";
import { comparisonText } from "../../src/core/registry/versionComparison";
import { versionStorageUri } from "../../src/core/registry/versionStorageUri";

/**
 * The core under the Models view's actions (Deploy This Version, Set Alias…, Compare with
 * Serving) against the sandbox registry through the real client: what a KServe manifest gets
 * written, which aliases the server refuses, and the run metrics a comparison shows.
 */

let sandbox: SandboxMlflow;
let registry: ModelRegistry;

beforeAll(async () => {
  sandbox = await startSandboxMlflow();
  const parsed = parseTrackingUri(sandbox.trackingUri);
  if (!parsed.ok) throw new Error(`the sandbox's tracking URI did not parse: ${JSON.stringify(parsed)}`);
  registry = createMlflowRegistry({ kind: parsed.kind, restBase: parsed.restBase, displayUrl: parsed.displayUrl, auth: { kind: "none" } });
});
afterAll(() => sandbox.stop());

const kserveManifest = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-xgboost
runtime: kserve
modelFormat: xgboost
model:
  storageUri: gs://old-bucket/fraud-xgboost/2  # before the registry
  version: "2"
environments:
  prod:
    context: aks-ml-prod
    namespace: fraud
    production: true
`;

describe("Deploy This Version for KServe", () => {
  it("fraud-xgboost v3 (registered from Azure Blob) becomes the storageUri, with the registry link beside it", async () => {
    const storage = await versionStorageUri(registry, mlflowDemo.fraud, "3", {});
    expect(storage).toEqual({ ok: true, storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3", downloadUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3" });
    if (!storage.ok) return;
    const edit = setManifestModel(kserveManifest, { kind: "storage", storageUri: storage.storageUri, registry: manifestRegistryField(mlflowDemo.fraud), version: "3" });
    if (!edit.ok) throw new Error(edit.detail);
    const parsed = parseManifest(edit.text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.manifest.model).toMatchObject({ storageUri: storage.storageUri, version: "3" });
    expect(manifestModelReference(parsed.manifest.model)).toEqual({ kind: "version", name: mlflowDemo.fraud, version: "3" });
    expect(edit.text).toContain("# before the registry");
  });

  it("an MLflow 3 version (source models:/m-…) resolves through get-download-uri; the proxied store needs its artifact root", async () => {
    const without = await versionStorageUri(registry, mlflowDemo.sentiment, "3", {});
    expect(without).toMatchObject({ ok: false, kind: "no-root" });
    const withRoot = await versionStorageUri(registry, mlflowDemo.sentiment, "3", { "mlflow-artifacts:/": mlflowDemo.artifactsDestination });
    expect(withRoot).toMatchObject({ ok: true, storageUri: `${mlflowDemo.artifactsDestination}/${mlflowDemo.experimentId}/models/${mlflowDemo.loggedModelId}/artifacts` });
  });

  it("a version the registry lacks comes back as the registry's own error", async () => {
    expect(await versionStorageUri(registry, mlflowDemo.fraud, "99", {})).toMatchObject({ ok: false, kind: "registry", failure: { kind: "api-error", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST" } });
  });
});

describe("Set Alias…", () => {
  it.each(["v3", "V10", "latest", "LATEST", "my alias", "champion.v2", "x".repeat(256)])("%s: refused before asking, and the server refuses it too", async (alias) => {
    expect(checkModelAliasName(alias)).toBeDefined();
    const r = await registry.setAlias(mlflowDemo.resnet, alias, "1");
    expect(r.ok ? "accepted" : r.failure).toMatchObject({ kind: "api-error", status: 400, errorCode: "INVALID_PARAMETER_VALUE" });
  });

  it.each(["challenger", "prod_2026-12"])("%s: accepted by both, and the version reads back through the alias", async (alias) => {
    expect(checkModelAliasName(alias)).toBeUndefined();
    expect((await registry.setAlias(mlflowDemo.resnet, alias, "1")).ok).toBe(true);
    const back = await registry.getModelVersionByAlias(mlflowDemo.resnet, alias);
    expect(back.ok && back.value.version).toBe("1");
  });
});

describe("Compare with Serving", () => {
  it("llama3-70b-chat v3 (champion) beside v4 (what serves): the runs' metrics and params line up", async () => {
    const [v3, v4] = await Promise.all([registry.getModelVersion(mlflowDemo.llama, "3"), registry.getModelVersion(mlflowDemo.llama, "4")]);
    if (!v3.ok || !v4.ok) throw new Error("the demo versions were not read");
    const runOf = async (v: ModelVersion) => {
      const run = v.runId && registry.getRun ? await registry.getRun(v.runId) : undefined;
      return run?.ok ? run.value : { unavailable: "not read" };
    };
    const serving = { version: v4.value, run: await runOf(v4.value), servedBy: ["Deployment llm-serving/vllm-llama3-70b"] };
    const candidate = { version: v3.value, run: await runOf(v3.value), servedBy: [] };
    const left = parseYaml(comparisonText(serving, candidate, "serving")) as { metrics: Record<string, unknown>; params: Record<string, unknown>; aliases: string[] };
    const right = parseYaml(comparisonText(candidate, serving, "candidate")) as typeof left;
    expect(Object.keys(left.metrics).sort()).toEqual(["accuracy", "eval_loss", "f1"]);
    expect(Object.keys(right.metrics)).toEqual(Object.keys(left.metrics));
    expect(Object.keys(left.params)).toEqual(Object.keys(right.params));
    expect(Object.values(left.metrics).every((m) => typeof m === "number")).toBe(true);
    expect([left.aliases, right.aliases]).toEqual([["challenger"], ["champion"]]);
  });
});
