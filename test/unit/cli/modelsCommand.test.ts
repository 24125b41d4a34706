/**
 * `aiplat models` through the real registry client against a small local server that answers
 * with MLflow's documented wire shapes (protocols.md §1: snake_case, string versions, epoch-ms
 * numbers, omitted empties, opaque page tokens absent on the last page, {error_code, message}).
 * Expected values are read off the JSON served here, not off the client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { modelsFilter } from "../../../src/core/registry/modelsFilter";
import { runAiplat } from "./runAiplat";

type Handler = (url: URL, req: IncomingMessage) => { status: number; body: unknown } | undefined;

let server: Server;
let base: string;
let handler: Handler = () => undefined;
const seen: { url: URL; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    seen.push({ url, authorization: req.headers.authorization });
    const answer = handler(url, req) ?? { status: 404, body: { error_code: "ENDPOINT_NOT_FOUND", message: "No API route found" } };
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  handler = () => undefined;
});

const api = "/api/2.0/mlflow/";
/** No cluster: KUBECONFIG names a file that is not there, so list reads no served-by counts. */
const env = (extra: Record<string, string> = {}): Record<string, string> => ({ MLFLOW_TRACKING_URI: base, KUBECONFIG: "/nonexistent/kubeconfig", ...extra });

// 1700000000000 ms after the epoch is 2023-11-14T22:13:20Z (date -u -d @1700000000).
const fraud = {
  name: "fraud-xgboost",
  creation_timestamp: 1690000000000,
  last_updated_timestamp: 1700000000000,
  description: "Gradient-boosted fraud scorer",
  latest_versions: [
    { name: "fraud-xgboost", version: "2", current_stage: "Staging", status: "READY" },
    { name: "fraud-xgboost", version: "3", current_stage: "None", status: "READY" },
    { name: "fraud-xgboost", version: "1", current_stage: "Production", status: "READY" },
  ],
  aliases: [
    { alias: "champion", version: "3" },
    { alias: "challenger", version: "2" },
  ],
};
// No latest_versions, aliases, tags or description: MLflow omits empty fields.
const empty = { name: "llama 3/70b chat ü", creation_timestamp: 1690000000000 };

describe("aiplat models list", () => {
  test("follows page tokens and prints each model's latest version and aliases as JSON", async () => {
    handler = (url) => {
      if (url.pathname !== `${api}registered-models/search`) return undefined;
      const token = url.searchParams.get("page_token");
      return token === null ? { status: 200, body: { registered_models: [fraud], next_page_token: "eyJvZmZzZXQiOiAxfQ==" } } : token === "eyJvZmZzZXQiOiAxfQ==" ? { status: 200, body: { registered_models: [empty] } } : { status: 400, body: { error_code: "INVALID_PARAMETER_VALUE", message: "Invalid page token" } };
    };
    const r = await runAiplat(["models", "list", "-o", "json"], { env: env() });
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.out)).toEqual([
      { name: "fraud-xgboost", latestVersion: "3", aliases: { champion: "3", challenger: "2" }, description: "Gradient-boosted fraud scorer", lastUpdated: "2023-11-14T22:13:20.000Z" },
      { name: "llama 3/70b chat ü", latestVersion: null, aliases: {}, lastUpdated: "2023-07-22T04:26:40.000Z" },
    ]);
    expect(seen.map((s) => s.url.searchParams.get("page_token"))).toEqual([null, "eyJvZmZzZXQiOiAxfQ=="]);
  });

  test("free text searches names case-insensitively; a clause goes to MLflow as typed", async () => {
    handler = (url) => (url.pathname === `${api}registered-models/search` ? { status: 200, body: {} } : undefined);
    const free = await runAiplat(["models", "list", "--filter", "Fraud"], { env: env() });
    expect(free).toEqual({ code: ExitCode.ok, out: "(no registered models)\n", err: "" });
    expect(seen.at(-1)?.url.searchParams.get("filter")).toBe("name ILIKE '%Fraud%'");
    await runAiplat(["models", "list", "--filter", "tags.team = 'risk'"], { env: env() });
    expect(seen.at(-1)?.url.searchParams.get("filter")).toBe("tags.team = 'risk'");
  });

  test("the table shows registry text without the escape sequences in it", async () => {
    const hostile = { name: "evil", description: "\x1b]0;pwned\x07\x1b[2Jclears your screen\nsecond line", latest_versions: [{ name: "evil", version: "1" }] };
    handler = (url) => (url.pathname === `${api}registered-models/search` ? { status: 200, body: { registered_models: [hostile] } } : undefined);
    const r = await runAiplat(["models", "list"], { env: env() });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).not.toContain("\x1b");
    expect(r.out).not.toContain("\x07");
    expect(r.out).toContain("clears your screen");
    expect(r.out).not.toContain("second line");
    // JSON keeps the text whole; JSON.stringify escapes control characters itself.
    const json = await runAiplat(["models", "list", "-o", "json"], { env: env() });
    expect(json.out).not.toContain("\x1b");
    expect((JSON.parse(json.out) as { description: string }[])[0]?.description).toBe(hostile.description);
  });

  test("credentials are sent, and never printed when the registry refuses them", async () => {
    handler = () => ({ status: 401, body: { error_code: "UNAUTHENTICATED", message: "You are not authenticated." } });
    const r = await runAiplat(["models", "list"], { env: env({ MLFLOW_TRACKING_TOKEN: "s3cr3t-token-value" }) });
    expect(r.code).toBe(ExitCode.failed);
    expect(seen[0]?.authorization).toBe("Bearer s3cr3t-token-value");
    expect(r.err).toContain(`the MLflow registry at ${base} refused the credentials (401)`);
    expect(r.err).toContain("MLFLOW_TRACKING_TOKEN (bearer), or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic)");
    expect(r.err + r.out).not.toContain("s3cr3t-token-value");
  });

  test("a proxy's HTML page is said to be one, with exit 1", async () => {
    handler = () => ({ status: 200, body: "<html>login</html>" });
    const r = await runAiplat(["models", "list"], { env: env() });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("did not answer with MLflow's JSON");
  });

  test("a registry that is not there is unreachable, with exit 1", async () => {
    const r = await runAiplat(["models", "list"], { env: env({ MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }) });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("cannot reach the MLflow registry at http://127.0.0.1:1");
    expect(r.err).toContain("check MLFLOW_TRACKING_URI (or --tracking-uri)");
    // The client retries a refused connection with backoff before it gives up.
  }, 60_000);
});

describe("aiplat models versions", () => {
  test("every version, newest first, across pages", async () => {
    const v = (n: number, extra: object = {}) => ({ name: "fraud-xgboost", version: String(n), creation_timestamp: 1700000000000 + n * 1000, user_id: "ana@example.com", current_stage: "None", status: "READY", source: `s3://models/fraud/${n}`, run_id: `run${n}abcdef0123456789`, ...extra });
    handler = (url) => {
      if (url.pathname === `${api}registered-models/get`) return url.searchParams.get("name") === "fraud-xgboost" ? { status: 200, body: { registered_model: fraud } } : undefined;
      if (url.pathname !== `${api}model-versions/search`) return undefined;
      expect(url.searchParams.get("filter")).toBe("name = 'fraud-xgboost'");
      return url.searchParams.get("page_token") === null
        ? { status: 200, body: { model_versions: [v(3, { aliases: ["champion"], tags: [{ key: "training_data", value: "s3://data/2024-06" }] }), v(2, { aliases: ["challenger"], current_stage: "Staging" })], next_page_token: "p2" } }
        : { status: 200, body: { model_versions: [v(1, { current_stage: "Production" })] } };
    };
    const r = await runAiplat(["models", "versions", "fraud-xgboost", "-o", "json"], { env: env() });
    expect(r.err).toBe("");
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows.map((x) => x["version"])).toEqual(["3", "2", "1"]);
    expect(rows[0]).toEqual({
      name: "fraud-xgboost",
      version: "3",
      aliases: ["champion"],
      stage: "None",
      status: "READY",
      runId: "run3abcdef0123456789",
      source: "s3://models/fraud/3",
      created: "2023-11-14T22:13:23.000Z",
      createdBy: "ana@example.com",
      tags: { training_data: "s3://data/2024-06" },
    });
    const table = await runAiplat(["models", "versions", "fraud-xgboost"], { env: env() });
    const lines = table.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+ALIASES\s+STAGE\s+STATUS\s+RUN\s+CREATED\s+CREATED BY\s+SOURCE$/);
    expect(lines[1]).toMatch(/^3\s+champion\s+READY\s+run3abcd\s+2023-11-14 22:13Z\s+ana@example.com\s+s3:\/\/models\/fraud\/3$/);
    expect(lines[2]).toMatch(/^2\s+challenger\s+Staging\s+READY/);
  });

  test("a model the registry does not have is said so, with exit 1", async () => {
    handler = (url) => (url.pathname === `${api}registered-models/get` ? { status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=nope not found" } } : undefined);
    const r = await runAiplat(["models", "versions", "nope"], { env: env() });
    expect(r).toMatchObject({ code: ExitCode.failed, out: "" });
    expect(r.err).toContain(`no registered model named "nope" in ${base}`);
  });
});

describe("aiplat models: the command line", () => {
  test.each([
    [["models", "list"], {}, "no model registry: set MLFLOW_TRACKING_URI (e.g. http://localhost:5000) or pass --tracking-uri"],
    [["models", "list", "--tracking-uri", "sqlite:///mlruns.db"], {}, "--tracking-uri sqlite:///mlruns.db: sqlite: is a store aiplat cannot read over REST"],
    [["models", "list", "--tracking-uri", "https://ana:pw@mlflow.example.com"], {}, "put credentials in MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"],
    [["models", "list", "--tracking-uri", "azureml://eastus.api.azureml.ms/mlflow/v1.0/"], {}, "names no workspace"],
    [["models", "list"], { MLFLOW_TRACKING_URI: "file:///tmp/mlruns" }, "MLFLOW_TRACKING_URI: file: is a store aiplat cannot read over REST"],
    [["models", "list"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1", MLFLOW_TRACKING_USERNAME: "ana" }, "basic auth needs both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD; MLFLOW_TRACKING_PASSWORD is not set"],
    [["models", "list"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1", MLFLOW_TRACKING_SERVER_CERT_PATH: "/nonexistent/ca.pem" }, "MLFLOW_TRACKING_SERVER_CERT_PATH: cannot read /nonexistent/ca.pem"],
    [["models", "list", "--filter", "a\nb"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "--filter must be one line"],
    [["models", "served", "--namespace", "Bad_NS"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "--namespace Bad_NS: not a DNS-1123 label"],
    [["models", "served", "--approval-alias", "latest"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "--approval-alias latest: not an alias MLflow accepts"],
    [["models", "served", "--approval-tag", "approved"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "--approval-tag: expected key=value"],
    [["models", "served", "--approval-stage", "Gold"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "--approval-stage: Staging or Production"],
    [["models", "versions"], { MLFLOW_TRACKING_URI: "http://127.0.0.1:1" }, "missing required argument 'name'"],
  ])("%j with %j is a usage error (exit 2) saying %s", async (args, extraEnv, says) => {
    const r = await runAiplat(args, { env: extraEnv });
    expect(r.err).toContain(says);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.out).toBe("");
  });

  test("the help names the subcommands, the registry variables and the served exit code", async () => {
    const models = await runAiplat(["help", "models"]);
    for (const s of ["list [options]", "versions [options] <name>", "served [options]"]) expect(models.out).toContain(s);
    const list = await runAiplat(["models", "list", "--help"]);
    for (const s of ["--filter", "--no-served-by", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_SERVER_CERT_PATH", "DefaultAzureCredential"]) expect(list.out).toContain(s);
    const served = await runAiplat(["models", "served", "--help"]);
    expect(served.code).toBe(ExitCode.ok);
    for (const s of ["exit 1 when a workload serves a model, version or artifact the registry does not have", "--approval-alias", "--namespace", "-o, --output", "--tracking-uri"]) expect(served.out.replace(/\s+/g, " ")).toContain(s);
  });

  test.each([
    ["fraud", "name ILIKE '%fraud%'"],
    ["bob's model", `name ILIKE "%bob's model%"`],
    [`a'b"c`, "name ILIKE '%a_b_c%'"],
    ["name LIKE 'fraud%'", "name LIKE 'fraud%'"],
    ["tags.team = 'risk'", "tags.team = 'risk'"],
    ["tag.`my key` != 'x'", "tag.`my key` != 'x'"],
    // Text that merely contains a word like "in" or "like" is still a name search.
    ["models in production", "name ILIKE '%models in production%'"],
  ])("--filter %s → %s", (text, filter) => {
    expect(modelsFilter(text)).toBe(filter);
  });
});
