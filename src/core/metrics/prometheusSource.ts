import type * as https from "node:https";
import * as tls from "node:tls";
import type { TokenCredential } from "@azure/core-auth";
import type { KubeConfig } from "@kubernetes/client-node";
import { bodySnippet, retryAfterMs, sendMetricsRequest, type MetricsHttpResponse } from "./metricsHttp";
import { RequestDeadline } from "./requestDeadline";
import { TokenCache } from "./tokenCache";
import type { InstantSample, MetricQuery, MetricsError, MetricsFailureContext, MetricsResult, MetricsSource, Series, TimeRange } from "./metricsSource";
import { PointCounter, defaultMaxPointsPerSeries, readPrometheusResponse, type MetricsErrorBody } from "./prometheusResponse";

/**
 * The Prometheus HTTP API (/api/v1/query, /api/v1/query_range) as a MetricsSource: a plain or
 * route-prefixed URL, Azure Monitor managed Prometheus (the same API with an Entra ID token), or
 * a Prometheus in the cluster through the API server's service proxy. Queries are POSTed
 * form-urlencoded, as Grafana does, so a long PromQL expression is not limited by URL length.
 */

export type PrometheusAuth =
  | { readonly kind: "none" }
  | { readonly kind: "basic"; readonly username: string; readonly password: string }
  | { readonly kind: "bearer"; readonly token: string }
  /** Azure Monitor managed Prometheus: scope https://prometheus.monitor.azure.com/.default. */
  | { readonly kind: "token-credential"; readonly credential: TokenCredential; readonly scope: string };

export type PrometheusEndpoint =
  /** A base URL, with a path prefix if Prometheus runs under one (--web.route-prefix, /prometheus); caCert is PEM. */
  | { readonly kind: "url"; readonly url: string; readonly caCert?: string }
  /**
   * /api/v1/namespaces/<ns>/services/<scheme:name:port>/proxy/ on the kubeconfig's current
   * context, with its TLS and credentials. The API server drops our Authorization header after
   * authenticating us, so a Prometheus reached this way cannot take auth of its own.
   */
  | {
      readonly kind: "service-proxy";
      readonly kubeConfig: KubeConfig;
      readonly namespace: string;
      readonly service: string;
      readonly port: string | number;
      readonly scheme?: "http" | "https";
    };

export interface PrometheusSourceOptions {
  readonly endpoint: PrometheusEndpoint;
  readonly auth: PrometheusAuth;
  readonly kind?: "prometheus" | "azure-managed-prometheus";
  /** Per call, including getting a token and one retry after a 429. */
  readonly timeoutMs?: number;
  readonly maxPointsPerSeries?: number;
  readonly maxResponseBytes?: number;
}

/** What GET /api/v1/status/buildinfo says (Prometheus ≥ 2.14; Azure managed Prometheus does not serve it). */
export interface PrometheusBuildInfo {
  readonly version: string;
}

export interface PrometheusSource extends MetricsSource {
  readonly kind: "prometheus" | "azure-managed-prometheus";
  buildInfo(signal?: AbortSignal): Promise<MetricsResult<PrometheusBuildInfo>>;
}

export const defaultPrometheusTimeoutMs = 30_000;
export const defaultMaxResponseBytes = 50 * 1024 * 1024;
/** A 429 is retried once when the server asks for no longer than this; a longer wait is the caller's call. */
export const maxRetryAfterWaitMs = 5_000;

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function createPrometheusSource(opts: PrometheusSourceOptions): PrometheusSource {
  const { endpoint, auth } = opts;
  const kind = opts.kind ?? "prometheus";
  const timeoutMs = opts.timeoutMs ?? defaultPrometheusTimeoutMs;
  const maxPoints = opts.maxPointsPerSeries ?? defaultMaxPointsPerSeries;
  const maxResponseBytes = opts.maxResponseBytes ?? defaultMaxResponseBytes;
  if (endpoint.kind === "service-proxy") {
    // Programming errors, not runtime ones: settings validation refuses both before we get here.
    if (auth.kind !== "none") throw new TypeError("a Prometheus behind the service proxy takes the kubeconfig's credentials, not auth of its own");
    if (!dnsLabel.test(endpoint.namespace) || !dnsLabel.test(endpoint.service) || !dnsLabel.test(String(endpoint.port))) {
      throw new TypeError("namespace, service and port must be DNS labels (or a port number)");
    }
  }
  const description = describeEndpoint(endpoint, kind);
  const tokens = auth.kind === "token-credential" ? new TokenCache(auth.credential, auth.scope) : undefined;
  /** Secrets this source has sent, to scrub from any message; tokens rotate hourly, so only the last few are kept. */
  const sentCredentials = new Set<string>(auth.kind === "basic" ? [auth.password] : auth.kind === "bearer" ? [auth.token] : []);

  /** One exchange with the deadline, auth, and at most one retry after a short 429. */
  async function exchange(
    path: string,
    form: URLSearchParams | undefined,
    context: MetricsFailureContext,
    signal: AbortSignal | undefined,
    /** A fresh body inspector per attempt (it counts points as they stream in). */
    inspector?: () => (chunk: Buffer) => string | undefined,
  ): Promise<MetricsResult<MetricsHttpResponse>> {
    const deadline = new RequestDeadline(timeoutMs, signal);
    const fail = (error: MetricsErrorBody): MetricsResult<never> => ({ ok: false, error: { ...context, ...error } });
    const stopped = (): MetricsResult<never> => (deadline.timedOut ? fail({ kind: "timeout", afterMs: timeoutMs }) : fail({ kind: "cancelled" }));
    try {
      for (let attempt = 0; ; attempt++) {
        const target = await deadline.race(resolveTarget(endpoint, path));
        if (deadline.signal.aborted) return stopped();
        if (!target.ok) return fail(target.error);
        const authorization = await deadline.race(authorizationHeader(auth, tokens));
        if (deadline.signal.aborted) return stopped();
        if (!authorization.ok) return fail({ kind: "unauthorized", status: 401, detail: authorization.detail, noToken: true });
        const headers: Record<string, string> = {
          ...target.headers,
          Accept: "application/json",
          "Accept-Encoding": "gzip",
          "User-Agent": "ai-platform-ops",
          ...(authorization.value === undefined ? {} : { Authorization: authorization.value }),
        };
        if (form) headers["Content-Type"] = "application/x-www-form-urlencoded";
        // Whatever credential went out (ours, or the kubeconfig's through the proxy) is kept out of messages.
        const credential = /^\S+\s+(.+)$/.exec(headers.Authorization ?? headers.authorization ?? "")?.[1];
        if (credential && !sentCredentials.has(credential)) {
          sentCredentials.add(credential);
          if (sentCredentials.size > 8) sentCredentials.delete(sentCredentials.values().next().value!);
        }
        const outcome = await sendMetricsRequest({
          method: form ? "POST" : "GET",
          url: target.url,
          headers,
          body: form ? Buffer.from(form.toString()) : undefined,
          tls: target.tls,
          maxResponseBytes,
          signal: deadline.signal,
          inspect: inspector?.(),
        });
        if (!outcome.ok) {
          if (outcome.failure.kind === "aborted") return stopped();
          return fail(outcome.failure);
        }
        const { response } = outcome;
        if (response.status === 401) tokens?.forget();
        if (response.status === 429 && attempt === 0) {
          const wait = retryAfterMs(response.headers["retry-after"]);
          if (wait !== undefined && wait <= maxRetryAfterWaitMs) {
            if (!(await deadline.sleep(wait))) return stopped();
            continue;
          }
        }
        return { ok: true, value: response, warnings: [] };
      }
    } finally {
      deadline.dispose();
    }
  }

  const pointCounter = (): ((chunk: Buffer) => string | undefined) => new PointCounter(maxPoints).inspect;

  /** A server or proxy that echoes our request (a debug page, a WAF) must not carry a secret into a message or log. */
  function scrub<T>(result: MetricsResult<T>): MetricsResult<T> {
    if (result.ok) return result;
    const secrets = [...sentCredentials].filter((x) => x.length >= 4);
    if (secrets.length === 0) return result;
    const clean = (text: string): string => secrets.reduce((t, secret) => t.split(secret).join("***"), text);
    const error = Object.fromEntries(Object.entries(result.error).map(([k, v]) => [k, typeof v === "string" ? clean(v) : v])) as MetricsError;
    return { ok: false, error };
  }

  const unsupported = (query: MetricQuery): MetricsResult<never> => ({
    ok: false,
    error: { source: description, kind: "bad-response", status: 0, detail: `a ${kind} source runs PromQL, not ${query.kind} queries` },
  });

  return {
    kind,
    description,
    supports: (query) => query.kind === "promql",

    async queryRange(query: MetricQuery, range: TimeRange, signal?: AbortSignal): Promise<MetricsResult<Series[]>> {
      if (query.kind !== "promql") return unsupported(query);
      const context = { source: description, query: query.expr };
      const form = new URLSearchParams({ query: query.expr, start: String(range.start), end: String(range.end), step: String(range.step) });
      const sent = await exchange("api/v1/query_range", form, context, signal, pointCounter);
      if (!sent.ok) return scrub(sent);
      return scrub(readPrometheusResponse(sent.value, "matrix", context));
    },

    async queryInstant(query: MetricQuery, time: number, signal?: AbortSignal): Promise<MetricsResult<InstantSample[]>> {
      if (query.kind !== "promql") return unsupported(query);
      const context = { source: description, query: query.expr };
      const form = new URLSearchParams({ query: query.expr, time: String(time) });
      const sent = await exchange("api/v1/query", form, context, signal, pointCounter);
      if (!sent.ok) return scrub(sent);
      return scrub(readPrometheusResponse(sent.value, "instant", context));
    },

    async buildInfo(signal?: AbortSignal): Promise<MetricsResult<PrometheusBuildInfo>> {
      const context = { source: description, query: "GET /api/v1/status/buildinfo" };
      const sent = await exchange("api/v1/status/buildinfo", undefined, context, signal);
      if (!sent.ok) return scrub(sent);
      const { status, body } = sent.value;
      let version: unknown;
      try {
        version = (JSON.parse(body.toString("utf8")) as { data?: { version?: unknown } }).data?.version;
      } catch {
        // Not JSON: reported below with the body's first bytes.
      }
      if (status === 200 && typeof version === "string") return { ok: true, value: { version }, warnings: [] };
      // The same reading of failures as a query's (401, a proxy's Status, an HTML page); a success without a version is still wrong.
      const failed = readPrometheusResponse(sent.value, "instant", context);
      return scrub(failed.ok ? { ok: false, error: { ...context, kind: "bad-response", status, detail: `no version in ${bodySnippet(body)}` } } : failed);
    },
  };
}

/** For people and logs: no credentials, no query string. */
function describeEndpoint(endpoint: PrometheusEndpoint, kind: "prometheus" | "azure-managed-prometheus"): string {
  const what = kind === "azure-managed-prometheus" ? "Azure Monitor managed Prometheus" : "Prometheus";
  if (endpoint.kind === "service-proxy") {
    const context = endpoint.kubeConfig.getCurrentContext();
    return `${what} service ${endpoint.namespace}/${endpoint.service}:${endpoint.port} through the API server of context ${context}`;
  }
  try {
    const url = new URL(endpoint.url);
    return `${what} at ${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return `${what} at an invalid URL`;
  }
}

type Target = { ok: true; url: URL; headers: Record<string, string>; tls?: https.RequestOptions } | { ok: false; error: MetricsErrorBody };

async function resolveTarget(endpoint: PrometheusEndpoint, path: string): Promise<Target> {
  if (endpoint.kind === "url") {
    let base: URL;
    try {
      base = new URL(endpoint.url);
    } catch {
      return { ok: false, error: { kind: "not-found", detail: "the Prometheus URL is not a valid URL" } };
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") return { ok: false, error: { kind: "not-found", detail: `the Prometheus URL must be http or https, not ${base.protocol}` } };
    base.username = "";
    base.password = "";
    base.search = "";
    base.hash = "";
    // A route prefix (https://host/prometheus) keeps its path: api/v1/… is relative to it.
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    // A custom CA adds to the public roots rather than replacing them.
    const tlsOptions = endpoint.caCert === undefined ? undefined : { ca: [...tls.rootCertificates, endpoint.caCert] };
    return { ok: true, url: new URL(path, base), headers: {}, tls: tlsOptions };
  }
  const kc = endpoint.kubeConfig;
  const cluster = kc.getCurrentCluster();
  if (!cluster) return { ok: false, error: { kind: "not-found", detail: "the kubeconfig has no current cluster" } };
  const segment = `${endpoint.scheme === "https" ? "https:" : ""}${endpoint.service}:${endpoint.port}`;
  const url = new URL(`${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${endpoint.namespace}/services/${segment}/proxy/${path}`);
  const options: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(options);
  } catch (err) {
    // An exec plugin that failed, or a certificate file that cannot be read.
    return { ok: false, error: { kind: "unauthorized", status: 401, detail: `the kubeconfig's credentials: ${firstLine(err)}` } };
  }
  const { headers, ...tlsOptions } = options;
  const kubeHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) if (typeof value === "string") kubeHeaders[name] = value;
  return { ok: true, url, headers: kubeHeaders, tls: tlsOptions };
}

async function authorizationHeader(auth: PrometheusAuth, tokens: TokenCache | undefined): Promise<{ ok: true; value?: string } | { ok: false; detail: string }> {
  switch (auth.kind) {
    case "none":
      return { ok: true };
    case "basic":
      return { ok: true, value: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` };
    case "bearer":
      return { ok: true, value: `Bearer ${auth.token}` };
    case "token-credential": {
      const got = await tokens!.get();
      return got.ok ? { ok: true, value: `Bearer ${got.token}` } : got;
    }
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

