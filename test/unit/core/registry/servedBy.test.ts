/**
 * Served-by: what the cluster's workloads name, joined with what the registry holds. The
 * workloads are what our own render writes for real manifests (so what render writes is what
 * served-by reads), plus older shapes: a MODEL_URI env with the version annotation, and KServe
 * storage URIs matched against versions' sources.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import type { InferenceService } from "../../../../src/core/kube/objects/inferenceService";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { WorkloadIndex } from "../../../../src/core/kube/workloads/workloadIndex";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import { ServiceManifest, type ServiceManifestInput } from "../../../../src/core/manifest/serviceManifest";
import type { ModelVersion, RegisteredModel } from "../../../../src/core/registry/modelRegistry";
import {
  normalizeArtifactUri,
  RegistrySnapshotBuilder,
  resolveServedBy,
  servingReferences,
  versionKey,
  type ServedBy,
} from "../../../../src/core/registry/servedBy";
import { deployment, inferenceService } from "../kube/kubeObjects";

function rendered(name: string, overrides: Partial<ServiceManifestInput>): KubeObject {
  const m = ServiceManifest.parse({
    apiVersion: "aiplatform.dev/v1",
    kind: "InferenceServiceManifest",
    name,
    runtime: "vllm",
    image: "vllm/vllm-openai:v0.6.3",
    model: { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
    environments: { prod: { context: "aks", namespace: "ml", production: true } },
    ...overrides,
  });
  const r = renderKubernetesObjects(m, "prod");
  if (!r.ok) throw new Error(r.error);
  const workload = r.objects.find((o) => o.kind === "Deployment" || o.kind === "InferenceService");
  if (!workload) throw new Error("no workload");
  return workload;
}

function indexOf(objects: readonly (KubeObject | V1Deployment | InferenceService)[]): WorkloadIndex {
  const index = new WorkloadIndex({ showAllDeployments: false, now: () => Date.parse("2025-06-01T12:00:00Z") });
  index.applyDeployments(objects.filter((o) => o.kind === "Deployment").map((object) => ({ type: "added" as const, object: object as V1Deployment })));
  index.applyInferenceServices(objects.filter((o) => o.kind === "InferenceService").map((object) => ({ type: "added" as const, object: object as InferenceService })));
  return index;
}

const version = (name: string, v: string, extra: Partial<ModelVersion> = {}): ModelVersion => ({ name, version: v, tags: [], aliases: [], currentStage: "None", status: "READY", ...extra });
const model = (name: string, latest: readonly ModelVersion[], aliases: Record<string, string> = {}): RegisteredModel => ({
  name,
  latestVersions: latest,
  tags: [],
  aliases: Object.entries(aliases).map(([alias, v]) => ({ alias, version: v })),
});

/** The demo registry's shape: llama3 v1..v4 with champion 3 and challenger 4; fraud-xgboost with a blob source. */
function demoRegistry(): RegistrySnapshotBuilder {
  const b = new RegistrySnapshotBuilder();
  b.addModels([
    model("llama3-70b-chat", [version("llama3-70b-chat", "4"), version("llama3-70b-chat", "2", { currentStage: "Production" })], { champion: "3", challenger: "4" }),
    model("fraud-xgboost", [version("fraud-xgboost", "3")], { champion: "3" }),
    model("sklearn-iris", [version("sklearn-iris", "1", { source: "gs://kfserving-examples/models/sklearn/1.0/model" })]),
    model("team/fraud detector", [version("team/fraud detector", "2")]),
  ]);
  b.addVersions(
    "fraud-xgboost",
    ["1", "2", "3"].map((v) => version("fraud-xgboost", v, { source: `https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/${v}` })),
    { complete: true },
  );
  return b;
}

function resolve(objects: readonly (KubeObject | V1Deployment | InferenceService)[], b = demoRegistry()): ServedBy {
  return resolveServedBy(servingReferences(indexOf(objects)), b.snapshot());
}

const ids = (list: readonly { id: string }[] | undefined): string[] => (list ?? []).map((w) => w.id).sort();

describe("what render writes, served-by reads", () => {
  test("a registry version and an alias resolve to the version they name", () => {
    const served = resolve([
      rendered("chat-v4", { model: { registry: "models:/llama3-70b-chat", version: "4" } }),
      rendered("chat-champion", { model: { registry: "models:/llama3-70b-chat@champion" } }),
    ]);
    expect(ids(served.byVersion.get(versionKey("llama3-70b-chat", "4")))).toEqual(["Deployment/ml/chat-v4"]);
    expect(ids(served.byVersion.get(versionKey("llama3-70b-chat", "3")))).toEqual(["Deployment/ml/chat-champion"]);
    expect(served.byModel.get("llama3-70b-chat")).toBe(2);
    expect(served.byWorkload.get("Deployment/ml/chat-champion")).toEqual({ kind: "resolved", name: "llama3-70b-chat", version: "3" });
    expect(served.unregistered).toEqual([]);
  });

  test("the reference comes from the annotation on the workload", () => {
    const [w] = servingReferences(indexOf([rendered("chat", { model: { registry: "models:/llama3-70b-chat", version: "4" } })]));
    expect(w).toMatchObject({ id: "Deployment/ml/chat", via: "annotation", reference: { kind: "version", name: "llama3-70b-chat", version: "4" } });
  });

  test("a name with a slash and a space survives render and resolves", () => {
    const served = resolve([rendered("fraud", { model: { registry: "models:/team%2Ffraud%20detector", version: "2" } })]);
    expect(ids(served.byVersion.get(versionKey("team/fraud detector", "2")))).toEqual(["Deployment/ml/fraud"]);
  });

  test("KServe with a registry link resolves through the annotation, and keeps the storageUri it loads", () => {
    const isvc = rendered("fraud-xgboost", {
      runtime: "kserve",
      image: undefined,
      modelFormat: "xgboost",
      model: { storageUri: "gs://elsewhere/fraud/3", registry: "models:/fraud-xgboost", version: "3" },
    });
    const [w] = servingReferences(indexOf([isvc]));
    expect(w).toMatchObject({ kind: "InferenceService", via: "annotation", storageUri: "gs://elsewhere/fraud/3" });
    expect(ids(resolve([isvc]).byVersion.get(versionKey("fraud-xgboost", "3")))).toEqual(["InferenceService/ml/fraud-xgboost"]);
  });
});

describe("older and hand-written workloads", () => {
  test("MODEL_URI=models:/<name> with the ai-platform/model-version annotation (render before the aiplatform.dev/model annotation)", () => {
    const d = deployment("ranker", {
      labels: { "ai-platform/service": "ranker" },
      templateAnnotations: { "ai-platform/model-version": "2" },
      containers: [{ name: "server", image: "registry.example.com/ranker:1", env: [{ name: "MODEL_URI", value: "models:/llama3-70b-chat" }] }],
    });
    const [w] = servingReferences(indexOf([d]));
    expect(w).toMatchObject({ via: "model-uri", reference: { kind: "version", name: "llama3-70b-chat", version: "2" } });
    expect(ids(resolve([d]).byVersion.get(versionKey("llama3-70b-chat", "2")))).toEqual(["Deployment/ml/ranker"]);
  });

  test("an InferenceService's storageUri matches a version's source despite a trailing slash and the host's case", () => {
    const isvc = inferenceService("iris", { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://kfserving-examples/models/sklearn/1.0/model/" } } });
    const blob = inferenceService("fraud", { predictor: { model: { modelFormat: { name: "xgboost" }, storageUri: "https://AIPlatformModels.blob.core.windows.net/models/fraud-xgboost/2?sv=2024-01-01&sig=abc" } } });
    const served = resolve([isvc, blob]);
    expect(ids(served.byVersion.get(versionKey("sklearn-iris", "1")))).toEqual(["InferenceService/ml/iris"]);
    expect(ids(served.byVersion.get(versionKey("fraud-xgboost", "2")))).toEqual(["InferenceService/ml/fraud"]);
  });

  test("a custom predictor container's STORAGE_URI counts like model.storageUri", () => {
    const isvc = inferenceService("iris", { predictor: { containers: [{ name: "kserve-container", image: "x:1", env: [{ name: "STORAGE_URI", value: "gs://kfserving-examples/models/sklearn/1.0/model" }] }] as never } });
    expect(resolve([isvc]).byWorkload.get("InferenceService/ml/iris")).toEqual({ kind: "resolved", name: "sklearn-iris", version: "1" });
  });

  test("an MLflow 3 logged model (models:/m-<id>) resolves through the version registered from it", () => {
    const b = demoRegistry();
    b.addVersions("llama3-70b-chat", [version("llama3-70b-chat", "5", { source: "models:/m-0f3a2b9c" })]);
    const d = deployment("m3", { annotations: { "aiplatform.dev/model": "models:/m-0f3a2b9c" }, labels: { "ai-platform/service": "m3" } });
    expect(resolve([d], b).byWorkload.get("Deployment/ml/m3")).toEqual({ kind: "resolved", name: "llama3-70b-chat", version: "5" });
  });

  test("a download URI mapped to storage (an artifact root) matches the bucket an InferenceService loads", () => {
    const b = new RegistrySnapshotBuilder({ storageUriOf: (u) => (u.startsWith("mlflow-artifacts:/") ? `s3://mlartifacts/${u.slice("mlflow-artifacts:/".length)}` : undefined) });
    b.addModels([model("churn", [version("churn", "7", { source: "models:/m-77" })])]);
    b.addDownloadUri("churn", "7", "mlflow-artifacts:/1/models/m-77/artifacts");
    const isvc = inferenceService("churn", { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://mlartifacts/1/models/m-77/artifacts/" } } });
    expect(resolve([isvc], b).byWorkload.get("InferenceService/ml/churn")).toEqual({ kind: "resolved", name: "churn", version: "7" });
  });
});

describe("serving, not in the registry", () => {
  test("each reason is told apart", () => {
    const served = resolve([
      rendered("reranker", { model: { registry: "models:/reranker-minilm", version: "2" } }),
      rendered("chat-v9", { model: { registry: "models:/llama3-70b-chat", version: "9" } }),
      rendered("chat-canary", { model: { registry: "models:/llama3-70b-chat@canary" } }),
      rendered("fraud-v7", { model: { registry: "models:/fraud-xgboost", version: "7" } }),
      rendered("hf", {}),
    ]);
    const reasons = Object.fromEntries(served.unregistered.map((u) => [u.workload.name, u.reason]));
    expect(reasons).toEqual({
      reranker: { kind: "no-such-model", name: "reranker-minilm" },
      // Above the highest READY version the registry lists, before the versions were listed.
      "chat-v9": { kind: "no-such-version", name: "llama3-70b-chat", version: "9" },
      "chat-canary": { kind: "no-such-alias", name: "llama3-70b-chat", alias: "canary" },
      // fraud-xgboost's versions were listed in full: 7 is not among them.
      "fraud-v7": { kind: "no-such-version", name: "fraud-xgboost", version: "7" },
      // Our render writes no annotation for a bare storage URI; the MODEL_URI env names the artefact.
      hf: { kind: "no-matching-source", uri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
    });
    expect(served.byVersion.size).toBe(0);
  });

  test("until a model's versions are listed, a version at or below its latest is trusted", () => {
    const served = resolve([rendered("chat-v1", { model: { registry: "models:/llama3-70b-chat", version: "1" } })]);
    expect(served.byWorkload.get("Deployment/ml/chat-v1")).toEqual({ kind: "resolved", name: "llama3-70b-chat", version: "1" });
  });

  test("a Deployment that names no model is unknown, not a finding", () => {
    const d = deployment("gpu-job", { labels: { "ai-platform/service": "gpu-job" } });
    const served = resolve([d]);
    expect(ids(served.unknown)).toEqual(["Deployment/ml/gpu-job"]);
    expect(served.unregistered).toEqual([]);
  });

  test("an alias on a registry without aliases (Azure ML) is neither served nor a finding", () => {
    const b = new RegistrySnapshotBuilder();
    b.addModels([model("llama3-70b-chat", [version("llama3-70b-chat", "4")])], { aliasesSupported: false });
    const served = resolve([rendered("chat", { model: { registry: "models:/llama3-70b-chat@champion" } })], b);
    expect(served.byWorkload.get("Deployment/ml/chat")).toEqual({ kind: "unjudged", name: "llama3-70b-chat", alias: "champion" });
    expect(served.unregistered).toEqual([]);
  });
});

describe("RegistrySnapshotBuilder", () => {
  test("stages resolve from latest_versions, without case, as MLflow's models:/<name>/<stage> does", () => {
    const d = deployment("legacy", { annotations: { "aiplatform.dev/model": "models:/llama3-70b-chat/production" }, labels: { "ai-platform/service": "legacy" } });
    expect(resolve([d]).byWorkload.get("Deployment/ml/legacy")).toEqual({ kind: "resolved", name: "llama3-70b-chat", version: "2" });
  });

  test("pages of versions land one by one; only the last (complete) makes a missing version a finding", () => {
    const b = new RegistrySnapshotBuilder();
    b.addModels([model("m", [version("m", "30")])]);
    const served = () => resolve([rendered("svc", { model: { registry: "models:/m", version: "12" } })], b).byWorkload.get("Deployment/ml/svc")?.kind;
    b.addVersions("m", [version("m", "30"), version("m", "29")]);
    expect(served()).toBe("resolved");
    b.addVersions("m", [version("m", "11")], { complete: true });
    expect(served()).toBe("unregistered");
  });

  test("a model that goes leaves no source behind", () => {
    const b = demoRegistry();
    b.removeModel("sklearn-iris");
    expect([...b.snapshot().sourceIndex.values()].some((v) => v.name === "sklearn-iris")).toBe(false);
    const isvc = inferenceService("iris", { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" } } });
    expect(resolve([isvc], b).unregistered.map((u) => u.reason.kind)).toEqual(["no-matching-source"]);
  });

  test("the same artefact registered twice names the newer version", () => {
    const b = new RegistrySnapshotBuilder();
    b.addVersions("m", [version("m", "10", { source: "s3://b/m" }), version("m", "9", { source: "s3://b/m" })]);
    expect(b.snapshot().sourceIndex.get("s3://b/m")).toEqual({ name: "m", version: "10" });
  });
});

describe("normalizeArtifactUri", () => {
  test.each([
    ["gs://Bucket/models/x/", "gs://bucket/models/x"],
    ["S3://b/x//", "s3://b/x"],
    ["https://Acct.blob.core.windows.net/c/Path/?sv=1&sig=2", "https://acct.blob.core.windows.net/c/Path"],
    ["models:/m-0123", "models:/m-0123"],
    ["mlflow-artifacts:/1/abc/artifacts/", "mlflow-artifacts:/1/abc/artifacts"],
    ["/mnt/pvc/model/", "/mnt/pvc/model"],
  ])("%s → %s", (uri, expected) => {
    expect(normalizeArtifactUri(uri)).toBe(expected);
  });
});
