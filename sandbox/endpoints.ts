/**
 * .sandbox/endpoints.json: where a running sandbox serves, for scripts and people. `npm run
 * sandbox` and `npm start` write it with writeRunningSandboxEndpoints; readers validate it with
 * the same schema.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import * as z from "zod";
import type { SandboxApiServer } from "./apiServer";
import type { SandboxAzure } from "./azure/sandboxAzure";
import type { SandboxMetrics } from "./metrics/sandboxMetrics";
import type { SandboxMlflow } from "./mlflow/sandboxMlflow";

const armResourceId = z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+/);

export const SandboxEndpoints = z.object({
  /** The API server, https://127.0.0.1:<port>. */
  apiServer: z.url(),
  /** The kubeconfig file for the API server (holds the token). */
  kubeconfig: z.string().min(1),
  /** The sandbox's real Prometheus, when metrics run. */
  prometheus: z
    .object({
      url: z.url(),
      /** The in-cluster way to it: "<namespace>/<service>:<port>" through the API server's service proxy. */
      serviceProxy: z.string().regex(/^[^/]+\/[^/:]+:[^/:]+$/),
    })
    .optional(),
  /** The Azure fakes, when they run: what ClientSecretCredential, MonitorClient and a managed-Prometheus client need. */
  azure: z
    .object({
      /** ClientSecretCredential's authorityHost; it needs disableInstanceDiscovery: true (the fake is not a known Azure cloud). */
      authorityHost: z.url(),
      tenantId: z.string().min(1),
      clientId: z.string().min(1),
      // The sandbox's fake app secret: it opens nothing but the sandbox, and the file is 0600.
      clientSecret: z.string().min(1),
      /** MonitorClient's endpoint (the ARM metrics API). */
      armEndpoint: z.url(),
      subscriptionId: z.string().min(1),
      resources: z.object({
        /** An Azure ML online endpoint's ARM id. */
        onlineEndpoint: armResourceId,
        /** Its deployments (the Deployment dimension of its metrics). */
        onlineEndpointDeployments: z.array(z.string().min(1)),
        /** An AKS cluster's ARM id. */
        aksCluster: armResourceId,
      }),
      /** The Azure Monitor managed Prometheus query endpoint in front of the sandbox's Prometheus, when metrics run. */
      managedPrometheusUrl: z.url().optional(),
      /** PEM file of the CA every sandbox endpoint chains to (NODE_EXTRA_CA_CERTS, or the SDKs' tlsOptions.ca). */
      caFile: z.string().min(1),
    })
    .optional(),
  /** The fake MLflow registry, when it runs: what MLFLOW_TRACKING_URI and friends hold. */
  mlflow: z
    .object({
      /** MLFLOW_TRACKING_URI (http(s)://127.0.0.1:<port>; azureml://… for the Azure ML flavour). */
      trackingUri: z.string().min(1),
      flavour: z.enum(["mlflow", "azureml"]),
      /** MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, when it asks for credentials (sandbox-only values). */
      auth: z.discriminatedUnion("kind", [z.object({ kind: z.literal("basic"), username: z.string().min(1), password: z.string().min(1) }), z.object({ kind: z.literal("bearer"), token: z.string().min(1) })]).optional(),
      /** MLFLOW_TRACKING_SERVER_CERT_PATH when it serves HTTPS. */
      caFile: z.string().min(1).optional(),
    })
    .optional(),
});
export type SandboxEndpoints = z.infer<typeof SandboxEndpoints>;

/** Writes the file readable by its owner only (the Azure part carries a client secret). */
export async function writeSandboxEndpoints(file: string, endpoints: SandboxEndpoints): Promise<void> {
  const valid = SandboxEndpoints.parse(endpoints);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

export interface RunningSandboxParts {
  readonly server: SandboxApiServer;
  readonly metrics?: SandboxMetrics | undefined;
  readonly azure?: SandboxAzure | undefined;
  readonly mlflow?: SandboxMlflow | undefined;
}

/** The files writeRunningSandboxEndpoints writes into a folder. */
export function sandboxEndpointsFiles(dir: string): { endpoints: string; ca: string } {
  return { endpoints: path.join(dir, "endpoints.json"), ca: path.join(dir, "ca.pem") };
}

/**
 * Writes `dir`/endpoints.json for a started sandbox and, when Azure or an HTTPS MLflow runs, `dir`/ca.pem (SDKs and
 * NODE_EXTRA_CA_CERTS take a CA as a file or PEM, not from a kubeconfig). Returns what it wrote.
 */
export async function writeRunningSandboxEndpoints(dir: string, sandbox: RunningSandboxParts, kubeconfig: string): Promise<{ file: string; endpoints: SandboxEndpoints }> {
  const files = sandboxEndpointsFiles(path.resolve(dir));
  const { server, metrics, azure, mlflow } = sandbox;
  const caCert = azure?.caCert ?? mlflow?.caCert;
  if (caCert) {
    await mkdir(path.dirname(files.ca), { recursive: true });
    await writeFile(files.ca, caCert);
  }
  const endpoints: SandboxEndpoints = {
    apiServer: server.url,
    kubeconfig: path.resolve(kubeconfig),
    ...(metrics ? { prometheus: { url: metrics.prometheus.url, serviceProxy: metrics.serviceProxy } } : {}),
    ...(azure
      ? {
          azure: {
            authorityHost: azure.authorityHost,
            tenantId: azure.tenantId,
            clientId: azure.clientId,
            clientSecret: azure.clientSecret,
            armEndpoint: azure.armEndpoint,
            subscriptionId: azure.subscriptionId,
            resources: { onlineEndpoint: azure.resources.onlineEndpoint, onlineEndpointDeployments: [...azure.resources.onlineEndpointDeployments], aksCluster: azure.resources.aksCluster },
            ...(azure.managedPrometheusUrl ? { managedPrometheusUrl: azure.managedPrometheusUrl } : {}),
            caFile: files.ca,
          },
        }
      : {}),
    ...(mlflow
      ? {
          mlflow: {
            trackingUri: mlflow.trackingUri,
            flavour: mlflow.flavour,
            ...(mlflow.auth ? { auth: mlflow.auth } : {}),
            ...(mlflow.caCert ? { caFile: files.ca } : {}),
          },
        }
      : {}),
  };
  await writeSandboxEndpoints(files.endpoints, endpoints);
  return { file: files.endpoints, endpoints };
}

/** endpoints.json describes a running sandbox: it (and ca.pem) go when the sandbox does. */
export async function removeSandboxEndpoints(dir: string): Promise<void> {
  const files = sandboxEndpointsFiles(path.resolve(dir));
  await Promise.all([rm(files.endpoints, { force: true }), rm(files.ca, { force: true })]);
}

/** Reads and validates the file; the error names the file and what is wrong in it. */
export async function readSandboxEndpoints(file: string): Promise<SandboxEndpoints> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read it (is the sandbox running? npm run sandbox writes it)`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = SandboxEndpoints.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
