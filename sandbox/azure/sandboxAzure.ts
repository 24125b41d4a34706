/**
 * The sandbox's Azure: an Entra ID token endpoint, the ARM metrics API and an Azure Monitor
 * managed Prometheus query endpoint, each on its own HTTPS origin under one generated CA, so the
 * real @azure/identity and @azure/arm-monitor talk to them as to Azure (reference/protocols.md §3–4).
 */
import { type SandboxCertificates, createSandboxCertificates } from "../certificates";
import { AccessTokenIssuer } from "./accessTokens";
import { type ArmCannedReply, type ArmRequestRecord, armAudiences, createArmMetricsHandler } from "./armMetricsServer";
import { demoAzureResources, demoOnlineEndpointDeployments } from "./azureMetricCatalog";
import { createEntraIdHandler } from "./entraIdServer";
import { type HttpsListener, startHttpsListener } from "./httpsListener";
import { type ManagedPrometheusRequestRecord, createManagedPrometheusHandler, managedPrometheusAudience } from "./managedPrometheusProxy";

export interface SandboxAzureOptions {
  /** The sandbox's CA and server certificate (one CA for every endpoint); a new pair when absent. */
  readonly certificates?: SandboxCertificates;
  /** A Prometheus to put behind the managed-Prometheus endpoint (e.g. http://127.0.0.1:9090). */
  readonly prometheusUrl?: string;
  /** Unix ms; Date.now by default. */
  readonly now?: () => number;
  /** When the online endpoint's "green" deployment turned slow (unix ms); two days before start by default, like the demo's incident. */
  readonly incidentAtMs?: number;
  readonly ports?: { readonly authority?: number; readonly arm?: number; readonly managedPrometheus?: number };
}

export interface SandboxAzureResources {
  /** Azure ML online endpoint with deployments "blue" and "green" (Microsoft.MachineLearningServices/workspaces/onlineEndpoints). */
  readonly onlineEndpoint: string;
  readonly onlineEndpointDeployments: readonly string[];
  /** AKS cluster (Microsoft.ContainerService/managedClusters). */
  readonly aksCluster: string;
  /** An online endpoint that exists but the sandbox's app may not read: 403 AuthorizationFailed. */
  readonly restrictedEndpoint: string;
}

export interface SandboxAzure {
  /** For ClientSecretCredential's `authorityHost` (with `disableInstanceDiscovery: true`). */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** For MonitorClient's `endpoint`. */
  readonly armEndpoint: string;
  readonly subscriptionId: string;
  readonly resources: SandboxAzureResources;
  /** The deployment whose latency doubles and errors rise, and when (unix ms). */
  readonly incident: { readonly deployment: string; readonly atMs: number };
  /** The managed-Prometheus query endpoint, when a prometheusUrl was given. */
  readonly managedPrometheusUrl?: string;
  /** Token audiences: ARM's scope is `${armAudience}/.default`, managed Prometheus' `${managedPrometheusAudience}/.default`. */
  readonly armAudience: string;
  readonly managedPrometheusAudience: string;
  /** PEM of the CA every endpoint's certificate chains to. */
  readonly caCert: string;
  /** Test knob: the next `count` ARM requests get 429 with Retry-After. */
  throttleArm(count: number, retryAfterSeconds: number): void;
  /** Test knob: the next `count` ARM requests get this reply (e.g. a gateway's HTML error page). */
  replyArm(count: number, reply: ArmCannedReply): void;
  readonly armRequests: readonly ArmRequestRecord[];
  readonly managedPrometheusRequests: readonly ManagedPrometheusRequestRecord[];
  stop(): Promise<void>;
}

const tenantId = "8d3f2b61-5c4e-4a7b-9e10-5a1b2c3d4e5f";
const subscriptionId = "0b7c1e9a-2f4d-4c83-a6b5-d1e2f3a4b5c6";
const app = { clientId: "3c9e5f1a-7b2d-4e8c-9a0f-1b2c3d4e5f60", clientSecret: "sandbox~Qx7.vN2pL9rT4kW8yZ3mB6cF1hJ5", objectId: "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b" };

export async function startSandboxAzure(opts: SandboxAzureOptions = {}): Promise<SandboxAzure> {
  const now = opts.now ?? Date.now;
  const startedMs = now();
  const certificates = opts.certificates ?? (await createSandboxCertificates(new Date(startedMs)));
  const issuer = new AccessTokenIssuer(tenantId);
  const incidentAtMs = opts.incidentAtMs ?? Math.floor((startedMs - 2 * 86_400_000) / 60_000) * 60_000;
  const resources = demoAzureResources({ subscriptionId, nowMs: startedMs, incidentAtMs });
  // The app holds Monitoring Reader on the production resource groups only.
  const readableGroups = [`/subscriptions/${subscriptionId}/resourceGroups/rg-ml-prod/`, `/subscriptions/${subscriptionId}/resourceGroups/rg-aks-prod/`].map((g) => g.toLowerCase());

  const listeners: HttpsListener[] = [];
  try {
    let authorityUrl = "";
    const authority = await startHttpsListener(
      certificates,
      createEntraIdHandler(() => authorityUrl, {
        tenantId,
        apps: [app],
        issuer,
        resources: ["https://management.azure.com", "https://management.core.windows.net", managedPrometheusAudience],
        nowMs: now,
      }),
      opts.ports?.authority,
    );
    authorityUrl = authority.url;
    listeners.push(authority);

    const arm = createArmMetricsHandler({
      subscriptionId,
      tenantId,
      issuer,
      resources: Object.values(resources),
      canRead: (objectId, resourceId) => objectId === app.objectId && readableGroups.some((g) => `${resourceId.toLowerCase()}/`.startsWith(g)),
      nowMs: now,
      ingestionLagMs: 3 * 60_000,
    });
    const armListener = await startHttpsListener(certificates, (req, res) => arm.handle(req, res), opts.ports?.arm);
    listeners.push(armListener);

    let managedPrometheusUrl: string | undefined;
    let managedPrometheusRequests: readonly ManagedPrometheusRequestRecord[] = [];
    if (opts.prometheusUrl) {
      const proxy = createManagedPrometheusHandler({ upstream: opts.prometheusUrl, tenantId, issuer, nowMs: now });
      const proxyListener = await startHttpsListener(certificates, (req, res) => proxy.handle(req, res), opts.ports?.managedPrometheus);
      listeners.push(proxyListener);
      managedPrometheusUrl = proxyListener.url;
      managedPrometheusRequests = proxy.requests;
    }

    return {
      authorityHost: authority.url,
      tenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      armEndpoint: armListener.url,
      subscriptionId,
      resources: {
        onlineEndpoint: resources.onlineEndpoint.id,
        onlineEndpointDeployments: demoOnlineEndpointDeployments,
        aksCluster: resources.aksCluster.id,
        restrictedEndpoint: resources.restrictedEndpoint.id,
      },
      incident: { deployment: "green", atMs: incidentAtMs },
      ...(managedPrometheusUrl ? { managedPrometheusUrl } : {}),
      armAudience: armAudiences[3],
      managedPrometheusAudience,
      caCert: certificates.caCert,
      throttleArm: (count, retryAfterSeconds) => arm.throttle(count, retryAfterSeconds),
      replyArm: (count, reply) => arm.reply(count, reply),
      armRequests: arm.requests,
      managedPrometheusRequests,
      stop: async () => {
        await Promise.all(listeners.map((l) => l.stop()));
      },
    };
  } catch (e) {
    await Promise.all(listeners.map((l) => l.stop()));
    throw e;
  }
}
