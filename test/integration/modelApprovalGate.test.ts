/**
 * The model-approved gate end to end: `aiplat check --live` and `aiplat deploy` with MLflow's own
 * variables (MLFLOW_TRACKING_URI) against the sandbox MLflow registry (the real HTTP wire, through
 * the product's client), and the sandbox cluster for the rest of --live. The expected verdicts
 * come from the demo registry (sandbox/mlflow/mlflowDemo.ts): llama3-70b-chat has champion → 3,
 * challenger → 4, tag approval=approved on v3 only; reranker-minilm is not registered.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSandboxCertificates } from "../../sandbox/certificates";
import { parseScenario } from "../../sandbox/scenario";
import { startSandboxMlflow, type SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { ExitCode } from "../../src/cli/aiplat";
import { runAiplat } from "../unit/cli/runAiplat";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: parseScenario("namespaces:\n  - metadata: {name: llm}\n") });
let mlflow: SandboxMlflow;
beforeAll(async () => {
  mlflow = await startSandboxMlflow();
});
afterAll(() => mlflow.stop());

const digest = `sha256:${"0f".repeat(32)}`;
/** Passes every other gate, so model-approved is the only finding. Line 6 is `model:`. */
const manifest = (model: string) => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: vllm-llama3-70b
runtime: vllm
image: vllm/vllm-openai@${digest}
model: ${model}
port: 8000
resources: {cpu: "4", memory: 32Gi}
probes: {readiness: {path: /health}, liveness: {path: /health}}
environments:
  prod: {context: sandbox, namespace: llm, production: true}
  gated: {context: sandbox, namespace: llm, modelApproval: {tag: approval=approved}}
  staged: {context: sandbox, namespace: llm, production: true, modelApproval: {stage: Production}}
`;

function write(model: string): void {
  writeFileSync(path.join(sandbox.dir, "aiplatform.yaml"), manifest(model));
}

const env = (extra: Record<string, string> = {}) => ({ KUBECONFIG: sandbox.kubeconfigFile, MLFLOW_TRACKING_URI: mlflow.trackingUri, ...extra });
const check = (model: string, ...args: string[]) => {
  write(model);
  return runAiplat(["check", "aiplatform.yaml", "--live", ...args], { cwd: sandbox.dir, env: env() });
};

describe("aiplat check --live reads the registry", () => {
  test("the challenger (v4) is blocked in production, pointing at model:, saying who holds champion", async () => {
    const r = await check('{registry: "models:/llama3-70b-chat", version: "4"}', "--env", "prod");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out.split("\n")).toEqual([
      "aiplatform.yaml:6:1 error model-approved: models:/llama3-70b-chat/4 is not approved for prod: it carries alias challenger, and approval needs alias champion (champion is version 3) [prod]  fix: deploy the approved version, approve this one in the registry (e.g. Set Alias… champion), or change environments.<env>.modelApproval",
      "aiplatform.yaml: 1 error, 0 warnings, 0 info (prod)",
      "",
    ]);
  });

  test("the champion (v3) passes", async () => {
    const r = await check('{registry: "models:/llama3-70b-chat", version: "3"}', "--env", "prod");
    expect(r).toEqual({ code: ExitCode.ok, out: "aiplatform.yaml: no findings (prod)\n", err: "" });
  });

  test("an alias reference is judged by the version it points at now", async () => {
    expect((await check('{registry: "models:/llama3-70b-chat@champion"}', "--env", "prod")).code).toBe(ExitCode.ok);
    const r = await check('{registry: "models:/llama3-70b-chat@challenger"}', "--env", "prod");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toContain("error model-approved: models:/llama3-70b-chat@challenger (version 4) is not approved for prod");
  });

  test("an environment's own criterion (a tag) is what counts there", async () => {
    expect((await check('{registry: "models:/llama3-70b-chat", version: "3"}', "--env", "gated")).code).toBe(ExitCode.ok);
    const r = await check('{registry: "models:/llama3-70b-chat", version: "4"}', "--env", "gated");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toContain("approval needs tag approval=approved");
  });

  test("a model the registry does not have is blocked", async () => {
    const r = await check('{registry: "models:/reranker-minilm", version: "2"}', "--env", "prod");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toContain(`error model-approved: models:/reranker-minilm/2 is not in the registry (${mlflow.url} has no registered model reranker-minilm)`);
  });

  test("a registry that drops every connection warns that approval was not checked, and does not fail the check", { timeout: 60_000 }, async () => {
    mlflow.faults.add({ kind: "drop", count: 50 });
    try {
      const r = await check('{registry: "models:/llama3-70b-chat", version: "4"}', "--env", "prod");
      expect(r.code).toBe(ExitCode.ok);
      expect(r.out).toMatch(/^aiplatform\.yaml:6:1 warning model-approved: could not check that models:\/llama3-70b-chat\/4 carries alias champion: /m);
    } finally {
      mlflow.faults.clear();
    }
  });

  test("without MLFLOW_TRACKING_URI it says it did not check (info) and how to connect", async () => {
    write('{registry: "models:/llama3-70b-chat", version: "4"}');
    const r = await runAiplat(["check", "aiplatform.yaml", "--live", "--env", "prod"], { cwd: sandbox.dir, env: { KUBECONFIG: sandbox.kubeconfigFile } });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toContain("info model-approved: not checked: no model registry connected; environment prod needs models:/llama3-70b-chat/4 to carry alias champion");
  });

  test("a check without --live stays offline", async () => {
    mlflow.requests.length = 0;
    write('{registry: "models:/llama3-70b-chat", version: "4"}');
    const r = await runAiplat(["check", "aiplatform.yaml", "--env", "prod"], { cwd: sandbox.dir, env: env() });
    expect(r.out).toContain("info model-approved: not checked");
    expect(mlflow.requests).toEqual([]);
  });
});

describe("aiplat deploy runs the same gate", () => {
  test("the challenger's production deploy is blocked before anything is sent to the cluster", async () => {
    write('{registry: "models:/llama3-70b-chat", version: "4"}');
    const r = await runAiplat(["deploy", "aiplatform.yaml", "--env", "prod", "--reason", "promote v4", "--confirm", "vllm-llama3-70b"], { cwd: sandbox.dir, env: env() });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out + r.err).toContain("error model-approved: models:/llama3-70b-chat/4 is not approved for prod");
    const live = await sandbox.kc.makeApiClient((await import("@kubernetes/client-node")).AppsV1Api).listNamespacedDeployment({ namespace: "llm" });
    expect(live.items.map((d) => d.metadata?.name)).toEqual([]);
  });

  test("a tracking URI that is set but unusable is refused, not skipped", async () => {
    write('{registry: "models:/llama3-70b-chat", version: "3"}');
    const r = await runAiplat(["deploy", "aiplatform.yaml", "--env", "prod", "--dry-run"], { cwd: sandbox.dir, env: env({ MLFLOW_TRACKING_URI: "ftp://registry.example" }) });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.out + r.err).toContain("model approval cannot be checked: MLFLOW_TRACKING_URI");
  });
});

describe("an Azure ML registry (no aliases), over HTTPS with its CA and an ARM token", () => {
  let azure: SandboxMlflow;
  beforeAll(async () => {
    azure = await startSandboxMlflow({ flavour: "azureml", tls: await createSandboxCertificates() });
    writeFileSync(path.join(sandbox.dir, "azure-ca.pem"), azure.caCert ?? "");
  });
  afterAll(() => azure.stop());

  const checkAzure = (model: string, envName: string) => {
    write(model);
    return runAiplat(["check", "aiplatform.yaml", "--live", "--env", envName], {
      cwd: sandbox.dir,
      env: { KUBECONFIG: sandbox.kubeconfigFile, MLFLOW_TRACKING_URI: azure.trackingUri, MLFLOW_TRACKING_TOKEN: "arm-token", MLFLOW_TRACKING_SERVER_CERT_PATH: "azure-ca.pem" },
    });
  };

  test("the default alias criterion cannot be met there: a warning that says why, not a block", async () => {
    const r = await checkAzure('{registry: "models:/llama3-70b-chat", version: "4"}', "prod");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toContain("warning model-approved: could not check that models:/llama3-70b-chat/4 carries alias champion: the registry");
    expect(r.out).toContain("has no aliases");
  });

  test("a stage criterion works there: Production v3 passes, Staging v4 is blocked", async () => {
    expect((await checkAzure('{registry: "models:/triton-ensemble", version: "3"}', "staged")).code).toBe(ExitCode.ok);
    const r = await checkAzure('{registry: "models:/triton-ensemble", version: "4"}', "staged");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toContain("error model-approved: models:/triton-ensemble/4 is not approved for staged: it carries stage Staging, and approval needs stage Production");
  });
});
