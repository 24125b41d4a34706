import { describe, expect, test, vi } from "vitest";
import type { TokenCredential } from "@azure/core-auth";
import type { RegistrySetting } from "../../../../src/core/registry/registrySettings";
import { registryEntry, trackingUriProblem, withRegistryEntry } from "../../../../src/editor/models/connectRegistryWizard";
import { filterItems } from "../../../../src/editor/models/modelsFilterPick";
import { planRegistryTarget, registriesOfScopes, uiUrlOf } from "../../../../src/editor/models/modelsRegistryConnection";
import { modelsFilter } from "../../../../src/core/registry/modelsFilter";

vi.mock("vscode", async () => (await import("../views/fakeTreeVscode")).fakeTreeVscode);

const noAzure = (): TokenCredential => {
  throw new Error("no Azure credential in this test");
};

describe("the registry of a context, from settings and stored secrets", () => {
  const entry: RegistrySetting = { context: "aks-prod", kind: "mlflow", trackingUri: "https://mlflow.example.com/prefix", auth: { kind: "basic", username: "ops", secretKey: "prod-mlflow" } };

  test("a stored password goes only to the origin it was entered for", () => {
    const ok = planRegistryTarget(entry, { secret: { origin: "https://mlflow.example.com", value: "s3cret" }, ca: undefined, azure: noAzure });
    expect(ok).toMatchObject({ ok: true, target: { kind: "mlflow", displayUrl: "https://mlflow.example.com/prefix", auth: { kind: "basic", username: "ops", password: "s3cret" } } });
    if (ok.ok) expect(ok.target.restBase.href).toBe("https://mlflow.example.com/prefix/");

    const moved = planRegistryTarget({ ...entry, trackingUri: "https://elsewhere.example.com" }, { secret: { origin: "https://mlflow.example.com", value: "s3cret" }, ca: undefined, azure: noAzure });
    expect(moved.ok).toBe(false);
    if (!moved.ok) {
      expect(moved.problem).toContain("was entered for https://mlflow.example.com");
      expect(moved.problem).not.toContain("s3cret");
    }

    const missing = planRegistryTarget(entry, { secret: undefined, ca: undefined, azure: noAzure });
    expect(missing).toEqual({ ok: false, problem: 'The password for https://mlflow.example.com (secret "prod-mlflow") is not stored on this machine. Run Connect Model Registry… to enter it.' });
  });

  test("each settings entry is validated on its own; the workspace's come first", () => {
    const read = registriesOfScopes([
      ["workspace", [{ context: "kind-*", kind: "mlflow", trackingUri: "http://127.0.0.1:5000" }, { context: "bad", kind: "mlflow", trackingUri: "file:///tmp/mlruns" }]],
      ["user", [{ context: "aks-prod", kind: "mlflow", trackingUri: "https://mlflow.example.com", auth: { kind: "bearer", token: "oops" } }, entry]],
    ]);
    expect(read.entries.map((e) => e.context)).toEqual(["kind-*", "aks-prod"]);
    expect(read.problems).toHaveLength(2);
    expect(read.problems[0]).toMatch(/\[1\] in workspace settings is ignored: trackingUri: .*local store/);
    expect(read.problems[1]).toMatch(/\[0\] in user settings is ignored: auth\.token: secrets do not belong in settings/);
  });

  test("Open in MLflow goes to uiUrl, else the tracking server, else Azure ML studio", () => {
    const plan = planRegistryTarget({ context: "c", kind: "mlflow", trackingUri: "http://127.0.0.1:5000/" }, { secret: undefined, ca: undefined, azure: noAzure });
    if (!plan.ok) throw new Error(plan.problem);
    expect(uiUrlOf(undefined, plan.target)).toBe("http://127.0.0.1:5000");
    expect(uiUrlOf({ context: "c", kind: "mlflow", trackingUri: "http://127.0.0.1:5000", uiUrl: "https://mlflow-ui.example.com/" }, plan.target)).toBe("https://mlflow-ui.example.com");
  });
});

describe("Connect Model Registry…", () => {
  test("tracking URIs are checked as they are typed", () => {
    expect(trackingUriProblem("https://mlflow.example.com", "mlflow")).toBeUndefined();
    expect(trackingUriProblem("https://user:pw@mlflow.example.com", "mlflow")).toMatch(/No user or password/);
    expect(trackingUriProblem("file:///tmp/mlruns", "mlflow")).toMatch(/local store/);
    expect(trackingUriProblem("azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws", "mlflow")).toMatch(/choose Azure ML/);
    expect(trackingUriProblem("azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws", "azureml")).toBeUndefined();
  });

  test("the saved entry names its secret, never holds it, and replaces only its own context's entry", () => {
    const saved = registryEntry("aks-prod", { kind: "mlflow", trackingUri: "https://mlflow.example.com", authKind: "bearer", username: "" });
    expect(saved).toMatchObject({ context: "aks-prod", kind: "mlflow", trackingUri: "https://mlflow.example.com", auth: { kind: "bearer" } });
    expect(saved.auth?.secretKey).toMatch(/^aks-prod-[0-9a-f]{8}$/);
    const azure = registryEntry("aks-prod", { kind: "azureml", trackingUri: "azureml://x", authKind: "basic", username: "u" });
    expect(azure.auth).toBeUndefined();

    const broken = { context: "other", kind: "nonsense" };
    expect(withRegistryEntry([broken, { context: "aks-prod", kind: "mlflow", trackingUri: "http://old" }], saved)).toEqual([broken, saved]);
    expect(withRegistryEntry(undefined, saved)).toEqual([saved]);
  });
});

describe("Filter Models…", () => {
  const input = { current: "llama", recent: ["llama", "fraud", "tags.team = 'nlp'"], preview: modelsFilter };

  test("the typed text comes first with the filter the registry gets, then matching recent filters, then Clear", () => {
    const items = filterItems("fr", input);
    expect(items.map((i) => [i.label, i.description])).toEqual([
      ["$(filter) fr", "name ILIKE '%fr%'"],
      ["$(history) fraud", "name ILIKE '%fraud%'"],
      ["$(clear-all) Clear the filter", "now: llama"],
    ]);
    expect(filterItems("tags.team = 'nlp'", input)[0]?.description).toBe("tags.team = 'nlp'");
  });

  test("with nothing typed: every recent filter, the current one marked", () => {
    expect(filterItems("", input).map((i) => [i.label, i.description])).toEqual([
      ["$(history) llama", "current"],
      ["$(history) fraud", "name ILIKE '%fraud%'"],
      ["$(history) tags.team = 'nlp'", "tags.team = 'nlp'"],
      ["$(clear-all) Clear the filter", "now: llama"],
    ]);
  });
});
