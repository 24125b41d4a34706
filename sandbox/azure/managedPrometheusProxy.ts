/**
 * Azure Monitor managed service for Prometheus, query side: the Prometheus HTTP API of a real
 * Prometheus behind an Entra ID bearer token for https://prometheus.monitor.azure.com, as the
 * workspace's query endpoint serves it. Only the query APIs the service supports are forwarded
 * (query, query_range, series, labels, label/__name__/values; GET or POST form); the rest,
 * the admin, status and UI paths included, are refused.
 */
import { type IncomingMessage, type ServerResponse, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { bearerToken, type AccessTokenIssuer } from "./accessTokens";
import { sendJson } from "./httpsListener";

export const managedPrometheusAudience = "https://prometheus.monitor.azure.com";
const forwarded = new Set(["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/label/__name__/values"]);

export interface ManagedPrometheusOptions {
  readonly upstream: string;
  readonly tenantId: string;
  readonly issuer: AccessTokenIssuer;
  readonly nowMs: () => number;
}

export interface ManagedPrometheusRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export function createManagedPrometheusHandler(opts: ManagedPrometheusOptions) {
  const upstream = new URL(opts.upstream);
  const requests: ManagedPrometheusRequestRecord[] = [];

  function refuse(response: ServerResponse, status: number, error: string, wwwAuthenticate?: string): number {
    sendJson(response, status, { status: "error", errorType: status === 401 ? "unauthorized" : "bad_data", error }, wwwAuthenticate ? { "WWW-Authenticate": wwwAuthenticate } : {});
    return status;
  }

  async function forward(request: IncomingMessage, response: ServerResponse, url: URL): Promise<number> {
    const target = new URL(url.pathname + url.search, upstream);
    const headers: Record<string, string> = { accept: request.headers.accept ?? "application/json" };
    if (request.headers["content-type"]) headers["content-type"] = request.headers["content-type"];
    if (request.headers["content-length"]) headers["content-length"] = request.headers["content-length"];
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      // The bearer token stops here: Prometheus never sees it.
      const outgoing = send(target, { method: request.method, headers }, (incoming) => {
        const status = incoming.statusCode ?? 502;
        response.writeHead(status, { "Content-Type": incoming.headers["content-type"] ?? "application/json" });
        incoming.pipe(response);
        incoming.on("end", () => resolve(status));
        incoming.on("error", reject);
      });
      outgoing.on("error", (e) => {
        if (!response.headersSent) sendJson(response, 502, { status: "error", errorType: "unavailable", error: `upstream Prometheus: ${e.message}` });
        else response.destroy();
        resolve(502);
      });
      request.pipe(outgoing);
    });
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<number> {
    const realm = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/${opts.tenantId}/oauth2/authorize", resource_id="${managedPrometheusAudience}"`;
    const token = bearerToken(request.headers.authorization);
    if (!token) return refuse(response, 401, "Authorization header is missing or is not a bearer token.", realm);
    const check = opts.issuer.check(token, [managedPrometheusAudience, `${managedPrometheusAudience}/`], Math.floor(opts.nowMs() / 1000));
    if (!check.ok) {
      const why =
        check.reason === "audience"
          ? `The access token was issued for audience '${check.claims.aud}', not '${managedPrometheusAudience}'.`
          : check.reason === "expired"
            ? "The access token has expired."
            : "The access token is invalid.";
      return refuse(response, 401, why, `${realm}, error="invalid_token"`);
    }
    if (!forwarded.has(url.pathname)) return refuse(response, 404, `The path ${url.pathname} is not supported by Azure Monitor managed service for Prometheus.`);
    if (request.method !== "GET" && request.method !== "POST") return refuse(response, 405, `Method ${request.method} is not allowed.`);
    return forward(request, response, url);
  }

  return {
    async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
      const url = new URL(request.url ?? "/", "https://prometheus.invalid");
      const status = await route(request, response, url);
      requests.push({ method: request.method ?? "GET", path: url.pathname, status });
      // A long-running sandbox keeps only the recent ones (tests look at the last few).
      if (requests.length > 1000) requests.splice(0, requests.length - 1000);
    },
    requests: requests as readonly ManagedPrometheusRequestRecord[],
  };
}
