/**
 * The Prometheus client against a fake server that speaks Prometheus' wire format
 * (docs/querying/api.md: string values, envelopes, status codes) and the failures of the layers
 * in front of it (nginx, a login page, a proxy that drops the connection).
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSandboxCertificates } from "../../../../sandbox/certificates";
import type { MetricsError, MetricsResult } from "../../../../src/core/metrics/metricsSource";
import { createPrometheusSource, type PrometheusAuth, type PrometheusSourceOptions } from "../../../../src/core/metrics/prometheusSource";

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];
let server: http.Server;
let baseUrl: string;

function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const s = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")) };
    seen.push(s);
    handler(req, res, s);
  });
}

beforeAll(async () => {
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  seen.length = 0;
  handler = (_req, res) => res.end();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
const success = (data: unknown, extra: Record<string, unknown> = {}): Handler => json(200, { status: "success", data, ...extra });

function source(extra: Partial<PrometheusSourceOptions> = {}, auth: PrometheusAuth = { kind: "none" }) {
  return createPrometheusSource({ endpoint: { kind: "url", url: baseUrl }, auth, ...extra });
}
const promql = (expr: string) => ({ kind: "promql" as const, expr });
const range = { start: 1_700_000_000, end: 1_700_000_600, step: 60 };

function failure<T>(result: MetricsResult<T>): MetricsError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}
function value<T>(result: MetricsResult<T>): T {
  if (!result.ok) throw new Error(`expected data, got ${JSON.stringify(result.error)}`);
  return result.value;
}

describe("values and result types", () => {
  it("POSTs a range query form-urlencoded under the URL's path prefix and reads string values, NaN and ±Inf included", async () => {
    handler = success({
      resultType: "matrix",
      result: [
        {
          metric: { pod: "llm-0", namespace: "ml" },
          values: [
            [1_700_000_000, "0.25"],
            [1_700_000_060.5, "NaN"],
            [1_700_000_120, "+Inf"],
            [1_700_000_180, "-Inf"],
            [1_700_000_240, "1e+06"],
          ],
        },
      ],
    });
    const expr = `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="ml"}[5m])))`;
    const prom = createPrometheusSource({ endpoint: { kind: "url", url: `${baseUrl}/prometheus` }, auth: { kind: "none" } });
    const series = value(await prom.queryRange(promql(expr), range));

    expect(seen[0]).toMatchObject({ method: "POST", path: "/prometheus/api/v1/query_range" });
    expect(seen[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ query: expr, start: "1700000000", end: "1700000600", step: "60" });
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({ pod: "llm-0", namespace: "ml" });
    expect(series[0]!.timestamps).toBeInstanceOf(Float64Array);
    expect(Array.from(series[0]!.timestamps)).toEqual([1_700_000_000, 1_700_000_060.5, 1_700_000_120, 1_700_000_180, 1_700_000_240]);
    expect(Array.from(series[0]!.values)).toEqual([0.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e6]);
  });

  it("reads an instant vector and a scalar", async () => {
    handler = success({ resultType: "vector", result: [{ metric: { pod: "a" }, value: [1_700_000_000.781, "3"] }, { metric: { pod: "b" }, value: [1_700_000_000.781, "NaN"] }] });
    const samples = value(await source().queryInstant(promql("up"), 1_700_000_000.781));
    expect(seen[0]).toMatchObject({ method: "POST", path: "/api/v1/query" });
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ query: "up", time: "1700000000.781" });
    expect(samples).toEqual([
      { labels: { pod: "a" }, time: 1_700_000_000.781, value: 3 },
      { labels: { pod: "b" }, time: 1_700_000_000.781, value: Number.NaN },
    ]);

    handler = success({ resultType: "scalar", result: [1_700_000_000, "+Inf"] });
    expect(value(await source().queryInstant(promql("1/0"), 1_700_000_000))).toEqual([{ labels: {}, time: 1_700_000_000, value: Number.POSITIVE_INFINITY }]);
  });

  it("refuses a string result with a detail that says what came back, without crashing", async () => {
    handler = success({ resultType: "string", result: [1_700_000_000, "hello"] });
    const error = failure(await source().queryInstant(promql(`"hello"`), 1_700_000_000));
    expect(error).toMatchObject({ kind: "bad-response", status: 200, query: `"hello"` });
    expect(error.kind === "bad-response" && error.detail).toContain(`string ("hello")`);
  });

  it("refuses a vector where a range query needs a matrix", async () => {
    handler = success({ resultType: "vector", result: [] });
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "bad-response", status: 200 });
  });

  it("gives an empty result as ok with no series", async () => {
    handler = success({ resultType: "matrix", result: [] });
    expect(await source().queryRange(promql("absent_metric"), range)).toEqual({ ok: true, value: [], warnings: [] });
  });

  it("passes the API's warnings through", async () => {
    const warning = "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket";
    handler = success({ resultType: "vector", result: [] }, { warnings: [warning] });
    const result = await source().queryInstant(promql("rate(x[5m])"), 1);
    expect(result).toEqual({ ok: true, value: [], warnings: [warning] });
  });
});

/** Whether the last streamMatrix response was written to its end. */
let streamedAll = false;

/** A matrix of one series with `points` points, streamed in chunks as a real server would, minding backpressure. */
function streamMatrix(points: number): Handler {
  return (_req, res) => {
    streamedAll = false;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"a,[b]"},"values":[`);
    let i = 0;
    const more = (): void => {
      while (i < points) {
        const end = Math.min(points, i + 5_000);
        const parts: string[] = [];
        for (; i < end; i++) parts.push(`[${1_700_000_000 + i},"${i}"]`);
        const ok = res.write((i - parts.length > 0 ? "," : "") + parts.join(","));
        if (!ok) {
          res.once("drain", more);
          return;
        }
      }
      res.end("]}]}}");
      streamedAll = true;
    };
    res.on("error", () => undefined);
    more();
  };
}

describe("size limits", () => {
  it("refuses 10⁶ points in one series as too large, before the body has all arrived", async () => {
    handler = streamMatrix(1_000_000);
    const error = failure(await source().queryRange(promql("x"), range));
    expect(error).toMatchObject({ kind: "too-large" });
    expect(error.kind === "too-large" && error.detail).toContain("11001");
    // ~25 MB of points: the client stopped reading, so the server never got to write them all.
    expect(streamedAll).toBe(false);
  });

  it("accepts exactly 11,001 points, Prometheus' own limit, and refuses one more", async () => {
    handler = streamMatrix(11_001);
    const series = value(await source().queryRange(promql("x"), range));
    expect(series[0]!.values).toHaveLength(11_001);
    expect(series[0]!.labels).toEqual({ pod: "a,[b]" });
    handler = streamMatrix(11_002);
    expect(failure(await source().queryRange(promql("x"), range))).toMatchObject({ kind: "too-large" });
  });

  it("refuses a body past the byte limit, announced or streamed", async () => {
    const many = { resultType: "vector", result: Array.from({ length: 2_000 }, (_, i) => ({ metric: { pod: `p${i}` }, value: [1, "1"] })) };
    handler = success(many);
    expect(failure(await source({ maxResponseBytes: 10_000 }).queryInstant(promql("up"), 1))).toMatchObject({ kind: "too-large" });
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(JSON.stringify({ status: "success", data: many }).slice(0, 20_000));
      res.on("error", () => undefined);
      // Never ends: the client must stop at the limit, not wait.
    };
    expect(failure(await source({ maxResponseBytes: 10_000 }).queryInstant(promql("up"), 1))).toMatchObject({ kind: "too-large" });
  });
});

describe("compression", () => {
  it("asks for gzip and reads a gzipped answer", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: { pod: "a" }, value: [1, "2"] }] } })));
    };
    expect(value(await source().queryInstant(promql("up"), 1))).toEqual([{ labels: { pod: "a" }, time: 1, value: 2 }]);
    expect(seen[0]!.headers["accept-encoding"]).toBe("gzip");
  });

  it("counts the byte limit after decompression, so a small bomb is refused", async () => {
    const inflated = JSON.stringify({ status: "success", data: { resultType: "string", result: [1, "x".repeat(5_000_000)] } });
    const bomb = gzipSync(inflated);
    expect(bomb.length).toBeLessThan(100_000);
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip", "Content-Length": String(bomb.length) });
      res.end(bomb);
    };
    expect(failure(await source({ maxResponseBytes: 1_000_000 }).queryInstant(promql("up"), 1))).toMatchObject({ kind: "too-large" });
  });

  it("reports a corrupt gzip body as unreachable, not as data", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end(Buffer.from("this is not gzip at all"));
    };
    expect(failure(await source().queryInstant(promql("up"), 1))).toMatchObject({ kind: "unreachable" });
  });
});

describe("answers that are not the API's JSON", () => {
  it("names the status and the first bytes of an nginx 502 page, as plain text", async () => {
    handler = (_req, res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n");
    };
    const error = failure(await source().queryRange(promql("up"), range));
    expect(error).toMatchObject({ kind: "bad-response", status: 502 });
    const detail = error.kind === "bad-response" ? error.detail : "";
    expect(detail).toContain("502 Bad Gateway 502 Bad Gateway nginx/1.25.3");
    expect(detail).not.toContain("<");
  });

  it("refuses a login page served with 200", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!DOCTYPE html><html><head><style>body{color:red}</style><script>var x="<b>"</script><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>`);
    };
    const error = failure(await source().queryInstant(promql("up"), 1));
    expect(error).toMatchObject({ kind: "bad-response", status: 200 });
    const detail = error.kind === "bad-response" ? error.detail : "";
    expect(detail).toContain("text/html");
    expect(detail).toContain("Sign in Sign in to continue");
    expect(detail).not.toMatch(/color:red|var x/);
  });

  it("refuses truncated JSON and JSON of the wrong shape", async () => {
    handler = json(200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,`);
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "bad-response", status: 200 });

    handler = success({ resultType: "matrix", result: "nope" });
    const wrong = failure(await source().queryRange(promql("up"), range));
    expect(wrong).toMatchObject({ kind: "bad-response", status: 200 });
    expect(wrong.kind === "bad-response" && wrong.detail).toContain("not a Prometheus API response");

    handler = success({ resultType: "matrix", result: [{ metric: {}, values: [[1, 2]] }] });
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "bad-response" });

    handler = success({ resultType: "matrix", result: [{ metric: {}, values: [[1, "twelve"]] }] });
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "bad-response" });
  });
});

describe("the API's own errors", () => {
  it.each([
    [400, "bad_data", 'invalid parameter "step": cannot parse "abc" to a valid duration'],
    [400, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"],
    [422, "execution", "query processing would load too many samples into memory in query execution"],
    [503, "timeout", "query timed out in expression evaluation"],
  ])("%i %s becomes query-failed with the error type and message", async (status, errorType, message) => {
    handler = json(status, { status: "error", errorType, error: message });
    const error = failure(await source().queryRange(promql("rate(x[5m])"), range));
    expect(error).toEqual({ source: `Prometheus at ${baseUrl}`, query: "rate(x[5m])", kind: "query-failed", status, errorType, message });
  });

  it("maps 401 and 403 to unauthorized and forbidden, without the secret anywhere", async () => {
    const secret = "s3cr3t-token-value";
    handler = (_req, res) => {
      res.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": "Bearer" });
      res.end("Unauthorized\n");
    };
    const bearer = source({}, { kind: "bearer", token: secret });
    const unauthorized = failure(await bearer.queryInstant(promql("up"), 1));
    expect(unauthorized).toMatchObject({ kind: "unauthorized", status: 401, detail: "Unauthorized" });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${secret}`);

    handler = json(403, { status: "error", errorType: "forbidden", error: "user lacks Monitoring Data Reader" });
    const basic = source({}, { kind: "basic", username: "grafana", password: secret });
    const forbidden = failure(await basic.queryInstant(promql("up"), 1));
    expect(forbidden).toMatchObject({ kind: "forbidden", status: 403, detail: "user lacks Monitoring Data Reader" });
    expect(seen[1]!.headers.authorization).toBe(`Basic ${Buffer.from(`grafana:${secret}`).toString("base64")}`);

    for (const text of [JSON.stringify(unauthorized), JSON.stringify(forbidden), bearer.description, basic.description]) expect(text).not.toContain(secret);
  });

  it("scrubs a secret that a server echoes back from the error", async () => {
    const echo: Handler = (req, res) => {
      res.writeHead(400, { "Content-Type": "text/html" });
      res.end(`<html><body><h1>Request rejected</h1><pre>Authorization: ${req.headers.authorization ?? ""}</pre></body></html>`);
    };
    handler = echo;
    const secret = "bearer-secret-123";
    const bearer = failure(await source({}, { kind: "bearer", token: secret }).queryInstant(promql("up"), 1));
    expect(bearer).toMatchObject({ kind: "bad-response", status: 400 });
    expect(JSON.stringify(bearer)).toContain("Request rejected");
    expect(JSON.stringify(bearer)).not.toContain(secret);

    const basic = failure(await source({}, { kind: "basic", username: "u", password: "pw-secret" }).queryInstant(promql("up"), 1));
    expect(JSON.stringify(basic)).not.toContain(Buffer.from("u:pw-secret").toString("base64"));

    const aad: TokenCredential = { getToken: () => Promise.resolve({ token: "aad-secret-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    handler = (req, res) => {
      res.writeHead(401, { "Content-Type": "text/plain" });
      res.end(`invalid token ${req.headers.authorization ?? ""}`);
    };
    const expired = failure(await source({}, { kind: "token-credential", credential: aad, scope: "s" }).queryInstant(promql("up"), 1));
    expect(expired).toMatchObject({ kind: "unauthorized" });
    expect(JSON.stringify(expired)).not.toContain("aad-secret-token");
  });

  it("keeps credentials in a URL out of the description and the request line", async () => {
    handler = success({ resultType: "vector", result: [] });
    const prom = createPrometheusSource({ endpoint: { kind: "url", url: `${baseUrl.replace("//", "//admin:hunter2@")}/prom/?x=1` }, auth: { kind: "none" } });
    expect(prom.description).toBe(`Prometheus at ${baseUrl}/prom`);
    value(await prom.queryInstant(promql("up"), 1));
    expect(seen[0]!.path).toBe("/prom/api/v1/query");
  });
});

describe("rate limits", () => {
  it("retries once after a short Retry-After in seconds", async () => {
    handler = (req, res, s) => (seen.length === 1 ? json(429, "Too Many Requests", { "Retry-After": "1" })(req, res, s) : success({ resultType: "vector", result: [] })(req, res, s));
    expect(value(await source().queryInstant(promql("up"), 1))).toEqual([]);
    expect(seen).toHaveLength(2);
    expect(Object.fromEntries(seen[1]!.form)).toEqual({ query: "up", time: "1" });
  });

  it("retries once after a short Retry-After given as an HTTP date", async () => {
    handler = (req, res, s) =>
      seen.length === 1
        ? json(429, "", { "Retry-After": new Date(Date.now() + 2_000).toUTCString() })(req, res, s)
        : success({ resultType: "vector", result: [] })(req, res, s);
    expect(value(await source().queryInstant(promql("up"), 1))).toEqual([]);
    expect(seen).toHaveLength(2);
  });

  it("gives up with rate-limited and the wait when the server asks for a long one", async () => {
    handler = json(429, "slow down", { "Retry-After": "120" });
    expect(failure(await source().queryInstant(promql("up"), 1))).toMatchObject({ kind: "rate-limited", status: 429, retryAfterMs: 120_000 });
    expect(seen).toHaveLength(1);
  });

  it("retries only once", async () => {
    handler = json(429, "slow down", { "Retry-After": "0" });
    expect(failure(await source().queryInstant(promql("up"), 1))).toMatchObject({ kind: "rate-limited", retryAfterMs: 0 });
    expect(seen).toHaveLength(2);
  });
});

describe("connections that fail", () => {
  it("times out a server that never answers", async () => {
    handler = () => undefined;
    expect(failure(await source({ timeoutMs: 300 }).queryRange(promql("up"), range))).toMatchObject({ kind: "timeout", afterMs: 300 });
  });

  it("reports a refused connection as unreachable", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const prom = createPrometheusSource({ endpoint: { kind: "url", url: `http://127.0.0.1:${port}` }, auth: { kind: "none" } });
    const error = failure(await prom.queryRange(promql("up"), range));
    expect(error).toMatchObject({ kind: "unreachable" });
    expect(error.kind === "unreachable" && error.detail).toContain("ECONNREFUSED");
  });

  it("reports a server that goes away mid-body as unreachable", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "5000" });
      res.write(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],`);
      setTimeout(() => res.socket?.destroy(), 20);
    };
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "unreachable" });

    handler = (_req, res) => {
      // Chunked, no length: only the missing terminating chunk says the body was cut.
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(`{"status":"success","data":{"resultType":"matrix","result":[`);
      setTimeout(() => res.socket?.destroy(), 20);
    };
    expect(failure(await source().queryRange(promql("up"), range))).toMatchObject({ kind: "unreachable" });
  });

  it("stops quietly as cancelled when the caller aborts", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = source().queryRange(promql("up"), range, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(failure(await pending)).toEqual({ source: `Prometheus at ${baseUrl}`, query: "up", kind: "cancelled" });

    const aborted = AbortSignal.abort();
    expect(failure(await source().queryInstant(promql("up"), 1, aborted))).toMatchObject({ kind: "cancelled" });
  });
});

describe("a TokenCredential (Azure Monitor managed Prometheus)", () => {
  const scope = "https://prometheus.monitor.azure.com/.default";
  function credential(expiresInMs: number) {
    const calls: string[] = [];
    let n = 0;
    const cred: TokenCredential = {
      getToken(scopes): Promise<AccessToken> {
        calls.push(String(scopes));
        n++;
        return Promise.resolve({ token: `aad-token-${n}`, expiresOnTimestamp: Date.now() + expiresInMs });
      },
    };
    return { cred, calls };
  }

  it("sends the token for the Prometheus scope and reuses it until shortly before it expires", async () => {
    handler = success({ resultType: "vector", result: [] });
    const fresh = credential(60 * 60_000);
    const prom = source({ kind: "azure-managed-prometheus" }, { kind: "token-credential", credential: fresh.cred, scope });
    expect(prom.kind).toBe("azure-managed-prometheus");
    expect(prom.description).toBe(`Azure Monitor managed Prometheus at ${baseUrl}`);
    await Promise.all([prom.queryInstant(promql("up"), 1), prom.queryInstant(promql("up"), 2)]);
    value(await prom.queryInstant(promql("up"), 3));
    expect(fresh.calls).toEqual([scope]);
    expect(seen.map((s) => s.headers.authorization)).toEqual(["Bearer aad-token-1", "Bearer aad-token-1", "Bearer aad-token-1"]);

    const expiring = credential(30_000);
    const soon = source({}, { kind: "token-credential", credential: expiring.cred, scope });
    value(await soon.queryInstant(promql("up"), 1));
    value(await soon.queryInstant(promql("up"), 1));
    expect(expiring.calls).toHaveLength(2);
  });

  it("asks for a new token after a 401", async () => {
    const tokens = credential(60 * 60_000);
    const prom = source({}, { kind: "token-credential", credential: tokens.cred, scope });
    handler = json(401, { error: { code: "InvalidAuthenticationToken", message: "token expired" } });
    expect(failure(await prom.queryInstant(promql("up"), 1))).toMatchObject({ kind: "unauthorized" });
    handler = success({ resultType: "vector", result: [] });
    value(await prom.queryInstant(promql("up"), 1));
    expect(seen.map((s) => s.headers.authorization)).toEqual(["Bearer aad-token-1", "Bearer aad-token-2"]);
  });

  it("reports a credential that fails as unauthorized, with its reason", async () => {
    const broken: TokenCredential = { getToken: () => Promise.reject(new Error("AADSTS7000215: Invalid client secret provided.")) };
    const error = failure(await source({}, { kind: "token-credential", credential: broken, scope }).queryInstant(promql("up"), 1));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(error.kind === "unauthorized" && error.detail).toContain("AADSTS7000215");
    expect(seen).toHaveLength(0);
  });
});

describe("endpoints", () => {
  it("goes through the API server's service proxy with the kubeconfig's credentials", async () => {
    handler = success({ resultType: "vector", result: [] });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `${baseUrl}/`, skipTLSVerify: true }],
      users: [{ name: "u", token: "kube-token" }],
      contexts: [{ name: "sandbox", cluster: "c", user: "u" }],
      currentContext: "sandbox",
    });
    const prom = createPrometheusSource({
      endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: "monitoring", service: "kube-prometheus-stack-prometheus", port: "http-web" },
      auth: { kind: "none" },
    });
    expect(prom.description).toBe("Prometheus service monitoring/kube-prometheus-stack-prometheus:http-web through the API server of context sandbox");
    value(await prom.queryInstant(promql("vector(1)"), 1));
    expect(seen[0]).toMatchObject({ method: "POST", path: "/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:http-web/proxy/api/v1/query" });
    expect(seen[0]!.headers.authorization).toBe("Bearer kube-token");

    const tls = createPrometheusSource({ endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: "monitoring", service: "prom", port: 9091, scheme: "https" }, auth: { kind: "none" } });
    await tls.queryInstant(promql("up"), 1);
    expect(seen[1]!.path).toBe("/api/v1/namespaces/monitoring/services/https:prom:9091/proxy/api/v1/query");
  });

  it("maps the API server proxy's Status answers: no such service, no endpoints", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: "c", server: baseUrl, skipTLSVerify: true }], users: [{ name: "u", token: "t" }], contexts: [{ name: "x", cluster: "c", user: "u" }], currentContext: "x" });
    const prom = createPrometheusSource({ endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: "monitoring", service: "nope", port: 9090 }, auth: { kind: "none" } });
    handler = json(404, { kind: "Status", apiVersion: "v1", status: "Failure", message: 'services "nope" not found', reason: "NotFound", code: 404 });
    expect(failure(await prom.queryInstant(promql("up"), 1))).toMatchObject({ kind: "not-found", detail: 'services "nope" not found' });
    handler = json(503, { kind: "Status", apiVersion: "v1", status: "Failure", message: 'no endpoints available for service "nope"', reason: "ServiceUnavailable", code: 503 });
    expect(failure(await prom.queryInstant(promql("up"), 1))).toMatchObject({ kind: "unreachable", detail: 'no endpoints available for service "nope"' });
    handler = json(403, { kind: "Status", status: "Failure", message: 'services "nope:9090" is forbidden: User "dev" cannot get resource "services/proxy"', reason: "Forbidden", code: 403 });
    expect(failure(await prom.queryInstant(promql("up"), 1))).toMatchObject({ kind: "forbidden", detail: expect.stringContaining("services/proxy") as string });
  });

  it("trusts a custom CA given as PEM over https", async () => {
    const certs = await createSandboxCertificates();
    const secure = https.createServer({ cert: certs.serverCert, key: certs.serverKey }, serve);
    await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
    try {
      handler = success({ resultType: "scalar", result: [1, "42"] });
      const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
      const trusted = createPrometheusSource({ endpoint: { kind: "url", url, caCert: certs.caCert }, auth: { kind: "none" } });
      expect(value(await trusted.queryInstant(promql("42"), 1))).toEqual([{ labels: {}, time: 1, value: 42 }]);
      const untrusted = createPrometheusSource({ endpoint: { kind: "url", url }, auth: { kind: "none" } });
      expect(failure(await untrusted.queryInstant(promql("42"), 1))).toMatchObject({ kind: "unreachable" });
    } finally {
      secure.closeAllConnections();
      await new Promise((resolve) => secure.close(resolve));
    }
  });

  it("reads the version from buildinfo, and says why when there is none", async () => {
    handler = success({ version: "2.42.0+ds", revision: "", branch: "debian/sid", buildUser: "", buildDate: "", goVersion: "go1.19.8" });
    expect(await source().buildInfo()).toEqual({ ok: true, value: { version: "2.42.0+ds" }, warnings: [] });
    expect(seen[0]).toMatchObject({ method: "GET", path: "/api/v1/status/buildinfo" });
    handler = (_req, res) => {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("404 page not found\n");
    };
    expect(failure(await source().buildInfo())).toMatchObject({ kind: "bad-response", status: 404, detail: expect.stringContaining("404 page not found") as string });
  });

  it("runs only PromQL", () => {
    const prom = source();
    expect(prom.supports(promql("up"))).toBe(true);
    expect(prom.supports({ kind: "azure-monitor", resourceUri: "/subscriptions/x", metricName: "RequestLatency_P95", aggregation: "average" })).toBe(false);
  });
});
