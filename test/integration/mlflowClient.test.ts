import type { TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxCertificates, type SandboxCertificates } from "../../sandbox/certificates";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import { scaleRegistrySeed } from "../../sandbox/mlflow/mlflowScale";
import { startSandboxMlflow, type SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { createMlflowRegistry, type MlflowRegistryDeps } from "../../src/core/registry/mlflowRegistry";
import { compareVersionsNewestFirst } from "../../src/core/registry/modelRegistry";
import { parseTrackingUri, registryTargetFromEnv, type RegistryAuth, type RegistryTarget } from "../../src/core/registry/registryTarget";

/**
 * The registry client against the sandbox registry (sandbox/mlflow), which follows MLflow's
 * handlers and store: paging with offset tokens, alias rules, error statuses, Basic and Bearer
 * auth, https under the sandbox CA, and Azure ML's flavour (no aliases, no LIKE or tag search).
 */

const fast: MlflowRegistryDeps = { backoffBaseMs: 5, random: () => 0 };

function clientFor(sandbox: SandboxMlflow, over: Partial<RegistryTarget> = {}) {
  const parsed = parseTrackingUri(sandbox.trackingUri);
  if (!parsed.ok) throw new Error(`the sandbox's tracking URI did not parse: ${JSON.stringify(parsed)}`);
  const auth: RegistryAuth = sandbox.auth ?? { kind: "none" };
  return createMlflowRegistry({ kind: parsed.kind, restBase: parsed.restBase, displayUrl: parsed.displayUrl, auth, ...(sandbox.caCert ? { ca: sandbox.caCert } : {}), ...over }, fast);
}

describe("paging", () => {
  let sandbox: SandboxMlflow;
  beforeAll(async () => {
    sandbox = await startSandboxMlflow({ seed: scaleRegistrySeed(1, 2500) });
  });
  afterAll(() => sandbox.stop());

  it("lists 2,500 versions of one model: every version once, newest first", async () => {
    const registry = clientFor(sandbox);
    sandbox.requests.length = 0;
    const pages: number[] = [];
    const all = await registry.listAllVersions("model-0", { onPage: (p) => pages.push(p.length) });
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(all.value.map((v) => v.version)).toEqual(Array.from({ length: 2500 }, (_, i) => String(2500 - i)));
    expect(pages).toEqual([1000, 1000, 500]);
    expect(sandbox.requests.map((r) => r.endpoint)).toEqual(["model-versions/search", "model-versions/search", "model-versions/search"]);
  });

  it("gets no page token on the last page, and a page the size it asked for before it", async () => {
    const registry = clientFor(sandbox);
    const tokens: (string | undefined)[] = [];
    let pageToken: string | undefined;
    let count = 0;
    do {
      const page = await registry.searchModelVersions({ filter: "name = 'model-0'", orderBy: ["version_number DESC"], maxResults: 700, pageToken });
      if (!page.ok) throw new Error(JSON.stringify(page.failure));
      count += page.value.items.length;
      pageToken = page.value.nextPageToken;
      tokens.push(pageToken);
    } while (pageToken !== undefined);
    expect(count).toBe(2500);
    expect(tokens.map((t) => t === undefined)).toEqual([false, false, false, true]);
  });

  it("answers a bad page token with INVALID_PARAMETER_VALUE for the caller to restart", async () => {
    const r = await clientFor(sandbox).searchModelVersions({ filter: "name = 'model-0'", pageToken: "not-a-token" });
    expect(r).toMatchObject({ ok: false, failure: { kind: "api-error", status: 400, errorCode: "INVALID_PARAMETER_VALUE" } });
  });
});

describe("the demo registry over plain http", () => {
  let sandbox: SandboxMlflow;
  beforeAll(async () => {
    sandbox = await startSandboxMlflow();
  });
  afterAll(() => sandbox.stop());

  it("round-trips an alias: set, read back, delete", async () => {
    const registry = clientFor(sandbox);
    expect(await registry.setAlias(mlflowDemo.llama, "canary_2026", "2")).toEqual({ ok: true, value: undefined });
    const got = await registry.getModelVersionByAlias(mlflowDemo.llama, "canary_2026");
    expect(got).toMatchObject({ ok: true, value: { name: mlflowDemo.llama, version: "2" } });
    expect(got.ok && got.value.aliases).toContain("canary_2026");
    const model = await registry.getRegisteredModel(mlflowDemo.llama);
    expect(model.ok && model.value.aliases).toContainEqual({ alias: "canary_2026", version: "2" });
    expect(await registry.deleteAlias(mlflowDemo.llama, "canary_2026")).toEqual({ ok: true, value: undefined });
    // MLflow's store words an unset alias as INVALID_PARAMETER_VALUE (400), not a 404.
    expect(await registry.getModelVersionByAlias(mlflowDemo.llama, "canary_2026")).toMatchObject({ ok: false, failure: { kind: "api-error", status: 400, errorCode: "INVALID_PARAMETER_VALUE" } });
    expect(registry.notes()).toEqual([]);
  });

  it("gets MLflow's errors as values: a missing model, a reserved alias", async () => {
    const registry = clientFor(sandbox);
    expect(await registry.getRegisteredModel("no-such-model")).toMatchObject({ ok: false, failure: { kind: "api-error", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST" } });
    expect(await registry.setAlias(mlflowDemo.llama, "latest", "1")).toMatchObject({ ok: false, failure: { kind: "api-error", status: 400, errorCode: "INVALID_PARAMETER_VALUE" } });
  });

  it("reads names with a space, a slash, a quote and non-ASCII letters", async () => {
    const registry = clientFor(sandbox);
    for (const name of [mlflowDemo.spaced, mlflowDemo.slashed, mlflowDemo.quoted, mlflowDemo.unicode]) {
      const model = await registry.getRegisteredModel(name);
      expect(model, name).toMatchObject({ ok: true, value: { name } });
      const versions = await registry.listAllVersions(name);
      expect(versions.ok, name).toBe(true);
      if (!versions.ok) continue;
      expect(versions.value.length, name).toBeGreaterThan(0);
      expect(versions.value.every((v) => v.name === name)).toBe(true);
      expect([...versions.value].sort(compareVersionsNewestFirst)).toEqual(versions.value);
    }
  });

  it("searches with ILIKE and finds the model", async () => {
    const r = await clientFor(sandbox).searchRegisteredModels({ filter: "name ILIKE '%LLAMA%'" });
    expect(r.ok && r.value.items.map((m) => m.name)).toEqual([mlflowDemo.llama]);
  });

  it("reads an MLflow 3 version: source models:/m-…, download URI on the proxied store", async () => {
    const registry = clientFor(sandbox);
    const v = await registry.getModelVersion(mlflowDemo.sentiment, "3");
    expect(v.ok && v.value.source).toBe(`models:/${mlflowDemo.loggedModelId}`);
    const uri = await registry.getDownloadUri(mlflowDemo.sentiment, "3");
    expect(uri.ok && uri.value).toMatch(/^mlflow-artifacts:\//);
  });

  it("rides out a 503 and a dropped connection with retries", async () => {
    const registry = clientFor(sandbox);
    sandbox.faults.add({ kind: "status", status: 503, count: 1, match: "registered-models/get" });
    expect(await registry.getRegisteredModel(mlflowDemo.resnet)).toMatchObject({ ok: true, value: { name: mlflowDemo.resnet } });
    sandbox.faults.add({ kind: "drop", count: 1, match: "registered-models/get" });
    expect(await registry.getRegisteredModel(mlflowDemo.resnet)).toMatchObject({ ok: true, value: { name: mlflowDemo.resnet } });
    sandbox.faults.clear();
  });

  it("ends a stalled answer as a timeout", async () => {
    sandbox.faults.add({ kind: "delay", ms: 2000, count: 1, match: "registered-models/get" });
    const r = await clientFor(sandbox, { timeoutMs: 200 }).getRegisteredModel(mlflowDemo.resnet);
    expect(r).toEqual({ ok: false, failure: { kind: "timeout", afterMs: 200 } });
    sandbox.faults.clear();
  });
});

describe("auth and TLS", () => {
  let certs: SandboxCertificates;
  let basic: SandboxMlflow;
  let bearer: SandboxMlflow;
  beforeAll(async () => {
    certs = await createSandboxCertificates();
    basic = await startSandboxMlflow({ auth: { kind: "basic", username: "admin", password: "sandbox-password-1" } });
    bearer = await startSandboxMlflow({ tls: certs, auth: { kind: "bearer", token: "sandbox-token-1234" } });
  });
  afterAll(async () => {
    await basic.stop();
    await bearer.stop();
  });

  it("reaches a Basic-auth registry configured from MLflow's environment variables", async () => {
    const env = { MLFLOW_TRACKING_URI: basic.trackingUri, MLFLOW_TRACKING_USERNAME: "admin", MLFLOW_TRACKING_PASSWORD: "sandbox-password-1" };
    const target = await registryTargetFromEnv(env, () => Promise.reject(new Error("no file")));
    if (!target.ok) throw new Error(JSON.stringify(target));
    const r = await createMlflowRegistry(target.target, fast).searchRegisteredModels({ maxResults: 1 });
    expect(r.ok).toBe(true);
  });

  it("says unauthorized for a wrong password, without the password", async () => {
    const r = await clientFor(basic, { auth: { kind: "basic", username: "admin", password: "wrong-password" } }).searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "unauthorized", status: 401 } });
    expect(JSON.stringify(r)).not.toContain("wrong-password");
  });

  it("reaches an https registry with a Bearer token when it trusts the sandbox CA, from MLFLOW_TRACKING_SERVER_CERT_PATH", async () => {
    const env = { MLFLOW_TRACKING_URI: bearer.trackingUri, MLFLOW_TRACKING_TOKEN: "sandbox-token-1234", MLFLOW_TRACKING_SERVER_CERT_PATH: "/ca.pem" };
    const target = await registryTargetFromEnv(env, (p) => (p === "/ca.pem" ? Promise.resolve(certs.caCert) : Promise.reject(new Error("ENOENT"))));
    if (!target.ok) throw new Error(JSON.stringify(target));
    expect(await createMlflowRegistry(target.target, fast).getRegisteredModel(mlflowDemo.llama)).toMatchObject({ ok: true, value: { name: mlflowDemo.llama } });
  });

  it("refuses an https registry whose CA it does not trust, naming the certificate", async () => {
    const r = await clientFor(bearer, { ca: undefined }).searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "unreachable" } });
    if (!r.ok && r.failure.kind === "unreachable") expect(r.failure.detail).toMatch(/certificate/i);
  });
});

describe("the Azure ML flavour", () => {
  let sandbox: SandboxMlflow;
  beforeAll(async () => {
    const certs = await createSandboxCertificates();
    sandbox = await startSandboxMlflow({ flavour: "azureml", tls: certs });
  });
  afterAll(() => sandbox.stop());

  const credential: TokenCredential = { getToken: () => Promise.resolve({ token: "arm-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const azure = () => clientFor(sandbox, { auth: { kind: "azure", credential, scope: "https://management.azure.com/.default" } });

  it("maps the azureml:// tracking URI onto the workspace's REST base", async () => {
    expect(parseTrackingUri(sandbox.trackingUri)).toMatchObject({ ok: true, kind: "azureml" });
    const r = await azure().getRegisteredModel(mlflowDemo.llama);
    expect(r).toMatchObject({ ok: true, value: { name: mlflowDemo.llama } });
  });

  it("degrades a LIKE search to a local filter with a note, never an error", async () => {
    const registry = azure();
    const r = await registry.searchRegisteredModels({ filter: "name ILIKE '%llama%'", maxResults: 1000 });
    expect(r.ok && r.value.items.map((m) => m.name)).toEqual([mlflowDemo.llama]);
    expect(registry.notes().map((n) => n.feature)).toContain("like-search");
  });

  it("degrades a tag search the same way", async () => {
    const registry = azure();
    const r = await registry.searchRegisteredModels({ filter: "tags.team = 'vision'", maxResults: 1000 });
    expect(r.ok && r.value.items.map((m) => m.name).sort()).toEqual([mlflowDemo.resnet, mlflowDemo.triton].sort());
    expect(registry.notes().map((n) => n.feature)).toContain("tag-search");
  });

  it("finds no alias endpoints and says so as a note", async () => {
    const registry = azure();
    const r = await registry.getModelVersionByAlias(mlflowDemo.llama, "champion");
    expect(r).toMatchObject({ ok: false, failure: { kind: "unsupported", feature: "aliases" } });
    expect(registry.notes().map((n) => n.feature)).toEqual(["aliases"]);
  });

  it("still reads versions and stages", async () => {
    const registry = azure();
    const versions = await registry.listAllVersions(mlflowDemo.triton);
    expect(versions.ok && versions.value.map((v) => v.version)).toEqual(["4", "3", "2", "1"]);
    const latest = await registry.getLatestVersions(mlflowDemo.triton, ["Production"]);
    expect(latest.ok && latest.value.map((v) => v.version)).toEqual(["3"]);
  });
});
