/**
 * Starts the sandbox MLflow registry (mlflowServer.ts over mlflowStore.ts) on 127.0.0.1: plain
 * HTTP, or HTTPS under the sandbox CA when given certificates; optionally behind Basic or Bearer
 * auth; as MLflow or as Azure ML's MLflow-compatible registry (served under the workspace path,
 * no alias endpoints, no LIKE/ILIKE or tag search). Tests, the launcher and the bench call this.
 */
import * as http from "node:http";
import * as https from "node:https";
import { type AddressInfo } from "node:net";
import { type SandboxCertificates } from "../certificates";
import { mlflowDemoSeed } from "./mlflowDemo";
import { type MlflowAuth, type MlflowFault, type MlflowRequestRecord, createMlflowHandler } from "./mlflowServer";
import { type MlflowSeed } from "./mlflowSeed";
import { MlflowStore } from "./mlflowStore";

export interface SandboxMlflowOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Serve HTTPS with these (the API server's certificates, so one CA covers every sandbox endpoint). */
  tls?: SandboxCertificates;
  auth?: MlflowAuth;
  /** Default: the demo seed (mlflowDemo.ts). Pass { models: [] } for an empty registry. */
  seed?: MlflowSeed;
  flavour?: "mlflow" | "azureml";
  /** false: an MLflow older than 2.3, with no alias endpoints (HTML 404). Default true. */
  aliases?: boolean;
  /** The store's clock, epoch ms (default Date.now). */
  now?: () => number;
}

/** The Azure ML workspace the azureml flavour plays (its tracking URI path). */
export const sandboxAzureMlWorkspace = {
  subscriptionId: "00000000-0000-0000-0000-00000000a1b2",
  resourceGroup: "rg-aiplatform-sandbox",
  workspace: "mlw-aiplatform-sandbox",
  region: "westeurope",
} as const;

export interface SandboxMlflowFaults {
  /** Queues a fault; faults apply to requests whose path and query contain `match` (any when absent), once each unless `count`. */
  add(fault: MlflowFault): void;
  clear(): void;
}

export interface SandboxMlflow {
  /** http(s)://127.0.0.1:<port>: the server's origin. */
  readonly url: string;
  /** What MLFLOW_TRACKING_URI holds: the origin for MLflow, azureml://127.0.0.1:<port>/mlflow/v1.0/subscriptions/…/workspaces/<ws> for Azure ML. */
  readonly trackingUri: string;
  /** The https/http base the REST paths hang under (…/api/2.0/mlflow/… is appended by a client). */
  readonly restBase: string;
  readonly flavour: "mlflow" | "azureml";
  readonly auth?: MlflowAuth | undefined;
  /** PEM of the CA when serving HTTPS. */
  readonly caCert?: string | undefined;
  readonly store: MlflowStore;
  readonly faults: SandboxMlflowFaults;
  /** Every request answered, oldest first (tests may clear it with requests.length = 0). */
  readonly requests: MlflowRequestRecord[];
  stop(): Promise<void>;
}

export async function startSandboxMlflow(options: SandboxMlflowOptions = {}): Promise<SandboxMlflow> {
  const flavour = options.flavour ?? "mlflow";
  const store = new MlflowStore(options.now);
  store.load(options.seed ?? mlflowDemoSeed(options.now?.() ?? Date.now()));
  const ws = sandboxAzureMlWorkspace;
  const basePath = flavour === "azureml" ? `/mlflow/v1.0/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}` : "";
  const faults: MlflowFault[] = [];
  const requests: MlflowRequestRecord[] = [];
  const handler = createMlflowHandler({ store, flavour, basePath, auth: options.auth, aliases: options.aliases ?? true, faults, requests });
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    handler(request, response).catch((e: unknown) => {
      // A bug in the fake must show as a 500 the test sees, not as a hung request.
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain" });
      response.end(`sandbox mlflow: ${(e as Error).stack ?? String(e)}`);
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.serverKey, cert: options.tls.serverCert }, listener) : http.createServer(listener);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? "https" : "http"}://${host}:${port}`;
  return {
    url: origin,
    trackingUri: flavour === "azureml" ? `azureml://${host}:${port}${basePath}` : origin,
    restBase: `${origin}${basePath}`,
    flavour,
    auth: options.auth,
    caCert: options.tls?.caCert,
    store,
    faults: { add: (fault) => void faults.push(fault), clear: () => void faults.splice(0) },
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
