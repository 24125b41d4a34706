/**
 * What `npm run sandbox` writes to .sandbox/endpoints.json is enough to use the sandbox: the
 * demo with metrics and Azure on, its endpoints written by the same function main.ts calls, read
 * back with the schema, and then only the file is used: the real ClientSecretCredential gets a
 * token from the fake Entra ID and the managed Prometheus URL answers `up` as the sandbox's own
 * Prometheus does. The incident time comes from kubectl, not from the sandbox's code.
 */
import { execFile } from "node:child_process";
import { get as httpsGet } from "node:https";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { rootCertificates } from "node:tls";
import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readSandboxEndpoints, type SandboxEndpoints, writeRunningSandboxEndpoints } from "../../sandbox/endpoints";
import { type StartedSandbox, startSandbox } from "../../sandbox/sandboxLauncher";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { eventually } from "./eventually";
import { kubectlCli } from "./kubectlCli";

/** Azure Monitor workspaces' documented token audience. */
const managedPrometheusScope = "https://prometheus.monitor.azure.com/.default";

let sandbox: StartedSandbox | undefined;
const dir = mkdtempSync(path.join(tmpdir(), "aiplat-endpoints-"));
const kubeconfigFile = path.join(dir, "kubeconfig");
let endpointsFile = "";
const { kubectl } = kubectlCli(() => ({ ...process.env, KUBECONFIG: kubeconfigFile, HOME: dir }));

const current = (): StartedSandbox => {
  if (!sandbox) throw new Error("the sandbox is not running");
  return sandbox;
};

beforeAll(async () => {
  // No history and a short scrape interval keep the file quick; the wiring is npm run sandbox's.
  sandbox = await startSandbox({ scenario: "demo", metrics: { backfillDays: 0, scrapeInterval: "2s" }, azure: true });
  writeFileSync(kubeconfigFile, sandbox.server.kubeconfig());
  endpointsFile = (await writeRunningSandboxEndpoints(path.join(dir, ".sandbox"), sandbox, kubeconfigFile)).file;
}, 120_000);
afterAll(async () => {
  try {
    await sandbox?.server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function azureOf(file: string): Promise<NonNullable<SandboxEndpoints["azure"]>> {
  const endpoints = await readSandboxEndpoints(file);
  if (!endpoints.azure) throw new Error(`${file} has no azure part`);
  return endpoints.azure;
}

describe(".sandbox/endpoints.json of a sandbox with metrics and Azure", () => {
  test("names every endpoint, and the CA file next to it; only its owner can read it", async () => {
    const endpoints = await readSandboxEndpoints(endpointsFile);
    expect(statSync(endpointsFile).mode & 0o777).toBe(0o600);
    expect(endpoints.apiServer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.kubeconfig).toBe(kubeconfigFile);
    expect(endpoints.prometheus?.serviceProxy).toBe("monitoring/kube-prometheus-stack-prometheus:9090");
    const azure = endpoints.azure!;
    expect(azure.caFile).toBe(path.join(path.dirname(endpointsFile), "ca.pem"));
    expect(readFileSync(azure.caFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);
    // One CA for the sandbox: the kubeconfig's certificate-authority-data is the same certificate.
    const kubeconfigCa = /certificate-authority-data: (\S+)/.exec(readFileSync(kubeconfigFile, "utf8"))?.[1];
    expect(Buffer.from(kubeconfigCa ?? "", "base64").toString("utf8").trim()).toBe(readFileSync(azure.caFile, "utf8").trim());
    expect(azure.resources.onlineEndpoint).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/onlineEndpoints\/[^/]+$/);
    expect(azure.resources.aksCluster).toMatch(/\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/);
    expect(azure.resources.onlineEndpoint.startsWith(`/subscriptions/${azure.subscriptionId}/`)).toBe(true);
    for (const url of [azure.authorityHost, azure.armEndpoint, azure.managedPrometheusUrl ?? ""]) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test("a token from the fake Entra ID, got with the file alone, reads `up` through managed Prometheus as the sandbox's Prometheus shows it", async () => {
    const azure = await azureOf(endpointsFile);
    const ca = readFileSync(azure.caFile, "utf8");
    const credential = new ClientSecretCredential(azure.tenantId, azure.clientId, azure.clientSecret, {
      authorityHost: azure.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: [...rootCertificates, ca] },
    });
    const token = await credential.getToken(managedPrometheusScope);
    expect(token.token.split(".")).toHaveLength(3);

    const managed = createPrometheusSource({
      endpoint: { kind: "url", url: azure.managedPrometheusUrl!, caCert: ca },
      auth: { kind: "token-credential", credential, scope: managedPrometheusScope },
      kind: "azure-managed-prometheus",
    });
    const direct = createPrometheusSource({ endpoint: { kind: "url", url: (await readSandboxEndpoints(endpointsFile)).prometheus!.url }, auth: { kind: "none" } });
    const up = async (source: typeof managed, at: number): Promise<string[]> => {
      const result = await source.queryInstant({ kind: "promql", expr: 'up{job="model-servers"}' }, at);
      if (!result.ok) throw new Error(`${result.error.kind}: ${JSON.stringify(result.error)}`);
      return result.value.map((s) => `${s.labels["namespace"]}/${s.labels["pod"]}=${s.value}`).sort();
    };
    await eventually(async () => {
      // A moment already scraped, asked of both, so they must agree exactly.
      const at = Math.floor(Date.now() / 1000) - 3;
      const viaAzure = await up(managed, at);
      expect(viaAzure.length).toBeGreaterThan(0);
      expect(viaAzure.every((s) => s.endsWith("=1"))).toBe(true);
      expect(viaAzure).toEqual(await up(direct, at));
    }, 60_000);
    expect(current().azure?.managedPrometheusRequests.at(-1)).toMatchObject({ path: "/api/v1/query", status: 200 });
  }, 90_000);

  test("the fake online endpoint turns slow when the demo's vllm-llama3-70b revision 2 rolled out", async () => {
    const list = JSON.parse(await kubectl("get", "replicasets", "-n", "llm-serving", "-l", "app=vllm-llama3-70b", "-o", "json")) as {
      items: { metadata: { creationTimestamp: string; annotations?: Record<string, string> } }[];
    };
    const revision2 = list.items.find((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "2");
    expect(revision2).toBeDefined();
    expect(current().azure?.incident.atMs).toBe(Date.parse(revision2!.metadata.creationTimestamp));
  });

  test("aiplat metrics reads the incident service through managed Prometheus with DefaultAzureCredential, given the file's values as the usual AZURE_* variables", async () => {
    const azure = await azureOf(endpointsFile);
    const env = {
      PATH: process.env["PATH"] ?? "",
      HOME: dir,
      KUBECONFIG: kubeconfigFile,
      AZURE_TENANT_ID: azure.tenantId,
      AZURE_CLIENT_ID: azure.clientId,
      AZURE_CLIENT_SECRET: azure.clientSecret,
      // Not a Microsoft cloud's host: aiplat turns MSAL's instance discovery off for it.
      AZURE_AUTHORITY_HOST: azure.authorityHost,
      // A separate process, so Node takes the sandbox's CA as a terminal user would pass it.
      NODE_EXTRA_CA_CERTS: azure.caFile,
    };
    const tsx = path.join(__dirname, "../../node_modules/.bin/tsx");
    const main = path.join(__dirname, "../../src/cli/main.ts");
    const args = [main, "metrics", "llm-serving/vllm-llama3-70b", "--source", `azure-prometheus:${azure.managedPrometheusUrl ?? ""}`, "-o", "json"];
    // Scrapes every 2 s: wait until the 5-minute windows hold two of them.
    await eventually(async () => {
      const r = await new Promise<{ code: number; out: string; err: string }>((resolve) =>
        execFile(tsx, args, { env, timeout: 60_000 }, (error, out, err) => resolve({ code: typeof error?.code === "number" ? error.code : error ? -1 : 0, out, err })),
      );
      expect(r.err).not.toContain(azure.clientSecret);
      expect([0, 1], r.err).toContain(r.code);
      const report = JSON.parse(r.out) as { source: string; p95Ms: number | null; errorRatio: number | null };
      expect(report.source).toContain(azure.managedPrometheusUrl);
      // vLLM's end-to-end latency: seconds, so thousands of ms.
      expect(report.p95Ms).toBeGreaterThan(1000);
    }, 60_000);
  }, 120_000);

  test("server.stop() stops the Azure endpoints with it", async () => {
    const azure = await azureOf(endpointsFile);
    const ca = readFileSync(azure.caFile, "utf8");
    const connect = (url: string): Promise<string> =>
      new Promise((resolve) => {
        const req = httpsGet(url, { ca }, (res) => {
          res.resume();
          resolve(`HTTP ${res.statusCode ?? 0}`);
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    const urls = [azure.authorityHost, azure.armEndpoint, azure.managedPrometheusUrl!];
    for (const url of urls) expect(await connect(url)).toMatch(/^HTTP \d+$/);
    await current().server.stop();
    sandbox = undefined;
    for (const url of urls) expect(await connect(url)).toBe("ECONNREFUSED");
  });
});
