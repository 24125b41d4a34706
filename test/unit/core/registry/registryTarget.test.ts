import type { TokenCredential } from "@azure/core-auth";
import { describe, expect, it } from "vitest";
import { parseTrackingUri, registryTargetFromEnv } from "../../../../src/core/registry/registryTarget";

const workspace = "/mlflow/v1.0/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws";
const noFile = (p: string): Promise<string> => Promise.reject(new Error(`ENOENT: no such file or directory, open '${p}'`));

describe("parseTrackingUri", () => {
  it.each([
    ["http://localhost:5000", "http://localhost:5000/", "http://localhost:5000"],
    ["https://mlflow.corp.example/", "https://mlflow.corp.example/", "https://mlflow.corp.example"],
    // A server behind a path prefix (--static-prefix, an ingress path) keeps it.
    ["https://corp.example/mlflow?x=1#top", "https://corp.example/mlflow/", "https://corp.example/mlflow"],
  ])("%s → REST base %s", (uri, base, display) => {
    const parsed = parseTrackingUri(uri);
    expect(parsed).toMatchObject({ ok: true, kind: "mlflow", displayUrl: display });
    if (parsed.ok) {
      expect(parsed.restBase.href).toBe(base);
      // The client appends MLflow's path to the base.
      expect(new URL("api/2.0/mlflow/registered-models/search", parsed.restBase).href).toBe(`${base}api/2.0/mlflow/registered-models/search`);
    }
  });

  it("maps an Azure ML workspace URI to its https base, dropping the trailing ? that job JSON carries", () => {
    const parsed = parseTrackingUri(`azureml://eastus.api.azureml.ms${workspace}?`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.kind).toBe("azureml");
    // The example of Azure's "using MLflow REST API" notebook: replace azureml with https, append api/2.0/mlflow.
    expect(new URL("api/2.0/mlflow/registered-models/search", parsed.restBase).href).toBe(`https://eastus.api.azureml.ms${workspace}/api/2.0/mlflow/registered-models/search`);
    expect(parsed.displayUrl).toBe(`azureml://eastus.api.azureml.ms${workspace}`);
  });

  it("accepts a shared Azure ML registry scope", () => {
    expect(parseTrackingUri("azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/registries/shared").ok).toBe(true);
  });

  it.each([
    ["file:///tmp/mlruns", { kind: "unsupported-scheme", scheme: "file" }],
    ["sqlite:///mlflow.db", { kind: "unsupported-scheme", scheme: "sqlite" }],
    ["databricks", { kind: "invalid-uri" }],
    ["https://alice:s3cret@mlflow.example", { kind: "credentials-in-uri" }],
    ["azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/s", { kind: "not-an-azureml-workspace" }],
    ["http://", { kind: "invalid-uri" }],
  ])("refuses %s as a value", (uri, problem) => {
    expect(parseTrackingUri(uri)).toMatchObject({ ok: false, ...problem });
  });

  it("never echoes credentials in a refusal", () => {
    expect(JSON.stringify(parseTrackingUri("https://alice:s3cret@mlflow.example"))).not.toContain("s3cret");
  });
});

describe("registryTargetFromEnv", () => {
  it("reads nothing configured without MLFLOW_TRACKING_URI", async () => {
    expect(await registryTargetFromEnv({}, noFile)).toEqual({ ok: false, kind: "not-configured" });
  });

  it("makes Basic auth from username and password, which wins over a token (rest_utils.http_request)", async () => {
    const r = await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "http://mlflow:5000", MLFLOW_TRACKING_USERNAME: "alice", MLFLOW_TRACKING_PASSWORD: "pw", MLFLOW_TRACKING_TOKEN: "tok" }, noFile);
    expect(r.ok && r.target.auth).toEqual({ kind: "basic", username: "alice", password: "pw" });
  });

  it("makes Bearer auth from a token", async () => {
    const r = await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "https://mlflow.example", MLFLOW_TRACKING_TOKEN: "tok" }, noFile);
    expect(r.ok && r.target.auth).toEqual({ kind: "bearer", token: "tok" });
  });

  it("says which half of Basic auth is missing", async () => {
    expect(await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "http://m", MLFLOW_TRACKING_USERNAME: "alice" }, noFile)).toMatchObject({ ok: false, kind: "incomplete-basic-auth", missing: "MLFLOW_TRACKING_PASSWORD" });
  });

  it("reads the CA file and the insecure flag the way MLflow's boolean variables are read", async () => {
    const read = (p: string): Promise<string> => (p === "/etc/ca.pem" ? Promise.resolve("-----BEGIN CERTIFICATE-----\n…") : noFile(p));
    const r = await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "https://m", MLFLOW_TRACKING_SERVER_CERT_PATH: "/etc/ca.pem", MLFLOW_TRACKING_INSECURE_TLS: "TRUE" }, read);
    expect(r.ok && r.target.ca).toContain("BEGIN CERTIFICATE");
    expect(r.ok && r.target.insecureTls).toBe(true);
    expect(await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "https://m", MLFLOW_TRACKING_INSECURE_TLS: "yes" }, read)).toMatchObject({ ok: false, kind: "invalid-boolean", value: "yes" });
    expect(await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "https://m", MLFLOW_TRACKING_SERVER_CERT_PATH: "/nope.pem" }, read)).toMatchObject({ ok: false, kind: "unreadable-ca", path: "/nope.pem" });
  });

  it("uses the caller's Azure credential for an azureml URI without a token, with the ARM audience", async () => {
    const credential: TokenCredential = { getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const r = await registryTargetFromEnv({ MLFLOW_TRACKING_URI: `azureml://eastus.api.azureml.ms${workspace}` }, noFile, credential);
    expect(r.ok && r.target.kind).toBe("azureml");
    expect(r.ok && r.target.auth).toEqual({ kind: "azure", credential, scope: "https://management.azure.com/.default" });
  });

  it("reports a bad URI with the variable it came from", async () => {
    expect(await registryTargetFromEnv({ MLFLOW_TRACKING_URI: "./mlruns" }, noFile)).toMatchObject({ ok: false, variable: "MLFLOW_TRACKING_URI", kind: "invalid-uri" });
  });
});
