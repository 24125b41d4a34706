/**
 * Contract tests of the sandbox MLflow registry: users will point the real client at a real
 * MLflow, so the fake must answer as one. Expected values come from MLflow's own sources:
 * - the field lists below are model_registry.proto @05e6cc9b (mlflow/mlflow) verbatim;
 * - transport rules and messages from mlflow/server/handlers.py @0007c018 and server/validation.py;
 * - search, order and page tokens from mlflow/utils/search_utils.py @01a226fb;
 * - store wording from model_registry/sqlalchemy_store.py and utils/validation.py (alias rules).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandboxCertificates } from "../../sandbox/certificates";
import { readSandboxEndpoints, writeRunningSandboxEndpoints } from "../../sandbox/endpoints";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import { scaleModelReference, scaleRegistrySeed } from "../../sandbox/mlflow/mlflowScale";
import { type SandboxMlflow, startSandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { type MlflowSeed } from "../../sandbox/mlflow/mlflowSeed";
import { startSandbox } from "../../sandbox/sandboxLauncher";
import { readScenario, scenariosDir } from "../../sandbox/scenario";
import { oneNodeScenario } from "./oneNodeScenario";

// model_registry.proto @05e6cc9b8487945522c87e3f1a9ffc04eb2ecc2d: every field of the entities and responses.
const proto = {
  RegisteredModel: ["name", "creation_timestamp", "last_updated_timestamp", "user_id", "description", "latest_versions", "tags", "aliases"],
  ModelVersion: ["name", "version", "creation_timestamp", "last_updated_timestamp", "user_id", "current_stage", "description", "source", "run_id", "status", "status_message", "tags", "run_link", "aliases"],
  Tag: ["key", "value"],
  RegisteredModelAlias: ["alias", "version"],
  ModelVersionStatus: ["PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"],
} as const;
const stages = ["None", "Staging", "Production", "Archived"];

/** Checks one wire entity against the proto: known fields only, proto JSON types, empties omitted. */
function expectModelVersion(mv: Record<string, unknown>, where: string, aliases: "allowed" | "absent" = "allowed"): void {
  for (const key of Object.keys(mv)) expect(proto.ModelVersion, `${where}: ${key}`).toContain(key);
  expect(typeof mv.version, `${where}: version is a string`).toBe("string");
  expect(mv.version).toMatch(/^\d+$/);
  for (const t of ["creation_timestamp", "last_updated_timestamp"]) if (t in mv) expect(Number.isInteger(mv[t]), `${where}: ${t} is an integer number`).toBe(true);
  if ("status" in mv) expect(proto.ModelVersionStatus).toContain(mv.status);
  if ("current_stage" in mv) expect(stages).toContain(mv.current_stage);
  for (const [k, v] of Object.entries(mv)) {
    expect(v, `${where}: ${k} empty`).not.toBe("");
    if (Array.isArray(v)) expect(v.length, `${where}: ${k} empty list is omitted`).toBeGreaterThan(0);
  }
  for (const tag of (mv.tags as Record<string, unknown>[] | undefined) ?? []) expect(Object.keys(tag).sort()).toEqual([...proto.Tag].sort());
  if (aliases === "absent") expect(mv).not.toHaveProperty("aliases");
  else for (const a of (mv.aliases as unknown[] | undefined) ?? []) expect(typeof a).toBe("string");
}

function expectRegisteredModel(rm: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(rm)) expect(proto.RegisteredModel, `${where}: ${key}`).toContain(key);
  expect(rm).not.toHaveProperty("user_id"); // "NOTE: this field is not currently returned."
  for (const t of ["creation_timestamp", "last_updated_timestamp"]) if (t in rm) expect(Number.isInteger(rm[t])).toBe(true);
  for (const [k, v] of Object.entries(rm)) if (Array.isArray(v)) expect(v.length, `${where}: ${k} empty list is omitted`).toBeGreaterThan(0);
  // latest_versions carry no aliases (SqlRegisteredModel.to_mlflow_entity; mlflow#9952).
  for (const mv of (rm.latest_versions as Record<string, unknown>[] | undefined) ?? []) expectModelVersion(mv, `${where}.latest_versions`, "absent");
  for (const a of (rm.aliases as Record<string, unknown>[] | undefined) ?? []) {
    expect(Object.keys(a).sort()).toEqual([...proto.RegisteredModelAlias].sort());
    expect(typeof a.version).toBe("string");
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

function client(base: string, headers: Record<string, string> = {}) {
  const call = async (method: string, endpoint: string, options: { query?: Record<string, string | string[]>; body?: unknown; rawBody?: string; contentType?: string | null; prefix?: string } = {}): Promise<Answer> => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
    const url = `${base}${options.prefix ?? "/api/2.0/mlflow/"}${endpoint}${q.size ? `?${q.toString()}` : ""}`;
    const body = options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const contentType = options.contentType === undefined ? (body !== undefined ? "application/json" : undefined) : options.contentType;
    const response = await fetch(url, { method, headers: { ...headers, ...(contentType ? { "Content-Type": contentType } : {}) }, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // HTML answers stay in text.
    }
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", text, json, headers: response.headers };
  };
  return {
    get: (endpoint: string, query: Record<string, string | string[]> = {}) => call("GET", endpoint, { query }),
    post: (endpoint: string, body: unknown) => call("POST", endpoint, { body }),
    patch: (endpoint: string, body: unknown) => call("PATCH", endpoint, { body }),
    del: (endpoint: string, body?: unknown) => call("DELETE", endpoint, body === undefined ? {} : { body }),
    call,
  };
}

describe("sandbox MLflow registry (demo seed)", () => {
  let mlflow: SandboxMlflow;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    mlflow = await startSandboxMlflow();
    api = client(mlflow.url);
  });
  afterAll(() => mlflow.stop());

  it("answers every read endpoint with the proto's fields only: string versions, integer timestamps, empties omitted", async () => {
    const models = await api.get("registered-models/search", { max_results: "1000" });
    expect(models.status).toBe(200);
    expect(models.contentType).toBe("application/json");
    const list = models.json.registered_models as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(8);
    expect(Object.keys(models.json)).toEqual(["registered_models"]); // last page: no next_page_token
    for (const rm of list) {
      expectRegisteredModel(rm, String(rm.name));
      const got = await api.get("registered-models/get", { name: String(rm.name) });
      expect(Object.keys(got.json)).toEqual(["registered_model"]);
      expectRegisteredModel(got.json.registered_model as Record<string, unknown>, `get ${String(rm.name)}`);
      const versions = await api.get("model-versions/search", { filter: `name = "${String(rm.name)}"` });
      for (const mv of versions.json.model_versions as Record<string, unknown>[]) {
        expectModelVersion(mv, `${String(rm.name)} v${String(mv.version)}`);
        const one = await api.get("model-versions/get", { name: String(rm.name), version: String(mv.version) });
        expectModelVersion(one.json.model_version as Record<string, unknown>, "get");
        const uri = await api.get("model-versions/get-download-uri", { name: String(rm.name), version: String(mv.version) });
        expect(Object.keys(uri.json)).toEqual(["artifact_uri"]);
      }
    }
  });

  it("reads GET parameters from the query (repeated keys are lists) and other methods from a JSON body, DELETE included", async () => {
    const twoKeys = await api.get("model-versions/search", { filter: `name='${mlflowDemo.bert}'`, order_by: ["name ASC", "version_number ASC"] });
    expect((twoKeys.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(["1", "2", "3", "4", "5"]);
    const oneKey = await api.get("model-versions/search", { filter: `name='${mlflowDemo.bert}'`, order_by: "version_number DESC" });
    expect((oneKey.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(["5", "4", "3", "2", "1"]);
    // The UI's prefix serves the same handlers.
    const ajax = await api.call("GET", "registered-models/get", { query: { name: mlflowDemo.fraud }, prefix: "/ajax-api/2.0/mlflow/" });
    expect((ajax.json.registered_model as { name: string }).name).toBe(mlflowDemo.fraud);

    expect((await api.post("model-versions/set-tag", { name: mlflowDemo.resnet, version: "1", key: "reviewed", value: "yes" })).status).toBe(200);
    expect((await api.del("model-versions/delete-tag", { name: mlflowDemo.resnet, version: "1", key: "reviewed" })).json).toEqual({});
    // A DELETE without a body has no parameters (query strings are read for GET only).
    const bodiless = await api.call("DELETE", "model-versions/delete-tag", { query: { name: mlflowDemo.resnet, version: "1", key: "reviewed" } });
    expect(bodiless.status).toBe(400);
    expect(bodiless.json).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters." });
  });

  it("needs Content-Type application/json on POST, and a string version", async () => {
    const plain = await api.call("POST", "registered-models/alias", { rawBody: JSON.stringify({ name: mlflowDemo.resnet, alias: "x", version: "1" }), contentType: "text/plain" });
    expect(plain.status).toBe(400);
    expect(plain.json).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Bad Request. Content-Type must be one of [application/json]. Got 'text/plain'." });
    const numeric = await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias: "x", version: 1 });
    expect(numeric.status).toBe(400);
    expect(numeric.json.message).toBe("Invalid value 1 for parameter 'version' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.");
  });

  it("answers an unknown path as Flask does (HTML 404) and a known path with another method 405", async () => {
    expect((await api.get("constructor")).status).toBe(404);
    const unknown = await api.get("registered-models/list");
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toMatch(/^text\/html/);
    expect(unknown.text).toContain("<title>404 Not Found</title>");
    const wrongMethod = await api.post("registered-models/get", { name: mlflowDemo.fraud });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("GET");
  });

  it("maps errors to MLflow's codes, statuses and wording", async () => {
    expect(await api.get("registered-models/get", { name: "nope" }).then((a) => [a.status, a.json])).toEqual([404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=nope not found" }]);
    expect(await api.get("model-versions/get", { name: mlflowDemo.fraud, version: "9" }).then((a) => [a.status, a.json])).toEqual([404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=fraud-xgboost, version=9) not found" }]);
    expect(await api.get("model-versions/get", { name: mlflowDemo.fraud, version: "latest" }).then((a) => [a.status, a.json])).toEqual([400, { error_code: "INVALID_PARAMETER_VALUE", message: "Model version must be an integer, got 'latest'" }]);
    // RESOURCE_ALREADY_EXISTS is 400, not 409.
    const again = await api.post("registered-models/create", { name: mlflowDemo.fraud });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    expect(await api.get("registered-models/get").then((a) => [a.status, a.json.message])).toEqual([400, "Missing value for required parameter 'name'. See the API docs for more information about request parameters."]);
    const tooMany = await api.get("registered-models/search", { max_results: "1001" });
    expect([tooMany.status, tooMany.json.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });

  it("filters with search_utils.py's grammar: AND only, LIKE/ILIKE, tags, version_number, run_id IN, quoted names", async () => {
    const names = async (filter: string): Promise<string[]> => ((await api.get("registered-models/search", { filter, max_results: "1000" })).json.registered_models as { name: string }[] | undefined)?.map((m) => m.name) ?? [];
    expect(await names("name LIKE 'llama%'")).toEqual([mlflowDemo.llama]);
    expect(await names("name LIKE 'LLAMA%'")).toEqual([]); // LIKE is case-sensitive
    expect(await names("name ILIKE '%LLAMA%'")).toEqual([mlflowDemo.llama]);
    expect(await names("tags.team = 'vision'")).toEqual([mlflowDemo.resnet, mlflowDemo.triton]); // ordered by name ASC
    expect(await names("tag.team = 'vision' AND name != 'resnet50'")).toEqual([mlflowDemo.triton]);
    expect(await names(`name = '${mlflowDemo.spaced}'`)).toEqual([mlflowDemo.spaced]);
    expect(await names(`name = '${mlflowDemo.slashed}'`)).toEqual([mlflowDemo.slashed]);
    expect(await names(`name = '${mlflowDemo.unicode}'`)).toEqual([mlflowDemo.unicode]);
    // Quotes are trimmed, not unescaped (_strip_quotes): a name holding ' needs double quotes.
    expect(await names(`name = "${mlflowDemo.quoted}"`)).toEqual([mlflowDemo.quoted]);
    expect(await names(`name = 'partner''s-forecast'`)).toEqual([]);
    const or = await api.get("registered-models/search", { filter: "name = 'a' OR name = 'b'" });
    expect([or.status, or.json.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(String(or.json.message)).toContain("Invalid clause(s) in filter string");
    const badKey = await api.get("registered-models/search", { filter: "run_id = 'x'" });
    expect(badKey.json.message).toBe("Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'");

    const versions = async (filter: string): Promise<string[]> => ((await api.get("model-versions/search", { filter, order_by: "version_number ASC" })).json.model_versions as { version: string }[] | undefined)?.map((v) => v.version) ?? [];
    expect(await versions(`name = '${mlflowDemo.bert}' AND version_number > 3`)).toEqual(["4", "5"]);
    expect(await versions(`name = '${mlflowDemo.llama}' AND tags.approval = 'approved'`)).toEqual(["3"]);
    const run = (await api.get("model-versions/get", { name: mlflowDemo.fraud, version: "2" })).json.model_version as { run_id: string };
    expect(await versions(`run_id IN ('${run.run_id}', 'ffff')`)).toEqual(["2"]);
    expect(await versions("source_path = 'gs://kfserving-examples/models/sklearn/1.0/model'")).toEqual(["1"]);
    const inOnName = await api.get("model-versions/search", { filter: "name IN ('a')" });
    expect(inOnName.json.message).toBe("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  });

  it("orders registered models by name unless asked, with name as the tiebreak, and rejects unknown keys", async () => {
    const byUpdate = await api.get("registered-models/search", { order_by: "last_updated_timestamp DESC", max_results: "1000" });
    const rows = byUpdate.json.registered_models as { name: string; last_updated_timestamp: number }[];
    for (let i = 1; i < rows.length; i++) expect((rows[i - 1]?.last_updated_timestamp ?? 0) >= (rows[i]?.last_updated_timestamp ?? 0)).toBe(true);
    const bad = await api.get("registered-models/search", { order_by: "version_number" });
    expect([bad.status, bad.json.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });

  it("keeps MLflow's alias rules: reserved and invalid names refused, a missing alias is INVALID_PARAMETER_VALUE", async () => {
    const refuse = async (alias: string, message: string) => {
      const a = await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias, version: "1" });
      expect([a.status, a.json]).toEqual([400, { error_code: "INVALID_PARAMETER_VALUE", message }]);
    };
    await refuse("latest", "'latest' alias name (case insensitive) is reserved.");
    await refuse("LATEST", "'latest' alias name (case insensitive) is reserved.");
    await refuse("v3", "Version alias name 'v3' is reserved.");
    await refuse("blue green", "Invalid alias name: 'blue green'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    const long = await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias: "a".repeat(256), version: "1" });
    expect(long.status).toBe(400);
    const missingVersion = await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias: "canary", version: "42" });
    expect([missingVersion.status, missingVersion.json.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    const missing = await api.get("registered-models/alias", { name: mlflowDemo.resnet, alias: "canary" });
    expect([missing.status, missing.json]).toEqual([400, { error_code: "INVALID_PARAMETER_VALUE", message: "Registered model alias canary not found." }]);
  });

  it("sets, moves, reads and deletes an alias; the version and the model both show it", async () => {
    expect((await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias: "champion", version: "3" })).json).toEqual({});
    const byAlias = (await api.get("registered-models/alias", { name: mlflowDemo.resnet, alias: "champion" })).json.model_version as { version: string; aliases: string[] };
    expect(byAlias.version).toBe("3");
    expect(byAlias.aliases.sort()).toEqual(["challenger", "champion"]);
    const model = (await api.get("registered-models/get", { name: mlflowDemo.resnet })).json.registered_model as { aliases: { alias: string; version: string }[] };
    expect(model.aliases).toContainEqual({ alias: "champion", version: "3" });
    const v2 = (await api.get("model-versions/get", { name: mlflowDemo.resnet, version: "2" })).json.model_version as Record<string, unknown>;
    expect(v2).not.toHaveProperty("aliases"); // its only alias moved away: the field is omitted
    expect((await api.del("registered-models/alias", { name: mlflowDemo.resnet, alias: "champion" })).status).toBe(200);
    expect((await api.get("registered-models/alias", { name: mlflowDemo.resnet, alias: "champion" })).status).toBe(400);
    await api.post("registered-models/alias", { name: mlflowDemo.resnet, alias: "champion", version: "2" });
  });

  it("still serves the deprecated stages: get-latest-versions by POST and GET, transitions that archive", async () => {
    const viaPost = await api.post("registered-models/get-latest-versions", { name: mlflowDemo.triton, stages: ["Production"] });
    expect((viaPost.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(["3"]);
    const viaGet = await api.get("registered-models/get-latest-versions", { name: mlflowDemo.triton, stages: "staging" });
    expect((viaGet.json.model_versions as { version: string; current_stage: string }[]).map((v) => [v.version, v.current_stage])).toEqual([["4", "Staging"]]);
    const all = await api.get("registered-models/get-latest-versions", { name: mlflowDemo.triton });
    expect((all.json.model_versions as { current_stage: string }[]).map((v) => v.current_stage).sort()).toEqual(["Archived", "Production", "Staging"]);
    const bad = await api.post("registered-models/get-latest-versions", { name: mlflowDemo.triton, stages: ["Prod"] });
    expect(bad.json).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: "Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived." });

    const moved = await api.post("model-versions/transition-stage", { name: mlflowDemo.triton, version: "4", stage: "production", archive_existing_versions: true });
    expect((moved.json.model_version as { current_stage: string }).current_stage).toBe("Production");
    const v3 = (await api.get("model-versions/get", { name: mlflowDemo.triton, version: "3" })).json.model_version as { current_stage: string };
    expect(v3.current_stage).toBe("Archived");
    await api.post("model-versions/transition-stage", { name: mlflowDemo.triton, version: "3", stage: "Production", archive_existing_versions: false });
    await api.post("model-versions/transition-stage", { name: mlflowDemo.triton, version: "4", stage: "Staging", archive_existing_versions: false });
  });

  it("answers get-download-uri from the source, or from a logged model's location for MLflow 3 models:/m-… sources", async () => {
    expect((await api.get("model-versions/get-download-uri", { name: mlflowDemo.fraud, version: "3" })).json).toEqual({ artifact_uri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3" });
    const mv = (await api.get("model-versions/get", { name: mlflowDemo.sentiment, version: "3" })).json.model_version as { source: string };
    expect(mv.source).toBe(`models:/${mlflowDemo.loggedModelId}`);
    const uri = (await api.get("model-versions/get-download-uri", { name: mlflowDemo.sentiment, version: "3" })).json.artifact_uri as string;
    expect(uri).toBe(`mlflow-artifacts:/${mlflowDemo.experimentId}/models/${mlflowDemo.loggedModelId}/artifacts`);
  });

  it("answers runs/get for the demo's training runs, and RESOURCE_DOES_NOT_EXIST for runs logged on another server", async () => {
    const v3 = (await api.get("model-versions/get", { name: mlflowDemo.llama, version: "3" })).json.model_version as { run_id: string };
    const run = await api.get("runs/get", { run_id: v3.run_id });
    expect(run.status).toBe(200);
    const { info, data } = run.json.run as { info: Record<string, unknown>; data: { metrics: { key: string; value: number; step: number }[]; params: { key: string; value: string }[] } };
    expect(info.run_id).toBe(v3.run_id);
    expect(info.status).toBe("FINISHED");
    expect(data.metrics.map((m) => m.key).sort()).toEqual(["accuracy", "eval_loss", "f1"]);
    expect(data.params.find((p) => p.key === "epochs")?.value).toBe("5");
    const fraud = (await api.get("model-versions/get", { name: mlflowDemo.fraud, version: "3" })).json.model_version as { run_id: string; run_link: string };
    expect(fraud.run_link).toContain(fraud.run_id);
    expect(await api.get("runs/get", { run_id: fraud.run_id }).then((a) => [a.status, a.json])).toEqual([404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: `Run with id=${fraud.run_id} not found` }]);
  });

  it("creates, updates, deletes: version numbers are never reused", async () => {
    const created = await api.post("registered-models/create", { name: "scratch model", tags: [{ key: "team", value: "ops" }], description: "x" });
    expectRegisteredModel(created.json.registered_model as Record<string, unknown>, "create");
    const v1 = await api.post("model-versions/create", { name: "scratch model", source: "s3://b/scratch/1", run_id: "0123456789abcdef0123456789abcdef" });
    expect((v1.json.model_version as { version: string; status: string; current_stage: string }).version).toBe("1");
    const updated = await api.patch("model-versions/update", { name: "scratch model", version: "1", description: "first" });
    expect((updated.json.model_version as { description: string }).description).toBe("first");
    expect((await api.del("model-versions/delete", { name: "scratch model", version: "1" })).status).toBe(200);
    const v2 = await api.post("model-versions/create", { name: "scratch model", source: "s3://b/scratch/2" });
    expect((v2.json.model_version as { version: string }).version).toBe("2");
    expect((await api.del("registered-models/delete", { name: "scratch model" })).json).toEqual({});
  });

  it("matches the demo cluster: the annotations and storage URIs name what the registry holds (and one model it does not)", async () => {
    const scenario = await readScenario(path.join(scenariosDir, "demo.yaml"));
    const annotated = new Map<string, string>();
    for (const d of scenario.deployments ?? []) {
      const model = (d.metadata.annotations as Record<string, string> | undefined)?.["aiplatform.dev/model"];
      if (model) annotated.set(`${d.metadata.namespace ?? ""}/${d.metadata.name ?? ""}`, model);
    }
    expect(annotated.get("llm-serving/vllm-llama3-70b")).toBe("models:/llama3-70b-chat/4");
    const llamaChampion = (await api.get("registered-models/alias", { name: mlflowDemo.llama, alias: "champion" })).json.model_version as { version: string };
    expect(llamaChampion.version).toBe("3"); // v4 is served but not approved
    for (const [workload, uri] of annotated) {
      const [, name, version] = /^models:\/(.+)\/(\d+)$/.exec(uri) ?? [];
      const answer = await api.get("model-versions/get", { name: name ?? "", version: version ?? "" });
      expect(answer.status, `${workload} → ${uri}`).toBe(name === mlflowDemo.missing ? 404 : 200);
    }
    for (const isvc of scenario.inferenceservices ?? []) {
      const storageUri = (isvc.spec as { predictor: { model: { storageUri: string } } }).predictor.model.storageUri;
      const found = await api.get("model-versions/search", { filter: `source_path = '${storageUri}'` });
      expect((found.json.model_versions as unknown[] | undefined)?.length, `${isvc.metadata.name ?? ""} ${storageUri}`).toBe(1);
    }
  });
});

describe("sandbox MLflow registry paging", () => {
  const versions = 2_500;
  let mlflow: SandboxMlflow;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    const seed: MlflowSeed = {
      models: [
        { name: "big model", versions: Array.from({ length: versions }, (_, i) => ({ source: `s3://b/big/${i + 1}`, createdAt: 1_700_000_000_000 + i })) },
        ...Array.from({ length: 250 }, (_, i) => ({ name: `m-${String(i).padStart(3, "0")}`, versions: [] })),
      ],
    };
    mlflow = await startSandboxMlflow({ seed });
    api = client(mlflow.url);
  });
  afterAll(() => mlflow.stop());

  it("pages 2,500 versions newest first: each once, tokens base64({\"offset\": N}), none on the last page", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await api.get("model-versions/search", { filter: "name = 'big model'", order_by: "version_number DESC", max_results: "1000", ...(token ? { page_token: token } : {}) });
      expect(answer.status).toBe(200);
      seen.push(...(answer.json.model_versions as { version: string }[]).map((v) => v.version));
      token = answer.json.next_page_token as string | undefined;
      if (token) expect(JSON.parse(Buffer.from(token, "base64").toString("utf8"))).toEqual({ offset: seen.length });
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: versions }, (_, i) => String(versions - i)));
  });

  it("pages registered models 100 at a time by default", async () => {
    const first = await api.get("registered-models/search");
    expect((first.json.registered_models as unknown[]).length).toBe(100);
    expect(first.json.next_page_token).toBeTypeOf("string");
    const last = await api.get("registered-models/search", { max_results: "1000" });
    expect((last.json.registered_models as unknown[]).length).toBe(251);
    expect(last.json).not.toHaveProperty("next_page_token");
  });

  it("refuses a bad page token with INVALID_PARAMETER_VALUE", async () => {
    for (const token of ["not a token!", Buffer.from("[1,2]").toString("base64"), Buffer.from("{}").toString("base64")]) {
      const answer = await api.get("model-versions/search", { filter: "name = 'big model'", page_token: token });
      expect(answer.status).toBe(400);
      expect(answer.json.error_code).toBe("INVALID_PARAMETER_VALUE");
      expect(String(answer.json.message)).toMatch(/^Invalid page token/);
    }
  });
});

describe("the bench's registry (scaleRegistrySeed)", () => {
  it("is deterministic, names its models after scaleScenario's Deployments, and serves 500 × 20 with paging", async () => {
    const seed = scaleRegistrySeed(500, 20);
    expect(JSON.stringify(scaleRegistrySeed(500, 20))).toBe(JSON.stringify(seed));
    expect(seed.models.map((m) => m.name).slice(0, 3)).toEqual(["model-0", "model-1", "model-2"]);
    const mlflow = await startSandboxMlflow({ seed });
    try {
      const api = client(mlflow.url);
      const first = await api.get("registered-models/search", { max_results: "100" });
      const models = first.json.registered_models as Record<string, unknown>[];
      expect(models.length).toBe(100);
      for (const rm of models) expectRegisteredModel(rm, String(rm.name));
      expect(first.json.next_page_token).toBeTypeOf("string");
      const all = await api.get("model-versions/search", { filter: "name = 'model-499'", order_by: "version_number DESC" });
      expect((all.json.model_versions as { version: string }[]).map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => String(20 - i)));
      const champion = await api.get("registered-models/alias", { name: "model-7", alias: "champion" });
      expect((champion.json.model_version as { version: string }).version).toBe("1");
      // The bench's annotations name versions that exist below 500 models, and a missing model above.
      for (const d of [0, 19, 20, 499]) {
        const [, name, version] = /^models:\/(.+)\/(\d+)$/.exec(scaleModelReference(d, 500, 20)) ?? [];
        expect((await api.get("model-versions/get", { name: name ?? "", version: version ?? "" })).status).toBe(200);
      }
      const [, missing] = /^models:\/(.+)\/\d+$/.exec(scaleModelReference(500, 500, 20)) ?? [];
      expect((await api.get("registered-models/get", { name: missing ?? "" })).status).toBe(404);
    } finally {
      await mlflow.stop();
    }
  });
});

describe("sandbox MLflow registry auth, TLS, Azure ML flavour and faults", () => {
  it("asks for Basic credentials as the basic-auth app does", async () => {
    const mlflow = await startSandboxMlflow({ auth: { kind: "basic", username: "alice", password: "s3cret" } });
    try {
      const anonymous = await client(mlflow.url).get("registered-models/search");
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="mlflow"');
      const wrong = await client(mlflow.url, { Authorization: `Basic ${Buffer.from("alice:nope").toString("base64")}` }).get("registered-models/search");
      expect(wrong.status).toBe(401);
      const right = await client(mlflow.url, { Authorization: `Basic ${Buffer.from("alice:s3cret").toString("base64")}` }).get("registered-models/search");
      expect(right.status).toBe(200);
      expect(mlflow.requests.at(-1)?.authorization).toBe("Basic");
      expect(JSON.stringify(mlflow.requests)).not.toContain("s3cret");
    } finally {
      await mlflow.stop();
    }
  });

  it("asks for a Bearer token when configured so", async () => {
    const mlflow = await startSandboxMlflow({ auth: { kind: "bearer", token: "tok-123" } });
    try {
      expect((await client(mlflow.url, { Authorization: "Bearer wrong" }).get("registered-models/search")).status).toBe(401);
      expect((await client(mlflow.url, { Authorization: "Bearer tok-123" }).get("registered-models/search")).status).toBe(200);
    } finally {
      await mlflow.stop();
    }
  });

  it("serves HTTPS under the sandbox CA", async () => {
    const certificates = await createSandboxCertificates();
    const mlflow = await startSandboxMlflow({ tls: certificates });
    try {
      expect(mlflow.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${mlflow.url}/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(mlflowDemo.fraud)}`, { ca: certificates.caCert }, (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
            response.on("end", () => resolve(text));
          })
          .on("error", reject);
      });
      expect((JSON.parse(body) as { registered_model: { name: string } }).registered_model.name).toBe(mlflowDemo.fraud);
    } finally {
      await mlflow.stop();
    }
  });

  it("plays Azure ML: the workspace path, no alias endpoints, no LIKE or tag search", async () => {
    const mlflow = await startSandboxMlflow({ flavour: "azureml" });
    try {
      expect(mlflow.trackingUri).toMatch(/^azureml:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+$/);
      const api = client(mlflow.restBase);
      expect((await api.get("registered-models/get", { name: mlflowDemo.fraud })).status).toBe(200);
      expect((await client(mlflow.url).get("registered-models/get", { name: mlflowDemo.fraud })).status).toBe(404);
      const alias = await api.get("registered-models/alias", { name: mlflowDemo.fraud, alias: "champion" });
      expect([alias.status, alias.json.error_code]).toEqual([404, "ENDPOINT_NOT_FOUND"]);
      expect((await api.get("registered-models/search", { filter: "name LIKE '%fraud%'" })).status).toBe(400);
      expect((await api.get("registered-models/search", { filter: "tags.team = 'llm'" })).status).toBe(400);
      expect((await api.get("registered-models/search", { filter: `name = '${mlflowDemo.fraud}'` })).status).toBe(200);
    } finally {
      await mlflow.stop();
    }
  });

  it("answers an MLflow without aliases (before 2.3) with Flask's 404 on the alias path", async () => {
    const mlflow = await startSandboxMlflow({ aliases: false });
    try {
      const answer = await client(mlflow.url).get("registered-models/alias", { name: mlflowDemo.fraud, alias: "champion" });
      expect(answer.status).toBe(404);
      expect(answer.text).toContain("404 Not Found");
    } finally {
      await mlflow.stop();
    }
  });

  it("injects faults for tests: statuses with Retry-After, dropped connections, then normal answers", async () => {
    const mlflow = await startSandboxMlflow();
    try {
      const api = client(mlflow.url);
      mlflow.faults.add({ kind: "status", status: 429, headers: { "Retry-After": "1" }, match: "registered-models/search" });
      mlflow.faults.add({ kind: "status", status: 503, count: 2, match: "registered-models/search" });
      const limited = await api.get("registered-models/search");
      expect([limited.status, limited.json.error_code, limited.headers.get("retry-after")]).toEqual([429, "REQUEST_LIMIT_EXCEEDED", "1"]);
      expect((await api.get("registered-models/search")).status).toBe(503);
      expect((await api.get("registered-models/get", { name: mlflowDemo.fraud })).status).toBe(200); // not matched
      expect((await api.get("registered-models/search")).status).toBe(503);
      expect((await api.get("registered-models/search")).status).toBe(200);
      mlflow.faults.add({ kind: "drop" });
      await expect(api.get("registered-models/search")).rejects.toThrow();
      expect((await api.get("registered-models/search")).status).toBe(200);
      expect(mlflow.requests.filter((r) => r.endpoint === "registered-models/search").length).toBeGreaterThanOrEqual(2);
    } finally {
      await mlflow.stop();
    }
  });
});

describe("startSandbox({ mlflow }) and .sandbox/endpoints.json", () => {
  it("runs the registry with the API server, under its CA, and names it (and ca.pem) in endpoints.json; stop() stops it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aiplat-mlflow-"));
    const started = await startSandbox({ scenario: oneNodeScenario(["default"], { cpu: "4", memory: "16Gi" }), controllers: false, mlflow: { https: true, auth: { kind: "basic", username: "sandbox", password: "sandbox-password" } } });
    try {
      const { file } = await writeRunningSandboxEndpoints(dir, started, path.join(dir, "kubeconfig"));
      const endpoints = await readSandboxEndpoints(file);
      expect(endpoints.mlflow?.trackingUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.mlflow?.flavour).toBe("mlflow");
      expect(endpoints.mlflow?.auth).toEqual({ kind: "basic", username: "sandbox", password: "sandbox-password" });
      const ca = readFileSync(endpoints.mlflow?.caFile ?? "", "utf8");
      expect(ca).toBe(started.server.tlsCertificates.caCert);
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${endpoints.mlflow?.trackingUri ?? ""}/api/2.0/mlflow/registered-models/get?name=${mlflowDemo.llama}`, { ca, headers: { Authorization: `Basic ${Buffer.from("sandbox:sandbox-password").toString("base64")}` } }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          })
          .on("error", reject);
      });
      expect(status).toBe(200);
    } finally {
      await started.server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    // Stopped with the API server: nothing listens on its port any more.
    const port = Number(new URL(started.mlflow?.url ?? "http://127.0.0.1:1").port);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve("connected");
      }).on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
