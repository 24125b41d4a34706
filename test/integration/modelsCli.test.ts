/**
 * `aiplat models` in-process against the sandbox's demo cluster and the sandbox MLflow registry
 * with its demo seed, through the real registry client and the real Kubernetes client. Expected
 * values are the demo's stated facts (sandbox/scenarios/demo.yaml's aiplatform.dev/model
 * annotations and storage URIs, and the registry the issue-12 plan specifies: llama3-70b-chat v4 is
 * the challenger, reranker-minilm is not registered, fraud-xgboost v3's source is the ISVC's blob
 * URL), not read back from the store.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import { startSandboxMlflow, type SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { ExitCode } from "../../src/cli/aiplat";
import type { ModelListRow, ServedRow, VersionRow } from "../../src/cli/modelsOutput";
import { runAiplat } from "../unit/cli/runAiplat";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox();
let mlflow: SandboxMlflow;

beforeAll(async () => {
  mlflow = await startSandboxMlflow();
});

afterAll(async () => {
  await mlflow?.stop();
});

const env = (extra: Record<string, string> = {}): Record<string, string> => ({ KUBECONFIG: sandbox.kubeconfigFile, MLFLOW_TRACKING_URI: mlflow.trackingUri, ...extra });

interface ServedReport {
  context: string;
  registry: string;
  workloads: ServedRow[];
}

const byName = (rows: readonly ServedRow[]): Record<string, ServedRow> => Object.fromEntries(rows.map((r) => [`${r.namespace}/${r.name}`, r]));

describe("aiplat models served", () => {
  test("says which registered version each workload serves, whether it is approved, and fails on the one the registry lacks", async () => {
    const r = await runAiplat(["models", "served", "-o", "json"], { env: env() });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe("aiplat: 1 workload serves a model the registry does not have: onnx-api/reranker-onnx\n");
    const report = JSON.parse(r.out) as ServedReport;
    expect(report.registry).toBe(mlflow.trackingUri);
    const rows = byName(report.workloads);
    const pick = (id: string) => {
      const row = rows[id];
      return row && { model: row.model, version: row.version, inRegistry: row.inRegistry, approved: row.approved, via: row.via };
    };
    expect(pick("llm-serving/vllm-llama3-70b")).toEqual({ model: "llama3-70b-chat", version: "4", inRegistry: true, approved: false, via: "annotation" });
    expect(pick("llm-serving/vllm-mixtral-8x7b")).toEqual({ model: "mixtral-8x7b-instruct", version: "1", inRegistry: true, approved: true, via: "annotation" });
    expect(pick("triton/triton-ensemble")).toEqual({ model: "triton-ensemble", version: "3", inRegistry: true, approved: true, via: "annotation" });
    expect(pick("triton/resnet50-mig")).toEqual({ model: "resnet50", version: "2", inRegistry: true, approved: true, via: "annotation" });
    expect(pick("onnx-api/fastapi-onnx-sentiment")).toEqual({ model: "sentiment-distilbert", version: "2", inRegistry: true, approved: true, via: "annotation" });
    expect(pick("onnx-api/bert-classifier")).toEqual({ model: "bert-classifier", version: "5", inRegistry: true, approved: true, via: "annotation" });
    expect(pick("onnx-api/reranker-onnx")).toMatchObject({ model: "reranker-minilm", inRegistry: false, approved: null });
    expect(rows["onnx-api/reranker-onnx"]?.missing).toEqual({ kind: "no-such-model", name: "reranker-minilm" });
    // KServe cannot load models:/ URIs; these are matched by the version whose source is their storageUri.
    expect(pick("kserve-models/sklearn-iris")).toEqual({ model: "sklearn-iris", version: "1", inRegistry: true, approved: true, via: "storage-uri" });
    expect(pick("kserve-models/fraud-xgboost")).toEqual({ model: "fraud-xgboost", version: "3", inRegistry: true, approved: true, via: "storage-uri" });
    expect(rows["kserve-models/fraud-xgboost"]?.kind).toBe("InferenceService");
    expect(rows["kserve-models/fraud-xgboost"]?.reference).toBe("https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3");
  });

  test("the table names the unregistered workload under its own heading", async () => {
    const r = await runAiplat(["models", "served", "--namespace", "onnx-api"], { env: env() });
    expect(r.code).toBe(ExitCode.failed);
    const lines = r.out.split("\n");
    expect(lines[0]).toMatch(/^WORKLOAD\s+HEALTH\s+MODEL\s+APPROVED\s+REFERENCE$/);
    expect(lines.find((l) => l.startsWith("onnx-api/bert-classifier "))).toMatch(/bert-classifier v5\s+yes\s+models:\/bert-classifier\/5$/);
    expect(lines.find((l) => l.startsWith("onnx-api/reranker-onnx "))).toMatch(/NOT IN REGISTRY\s+models:\/reranker-minilm\/2$/);
    expect(r.out).toContain("approved: alias champion\n");
    expect(r.out).toContain("serving, not in the registry (1):\n  onnx-api/reranker-onnx: models:/reranker-minilm/2 (from annotation): no registered model named reranker-minilm\n");
    // --namespace keeps to that namespace.
    expect(lines.filter((l) => /^[a-z-]+\//.test(l)).every((l) => l.startsWith("onnx-api/"))).toBe(true);
  });

  test("approval follows the criteria given: the stage Production approves triton-ensemble v3, not the champions elsewhere", async () => {
    const r = await runAiplat(["models", "served", "-o", "json", "--approval-stage", "Production"], { env: env() });
    const rows = byName((JSON.parse(r.out) as ServedReport).workloads);
    expect(rows["triton/triton-ensemble"]?.approved).toBe(true);
    expect(rows["llm-serving/vllm-mixtral-8x7b"]?.approved).toBe(false);
    expect(rows["llm-serving/vllm-llama3-70b"]?.approved).toBe(false);
  });

  test("a namespace with only registered models exits 0", async () => {
    const r = await runAiplat(["models", "served", "--namespace", "kserve-models"], { env: env() });
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);
  });
});

describe("aiplat models list", () => {
  test("prints every registered model with its latest version, aliases and served-by count", async () => {
    const r = await runAiplat(["models", "list", "-o", "json"], { env: env() });
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);
    const rows = Object.fromEntries((JSON.parse(r.out) as ModelListRow[]).map((m) => [m.name, m]));
    expect(Object.keys(rows).sort()).toEqual(
      ["bert-classifier", "customer churn", "fraud-xgboost", "llama3-70b-chat", "mixtral-8x7b-instruct", "partner's-forecast", "resnet50", "sentiment-distilbert", "sklearn-iris", "triton-ensemble", "vision/yolov8-detector", "übersetzer-de-en-説明"].sort(),
    );
    expect(rows["llama3-70b-chat"]).toMatchObject({ latestVersion: "4", aliases: { champion: "3", challenger: "4" }, servedBy: 1 });
    // The highest version, as MLflow's UI shows it, even though v2's registration failed.
    expect(rows["mixtral-8x7b-instruct"]).toMatchObject({ latestVersion: "2", servedBy: 1 });
    expect(rows["fraud-xgboost"]).toMatchObject({ latestVersion: "3", servedBy: 1 });
    expect(rows["customer churn"]).toMatchObject({ latestVersion: "2", aliases: { champion: "2" }, servedBy: 0 });
    expect(rows["llama3-70b-chat"]?.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test("finds names with a quote and with non-ASCII letters", async () => {
    const quoted = await runAiplat(["models", "list", "-o", "json", "--filter", "partner's", "--no-served-by"], { env: env() });
    expect((JSON.parse(quoted.out) as ModelListRow[]).map((m) => m.name)).toEqual(["partner's-forecast"]);
    const unicode = await runAiplat(["models", "list", "-o", "json", "--filter", "説明", "--no-served-by"], { env: env() });
    expect((JSON.parse(unicode.out) as ModelListRow[]).map((m) => m.name)).toEqual(["übersetzer-de-en-説明"]);
  });

  test("a cluster that refuses the token costs the counts, with a warning, not the list", async () => {
    const kubeconfig = path.join(sandbox.dir, "wrong-token");
    writeFileSync(kubeconfig, sandbox.server.kubeconfig({ token: "not-a-token" }));
    const r = await runAiplat(["models", "list", "-o", "json"], { env: env({ KUBECONFIG: kubeconfig }) });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toMatch(/^aiplat: warning: no served-by counts: may not list Deployments, ReplicaSets, pods and InferenceServices in all namespaces of \S+ .*ask for the 'view' role, or pass --namespace\n$/);
    const rows = JSON.parse(r.out) as ModelListRow[];
    expect(rows).toHaveLength(12);
    expect(rows.every((m) => m.servedBy === undefined)).toBe(true);
  });

  test("without a kubeconfig there are no served-by counts, and no complaint", async () => {
    const r = await runAiplat(["models", "list", "-o", "json"], { env: env({ KUBECONFIG: path.join(sandbox.dir, "missing") }) });
    expect(r.err).toBe("");
    expect((JSON.parse(r.out) as ModelListRow[]).every((m) => m.servedBy === undefined)).toBe(true);
  });
});

describe("aiplat models versions", () => {
  test("every version newest first, for names with a slash, and MLflow 3 sources as registered", async () => {
    const slashed = await runAiplat(["models", "versions", "vision/yolov8-detector", "-o", "json"], { env: env() });
    expect(slashed.err).toBe("");
    expect((JSON.parse(slashed.out) as VersionRow[]).map((v) => v.version)).toEqual(["1"]);
    const sentiment = JSON.parse((await runAiplat(["models", "versions", "sentiment-distilbert", "-o", "json"], { env: env() })).out) as VersionRow[];
    expect(sentiment.map((v) => [v.version, v.aliases])).toEqual([
      ["3", ["challenger"]],
      ["2", ["champion"]],
      ["1", []],
    ]);
    expect(sentiment[0]?.source).toBe("models:/m-7f3c2a9e5d1b4c8fa6e2d0b9c4a7e1f3");
  });

  test("the deprecated stages show in the table", async () => {
    const r = await runAiplat(["models", "versions", "triton-ensemble"], { env: env() });
    const stages = r.out
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((l) => /^(\d+)\s+(?:champion\s+)?(Production|Staging|Archived)?/.exec(l)?.slice(1, 3));
    expect(stages).toEqual([
      ["4", "Staging"],
      ["3", "Production"],
      ["2", "Archived"],
      ["1", "Archived"],
    ]);
  });
});

describe("a registry in trouble", () => {
  test("one that keeps answering 503 while served reads it: exit 1, nothing on stdout, the registry named", async () => {
    mlflow.faults.add({ kind: "status", status: 503, count: 20, match: "model-versions/search", body: { error_code: "TEMPORARILY_UNAVAILABLE", message: "The server is overloaded" } });
    try {
      const r = await runAiplat(["models", "served"], { env: env() });
      expect(r.code).toBe(ExitCode.failed);
      expect(r.out).toBe("");
      expect(r.err).toBe(`aiplat: error: the MLflow registry at ${mlflow.trackingUri} answered 503 TEMPORARILY_UNAVAILABLE: The server is overloaded\n`);
    } finally {
      mlflow.faults.clear();
    }
  }, 60_000);
});

describe("registries that differ", () => {
  test("Basic auth: refused without the credentials, answered with them", async () => {
    const guarded = await startSandboxMlflow({ auth: { kind: "basic", username: "ci", password: "pa55-w0rd-ci" } });
    try {
      const refused = await runAiplat(["models", "list", "--no-served-by"], { env: { MLFLOW_TRACKING_URI: guarded.trackingUri } });
      expect(refused.code).toBe(ExitCode.failed);
      expect(refused.err).toContain("refused the credentials (401)");
      const answered = await runAiplat(["models", "list", "--no-served-by", "-o", "json"], { env: { MLFLOW_TRACKING_URI: guarded.trackingUri, MLFLOW_TRACKING_USERNAME: "ci", MLFLOW_TRACKING_PASSWORD: "pa55-w0rd-ci" } });
      expect(answered.code).toBe(ExitCode.ok);
      expect((JSON.parse(answered.out) as unknown[]).length).toBe(12);
    } finally {
      await guarded.stop();
    }
  });

  test("Azure ML over https: the name search still works, with a note that aiplat matched the names", async () => {
    const azure = await startSandboxMlflow({ flavour: "azureml", tls: sandbox.server.tlsCertificates });
    try {
      const ca = path.join(sandbox.dir, "mlflow-ca.pem");
      writeFileSync(ca, sandbox.server.tlsCertificates.caCert);
      const r = await runAiplat(["models", "list", "--filter", "llama", "--no-served-by", "-o", "json"], {
        env: { MLFLOW_TRACKING_URI: azure.trackingUri, MLFLOW_TRACKING_TOKEN: "arm-token", MLFLOW_TRACKING_SERVER_CERT_PATH: ca },
      });
      expect(r.code).toBe(ExitCode.ok);
      expect((JSON.parse(r.out) as ModelListRow[]).map((m) => m.name)).toEqual(["llama3-70b-chat"]);
      expect(r.err).toMatch(/^aiplat: note: .*LIKE/m);
    } finally {
      await azure.stop();
    }
  });
});

describe("a workload that names an alias", () => {
  const namespace = "alias-refs";
  /** A Deployment of ours (the ai-platform/service label) serving whatever the registry's champion is. */
  async function withChampionDeployment(run: () => Promise<void>): Promise<void> {
    const apps = sandbox.kc.makeApiClient(AppsV1Api);
    await sandbox.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "chat", labels: { "ai-platform/service": "chat" }, annotations: { "aiplatform.dev/model": "models:/llama3-70b-chat@champion" } },
        spec: { replicas: 1, selector: { matchLabels: { app: "chat" } }, template: { metadata: { labels: { app: "chat" } }, spec: { containers: [{ name: "app", image: "vllm/vllm-openai:v0.6.3" }] } } },
      },
    });
    try {
      await run();
    } finally {
      await apps.deleteNamespacedDeployment({ namespace, name: "chat" });
    }
  }

  test("MLflow: it serves the version the alias points at (llama3-70b-chat's champion is v3)", async () => {
    await withChampionDeployment(async () => {
      const r = await runAiplat(["models", "served", "-o", "json", "--namespace", namespace], { env: env() });
      expect(r.code).toBe(ExitCode.ok);
      expect((JSON.parse(r.out) as ServedReport).workloads.map((w) => [w.name, w.model, w.version, w.alias, w.inRegistry, w.approved])).toEqual([["chat", "llama3-70b-chat", "3", "champion", true, true]]);
    });
  });

  test("Azure ML has no aliases: the reference is neither served nor a finding, and a note says why", async () => {
    const azure = await startSandboxMlflow({ flavour: "azureml", tls: sandbox.server.tlsCertificates });
    try {
      const ca = path.join(sandbox.dir, "mlflow-ca.pem");
      writeFileSync(ca, sandbox.server.tlsCertificates.caCert);
      await withChampionDeployment(async () => {
        const r = await runAiplat(["models", "served", "-o", "json", "--namespace", namespace], { env: env({ MLFLOW_TRACKING_URI: azure.trackingUri, MLFLOW_TRACKING_TOKEN: "arm-token", MLFLOW_TRACKING_SERVER_CERT_PATH: ca }) });
        expect(r.code).toBe(ExitCode.ok);
        expect(r.err).toMatch(/^aiplat: note: .*alias/m);
        expect((JSON.parse(r.out) as ServedReport).workloads.map((w) => [w.name, w.model, w.version, w.inRegistry, w.approved])).toEqual([["chat", "llama3-70b-chat", null, null, null]]);
      });
    } finally {
      await azure.stop();
    }
  });
});

describe("a KServe service loading an MLflow 3 version from the artifact store's bucket", () => {
  const namespace = "mlflow3-kserve";
  const group = { group: "serving.kserve.io", version: "v1beta1", namespace, plural: "inferenceservices" };

  test("matches its version through --artifact-root, as the view does through artifactRoots, and is a finding without it", async () => {
    // What the registry itself says: v3's source is a logged model, its artefacts are in the proxied store.
    const res = await fetch(`${mlflow.url}/api/2.0/mlflow/model-versions/get-download-uri?name=${mlflowDemo.sentiment}&version=3`);
    const artifactUri = ((await res.json()) as { artifact_uri: string }).artifact_uri;
    expect(artifactUri).toMatch(/^mlflow-artifacts:\//);
    // KServe cannot load mlflow-artifacts:/, so the service names the bucket the server proxies.
    const storageUri = `${mlflowDemo.artifactsDestination}/${artifactUri.replace(/^mlflow-artifacts:\/+/, "")}`;
    await sandbox.kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
    const custom = sandbox.kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      ...group,
      body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "sentiment", labels: { "ai-platform/service": "sentiment" } }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri } } } },
    });
    try {
      const without = await runAiplat(["models", "served", "-o", "json", "--namespace", namespace], { env: env() });
      expect(without.code).toBe(ExitCode.failed);
      expect(byName((JSON.parse(without.out) as ServedReport).workloads)[`${namespace}/sentiment`]).toMatchObject({ inRegistry: false, missing: { kind: "no-matching-source" } });

      const withRoot = await runAiplat(["models", "served", "-o", "json", "--namespace", namespace, "--artifact-root", `mlflow-artifacts:/=${mlflowDemo.artifactsDestination}`], { env: env() });
      expect(withRoot.code).toBe(ExitCode.ok);
      expect(byName((JSON.parse(withRoot.out) as ServedReport).workloads)[`${namespace}/sentiment`]).toMatchObject({ model: mlflowDemo.sentiment, version: "3", inRegistry: true, via: "storage-uri" });

      const bad = await runAiplat(["models", "served", "--artifact-root", "s3://bucket-without-prefix"], { env: env() });
      expect(bad.code).toBe(ExitCode.environment);
      expect(bad.err).toContain("--artifact-root: expected PREFIX=ROOT");
    } finally {
      await custom.deleteNamespacedCustomObject({ ...group, name: "sentiment" });
    }
  });
});
