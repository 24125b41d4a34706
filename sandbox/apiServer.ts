/**
 * The sandbox cluster's API server: HTTPS on 127.0.0.1 with a generated CA, bearer-token
 * authentication, discovery, the resource routes and watches, plus the fault knobs tests use
 * (restart, dropped watches, compaction, latency).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type IncomingMessage, type ServerResponse } from "node:http";
import { type Server, createServer } from "node:https";
import { type AddressInfo } from "node:net";
import { ApiError, unauthorized, unknownPath } from "./apiStatus";
import { ApiVerbs } from "./apiVerbs";
import { type SandboxCertificates, createSandboxCertificates } from "./certificates";
import { type ControllerOptions, resolveControllerOptions } from "./controllers/controllerOptions";
import { ControllerManager } from "./controllers/controllerManager";
import { apiGroupList, apiGroupOf, apiResourceList, apiVersions, serverVersion } from "./discovery";
import { sendError, sendJson } from "./httpExchange";
import { kubeconfigYaml } from "./kubeconfig";
import { ObjectStore } from "./objectStore";
import { openApiDocument } from "./openApi";
import { PodLogs } from "./podLogs";
import { serveResource } from "./resourceRequests";
import { parseApiPath } from "./resourcePath";
import { parseServiceProxyPath, serveServiceProxy } from "./serviceProxy";
import { WatchHub } from "./watchHub";

export interface SandboxSeed {
  (store: ObjectStore, logs: PodLogs): void;
}

export interface SandboxApiServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The bearer token clients must present; random by default. */
  token?: string;
  /** Fills a fresh store, at start and on a restart that loses the store. */
  seed?: SandboxSeed;
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK (the real server: about a minute). */
  bookmarkIntervalMs?: number;
  historyLimit?: number;
  latencyMs?: number;
  /**
   * Runs the simulated control plane (deployment, ReplicaSet and InferenceService controllers,
   * scheduler, kubelets). Off by default: with it off the store changes only when clients write.
   */
  controllers?: boolean | ControllerOptions;
  /**
   * Tokens that may read and write only inside one namespace, like a user with the 'view' or
   * 'edit' role bound in that namespace: anything else gets 403 Forbidden. token → namespace.
   */
  namespaceTokens?: Readonly<Record<string, string>>;
  /**
   * What the service proxy (/api/v1/namespaces/<ns>/services/<name>/proxy/...) forwards to:
   * "namespace/name" → base URL, standing in for the Service's endpoints. More can be added
   * with registerServiceBackend.
   */
  serviceBackends?: Readonly<Record<string, string>>;
  /** Called for each request, without headers (so never with the token). */
  onRequest?: (line: { method: string; path: string; status: number }) => void;
}

const publicPaths = new Set(["/healthz", "/livez", "/readyz"]);

export class SandboxApiServer {
  store: ObjectStore;
  logs: PodLogs;
  verbs: ApiVerbs;
  readonly watches: WatchHub;
  /** The simulated control plane, when the controllers option turned it on. */
  readonly controllers: ControllerManager | undefined;
  /** Added before every response, to imitate a slow or distant API server. */
  latencyMs: number;
  private server: Server | undefined;
  private portNumber = 0;
  private readonly serviceBackends: Map<string, string>;
  private readonly stopHooks: (() => Promise<void>)[] = [];

  private constructor(
    private readonly options: SandboxApiServerOptions,
    readonly token: string,
    private readonly certificates: SandboxCertificates,
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.serviceBackends = new Map(Object.entries(options.serviceBackends ?? {}));
    this.store = new ObjectStore({ historyLimit: options.historyLimit });
    this.logs = new PodLogs();
    this.verbs = new ApiVerbs(this.store);
    this.watches = new WatchHub(
      () => this.store,
      () => this.options.bookmarkIntervalMs ?? 60_000,
    );
    options.seed?.(this.store, this.logs);
    const controllerOptions = resolveControllerOptions(options.controllers);
    this.controllers = controllerOptions ? new ControllerManager(controllerOptions) : undefined;
  }

  static async start(options: SandboxApiServerOptions = {}): Promise<SandboxApiServer> {
    const certificates = await createSandboxCertificates();
    const server = new SandboxApiServer(options, options.token ?? randomBytes(24).toString("base64url"), certificates);
    await server.listen(options.port ?? 0);
    return server;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `https://127.0.0.1:${this.portNumber}`;
  }

  /** PEM of the CA that signed the server certificate. */
  get caCert(): string {
    return this.certificates.caCert;
  }

  /** The CA, certificate and key this server presents: the sandbox's other HTTPS servers (Azure) reuse them, so one CA file trusts them all. */
  get tlsCertificates(): SandboxCertificates {
    return this.certificates;
  }

  kubeconfig(options: { token?: string; namespace?: string } = {}): string {
    return kubeconfigYaml({ server: this.url, caCert: this.caCert, token: options.token ?? this.token, ...(options.namespace ? { namespace: options.namespace } : {}) });
  }

  private async listen(port: number): Promise<void> {
    const server = createServer({ key: this.certificates.serverKey, cert: this.certificates.serverCert }, (req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.portNumber = (server.address() as AddressInfo).port;
    this.controllers?.start(this.store, this.verbs, this.logs);
  }

  /**
   * Runs hook when the server stops for good (not on restart), before it stops listening, last
   * added first: what was started alongside the server (Prometheus, exporters) goes with it.
   */
  addStopHook(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }

  /** Stops what addStopHook registered, then listening, and cuts every connection, watches and log streams included. */
  async stop(): Promise<void> {
    const hooks = this.stopHooks.splice(0).reverse();
    const failures: unknown[] = [];
    for (const hook of hooks) await hook().catch((e: unknown) => failures.push(e));
    await this.close();
    if (failures.length > 0) throw new AggregateError(failures, "stopping what ran with the sandbox failed");
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.controllers?.stop();
    this.watches.dropAll("abrupt");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /**
   * Stops and starts again on the same port. keepStore: false replaces the store with a fresh
   * one from the seed, resourceVersions included, as if etcd had been restored from scratch.
   */
  async restart(options: { keepStore: boolean; downtimeMs?: number }): Promise<void> {
    const port = this.portNumber;
    await this.close();
    if (!options.keepStore) {
      this.store = new ObjectStore({ historyLimit: this.options.historyLimit });
      this.logs = new PodLogs();
      this.verbs = new ApiVerbs(this.store);
      this.options.seed?.(this.store, this.logs);
    }
    if (options.downtimeMs) await new Promise((r) => setTimeout(r, options.downtimeMs));
    await this.listen(port);
  }

  /** Makes the service proxy forward requests for Service namespace/name to url (http or https). */
  registerServiceBackend(namespace: string, name: string, url: string): void {
    this.serviceBackends.set(`${namespace}/${name}`, url);
  }

  /** The Service has no endpoints again: its proxy answers 503. */
  unregisterServiceBackend(namespace: string, name: string): void {
    this.serviceBackends.delete(`${namespace}/${name}`);
  }

  /** Ends every open watch; returns how many there were. */
  dropWatches(mode: "graceful" | "abrupt" = "graceful"): number {
    return this.watches.dropAll(mode);
  }

  /** Compacts history: watches and continue tokens from before now get 410 Expired. */
  compact(): void {
    this.store.compact();
  }

  /** "admin" for the server's own token, the namespace for a namespace token, undefined for none. */
  private authorized(req: IncomingMessage): "admin" | { namespace: string } | undefined {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1]) return undefined;
    const given = Buffer.from(match[1].trim());
    const same = (token: string): boolean => {
      const expected = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (same(this.token)) return "admin";
    for (const [token, namespace] of Object.entries(this.options.namespaceTokens ?? {})) if (same(token)) return { namespace };
    return undefined;
  }

  /** The real API server's wording: `pods is forbidden: User "x" cannot list resource "pods" in API group "" at the cluster scope`. */
  private forbidden(req: IncomingMessage, url: URL, namespace: string): ApiError | undefined {
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)/.exec(url.pathname);
    if (!m) return undefined; // discovery
    const [, group = "", inNamespace, resource = ""] = m;
    if (inNamespace === namespace) return undefined;
    const where = inNamespace ? `in the namespace "${inNamespace}"` : "at the cluster scope";
    const user = `User "system:serviceaccount:${namespace}:viewer"`;
    const proxy = parseServiceProxyPath(url.pathname);
    if (proxy) {
      const verb = ({ GET: "get", HEAD: "get", POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" } as Record<string, string>)[req.method ?? ""] ?? "get";
      const name = proxy.id.split(":").at(-2) ?? proxy.id;
      return new ApiError(403, "Forbidden", `services "${name}" is forbidden: ${user} cannot ${verb} resource "services/proxy" in API group "" ${where}`, { name, kind: "services" });
    }
    const verb = req.method === "GET" ? (url.searchParams.get("watch") === "true" ? "watch" : "list") : (req.method ?? "").toLowerCase();
    return new ApiError(403, "Forbidden", `${resource} is forbidden: ${user} cannot ${verb} resource "${resource}" in API group "${group}" ${where}`, { kind: resource });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    res.on("finish", () => this.options.onRequest?.({ method: req.method ?? "", path: url.pathname, status: res.statusCode }));
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      if (publicPaths.has(url.pathname)) {
        res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
        return;
      }
      const who = this.authorized(req);
      if (!who) throw unauthorized();
      if (who !== "admin") {
        const denied = this.forbidden(req, url, who.namespace);
        if (denied) throw denied;
      }
      await this.route(req, res, url);
    } catch (e) {
      if (e instanceof ApiError) {
        sendError(res, e);
      } else {
        sendError(res, new ApiError(500, "InternalError", `Internal error occurred: ${(e as Error).message}`));
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === "/version" || url.pathname === "/version/") {
      sendJson(res, 200, serverVersion);
      return;
    }
    const proxy = parseServiceProxyPath(url.pathname);
    if (proxy) {
      await serveServiceProxy(req, res, proxy, url.search, { store: this.store, backends: this.serviceBackends });
      return;
    }
    const path = parseApiPath(url.pathname);
    if (path.kind === "discovery") {
      if (req.method !== "GET") throw unknownPath();
      const body =
        path.group === "" && path.version === undefined
          ? apiVersions(`127.0.0.1:${this.portNumber}`)
          : path.group === undefined
            ? apiGroupList()
            : path.version === undefined
              ? apiGroupOf(path.group)
              : apiResourceList(path.group, path.version);
      if (!body) throw unknownPath();
      sendJson(res, 200, body);
      return;
    }
    if (path.kind === "resource") {
      await serveResource(req, res, { ...path, params: url.searchParams }, { verbs: this.verbs, watches: this.watches, logs: this.logs });
      return;
    }
    // /openapi/v2 is not served; /openapi/v3 only says which parameters PATCH takes.
    const openApi = req.method === "GET" ? openApiDocument(url.pathname) : undefined;
    if (!openApi) throw unknownPath();
    sendJson(res, 200, openApi);
  }
}
