/**
 * The API server's service proxy, `/api/v1/namespaces/<ns>/services/<[scheme:]name[:port]>/proxy/<path>`,
 * as `kubectl get --raw` and client libraries use it to reach an in-cluster Prometheus. The
 * sandbox has no pods to route to, so each Service's "endpoints" are a backend URL registered
 * for it; the failure modes follow pkg/registry/core/service/storage (ResourceLocation).
 */
import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { ApiError, badRequest, notFound } from "./apiStatus";
import { type ObjectStore } from "./objectStore";
import { findResource } from "./resourceTypes";

const services = findResource("", "v1", "services")!;

export interface ServiceProxyTarget {
  namespace: string;
  /** The `[scheme:]name[:port]` segment as given. */
  id: string;
  /** What follows `/proxy`, always starting with "/". */
  path: string;
}

/** The target of a service proxy path, or undefined for any other path. */
export function parseServiceProxyPath(pathname: string): ServiceProxyTarget | undefined {
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec(pathname);
  if (!m?.[1] || !m[2]) return undefined;
  return { namespace: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]), path: m[3] ?? "/" };
}

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port", scheme "", http or https. */
function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  const [a = "", b = "", c = ""] = parts;
  const split = parts.length === 1 ? { scheme: "", name: a, port: "" } : parts.length === 2 ? { scheme: "", name: a, port: b } : parts.length === 3 ? { scheme: a, name: b, port: c } : undefined;
  if (!split || split.name === "" || !["", "http", "https"].includes(split.scheme)) return undefined;
  return split;
}

interface ServicePort {
  name?: string;
  port?: number;
}

const serviceUnavailable = (message: string): ApiError => new ApiError(503, "ServiceUnavailable", message);

/**
 * Which backend serves a proxy request, with the real server's errors: 400 for a malformed id,
 * 404 when the Service does not exist, 503 when the port is not one of its ports or nothing
 * backs it. An unnamed port is matched by an empty port, as endpoint port names are.
 */
export function resolveServiceBackend(store: ObjectStore, backends: ReadonlyMap<string, string>, target: ServiceProxyTarget): URL {
  const split = splitSchemeNamePort(target.id);
  if (!split) throw badRequest(`invalid service request "${target.id}"`);
  const service = store.get(services, target.namespace, split.name);
  if (!service) throw notFound(services, split.name);
  const ports = ((service.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []);
  let portName = split.port;
  if (/^\d+$/.test(split.port)) {
    const byNumber = ports.find((p) => p.port === Number(split.port));
    if (!byNumber) throw serviceUnavailable(`no service port ${Number(split.port)} found for service "${split.name}"`);
    portName = byNumber.name ?? "";
  }
  const backend = backends.get(`${target.namespace}/${split.name}`);
  if (!backend) throw serviceUnavailable(`no endpoints available for service "${split.name}"`);
  if (!ports.some((p) => (p.name ?? "") === portName)) throw serviceUnavailable(`no endpoints available for service "${target.id}"`);
  return new URL(backend);
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the caller's credentials never reach the backend. */
const dropped = new Set(["authorization", "connection", "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host"]);

/** Forwards the request to the Service's backend and streams its answer back unchanged. */
export async function serveServiceProxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: ServiceProxyTarget,
  search: string,
  context: { store: ObjectStore; backends: ReadonlyMap<string, string> },
): Promise<void> {
  const base = resolveServiceBackend(context.store, context.backends, target);
  const url = new URL(base.pathname.replace(/\/$/, "") + target.path + search, base);
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!dropped.has(k) && v !== undefined) headers[k] = v;
  headers["x-forwarded-uri"] = req.url ?? "";
  await new Promise<void>((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(url, { method: req.method ?? "GET", headers }, (answer) => {
      const out: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!dropped.has(k) && v !== undefined) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.once("end", resolve);
      answer.once("error", reject);
    });
    // The real proxy answers 503 with the dial error when the backend cannot be reached.
    upstream.once("error", (e) => reject(serviceUnavailable(`error trying to reach service: ${e.message}`)));
    res.once("close", () => upstream.destroy());
    req.pipe(upstream);
  });
}
