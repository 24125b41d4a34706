/**
 * The sandbox API server's service proxy, through the real kubectl (`get --raw`) and plain HTTPS
 * with the token, against a stand-in backend that records what reached it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { request } from "node:https";
import { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { kubectlCli } from "./kubectlCli";
import { useSandbox } from "./sandboxFixture";

const monitoringToken = "monitoring-viewer-token";
const llmToken = "llm-serving-viewer-token";
const sandbox = useSandbox({ scenario: "demo", namespaceTokens: { [monitoringToken]: "monitoring", [llmToken]: "llm-serving" } });
const { kubectl, kubectlFails } = kubectlCli(() => sandbox.kubectlEnv);

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let backend: Server;

beforeAll(async () => {
  // Answers like Prometheus' query API, and says what it was asked.
  backend = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (req.url?.startsWith("/api/v1/query")) {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }));
      } else {
        res.writeHead(422, { "Content-Type": "application/json", "X-Backend": "yes" }).end(JSON.stringify({ status: "error", errorType: "execution", error: "nope" }));
      }
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  sandbox.server.registerServiceBackend("monitoring", "kube-prometheus-stack-prometheus", `http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await new Promise((r) => backend.close(r));
});

const base = "/api/v1/namespaces/monitoring/services";

/** One HTTPS request to the sandbox with a bearer token (or none). */
function call(path: string, opts: { token?: string | null; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const token = opts.token === undefined ? sandbox.server.token : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(
      `${sandbox.server.url}${path}`,
      { method: opts.method ?? "GET", ca: sandbox.server.caCert, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...opts.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("GET /api/v1/namespaces/<ns>/services/<[scheme:]name[:port]>/proxy/<path>", () => {
  test("kubectl get --raw reaches the backend with the path and query, without the caller's token", async () => {
    seen.length = 0;
    const out = await kubectl("get", "--raw", `${base}/kube-prometheus-stack-prometheus:9090/proxy/api/v1/query?query=up&time=1700000000`);
    expect(JSON.parse(out)).toEqual({ status: "success", data: { resultType: "vector", result: [] } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/query?query=up&time=1700000000" });
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  test("the port by name and a scheme work too; a POST carries its form body", async () => {
    seen.length = 0;
    const r = await call(`${base}/http:kube-prometheus-stack-prometheus:http-web/proxy/api/v1/query`, {
      method: "POST",
      body: "query=up",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(r.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/api/v1/query", body: "query=up" });
    expect(seen[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  test("the backend's status, headers and body come back unchanged", async () => {
    const r = await call(`${base}/kube-prometheus-stack-prometheus:9090/proxy/api/v1/unknown`);
    expect(r.status).toBe(422);
    expect(r.headers["x-backend"]).toBe("yes");
    expect(JSON.parse(r.body)).toEqual({ status: "error", errorType: "execution", error: "nope" });
  });

  test("a Service that does not exist is a 404 NotFound Status", async () => {
    const r = await call(`${base}/prometheus-operated:9090/proxy/api/v1/query`);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ kind: "Status", reason: "NotFound", message: 'services "prometheus-operated" not found', code: 404 });
    expect(await kubectlFails("get", "--raw", `${base}/prometheus-operated:9090/proxy/`)).toContain("NotFound");
  });

  test("a Service with nothing behind it is a 503: no endpoints available", async () => {
    const r = await call("/api/v1/namespaces/llm-serving/services/vllm-llama3-70b:8000/proxy/metrics");
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: 'no endpoints available for service "vllm-llama3-70b"', code: 503 });
  });

  test("a port the Service does not have, or no port when its ports are named, is a 503", async () => {
    const wrongNumber = await call(`${base}/kube-prometheus-stack-prometheus:9091/proxy/`);
    expect(wrongNumber.status).toBe(503);
    expect(JSON.parse(wrongNumber.body)).toMatchObject({ reason: "ServiceUnavailable", message: 'no service port 9091 found for service "kube-prometheus-stack-prometheus"' });
    const noPort = await call(`${base}/kube-prometheus-stack-prometheus/proxy/`);
    expect(noPort.status).toBe(503);
    expect(JSON.parse(noPort.body)).toMatchObject({ reason: "ServiceUnavailable", message: 'no endpoints available for service "kube-prometheus-stack-prometheus"' });
  });

  test("a malformed service id is a 400", async () => {
    const r = await call(`${base}/ftp:kube-prometheus-stack-prometheus:9090/proxy/`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ reason: "BadRequest", message: 'invalid service request "ftp:kube-prometheus-stack-prometheus:9090"' });
  });

  test("without a token it is 401; a namespace token works in its namespace only", async () => {
    expect((await call(`${base}/kube-prometheus-stack-prometheus:9090/proxy/api/v1/query?query=up`, { token: null })).status).toBe(401);
    expect((await call(`${base}/kube-prometheus-stack-prometheus:9090/proxy/api/v1/query?query=up`, { token: monitoringToken })).status).toBe(200);
    const denied = await call(`${base}/kube-prometheus-stack-prometheus:9090/proxy/api/v1/query?query=up`, { token: llmToken });
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toMatchObject({
      reason: "Forbidden",
      message: 'services "kube-prometheus-stack-prometheus" is forbidden: User "system:serviceaccount:llm-serving:viewer" cannot get resource "services/proxy" in API group "" in the namespace "monitoring"',
    });
  });

  test("a backend that is down is a 503 saying the service cannot be reached", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    sandbox.server.registerServiceBackend("onnx-api", "reranker-onnx", `http://127.0.0.1:${port}`);
    try {
      const r = await call("/api/v1/namespaces/onnx-api/services/reranker-onnx:80/proxy/metrics");
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toMatchObject({ reason: "ServiceUnavailable" });
      expect((JSON.parse(r.body) as { message: string }).message).toMatch(/^error trying to reach service: .*ECONNREFUSED/);
    } finally {
      sandbox.server.unregisterServiceBackend("onnx-api", "reranker-onnx");
    }
  });
});
