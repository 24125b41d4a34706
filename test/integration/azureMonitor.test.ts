/**
 * The real @azure/identity and @azure/arm-monitor against the sandbox's Entra ID and ARM metrics
 * endpoints (HTTPS, the sandbox's own CA passed through the SDKs' tlsOptions), and the managed
 * Prometheus endpoint in front of a real Prometheus.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOnlineEndpointModel, onlineEndpointLatencyMs, onlineEndpointRequestsPerMinute } from "../../sandbox/azure/azureMetricCatalog";
import { type SandboxAzure, startSandboxAzure } from "../../sandbox/azure/sandboxAzure";
import { type RunningPrometheus, startPrometheus } from "../../sandbox/metrics/prometheusServer";
import { azureMonitorGrain, createAzureMonitorSource } from "../../src/core/metrics/azureMonitorSource";
import { type MetricQuery, type MetricsError, type MetricsResult, type Series } from "../../src/core/metrics/metricsSource";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { eventually } from "./eventually";
import { freePort } from "../harness/codeServer";

/** A Monday 15:00 UTC: the fake's clock, so every value below is reproducible. */
const now = Date.UTC(2026, 10, 30, 15, 0, 0);
const incidentAtMs = now - 2 * 3_600_000;
const minuteS = 60;
const nowS = now / 1000;

let azure: SandboxAzure;
let prometheus: RunningPrometheus;
let prometheusDir: string;

function credential(secret = azure.clientSecret): ClientSecretCredential {
  return new ClientSecretCredential(azure.tenantId, azure.clientId, secret, {
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: [...rootCertificates, azure.caCert] },
  });
}

function source(cred: TokenCredential = credential(), extra: { maxRetries?: number } = {}) {
  return createAzureMonitorSource({ credential: cred, subscriptionId: azure.subscriptionId, endpoint: azure.armEndpoint, tlsCaCert: azure.caCert, ...extra });
}

/** Always hands out the same token, whatever scope is asked for. */
function fixedToken(token: string): TokenCredential {
  return { getToken: (): Promise<AccessToken> => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

/** Asks the real credential for another resource's token than the one requested. */
function tokenFor(scope: string): TokenCredential {
  const inner = credential();
  return { getToken: (_scopes, options) => inner.getToken(scope, options) };
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

type AzureMonitorQuery = Extract<MetricQuery, { kind: "azure-monitor" }>;

const p95 = (filter?: string): AzureMonitorQuery => ({
  kind: "azure-monitor",
  resourceUri: azure.resources.onlineEndpoint,
  metricNamespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
  metricName: "RequestLatency_P95",
  aggregation: "average",
  ...(filter ? { filter } : {}),
});

function failure<T>(result: MetricsResult<T>): MetricsError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

function series<T extends Series[]>(result: MetricsResult<T>): T {
  if (!result.ok) throw new Error(`expected series, got ${JSON.stringify(result.error)}`);
  return result.value;
}

beforeAll(async () => {
  prometheusDir = await mkdtemp(path.join(tmpdir(), "aiplat-azure-prom-"));
  const port = await freePort();
  prometheus = await startPrometheus({
    dataDir: path.join(prometheusDir, "data"),
    port,
    configYaml: `global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{targets: ["127.0.0.1:${port}"]}]\n`,
  });
  azure = await startSandboxAzure({ now: () => now, incidentAtMs, prometheusUrl: prometheus.url });
}, 60_000);

afterAll(async () => {
  await azure?.stop();
  await prometheus?.stop();
  if (prometheusDir) await rm(prometheusDir, { recursive: true, force: true });
});

describe("Entra ID token endpoint through ClientSecretCredential", () => {
  it("issues a token for the scope's resource, with the app and tenant in it", async () => {
    const token = await credential().getToken("https://management.azure.com/.default");
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    expect(claims(token.token)).toMatchObject({ aud: "https://management.azure.com", tid: azure.tenantId, appid: azure.clientId, exp: nowS + 3599 });

    const prom = await credential().getToken("https://prometheus.monitor.azure.com/.default");
    expect(claims(prom.token)).toMatchObject({ aud: "https://prometheus.monitor.azure.com" });
  });

  it("refuses a wrong secret with Entra's AADSTS7000215", async () => {
    await expect(credential("not-the-secret").getToken("https://management.azure.com/.default")).rejects.toThrow(/AADSTS7000215: Invalid client secret provided/);
  });
});

describe("createAzureMonitorSource against the ARM metrics endpoint", () => {
  it("returns the online endpoint's P95 per deployment, with green's latency step at the incident", async () => {
    const start = nowS - 3 * 3600;
    const result = await source().queryRange(p95("deployment eq '*'"), { start, end: nowS, step: minuteS });
    const got = series(result);
    expect(got.map((s) => s.labels)).toEqual([{ deployment: "blue" }, { deployment: "green" }]);

    const model = demoOnlineEndpointModel(incidentAtMs);
    for (const s of got) {
      const deployment = s.labels.deployment!;
      expect(s.timestamps.length).toBe(180);
      s.timestamps.forEach((t, i) => {
        // Azure Monitor's last minutes are not ingested yet: gaps, not zeros.
        if (t * 1000 >= now - 3 * 60_000) expect(s.values[i]).toBeNaN();
        else expect(s.values[i]).toBeCloseTo(onlineEndpointLatencyMs(model, deployment, "RequestLatency_P95", t * 1000), 2);
      });
    }

    const green = got[1]!;
    const mean = (from: number, to: number) => {
      const v = [...green.values].filter((x, i) => !Number.isNaN(x) && green.timestamps[i]! >= from && green.timestamps[i]! < to);
      return v.reduce((a, x) => a + x, 0) / v.length;
    };
    const incidentS = incidentAtMs / 1000;
    // The demo incident: green's p95 doubles after its deploy.
    expect(mean(incidentS, incidentS + 1800) / mean(incidentS - 1800, incidentS)).toBeGreaterThan(1.7);
  });

  it("maps the step to Azure's next coarser grain and averages the minutes in each bucket", async () => {
    expect(azureMonitorGrain(420).iso).toBe("PT15M");
    const start = nowS - 6 * 3600;
    const result = await source().queryRange(
      { kind: "azure-monitor", resourceUri: azure.resources.onlineEndpoint, metricName: "RequestsPerMinute", aggregation: "average", filter: "deployment eq 'blue' and statusCodeClass eq '5xx'" },
      { start, end: nowS - 3600, step: 240 },
    );
    expect(result.ok && result.warnings).toContain("step 240s served at Azure Monitor's grain PT5M");
    const [only] = series(result);
    expect(only?.labels).toEqual({ deployment: "blue", statusCodeClass: "5xx" });
    const model = demoOnlineEndpointModel(incidentAtMs);
    const t0 = only!.timestamps[0]!;
    let expected = 0;
    for (let m = 0; m < 5; m++) expected += onlineEndpointRequestsPerMinute(model, "blue", "500", (t0 + m * 60) * 1000);
    expect(only!.values[0]).toBeCloseTo(expected / 5, 3);
  });

  it("reads an AKS node metric as one series per node", async () => {
    const result = await source().queryRange(
      { kind: "azure-monitor", resourceUri: azure.resources.aksCluster, metricName: "node_cpu_usage_percentage", aggregation: "maximum", filter: "node eq '*'" },
      { start: nowS - 3600, end: nowS, step: 900 },
    );
    const got = series(result);
    expect(got.map((s) => s.labels.node)).toContain("aks-a100pool-21837465-vmss000000");
    for (const s of got) for (const v of s.values) if (!Number.isNaN(v)) expect(v).toBeGreaterThan(0);
  });

  it("gives the newest ingested minute as the instant value", async () => {
    const result = await source().queryInstant(p95(), nowS);
    expect(result.ok).toBe(true);
    const samples = result.ok ? result.value : [];
    expect(samples).toHaveLength(1);
    expect(samples[0]!.time).toBe(nowS - 4 * 60);
  });

  it("401: a token ARM did not issue", async () => {
    const error = failure(await source(fixedToken("eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.c2ln")).queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(error.kind === "unauthorized" && error.detail).toMatch(/^InvalidAuthenticationToken:/);
  });

  it("401: a real token for the wrong audience (managed Prometheus)", async () => {
    const error = failure(await source(tokenFor("https://prometheus.monitor.azure.com/.default")).queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(error.kind === "unauthorized" && error.detail).toMatch(/InvalidAuthenticationTokenAudience.*wrong audience or resource 'https:\/\/prometheus\.monitor\.azure\.com'/);
  });

  it("401: the credential cannot get a token (wrong secret)", async () => {
    const error = failure(await source(credential("wrong")).queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(error.kind === "unauthorized" && error.detail).toMatch(/AADSTS7000215/);
  });

  it("403: a resource the app holds no role on", async () => {
    const error = failure(await source().queryRange({ ...p95(), resourceUri: azure.resources.restrictedEndpoint }, { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "forbidden", status: 403 });
    expect(error.kind === "forbidden" && error.detail).toMatch(/^AuthorizationFailed: .*does not have authorization to perform action 'Microsoft\.Insights\/metrics\/read'/);
  });

  it("429 with a long Retry-After comes back at once as rate-limited, with the wait", async () => {
    const before = azure.armRequests.length;
    azure.throttleArm(1, 30);
    const error = failure(await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toEqual(expect.objectContaining({ kind: "rate-limited", status: 429, retryAfterMs: 30_000 }));
    expect(azure.armRequests.length - before).toBe(1);
  });

  it("429 with a short Retry-After is retried by the SDK and succeeds", async () => {
    const before = azure.armRequests.length;
    azure.throttleArm(1, 1);
    const result = await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 });
    expect(series(result)).toHaveLength(1);
    expect(azure.armRequests.slice(before).map((r) => r.status)).toEqual([429, 200]);
  });

  it("400: an unknown metric name, with ARM's code and message", async () => {
    const error = failure(await source().queryRange({ ...p95(), metricName: "RequestLatency_P42" }, { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "query-failed", status: 400, errorType: "BadRequest" });
    expect(error.kind === "query-failed" && error.message).toMatch(
      /^Failed to find metric configuration for provider: microsoft\.machinelearningservices, resource Type: workspaces\/onlineendpoints, metric: RequestLatency_P42, Valid metrics: RequestLatency,/,
    );
  });

  it("404: a resource that does not exist", async () => {
    const error = failure(await source().queryRange({ ...p95(), resourceUri: azure.resources.onlineEndpoint.replace("sentiment-endpoint", "gone") }, { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "query-failed", status: 404, errorType: "ResourceNotFound" });
  });

  it("a gateway's HTML page is a bad response, after the SDK's retries", async () => {
    azure.replyArm(3, { status: 502, contentType: "text/html", body: "<html><body><h1>502 Bad Gateway</h1></body></html>" });
    const error = failure(await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "bad-response", status: 502 });
    expect(error.kind === "bad-response" && error.detail).toContain("502 Bad Gateway");
  });

  it("200 with something other than a metrics response is a bad response", async () => {
    azure.replyArm(1, { status: 200, contentType: "application/json", body: '{"items": []}' });
    const error = failure(await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error).toMatchObject({ kind: "bad-response", status: 200 });
    expect(error.kind === "bad-response" && error.detail).toContain('{"items": []}');

    azure.replyArm(1, { status: 200, contentType: "text/html", body: "<html><title>Sign in to your proxy</title></html>" });
    const html = failure(await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(html).toMatchObject({ kind: "bad-response", status: 200 });
    expect(html.kind === "bad-response" && html.detail).toContain("text/html: <html><title>Sign in to your proxy");
  });

  it("an aborted signal is cancelled, and an endpoint nobody listens on is unreachable", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(failure(await source().queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }, controller.signal))).toMatchObject({ kind: "cancelled" });

    const closed = `https://127.0.0.1:${await freePort()}`;
    const offline = createAzureMonitorSource({ credential: credential(), endpoint: closed, tlsCaCert: azure.caCert, maxRetries: 0 });
    expect(failure(await offline.queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }))).toMatchObject({ kind: "unreachable" });
  });
});

describe("createAzureMonitorSource when the endpoint misbehaves", () => {
  it("a hung endpoint is a timeout", async () => {
    azure.replyArm(1, { status: 200, contentType: "application/json", body: "{}", delayMs: 10_000 });
    const slow = createAzureMonitorSource({ credential: credential(), endpoint: azure.armEndpoint, tlsCaCert: azure.caCert, timeoutMs: 500 });
    expect(failure(await slow.queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }))).toEqual(expect.objectContaining({ kind: "timeout", afterMs: 500 }));
  });

  it("a connection dropped mid-response is unreachable", async () => {
    const body = JSON.stringify({ timespan: "x", value: [{ id: "x", name: { value: "RequestLatency_P95" }, unit: "Milliseconds", timeseries: [] }] });
    azure.replyArm(1, { status: 200, contentType: "application/json", body, cutAfterBytes: 20 });
    const error = failure(await source(credential(), { maxRetries: 0 }).queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error.kind).toBe("unreachable");
  });

  it("without the sandbox's CA the TLS handshake fails: the CA is what makes it trusted", async () => {
    const untrusting = createAzureMonitorSource({ credential: fixedToken("x.y.z"), endpoint: azure.armEndpoint, maxRetries: 0 });
    const error = failure(await untrusting.queryRange(p95(), { start: nowS - 3600, end: nowS, step: 60 }));
    expect(error.kind).toBe("unreachable");
    expect(error.kind === "unreachable" && error.detail).toMatch(/certificate/i);
  });
});

describe("Azure Monitor managed Prometheus endpoint", () => {
  const post = (token?: string, pathname = "/api/v1/query") =>
    fetchWithCa(`${azure.managedPrometheusUrl}${pathname}`, token, "query=up");

  it("refuses a request without a token and one with an ARM token", async () => {
    expect((await post()).status).toBe(401);
    const arm = await credential().getToken("https://management.azure.com/.default");
    const wrong = await post(arm.token);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("https://management.azure.com");
  });

  it("refuses the APIs the service does not offer, even with a good token", async () => {
    const prom = await credential().getToken("https://prometheus.monitor.azure.com/.default");
    expect((await post(prom.token, "/api/v1/status/buildinfo")).status).toBe(404);
    expect((await post(prom.token, "/api/v1/admin/tsdb/snapshot")).status).toBe(404);
  });

  it("createPrometheusSource with a token credential queries the real Prometheus behind it", async () => {
    const prom = createPrometheusSource({
      endpoint: { kind: "url", url: azure.managedPrometheusUrl!, caCert: azure.caCert },
      auth: { kind: "token-credential", credential: credential(), scope: "https://prometheus.monitor.azure.com/.default" },
      kind: "azure-managed-prometheus",
    });
    await eventually(async () => {
      const result = await prom.queryInstant({ kind: "promql", expr: 'up{job="prometheus"}' }, Date.now() / 1000);
      expect(result.ok && result.value.map((s) => s.value)).toEqual([1]);
    }, 15_000);
    expect(azure.managedPrometheusRequests.at(-1)).toMatchObject({ path: "/api/v1/query", status: 200 });

    const refused = createPrometheusSource({
      endpoint: { kind: "url", url: azure.managedPrometheusUrl!, caCert: azure.caCert },
      auth: { kind: "token-credential", credential: credential(), scope: "https://management.azure.com/.default" },
      kind: "azure-managed-prometheus",
    });
    expect(failure(await refused.queryInstant({ kind: "promql", expr: "up" }, Date.now() / 1000))).toMatchObject({ kind: "unauthorized" });
  }, 30_000);
});

/** node:https with the sandbox's CA: fetch() cannot take one per request. */
async function fetchWithCa(url: string, token: string | undefined, form: string): Promise<{ status: number; body: string }> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        ca: azure.caCert,
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(form);
  });
}
