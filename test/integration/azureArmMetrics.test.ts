/**
 * The sandbox's ARM metrics endpoint on the wire and through the real MonitorClient: the parts of
 * the metrics API the MetricsSource does not use every day (FULL, top and orderby, metadata-only
 * results, the api-version gate and a request without a token) still behave as Azure documents.
 */
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import { MonitorClient } from "@azure/arm-monitor";
import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxAzure, startSandboxAzure } from "../../sandbox/azure/sandboxAzure";

const now = Date.UTC(2026, 10, 30, 15, 0, 0);
let azure: SandboxAzure;
let client: MonitorClient;

const resourceUri = () => azure.resources.onlineEndpoint.slice(1);
const lastHour = `${new Date(now - 3_600_000).toISOString()}/${new Date(now).toISOString()}`;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${azure.armEndpoint}${path}`, { ca: azure.caCert, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as unknown }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  azure = await startSandboxAzure({ now: () => now });
  const credential = new ClientSecretCredential(azure.tenantId, azure.clientId, azure.clientSecret, {
    authorityHost: azure.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: [...rootCertificates, azure.caCert] },
  });
  client = new MonitorClient(credential, azure.subscriptionId, { endpoint: azure.armEndpoint, tlsOptions: { ca: [...rootCertificates, azure.caCert] } });
});

afterAll(async () => {
  await azure?.stop();
});

describe("ARM metrics.list in the sandbox", () => {
  it("answers with the documented response shape", async () => {
    const response = await client.metrics.list(resourceUri(), { timespan: lastHour, interval: "PT5M", metricnames: "RequestLatency_P95,RequestsPerMinute", aggregation: "average,maximum" });
    expect(response).toMatchObject({ timespan: "2026-11-30T14:00:00Z/2026-11-30T15:00:00Z", interval: "PT5M", namespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", resourceregion: "westeurope" });
    expect(response.value.map((m) => [m.name.value, m.unit, m.type, m.errorCode])).toEqual([
      ["RequestLatency_P95", "Milliseconds", "Microsoft.Insights/metrics", "Success"],
      ["RequestsPerMinute", "Count", "Microsoft.Insights/metrics", "Success"],
    ]);
    const data = response.value[0]!.timeseries[0]!.data!;
    expect(data).toHaveLength(12);
    expect(data[0]!.timeStamp).toEqual(new Date(now - 3_600_000));
    expect(data[0]!.maximum).toBeGreaterThanOrEqual(data[0]!.average!);
  });

  it("FULL gives one point for the whole timespan", async () => {
    const response = await client.metrics.list(resourceUri(), { timespan: lastHour, interval: "FULL", metricnames: "RequestLatency_P50" });
    expect(response.value[0]!.timeseries[0]!.data).toHaveLength(1);
  });

  it("top and orderby pick the busiest series of a split", async () => {
    const response = await client.metrics.list(resourceUri(), {
      timespan: lastHour,
      metricnames: "RequestsPerMinute",
      aggregation: "total",
      filter: "deployment eq '*' and statusCode eq '*'",
      top: 2,
      orderby: "total desc",
    });
    const series = response.value[0]!.timeseries;
    expect(series).toHaveLength(2);
    // Blue carries 80% of the traffic and nearly all of it is 200.
    expect(series[0]!.metadatavalues!.map((m) => [m.name!.value, m.value])).toEqual([
      ["deployment", "blue"],
      ["statusCode", "200"],
    ]);
  });

  it("resultType Metadata lists the series without data", async () => {
    const response = await client.metrics.list(resourceUri(), { timespan: lastHour, metricnames: "RequestLatency_P99", filter: "deployment eq '*'", resultType: "Metadata" });
    expect(response.value[0]!.timeseries.map((t) => t.data)).toEqual([undefined, undefined]);
    expect(response.value[0]!.timeseries.map((t) => t.metadatavalues![0]!.value)).toEqual(["blue", "green"]);
  });

  it("an unsupported time grain is refused unless AutoAdjustTimegrain", async () => {
    await expect(client.metrics.list(resourceUri(), { timespan: lastHour, interval: "PT2M", metricnames: "RequestLatency_P95" })).rejects.toMatchObject({
      statusCode: 400,
      code: "BadRequest",
    });
    const adjusted = await client.metrics.list(resourceUri(), { timespan: lastHour, interval: "PT2M", autoAdjustTimegrain: true, metricnames: "RequestLatency_P95" });
    expect(adjusted.interval).toBe("PT5M");
  });

  it("a request without a token is 401 AuthenticationFailed, in ARM's error envelope", async () => {
    const response = await get(`/${resourceUri()}/providers/Microsoft.Insights/metrics?api-version=2024-02-01`);
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer authorization_uri=/);
    expect(response.body).toEqual({ error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
  });

  it("an api-version the metrics provider does not have is 400 NoRegisteredProviderFound", async () => {
    const credential = new ClientSecretCredential(azure.tenantId, azure.clientId, azure.clientSecret, {
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: [...rootCertificates, azure.caCert] },
    });
    const token = await credential.getToken("https://management.azure.com/.default");
    const response = await get(`/${resourceUri()}/providers/Microsoft.Insights/metrics?api-version=2099-01-01&metricnames=RequestLatency_P95`, { Authorization: `Bearer ${token.token}` });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "NoRegisteredProviderFound" } });
    expect((response.body as { error: { message: string } }).error.message).toContain("The supported api-versions are '2016-06-01, 2017-05-01-preview, 2018-01-01, 2019-07-01, 2021-05-01, 2023-05-01-preview, 2023-10-01, 2024-02-01'");
    expect(response.headers["x-ms-ratelimit-remaining-subscription-reads"]).toMatch(/^\d+$/);
  });
});
