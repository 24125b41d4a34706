/**
 * The Azure Resource Manager front door for metrics: bearer-token checks with ARM's audiences
 * and error codes, the api-version gate, role checks (403 AuthorizationFailed), throttling with
 * the x-ms-ratelimit-* headers, then the metrics RP (armMetricsQuery.ts).
 * ARM's own errors travel in `{error: {code, message}}`; the metrics RP's in a top-level
 * `{code, message}` — both as Azure sends them, and both read by the SDK's createRestError.
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse } from "node:http";
import { bearerToken, type AccessTokenIssuer } from "./accessTokens";
import { type SimulatedResource } from "./azureMetricCatalog";
import { MetricsQueryError, runMetricsQuery } from "./armMetricsQuery";
import { sendJson } from "./httpsListener";

export const armAudiences = ["https://management.core.windows.net/", "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com"] as const;
/** The api-version @azure/arm-monitor 8.x sends. */
export const metricsApiVersion = "2024-02-01";
const knownMetricsApiVersions = ["2016-06-01", "2017-05-01-preview", "2018-01-01", "2019-07-01", "2021-05-01", "2023-05-01-preview", "2023-10-01", metricsApiVersion];
/** ARM's bucket of reads per subscription and principal (the "x-ms-ratelimit-remaining-subscription-reads" header). */
const readsPerHour = 12_000;

export interface ArmMetricsOptions {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly issuer: AccessTokenIssuer;
  readonly resources: readonly SimulatedResource[];
  /** Whether the principal (token `oid`) holds a role that grants Microsoft.Insights/metrics/read on the resource. */
  readonly canRead: (objectId: string, resourceId: string) => boolean;
  readonly nowMs: () => number;
  readonly ingestionLagMs: number;
}

export interface ArmRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

/** A canned answer for the next requests, e.g. the HTML page of a failing gateway. */
export interface ArmCannedReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Answer only after this long (a slow or hung gateway). */
  readonly delayMs?: number;
  /** Send this many bytes of the body, then drop the connection (the source went away mid-response). */
  readonly cutAfterBytes?: number;
}

export interface ArmMetricsHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** The next `count` authenticated requests get 429 with Retry-After: `retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void;
  /** The next `count` authenticated requests get `reply` instead of an answer. */
  reply(count: number, reply: ArmCannedReply): void;
  readonly requests: readonly ArmRequestRecord[];
}

export function createArmMetricsHandler(opts: ArmMetricsOptions): ArmMetricsHandler {
  let throttled: { count: number; retryAfterSeconds: number } = { count: 0, retryAfterSeconds: 0 };
  let canned: { count: number; reply?: ArmCannedReply } = { count: 0 };
  let remainingReads = readsPerHour;
  const requests: ArmRequestRecord[] = [];

  function armError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
    sendJson(response, status, { error: { code, message } }, headers);
    return status;
  }

  function route(request: IncomingMessage, response: ServerResponse, url: URL, query: Map<string, string>): number {
    const requestId = randomUUID();
    const common = {
      "x-ms-request-id": requestId,
      "x-ms-correlation-request-id": request.headers["x-ms-client-request-id"]?.toString() ?? requestId,
      "x-ms-routing-request-id": `WESTEUROPE:${new Date(opts.nowMs()).toISOString().replace(/[-:]|\.\d+/g, "")}:${requestId}`,
    };
    for (const [k, v] of Object.entries(common)) response.setHeader(k, v);

    const authenticate = `Bearer authorization_uri="https://login.windows.net/${opts.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`;
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      return armError(response, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", { "WWW-Authenticate": authenticate });
    }
    const nowSeconds = Math.floor(opts.nowMs() / 1000);
    const check = opts.issuer.check(token, armAudiences, nowSeconds);
    const invalidToken = { "WWW-Authenticate": `Bearer authorization_uri="https://login.windows.net/${opts.tenantId}", error="invalid_token", error_description="The access token is invalid."` };
    if (!check.ok) {
      if (check.reason === "expired") {
        return armError(
          response,
          401,
          "ExpiredAuthenticationToken",
          `The access token expiry UTC time '${new Date(check.claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date(nowSeconds * 1000).toUTCString()}'.`,
          invalidToken,
        );
      }
      if (check.reason === "audience") {
        return armError(
          response,
          401,
          "InvalidAuthenticationTokenAudience",
          `The access token has been obtained for wrong audience or resource '${check.claims.aud}'. It should exactly match with one of the allowed audiences ${armAudiences.map((a) => `'${a}'`).join(",")}.`,
          invalidToken,
        );
      }
      return armError(response, 401, "InvalidAuthenticationToken", "The access token is invalid.", invalidToken);
    }
    if (check.claims.tid !== opts.tenantId) {
      return armError(response, 401, "InvalidAuthenticationTokenTenant", `The access token is from the wrong issuer '${check.claims.iss}'.`, invalidToken);
    }

    if (throttled.count > 0) {
      throttled = { ...throttled, count: throttled.count - 1 };
      return armError(
        response,
        429,
        "SubscriptionRequestsThrottled",
        `Number of 'read' requests for subscription '${opts.subscriptionId}' actor '${check.claims.oid}' exceeded. Please try again after '${throttled.retryAfterSeconds}' seconds after the last request. See https://aka.ms/ARMThrottling for more information.`,
        { "Retry-After": String(throttled.retryAfterSeconds), "x-ms-ratelimit-remaining-subscription-reads": "0", "x-ms-ratelimit-remaining-subscription-global-reads": "0" },
      );
    }
    remainingReads = Math.max(0, remainingReads - 1);
    response.setHeader("x-ms-ratelimit-remaining-subscription-reads", String(remainingReads));
    response.setHeader("x-ms-ratelimit-remaining-subscription-global-reads", String(remainingReads));
    const reply = canned.count > 0 ? canned.reply : undefined;
    if (reply) {
      canned = { ...canned, count: canned.count - 1 };
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(reply.status, { "Content-Type": reply.contentType, "Content-Length": Buffer.byteLength(reply.body) });
        if (reply.cutAfterBytes === undefined) response.end(reply.body);
        else response.write(Buffer.from(reply.body).subarray(0, reply.cutAfterBytes), () => response.destroy());
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
      return reply.status;
    }

    const apiVersion = query.get("api-version");
    if (!apiVersion) return armError(response, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    const metricsPath = /^(\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/.+?)\/providers\/microsoft\.insights\/metrics$/i.exec(url.pathname);
    if (!metricsPath) {
      return armError(response, 404, "NotFound", `The sandbox serves only Microsoft.Insights metrics under a resource; no route for '${url.pathname}'.`);
    }
    if (request.method !== "GET") {
      return armError(response, 405, "MethodNotAllowed", `The requested resource does not support http method '${request.method}'.`);
    }
    if (!knownMetricsApiVersions.includes(apiVersion)) {
      return armError(
        response,
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type 'metrics'. The supported api-versions are '${knownMetricsApiVersions.join(", ")}'. The supported locations are ', westeurope'.`,
      );
    }
    const [, resourceId, subscription] = metricsPath as unknown as [string, string, string];
    if (subscription.toLowerCase() !== opts.subscriptionId.toLowerCase()) {
      return armError(response, 404, "SubscriptionNotFound", `The subscription '${subscription}' could not be found.`);
    }
    if (!opts.canRead(check.claims.oid, resourceId)) {
      return armError(
        response,
        403,
        "AuthorizationFailed",
        `The client '${check.claims.appid}' with object id '${check.claims.oid}' does not have authorization to perform action 'Microsoft.Insights/metrics/read' over scope '${resourceId}/providers/Microsoft.Insights' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    const resource = opts.resources.find((r) => r.id.toLowerCase() === resourceId.toLowerCase());
    if (!resource) {
      const [, rg, rest] = /resourcegroups\/([^/]+)\/providers\/(.+)$/i.exec(resourceId) ?? [];
      sendJson(response, 404, {
        code: "ResourceNotFound",
        message: `The Resource '${rest ?? resourceId}' under resource group '${rg ?? ""}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      });
      return 404;
    }
    try {
      sendJson(response, 200, runMetricsQuery(resource, query, { nowMs: opts.nowMs(), ingestionLagMs: opts.ingestionLagMs }));
      return 200;
    } catch (e) {
      if (!(e instanceof MetricsQueryError)) throw e;
      sendJson(response, e.status, { code: e.code, message: e.message });
      return e.status;
    }
  }

  return {
    handle(request, response) {
      const url = new URL(request.url ?? "/", "https://management.invalid");
      const query = new Map([...url.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
      const status = route(request, response, url, query);
      requests.push({ method: request.method ?? "GET", path: url.pathname, query: Object.fromEntries(query), status });
      // A long-running sandbox keeps only the recent ones (tests look at the last few).
      if (requests.length > 1000) requests.splice(0, requests.length - 1000);
      return Promise.resolve();
    },
    throttle(count, retryAfterSeconds) {
      throttled = { count, retryAfterSeconds };
    },
    reply(count, reply) {
      canned = { count, reply };
    },
    requests,
  };
}

