import { describe, expect, it } from "vitest";
import { parseRegistrySettings, registryForContext, type RegistrySetting } from "../../../../src/core/registry/registrySettings";

const issuesOf = (raw: unknown) => {
  const r = parseRegistrySettings(raw);
  return r.ok ? [] : r.issues;
};
const workspace = "azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/ws";

describe("aiPlatform.models.registries", () => {
  it("accepts each kind as a user would write it", () => {
    const raw = [
      { context: "kind-dev", kind: "mlflow", trackingUri: "http://localhost:5000", artifactRoots: { "mlflow-artifacts:/": "s3://ml-bucket/mlartifacts" } },
      { context: "onprem-*", kind: "mlflow", trackingUri: "https://mlflow.corp.example", auth: { kind: "basic", username: "ci", secretKey: "mlflow-onprem" }, caFile: "/etc/ssl/corp-ca.pem", uiUrl: "https://mlflow-ui.corp.example" },
      { context: "edge", kind: "mlflow", trackingUri: "https://mlflow.edge.example", auth: { kind: "bearer", secretKey: "edge.token" } },
      { context: "aks-prod", kind: "azureml", trackingUri: workspace },
    ];
    const parsed = parseRegistrySettings(raw);
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) expect(parsed.registries[0]!.artifactRoots).toEqual({ "mlflow-artifacts:/": "s3://ml-bucket/mlartifacts" });
  });

  it("reads no setting as no registries", () => {
    expect(parseRegistrySettings(undefined)).toEqual({ ok: true, registries: [] });
    expect(parseRegistrySettings(null)).toEqual({ ok: true, registries: [] });
  });

  it("keeps secrets out of settings, pointing at the command that stores them", () => {
    const issues = issuesOf([{ context: "c", kind: "mlflow", trackingUri: "http://m", auth: { kind: "bearer", token: "abc" } }]);
    expect(issues.find((i) => i.path === "[0].auth.token")?.message).toContain("Connect Model Registry");
    expect(issuesOf([{ context: "c", kind: "mlflow", trackingUri: "https://bob:pw@m.example" }]).find((i) => i.path === "[0].trackingUri")?.message).toContain("no user or password");
  });

  it.each([
    [{ context: "c", kind: "mlflow", trackingUri: "file:///tmp/mlruns" }, "[0].trackingUri"],
    [{ context: "c", kind: "mlflow", trackingUri: workspace }, "[0].kind"],
    [{ context: "c", kind: "azureml", trackingUri: "azureml://eastus.api.azureml.ms/mlflow/v1.0/" }, "[0].trackingUri"],
    [{ context: "c", kind: "azureml", trackingUri: workspace, auth: { kind: "bearer", secretKey: "k" } }, "[0].auth"],
    [{ context: "c", kind: "mlflow", trackingUri: "http://m", artifactRoots: { "mlflow-artifacts:/": "bucket/path" } }, '[0].artifactRoots.mlflow-artifacts:/'],
    [{ context: "c", kind: "mlflow", trackingUri: "http://m", colour: "blue" }, "[0]"],
    [{ context: "c", kind: "databricks", trackingUri: "http://m" }, "[0].kind"],
  ])("points at what is wrong in %j", (entry, path) => {
    expect(issuesOf([entry]).map((i) => i.path)).toContain(path);
  });

  it("says a context configured twice uses the first entry", () => {
    const issues = issuesOf([
      { context: "c", kind: "mlflow", trackingUri: "http://a" },
      { context: "c", kind: "mlflow", trackingUri: "http://b" },
    ]);
    expect(issues).toEqual([{ path: "[1].context", message: '"c" is already configured by entry 1; only the first is used' }]);
  });
});

describe("registryForContext", () => {
  const settings = [
    { context: "aks-*", kind: "azureml", trackingUri: workspace },
    { context: "aks-dev", kind: "mlflow", trackingUri: "http://dev" },
    { context: "kind-*", kind: "mlflow", trackingUri: "http://kind" },
  ] as RegistrySetting[];

  it("prefers an exact name to a pattern, whatever the order", () => {
    expect(registryForContext(settings, "aks-dev")?.trackingUri).toBe("http://dev");
    expect(registryForContext(settings, "aks-prod")?.trackingUri).toBe(workspace);
  });

  it("treats pattern characters other than * literally", () => {
    expect(registryForContext([{ context: "a.b", kind: "mlflow", trackingUri: "http://x" }, { context: "k*", kind: "mlflow", trackingUri: "http://k" }], "axb")).toBeUndefined();
    expect(registryForContext(settings, "minikube")).toBeUndefined();
  });
});
