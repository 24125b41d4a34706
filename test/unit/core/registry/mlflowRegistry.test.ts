import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMlflowRegistry, type MlflowRegistryDeps } from "../../../../src/core/registry/mlflowRegistry";
import type { RegistryAuth, RegistryTarget } from "../../../../src/core/registry/registryTarget";

/**
 * The client against a local server that answers as MLflow's does (mlflow/server/handlers.py:
 * GET from the query string, JSON bodies otherwise, `{error_code, message}` with the status of
 * ERROR_CODE_TO_HTTP_STATUS, werkzeug's HTML 404 for a route it lacks). Each test says how the
 * server answers and reads what reached it.
 */

interface Seen {
  readonly method: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | "hang" | "drop";

let server: http.Server;
let base: string;
let seen: Seen[] = [];
let answer: (req: Seen, attempt: number) => Reply = () => ({ status: 200, body: {} });

const werkzeug404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const mlflowError = (status: number, error_code: string, message: string): Reply => ({ status, body: { error_code, message } });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = { method: req.method ?? "", url: new URL(req.url ?? "/", "http://x"), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(s);
      const reply = answer(s, seen.length);
      if (reply === "hang") return;
      if (reply === "drop") {
        req.socket.destroy();
        return;
      }
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
      const type = typeof reply.body === "string" ? "text/html; charset=utf-8" : "application/json";
      res.writeHead(reply.status, { "Content-Type": type, ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = () => ({ status: 200, body: {} });
});

const fast: MlflowRegistryDeps = { backoffBaseMs: 1, random: () => 0 };

function registry(over: Partial<RegistryTarget> = {}, deps: MlflowRegistryDeps = fast, path = "/") {
  const target: RegistryTarget = { kind: "mlflow", restBase: new URL(path, base), displayUrl: base, auth: { kind: "none" }, ...over };
  return createMlflowRegistry(target, deps);
}

describe("requests as MLflow's server reads them", () => {
  it("puts GET parameters in the query string, a list as repeated keys, under the server's path prefix", async () => {
    answer = () => ({ status: 200, body: { registered_models: [{ name: "a" }] } });
    const r = await registry({}, fast, "/mlflow/").searchRegisteredModels({
      filter: `name = "it's llama 3/8B ✓"`,
      orderBy: ["name ASC", "last_updated_timestamp DESC"],
      maxResults: 50,
      pageToken: "eyJvZmZzZXQiOiA1MH0=",
    });
    expect(r.ok).toBe(true);
    const [req] = seen;
    expect(req!.method).toBe("GET");
    expect(req!.url.pathname).toBe("/mlflow/api/2.0/mlflow/registered-models/search");
    expect(req!.url.searchParams.get("filter")).toBe(`name = "it's llama 3/8B ✓"`);
    expect(req!.url.searchParams.getAll("order_by")).toEqual(["name ASC", "last_updated_timestamp DESC"]);
    expect(req!.url.searchParams.get("max_results")).toBe("50");
    expect(req!.url.searchParams.get("page_token")).toBe("eyJvZmZzZXQiOiA1MH0=");
    expect(req!.body).toBe("");
  });

  it("caps a registered-model page at 1000, above which MLflow answers INVALID_PARAMETER_VALUE", async () => {
    await registry().searchRegisteredModels({ maxResults: 5000 });
    expect(seen[0]!.url.searchParams.get("max_results")).toBe("1000");
  });

  it("sends mutations as JSON with Content-Type, DELETE included", async () => {
    const r = registry();
    expect(await r.setAlias("fraud detector", "champion", "4")).toEqual({ ok: true, value: undefined });
    expect(await r.deleteAlias("fraud detector", "challenger")).toEqual({ ok: true, value: undefined });
    expect(await r.deleteVersionTag("fraud detector", "4", "approval")).toEqual({ ok: true, value: undefined });
    expect(await r.setVersionTag("fraud detector", "4", { key: "approval", value: "approved" })).toEqual({ ok: true, value: undefined });
    expect(seen.map((s) => [s.method, s.url.pathname, s.headers["content-type"], JSON.parse(s.body) as unknown])).toEqual([
      ["POST", "/api/2.0/mlflow/registered-models/alias", "application/json", { name: "fraud detector", alias: "champion", version: "4" }],
      ["DELETE", "/api/2.0/mlflow/registered-models/alias", "application/json", { name: "fraud detector", alias: "challenger" }],
      ["DELETE", "/api/2.0/mlflow/model-versions/delete-tag", "application/json", { name: "fraud detector", version: "4", key: "approval" }],
      ["POST", "/api/2.0/mlflow/model-versions/set-tag", "application/json", { name: "fraud detector", version: "4", key: "approval", value: "approved" }],
    ]);
    expect(seen.every((s) => s.url.search === "")).toBe(true);
  });

  it("sends transition-stage with archive_existing_versions as a JSON boolean", async () => {
    answer = () => ({ status: 200, body: { model_version: { name: "m", version: "2", current_stage: "Production" } } });
    const r = await registry().transitionStage("m", "2", "Production", true);
    expect(r).toMatchObject({ ok: true, value: { version: "2", currentStage: "Production" } });
    expect(JSON.parse(seen[0]!.body)).toEqual({ name: "m", version: "2", stage: "Production", archive_existing_versions: true });
  });

  it("asks get-latest-versions by POST, then by GET where POST is not allowed (rest_store call_endpoints)", async () => {
    answer = (req) => (req.method === "POST" ? { status: 405, body: "<title>405 Method Not Allowed</title>" } : { status: 200, body: { model_versions: [{ name: "m", version: "3", current_stage: "Production" }] } });
    const r = await registry().getLatestVersions("m", ["Production"]);
    expect(r).toMatchObject({ ok: true, value: [{ version: "3" }] });
    expect(seen.map((s) => s.method)).toEqual(["POST", "GET"]);
    expect(seen[1]!.url.searchParams.getAll("stages")).toEqual(["Production"]);
  });

  it("reads a download URI and a run's metrics and params", async () => {
    answer = (req) =>
      req.url.pathname.endsWith("get-download-uri")
        ? { status: 200, body: { artifact_uri: "mlflow-artifacts:/1/abc/artifacts/model" } }
        : { status: 200, body: { run: { info: { run_id: "abc" }, data: { metrics: [{ key: "auc", value: 0.93, timestamp: 1, step: 0 }, { key: "loss", value: "NaN" }], params: [{ key: "lr", value: "0.1" }] } } } };
    const r = registry();
    expect(await r.getDownloadUri("m", "1")).toEqual({ ok: true, value: "mlflow-artifacts:/1/abc/artifacts/model" });
    const run = await r.getRun!("abc");
    expect(run.ok && run.value.metrics[0]).toEqual({ key: "auc", value: 0.93 });
    expect(run.ok && Number.isNaN(run.value.metrics[1]!.value)).toBe(true);
    expect(run.ok && run.value.params).toEqual([{ key: "lr", value: "0.1" }]);
    expect(seen[1]!.url.searchParams.get("run_id")).toBe("abc");
  });
});

describe("failures are values", () => {
  it("reads MLflow's error JSON with its status (RESOURCE_ALREADY_EXISTS is 400, not 409)", async () => {
    answer = () => mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Registered Model with name=nope not found");
    expect(await registry().getRegisteredModel("nope")).toEqual({ ok: false, failure: { kind: "api-error", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=nope not found" } });
    answer = () => mlflowError(400, "RESOURCE_ALREADY_EXISTS", "Registered Model (name=m) already exists.");
    expect(await registry().setModelTag("m", { key: "a", value: "b" })).toMatchObject({ ok: false, failure: { kind: "api-error", status: 400, errorCode: "RESOURCE_ALREADY_EXISTS" } });
  });

  it("passes a bad page token's answer back for the caller to restart from the first page", async () => {
    answer = () => mlflowError(400, "INVALID_PARAMETER_VALUE", "Invalid page token, could not base64-decode. Underlying exception: Incorrect padding");
    const r = await registry().searchModelVersions({ pageToken: "garbage" });
    expect(r).toMatchObject({ ok: false, failure: { kind: "api-error", status: 400, errorCode: "INVALID_PARAMETER_VALUE" } });
    expect(seen).toHaveLength(1);
  });

  it("says 401 and 403 apart as unauthorized", async () => {
    answer = () => ({ status: 401, body: "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate." });
    expect(await registry().searchRegisteredModels()).toMatchObject({ ok: false, failure: { kind: "unauthorized", status: 401 } });
    answer = () => mlflowError(403, "PERMISSION_DENIED", "Permission denied");
    expect(await registry().searchRegisteredModels()).toEqual({ ok: false, failure: { kind: "unauthorized", status: 403, message: "Permission denied" } });
  });

  it("reports a proxy's HTML page as a bad response, without its markup", async () => {
    answer = () => ({ status: 200, body: "<html><head><title>Sign in</title><script>var x=1</script></head><body><h1>Corporate login</h1></body></html>" });
    const r = await registry().searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "bad-response", status: 200 } });
    if (!r.ok && r.failure.kind === "bad-response") {
      expect(r.failure.detail).toContain("Corporate login");
      expect(r.failure.detail).not.toContain("<");
    }
  });

  it("reports JSON of another shape as a bad response that says where", async () => {
    answer = () => ({ status: 200, body: { registered_models: [{ name: "a", latest_versions: [{ name: "a" }] }] } });
    const r = await registry().searchRegisteredModels();
    expect(r.ok).toBe(false);
    if (!r.ok && r.failure.kind === "bad-response") expect(r.failure.detail).toContain("registered_models.0.latest_versions.0.version");
    else expect.unreachable(JSON.stringify(r));
  });

  it("never puts the Basic or Bearer credential in a failure, even when the server echoes the request", async () => {
    answer = (req) => mlflowError(400, "INVALID_PARAMETER_VALUE", `bad request; headers were ${JSON.stringify(req.headers)}`);
    const auths: RegistryAuth[] = [
      { kind: "basic", username: "alice", password: "correct-horse-battery" },
      { kind: "bearer", token: "tok-0123456789" },
    ];
    for (const auth of auths) {
      seen = [];
      const r = await registry({ auth }).getRegisteredModel("m");
      const header = seen[0]!.headers.authorization!;
      expect(header).toBe(auth.kind === "basic" ? `Basic ${Buffer.from("alice:correct-horse-battery").toString("base64")}` : "Bearer tok-0123456789");
      const text = JSON.stringify(r);
      expect(text).toContain("***");
      expect(text).not.toContain(header.split(" ")[1]!);
      expect(text).not.toContain("correct-horse-battery");
      expect(text).not.toContain("tok-0123456789");
    }
  });

  it("gets an ARM token from an Azure credential and sends it as Bearer", async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: (scope) => {
        scopes.push(String(scope));
        return Promise.resolve({ token: "arm-token-xyz", expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    answer = () => ({ status: 200, body: { registered_models: [] } });
    const r = registry({ kind: "azureml", auth: { kind: "azure", credential, scope: "https://management.azure.com/.default" } });
    await r.searchRegisteredModels();
    await r.searchRegisteredModels();
    expect(seen.map((s) => s.headers.authorization)).toEqual(["Bearer arm-token-xyz", "Bearer arm-token-xyz"]);
    // One token for both calls, for the ARM audience.
    expect(scopes).toEqual(["https://management.azure.com/.default"]);
  });
});

describe("retries, timeouts and cancellation", () => {
  it("retries 503 and 429 and succeeds, as MLflow's client does", async () => {
    answer = (_req, attempt) =>
      attempt === 1 ? mlflowError(503, "TEMPORARILY_UNAVAILABLE", "busy") : attempt === 2 ? { status: 429, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, headers: { "Retry-After": "0" } } : { status: 200, body: { registered_models: [{ name: "m" }] } };
    const r = await registry().searchRegisteredModels();
    expect(r).toMatchObject({ ok: true, value: { items: [{ name: "m" }] } });
    expect(seen).toHaveLength(3);
  });

  it("gives up after the retries with the last answer", async () => {
    answer = () => mlflowError(500, "INTERNAL_ERROR", "database is locked");
    const r = await registry({ retries: 3 }).searchRegisteredModels();
    expect(r).toEqual({ ok: false, failure: { kind: "api-error", status: 500, errorCode: "INTERNAL_ERROR", message: "database is locked" } });
    expect(seen).toHaveLength(4);
  });

  it("does not retry what retrying cannot fix (400, 404)", async () => {
    answer = () => mlflowError(400, "INVALID_PARAMETER_VALUE", "Invalid filter");
    await registry().searchRegisteredModels({ filter: "name ~ 'x'" });
    expect(seen).toHaveLength(1);
  });

  it("returns a 429 at once when Retry-After asks for longer than the call may take", async () => {
    answer = () => ({ status: 429, body: { error_code: "REQUEST_LIMIT_EXCEEDED", message: "quota" }, headers: { "Retry-After": "3600" } });
    const r = await registry().searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "api-error", status: 429 } });
    expect(seen).toHaveLength(1);
  });

  it("retries a dropped connection, then says unreachable", async () => {
    answer = () => "drop";
    const r = await registry({ retries: 2 }).searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "unreachable" } });
    expect(seen).toHaveLength(3);
  });

  it("says unreachable when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await createMlflowRegistry({ kind: "mlflow", restBase: new URL(`http://127.0.0.1:${port}/`), displayUrl: "x", auth: { kind: "none" }, retries: 1 }, fast).searchRegisteredModels();
    expect(r).toMatchObject({ ok: false, failure: { kind: "unreachable" } });
    if (!r.ok && r.failure.kind === "unreachable") expect(r.failure.detail).toContain("ECONNREFUSED");
  });

  it("ends a slow answer as a timeout after the per-attempt limit", async () => {
    answer = () => "hang";
    const r = await registry({ timeoutMs: 150 }).searchRegisteredModels();
    expect(r).toEqual({ ok: false, failure: { kind: "timeout", afterMs: 150 } });
  });

  it("ends at the total deadline while retrying", async () => {
    answer = () => mlflowError(503, "TEMPORARILY_UNAVAILABLE", "busy");
    const r = await registry({ retries: 50 }, { backoffBaseMs: 20, random: () => 0, totalTimeoutMs: 300 }).searchRegisteredModels();
    expect(r.ok).toBe(false);
    // Either the deadline fired during a wait, or the next wait would not fit: both end the call, well before 50 retries.
    expect(seen.length).toBeLessThan(10);
  });

  it("stops when the caller aborts, quietly", async () => {
    answer = () => "hang";
    const controller = new AbortController();
    const pending = registry().searchRegisteredModels({ signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await pending).toEqual({ ok: false, failure: { kind: "aborted" } });
  });
});

describe("features a registry lacks", () => {
  it.each([
    ["werkzeug's HTML 404 (an MLflow before aliases)", { status: 404, body: werkzeug404 }],
    ["ENDPOINT_NOT_FOUND", mlflowError(404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /registered-models/alias'")],
    ["501 NOT_IMPLEMENTED", mlflowError(501, "NOT_IMPLEMENTED", "aliases are not supported")],
  ])("takes %s on an alias endpoint as unsupported, with a note", async (_label, reply) => {
    answer = () => reply;
    const r = registry();
    const got = await r.getModelVersionByAlias("m", "champion");
    expect(got).toMatchObject({ ok: false, failure: { kind: "unsupported", feature: "aliases" } });
    expect(r.notes().map((n) => n.feature)).toEqual(["aliases"]);
  });

  it("keeps an unset alias an api-error: the endpoint is there (MLflow answers 400)", async () => {
    answer = () => mlflowError(400, "INVALID_PARAMETER_VALUE", "Registered model alias champion not found.");
    const r = registry();
    expect(await r.getModelVersionByAlias("m", "champion")).toMatchObject({ ok: false, failure: { kind: "api-error", errorCode: "INVALID_PARAMETER_VALUE" } });
    expect(r.notes()).toEqual([]);
  });

  it("on Azure ML, retries a refused LIKE search without it, filters here, and notes it", async () => {
    const models = ["fraud-detector", "Fraud-Scorer", "churn"].map((name) => ({ name }));
    answer = (req) => {
      const filter = req.url.searchParams.get("filter");
      if (filter && /LIKE/i.test(filter)) return { status: 400, body: { error: { code: "UserError", message: "LIKE is not supported" } } };
      return { status: 200, body: { registered_models: models } };
    };
    const r = registry({ kind: "azureml" });
    const got = await r.searchRegisteredModels({ filter: "name ILIKE '%fraud%'" });
    expect(got).toMatchObject({ ok: true, value: { items: [{ name: "fraud-detector" }, { name: "Fraud-Scorer" }] } });
    expect(r.notes().map((n) => n.feature)).toEqual(["like-search"]);
    // Next time the clause is not sent at all.
    seen = [];
    await r.searchRegisteredModels({ filter: "name LIKE 'churn%'" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url.searchParams.has("filter")).toBe(false);
  });

  it("on MLflow, passes a refused filter back: the filter is wrong, not the server", async () => {
    answer = () => mlflowError(400, "INVALID_PARAMETER_VALUE", "Invalid clause(s) in filter string");
    const r = registry();
    expect(await r.searchRegisteredModels({ filter: "name LIKE 'x" })).toMatchObject({ ok: false, failure: { kind: "api-error" } });
    expect(r.notes()).toEqual([]);
  });
});

describe("listAllVersions", () => {
  /** Offset tokens as SearchUtils.create_page_token makes them: base64 of {"offset": N}, absent on the last page. */
  function pagedVersions(name: string, count: number, options: { repeatToken?: boolean } = {}) {
    return (req: Seen): Reply => {
      const size = Number(req.url.searchParams.get("max_results"));
      const token = req.url.searchParams.get("page_token");
      const offset = token ? (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset: number }).offset : 0;
      const all = Array.from({ length: count }, (_, i) => ({ name, version: String(count - i), creation_timestamp: 1_700_000_000_000 + (count - i) }));
      const page = all.slice(offset, offset + size);
      const next = offset + size < count ? Buffer.from(JSON.stringify({ offset: options.repeatToken ? size : offset + size })).toString("base64") : undefined;
      return { status: 200, body: { model_versions: page, ...(next ? { next_page_token: next } : {}) } };
    };
  }

  it("follows page tokens to the end: every version once, newest first", async () => {
    answer = pagedVersions("llama 3 ✓", 2500);
    const pages: number[] = [];
    const r = await registry().listAllVersions("llama 3 ✓", { onPage: (p) => pages.push(p.length) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(2500);
    expect(r.value[0]!.version).toBe("2500");
    expect(r.value[2499]!.version).toBe("1");
    expect(new Set(r.value.map((v) => v.version)).size).toBe(2500);
    expect(pages).toEqual([1000, 1000, 500]);
    expect(seen[0]!.url.searchParams.get("filter")).toBe("name = 'llama 3 ✓'");
    expect(seen[0]!.url.searchParams.getAll("order_by")).toEqual(["version_number DESC"]);
    expect(seen[0]!.url.searchParams.has("page_token")).toBe(false);
  });

  it("stops on a token the server already gave rather than loop", async () => {
    answer = pagedVersions("m", 50, { repeatToken: true });
    const r = await registry().listAllVersions("m", { pageSize: 10 });
    expect(r).toMatchObject({ ok: false, failure: { kind: "bad-response" } });
  });

  it("finds a name with both kinds of quote through LIKE and keeps only that name", async () => {
    const name = `it's "v2"`;
    answer = () => ({ status: 200, body: { model_versions: [{ name, version: "1" }, { name: "it_s _v2_", version: "9" }] } });
    const r = await registry().listAllVersions(name);
    expect(r).toMatchObject({ ok: true, value: [{ name, version: "1" }] });
    expect(seen[0]!.url.searchParams.get("filter")).toBe(`name LIKE 'it_s _v2_'`);
  });
});
