/**
 * The sandbox registry's HTTP side: MLflow's transport rules (mlflow/server/handlers.py @0007c018,
 * server/validation.py, protocols.md §1.1–1.5) in front of MlflowStore.
 * - Every ModelRegistryService endpoint of model_registry.proto (and the tracking API's runs/get)
 *   under /api/2.0/mlflow and /ajax-api/2.0/mlflow. Anything else answers as Flask does: werkzeug's HTML 404 (405 for a
 *   known path with another method). The real server has no JSON ENDPOINT_NOT_FOUND; Databricks
 *   and Azure ML do, so the azureml flavour answers that.
 * - GET reads the query string (repeated keys → lists, a single value of a repeated field is a
 *   list of one); every other method reads a JSON body (DELETE too), and POST/PUT need
 *   Content-Type application/json (_validate_content_type checks only those two).
 * - Type and required checks with _validate_param_against_schema's wording; then the store.
 * Optional Basic auth (the basic-auth app's 401) or Bearer, faults and a request log for tests.
 */
import { type IncomingMessage, type ServerResponse } from "node:http";
import { readRequestBody } from "../azure/httpsListener";
import { MlflowError, httpStatusOf, invalidParameter } from "./mlflowError";
import { type MlflowStore, type WireJson } from "./mlflowStore";

export type MlflowAuth = { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };

/** A test hook: the next `count` matching requests fail, stall or lose their connection. */
export type MlflowFault =
  | { kind: "status"; status: number; count?: number; match?: string; body?: string | WireJson; headers?: Record<string, string> }
  | { kind: "delay"; ms: number; count?: number; match?: string }
  | { kind: "drop"; count?: number; match?: string };

export interface MlflowRequestRecord {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** The endpoint, e.g. "registered-models/search", when the path was one. */
  readonly endpoint?: string;
  readonly contentType?: string;
  /** Parsed JSON body (not GET). */
  readonly body?: unknown;
  /** Which scheme the Authorization header used, never its value. */
  readonly authorization?: string;
  readonly status: number;
}

export interface MlflowServerConfig {
  readonly store: MlflowStore;
  readonly flavour: "mlflow" | "azureml";
  /** Path before /api/2.0/mlflow: "" for MLflow, the workspace scope for Azure ML. */
  readonly basePath: string;
  readonly auth?: MlflowAuth | undefined;
  /** An MLflow older than 2.3 has no alias endpoints (werkzeug 404). Default true. */
  readonly aliases: boolean;
  readonly faults: MlflowFault[];
  readonly requests: MlflowRequestRecord[];
}

type FieldType = "string" | "int" | "bool" | "strings" | "tags";
interface Endpoint {
  readonly methods: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
  readonly required: readonly string[];
  /** Extra value checks after the type check (e.g. max_results ≤ 1000). */
  readonly limits?: Readonly<Record<string, (value: unknown) => boolean>>;
  readonly alias?: boolean;
  run(store: MlflowStore, p: Params): WireJson;
}

type Params = Record<string, unknown>;
const str = (p: Params, k: string): string => {
  const v = p[k];
  return typeof v === "string" ? v : "";
};
const opt = (p: Params, k: string): string | undefined => {
  const v = p[k];
  return typeof v === "string" ? v : undefined;
};
const list = (p: Params, k: string): string[] => (Array.isArray(p[k]) ? (p[k] as string[]) : []);
const tags = (p: Params): { key: string; value: string }[] => (Array.isArray(p.tags) ? (p.tags as { key?: unknown; value?: unknown }[]).map((t) => ({ key: typeof t.key === "string" ? t.key : "", value: typeof t.value === "string" ? t.value : "" })) : []);
const int = (p: Params, k: string, fallback: number): number => (p[k] === undefined || p[k] === "" ? fallback : Number(p[k]));
const atMost = (limit: number) => (v: unknown) => Number(v) <= limit;

// handlers.py: the schema each handler passes to _get_request_message, and the store call.
const endpoints: Readonly<Record<string, Endpoint>> = {
  "registered-models/create": { methods: ["POST"], fields: { name: "string", tags: "tags", description: "string" }, required: ["name"], run: (s, p) => ({ registered_model: s.createRegisteredModel(str(p, "name"), tags(p), opt(p, "description")) }) },
  "registered-models/rename": { methods: ["POST"], fields: { name: "string", new_name: "string" }, required: ["name", "new_name"], run: (s, p) => ({ registered_model: s.renameRegisteredModel(str(p, "name"), str(p, "new_name")) }) },
  "registered-models/update": { methods: ["PATCH"], fields: { name: "string", description: "string" }, required: ["name"], run: (s, p) => ({ registered_model: s.updateRegisteredModel(str(p, "name"), opt(p, "description")) }) },
  "registered-models/delete": { methods: ["DELETE"], fields: { name: "string" }, required: ["name"], run: (s, p) => (s.deleteRegisteredModel(str(p, "name")), {}) },
  "registered-models/get": { methods: ["GET"], fields: { name: "string" }, required: ["name"], run: (s, p) => ({ registered_model: s.getRegisteredModel(str(p, "name")) }) },
  "registered-models/search": {
    methods: ["GET"],
    fields: { filter: "string", max_results: "int", order_by: "strings", page_token: "string" },
    required: [],
    limits: { max_results: atMost(1000) },
    run: (s, p) => {
      const page = s.searchRegisteredModels(opt(p, "filter"), int(p, "max_results", 100), list(p, "order_by"), opt(p, "page_token"));
      return { registered_models: page.items, ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  },
  "registered-models/get-latest-versions": { methods: ["POST", "GET"], fields: { name: "string", stages: "strings" }, required: ["name"], run: (s, p) => ({ model_versions: s.getLatestVersions(str(p, "name"), list(p, "stages")) }) },
  "registered-models/set-tag": { methods: ["POST"], fields: { name: "string", key: "string", value: "string" }, required: ["name", "key"], run: (s, p) => (s.setRegisteredModelTag(str(p, "name"), str(p, "key"), str(p, "value")), {}) },
  "registered-models/delete-tag": { methods: ["DELETE"], fields: { name: "string", key: "string" }, required: ["name", "key"], run: (s, p) => (s.deleteRegisteredModelTag(str(p, "name"), str(p, "key")), {}) },
  "model-versions/create": {
    methods: ["POST"],
    fields: { name: "string", source: "string", run_id: "string", tags: "tags", run_link: "string", description: "string" },
    required: ["name", "source"],
    run: (s, p) => ({ model_version: s.createModelVersion({ name: str(p, "name"), source: str(p, "source"), runId: opt(p, "run_id"), runLink: opt(p, "run_link"), tags: tags(p), description: opt(p, "description") }) }),
  },
  "model-versions/update": { methods: ["PATCH"], fields: { name: "string", version: "string", description: "string" }, required: ["name", "version"], run: (s, p) => ({ model_version: s.updateModelVersion(str(p, "name"), str(p, "version"), opt(p, "description")) }) },
  "model-versions/transition-stage": {
    methods: ["POST"],
    fields: { name: "string", version: "string", stage: "string", archive_existing_versions: "bool" },
    required: ["name", "version", "stage"],
    run: (s, p) => ({ model_version: s.transitionStage(str(p, "name"), str(p, "version"), str(p, "stage"), p.archive_existing_versions === true) }),
  },
  "model-versions/delete": { methods: ["DELETE"], fields: { name: "string", version: "string" }, required: ["name", "version"], run: (s, p) => (s.deleteModelVersion(str(p, "name"), str(p, "version")), {}) },
  "model-versions/get": { methods: ["GET"], fields: { name: "string", version: "string" }, required: ["name", "version"], run: (s, p) => ({ model_version: s.getModelVersion(str(p, "name"), str(p, "version")) }) },
  "model-versions/search": {
    methods: ["GET"],
    fields: { filter: "string", max_results: "int", order_by: "strings", page_token: "string" },
    required: [],
    limits: { max_results: atMost(200_000) },
    run: (s, p) => {
      const page = s.searchModelVersions(opt(p, "filter"), int(p, "max_results", 200_000), list(p, "order_by"), opt(p, "page_token"));
      return { model_versions: page.items, ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  },
  // _get_model_version_download_uri passes no schema: the store's own checks answer.
  "model-versions/get-download-uri": { methods: ["GET"], fields: { name: "string", version: "string" }, required: [], run: (s, p) => ({ artifact_uri: s.getDownloadUri(str(p, "name"), str(p, "version")) }) },
  "model-versions/set-tag": { methods: ["POST"], fields: { name: "string", version: "string", key: "string", value: "string" }, required: ["name", "version", "key"], run: (s, p) => (s.setVersionTag(str(p, "name"), str(p, "version"), str(p, "key"), str(p, "value")), {}) },
  // Not the registry's, but Compare with Serving reads a version's run: GetRun (service.proto), run_uuid as the old spelling.
  "runs/get": {
    methods: ["GET"],
    fields: { run_id: "string", run_uuid: "string" },
    required: [],
    run: (s, p) => {
      const runId = opt(p, "run_id") || opt(p, "run_uuid");
      if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
      return { run: s.getRun(runId) };
    },
  },
  "model-versions/delete-tag": { methods: ["DELETE"], fields: { name: "string", version: "string", key: "string" }, required: ["name", "version", "key"], run: (s, p) => (s.deleteVersionTag(str(p, "name"), str(p, "version"), str(p, "key")), {}) },
};

// One path, three RPCs told apart by method (setRegisteredModelAlias, deleteRegisteredModelAlias, getModelVersionByAlias).
const aliasEndpoints: Readonly<Record<string, Endpoint>> = {
  POST: { methods: ["POST"], alias: true, fields: { name: "string", alias: "string", version: "string" }, required: ["name", "alias", "version"], run: (s, p) => (s.setAlias(str(p, "name"), str(p, "alias"), str(p, "version")), {}) },
  DELETE: { methods: ["DELETE"], alias: true, fields: { name: "string", alias: "string" }, required: ["name", "alias"], run: (s, p) => (s.deleteAlias(str(p, "name"), str(p, "alias")), {}) },
  GET: { methods: ["GET"], alias: true, fields: { name: "string", alias: "string" }, required: ["name", "alias"], run: (s, p) => ({ model_version: s.getVersionByAlias(str(p, "name"), str(p, "alias")) }) },
};

const apiPrefixes = ["/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/"];
const maxRecords = 10_000;

// werkzeug's NotFound and MethodNotAllowed pages, as Flask serves them.
const notFoundHtml =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
const methodNotAllowedHtml = "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n";

/** Python's type names in _validate_param_against_schema's hint. */
function pythonType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "object") return "dict";
  return "str";
}

function invalidValue(field: string, value: unknown): MlflowError {
  return invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied:  Hint: Value was of type '${pythonType(value)}'. See the API docs for more information about request parameters.`);
}

function typeOk(type: FieldType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "int":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value));
    case "bool":
      return typeof value === "boolean";
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "tags":
      return Array.isArray(value) && value.every((t) => typeof t === "object" && t !== null && !Array.isArray(t));
  }
}

function validate(endpoint: Endpoint, params: Params): void {
  for (const [field, type] of Object.entries(endpoint.fields)) {
    const required = endpoint.required.includes(field);
    if (!(field in params) && !required) continue;
    const value = params[field];
    if (required && (value === undefined || value === null || value === "")) {
      throw invalidParameter(`Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`);
    }
    if (value === undefined || value === null) continue;
    if (!typeOk(type, value)) throw invalidValue(field, value);
    const limit = endpoint.limits?.[field];
    if (limit && !limit(value)) throw invalidValue(field, value);
  }
}

function queryParams(endpoint: Endpoint, query: URLSearchParams): Params {
  const params: Params = {};
  for (const [field, type] of Object.entries(endpoint.fields)) {
    if (!query.has(field)) continue;
    if (type === "strings") params[field] = query.getAll(field);
    else if (type === "bool") {
      const value = query.get(field) ?? "";
      if (!["true", "false"].includes(value.toLowerCase())) throw invalidParameter(`Invalid boolean value: ${value}, must be 'true' or 'false'.`);
      params[field] = value.toLowerCase() === "true";
    } else params[field] = query.get(field);
  }
  return params;
}

/** _get_normalized_request_json: get_json(force=True, silent=True); a double-encoded string is decoded again; nothing → {}. */
function bodyParams(text: string): { params: Params; body: unknown } {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
    if (typeof json === "string") json = JSON.parse(json);
  } catch {
    json = undefined;
  }
  return { params: typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Params) : {}, body: json };
}

function checkAuth(auth: MlflowAuth | undefined, header: string | undefined): boolean {
  if (!auth) return true;
  if (!header) return false;
  if (auth.kind === "bearer") return header === `Bearer ${auth.token}`;
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return false;
  const decoded = Buffer.from(m[1] ?? "", "base64").toString("utf8");
  return decoded === `${auth.username}:${auth.password}`;
}

function send(response: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body), ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  send(response, status, JSON.stringify(json), "application/json", headers);
}

function takeFault(faults: MlflowFault[], url: string): MlflowFault | undefined {
  const index = faults.findIndex((f) => !f.match || url.includes(f.match));
  if (index < 0) return undefined;
  const fault = faults[index] as MlflowFault;
  const left = (fault.count ?? 1) - 1;
  if (left <= 0) faults.splice(index, 1);
  else faults[index] = { ...fault, count: left };
  return fault;
}

const defaultFaultBody = (status: number): WireJson =>
  status === 429
    ? { error_code: "REQUEST_LIMIT_EXCEEDED", message: "Too many requests." }
    : status === 503
      ? { error_code: "TEMPORARILY_UNAVAILABLE", message: "The service is temporarily unavailable." }
      : { error_code: "INTERNAL_ERROR", message: "Internal error (sandbox fault)." };

/** Azure ML's MLflow lacks LIKE/ILIKE and tag search (azure-docs how-to-manage-models-mlflow.md); wording [inferred]. */
function rejectAzureUnsupportedFilter(filter: unknown): void {
  if (typeof filter !== "string") return;
  if (/\b(I?LIKE)\b/i.test(filter)) throw invalidParameter(`Unsupported filter comparator in '${filter}': LIKE and ILIKE are not supported.`);
  if (/(^|\s|\()tags?\./i.test(filter)) throw invalidParameter(`Unsupported filter in '${filter}': searching by tags is not supported.`);
}

export function createMlflowHandler(config: MlflowServerConfig): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://sandbox");
    const record = (status: number, extra: Partial<MlflowRequestRecord> = {}): void => {
      const scheme = request.headers.authorization?.split(/\s+/)[0];
      config.requests.push({ method, url: request.url ?? "/", ...(request.headers["content-type"] ? { contentType: request.headers["content-type"] } : {}), ...(scheme ? { authorization: scheme } : {}), status, ...extra });
      // npm start runs it for hours while the tree polls: keep the log bounded.
      if (config.requests.length > maxRecords) config.requests.splice(0, config.requests.length - maxRecords);
    };

    const fault = takeFault(config.faults, request.url ?? "/");
    if (fault?.kind === "drop") {
      record(0);
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === "status") {
      const body = fault.body ?? defaultFaultBody(fault.status);
      record(fault.status);
      if (typeof body === "string") send(response, fault.status, body, "text/html; charset=utf-8", fault.headers);
      else sendJson(response, fault.status, body, fault.headers);
      return;
    }

    const path = url.pathname;
    if (path === `${config.basePath}/health` || path === "/health") {
      record(200);
      send(response, 200, "OK", "text/html; charset=utf-8");
      return;
    }

    if (!checkAuth(config.auth, request.headers.authorization)) {
      record(401);
      if (config.auth?.kind === "basic") {
        // mlflow/server/auth/__init__.py make_basic_auth_response.
        send(response, 401, "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.", "text/html; charset=utf-8", { "WWW-Authenticate": 'Basic realm="mlflow"' });
      } else {
        sendJson(response, 401, { error_code: "UNAUTHENTICATED", message: "Credential was not sent or was of an unsupported type for this API." }, { "WWW-Authenticate": "Bearer" });
      }
      return;
    }

    const prefix = apiPrefixes.map((p) => `${config.basePath}${p}`).find((p) => path.startsWith(p));
    const name = prefix ? path.slice(prefix.length) : undefined;
    // Own keys only: a path like ".../constructor" must not find Object's members.
    const own = <T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined => (key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined);
    const endpoint = name === "registered-models/alias" ? own(aliasEndpoints, method) : own(endpoints, name);
    const known = name === "registered-models/alias" || own(endpoints, name) !== undefined;

    const aliasMissing = name === "registered-models/alias" && (config.flavour === "azureml" || !config.aliases);
    if (!known || aliasMissing) {
      record(404, name !== undefined ? { endpoint: name } : {});
      if (config.flavour === "azureml") sendJson(response, 404, { error_code: "ENDPOINT_NOT_FOUND", message: `No API found for '${method} ${path}'` });
      else send(response, 404, notFoundHtml, "text/html; charset=utf-8");
      return;
    }
    if (!endpoint || !endpoint.methods.includes(method)) {
      const methods = own(endpoints, name)?.methods ?? [];
      const allow = name === "registered-models/alias" ? ["DELETE", "GET", "HEAD", "OPTIONS", "POST"] : [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"];
      record(405, { endpoint: name });
      send(response, 405, methodNotAllowedHtml, "text/html; charset=utf-8", { Allow: allow.sort().join(", ") });
      return;
    }

    let body: unknown;
    try {
      let params: Params;
      if (method === "GET" && [...url.searchParams.keys()].length > 0) {
        params = queryParams(endpoint, url.searchParams);
      } else {
        if (method === "POST" || method === "PUT") {
          const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim();
          if (contentType !== "application/json") {
            const got = contentType && /^[a-zA-Z0-9\-/;,+_ ]*$/.test(contentType) ? ` Got '${contentType}'.` : "";
            throw invalidParameter(`Bad Request. Content-Type must be one of [application/json].${got}`);
          }
        }
        const parsed = bodyParams(await readRequestBody(request));
        params = parsed.params;
        body = parsed.body;
      }
      validate(endpoint, params);
      if (config.flavour === "azureml" && (name === "registered-models/search" || name === "model-versions/search")) rejectAzureUnsupportedFilter(params.filter);
      const result = endpoint.run(config.store, params);
      record(200, { endpoint: name, ...(body !== undefined ? { body } : {}) });
      sendJson(response, 200, result);
    } catch (e) {
      if (!(e instanceof MlflowError)) throw e;
      record(e.httpStatus, { endpoint: name, ...(body !== undefined ? { body } : {}) });
      sendJson(response, httpStatusOf(e.errorCode), e.toJson());
    }
  };
}
