/**
 * Azure Monitor platform metrics (ARM `metrics.list`, api-version 2024-02-01) as a MetricsSource:
 * Azure ML online endpoint latency percentiles and request rates, AKS node and pod metrics.
 * The SDK loads on first query (azureMonitorClient.ts), so it stays off the extension's activation
 * path; MSAL comes only with the credential the caller passes.
 * Tokens go from the credential to the SDK's bearer policy and nowhere else; nothing here logs.
 */
import { rootCertificates } from "node:tls";
import type { TokenCredential } from "@azure/core-auth";
import type { MetricsListOptionalParams, MonitorClient, MonitorClientOptionalParams, Response as MetricsResponse } from "@azure/arm-monitor";
import type { InstantSample, MetricQuery, MetricsError, MetricsResult, MetricsSource, Series, TimeRange } from "./metricsSource";

type AzureMonitorQuery = Extract<MetricQuery, { kind: "azure-monitor" }>;
type PipelinePolicy = NonNullable<MonitorClientOptionalParams["additionalPolicies"]>[number]["policy"];

export interface AzureMonitorSourceOptions {
  readonly credential: TokenCredential;
  /** Shown in the description only: resource-scope metrics.list reads the subscription from the resource id. */
  readonly subscriptionId?: string;
  /** The ARM endpoint; https://management.azure.com by default (sovereign clouds and the sandbox differ). */
  readonly endpoint?: string;
  /** The token scope; "https://management.azure.com/.default" by default. */
  readonly scope?: string;
  /** PEM of a CA to trust besides the system ones (a corporate proxy, the sandbox). */
  readonly tlsCaCert?: string;
  /** Per query, token and retries included; 30 s by default. */
  readonly timeoutMs?: number;
  /** The longest Retry-After worth waiting inside one query; a longer one comes back as rate-limited. 5 s by default. */
  readonly maxRetryAfterMs?: number;
  /** Retries for throttling, 5xx and dropped connections; 2 by default. */
  readonly maxRetries?: number;
  /** Refuse before sending when a series would hold more points than this; 50 000 by default. */
  readonly maxPointsPerSeries?: number;
}

/** The time grains metrics.list accepts for platform metrics, finest first. */
export const azureMonitorGrains: readonly { readonly iso: string; readonly seconds: number }[] = [
  { iso: "PT1M", seconds: 60 },
  { iso: "PT5M", seconds: 300 },
  { iso: "PT15M", seconds: 900 },
  { iso: "PT30M", seconds: 1800 },
  { iso: "PT1H", seconds: 3600 },
  { iso: "PT6H", seconds: 21600 },
  { iso: "PT12H", seconds: 43200 },
  { iso: "P1D", seconds: 86400 },
];

/** The finest grain at least as coarse as `stepSeconds` (P1D for anything coarser). */
export function azureMonitorGrain(stepSeconds: number): { readonly iso: string; readonly seconds: number } {
  return azureMonitorGrains.find((g) => g.seconds >= stepSeconds) ?? azureMonitorGrains[azureMonitorGrains.length - 1]!;
}

/** "2026-11-30T21:00:00Z/2026-11-30T22:00:00Z" from unix seconds. */
export function azureMonitorTimespan(startSeconds: number, endSeconds: number): string {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${iso(startSeconds)}/${iso(endSeconds)}`;
}

/** Thrown by our per-attempt policy to stop the SDK from sleeping through a long Retry-After. */
class ThrottledError extends Error {
  constructor(readonly retryAfterMs: number | undefined) {
    super("throttled");
    this.name = "ThrottledError";
  }
}

/** Retry-After in seconds or as an HTTP date; the ms variants Azure also sends. */
function retryAfterMs(headers: { get(name: string): string | undefined } | undefined): number | undefined {
  if (!headers) return undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms)) return ms;
  }
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

interface RestErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly response?: { readonly headers?: { get(name: string): string | undefined }; readonly bodyAsText?: string | null };
}

const isRestError = (e: unknown): e is RestErrorLike => e instanceof Error && e.name === "RestError";
const snippet = (text: string | null | undefined): string => (text ?? "").replace(/\s+/g, " ").trim().slice(0, 200);

export function createAzureMonitorSource(opts: AzureMonitorSourceOptions): MetricsSource {
  const endpoint = (opts.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 5_000;
  const maxPoints = opts.maxPointsPerSeries ?? 50_000;
  const description = `Azure Monitor at ${new URL(endpoint).host}${opts.subscriptionId ? ` (subscription ${opts.subscriptionId})` : ""}`;
  let client: Promise<MonitorClient> | undefined;

  const capRetryAfter: PipelinePolicy = {
    name: "aiplatCapRetryAfter",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers);
        if (wait === undefined || wait > maxRetryAfterMs) throw new ThrottledError(wait);
      }
      return response;
    },
  };

  function loadClient(): Promise<MonitorClient> {
    client ??= import("./azureMonitorClient").then(({ createMonitorClient }) =>
      createMonitorClient(opts.credential, {
        endpoint,
        credentials: { scopes: [opts.scope ?? "https://management.azure.com/.default"] },
        retryOptions: { maxRetries: opts.maxRetries ?? 2, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 },
        additionalPolicies: [{ policy: capRetryAfter, position: "perRetry" }],
        ...(opts.tlsCaCert ? { tlsOptions: { ca: [...rootCertificates, opts.tlsCaCert] } } : {}),
      }),
    );
    return client;
  }

  function queryText(q: AzureMonitorQuery): string {
    return `${q.metricName} (${q.aggregation}) on /${q.resourceUri.replace(/^\/+/, "")}${q.filter ? ` where ${q.filter}` : ""}`;
  }

  interface LastResponse {
    readonly status: number;
    readonly contentType: string;
    readonly body: string;
  }

  function toError(e: unknown, q: AzureMonitorQuery, signal: AbortSignal | undefined, timedOut: boolean, last: LastResponse | undefined): MetricsError {
    const context = { source: description, query: queryText(q) };
    if (signal?.aborted) return { ...context, kind: "cancelled" };
    if (timedOut) return { ...context, kind: "timeout", afterMs: timeoutMs };
    if (e instanceof ThrottledError) return { ...context, kind: "rate-limited", status: 429, ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) };
    if (isRestError(e)) {
      const status = e.statusCode;
      const detail = e.code ? `${e.code}: ${e.message}` : e.message;
      if (status === 401) return { ...context, kind: "unauthorized", status: 401, detail };
      if (status === 403) return { ...context, kind: "forbidden", status: 403, detail };
      if (status === 429) {
        const wait = retryAfterMs(e.response?.headers);
        return { ...context, kind: "rate-limited", status: 429, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
      }
      if (status === undefined) return { ...context, kind: "unreachable", detail };
      // A JSON error body gives the RestError its code; an HTML page from a gateway gives none.
      if (e.code && e.code !== "PARSE_ERROR") return { ...context, kind: "query-failed", status, errorType: e.code, message: e.message };
      return { ...context, kind: "bad-response", status, detail: `not ARM's JSON: ${snippet(e.response?.bodyAsText) || e.message}` };
    }
    const error = e instanceof Error ? e : new Error(String(e));
    // The credential failed to get a token (wrong secret, no sign-in, unknown tenant).
    if (["AuthenticationError", "CredentialUnavailableError", "AuthenticationRequiredError"].includes(error.name)) {
      return { ...context, kind: "unauthorized", status: 401, detail: snippet(error.message), noToken: true };
    }
    if (error.name === "AbortError") return { ...context, kind: "cancelled" };
    // The SDK's deserializer threw on a body that is not a metrics Response.
    const what = last ? `${last.contentType || "no content type"}: ${snippet(last.body)}` : snippet(error.message);
    return { ...context, kind: "bad-response", status: last?.status ?? 0, detail: `not a metrics response (${what})` };
  }

  async function list(q: AzureMonitorQuery, options: MetricsListOptionalParams, signal: AbortSignal | undefined): Promise<MetricsResult<MetricsResponse>> {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    let last: LastResponse | undefined;
    try {
      const monitor = await loadClient();
      const response = await monitor.metrics.list(q.resourceUri.replace(/^\/+/, ""), {
        ...options,
        abortSignal: combined,
        onResponse: (raw) => {
          last = { status: raw.status, contentType: raw.headers.get("content-type") ?? "", body: raw.bodyAsText ?? "" };
        },
      });
      if (!Array.isArray(response.value)) {
        const body = last ? snippet(last.body) : "";
        return { ok: false, error: { source: description, query: queryText(q), kind: "bad-response", status: last?.status ?? 200, detail: `not a metrics response (no 'value' array): ${body}` } };
      }
      return { ok: true, value: response, warnings: [] };
    } catch (e) {
      return { ok: false, error: toError(e, q, signal, timer.signal.aborted, last) };
    } finally {
      clearTimeout(timeout);
    }
  }

  function baseOptions(q: AzureMonitorQuery): MetricsListOptionalParams {
    return {
      metricnames: q.metricName,
      aggregation: q.aggregation,
      ...(q.metricNamespace ? { metricnamespace: q.metricNamespace } : {}),
      // top defaults to 10 series once a filter splits; a dashboard wants them all.
      ...(q.filter ? { filter: q.filter, top: 100 } : {}),
    };
  }

  function toSeries(response: MetricsResponse, q: AzureMonitorQuery): { series: Series[]; warnings: string[] } {
    const series: Series[] = [];
    const warnings: string[] = [];
    for (const metric of response.value) {
      if (metric.errorCode && metric.errorCode !== "Success") warnings.push(`${metric.name?.value ?? q.metricName}: ${metric.errorCode}${metric.errorMessage ? ` ${metric.errorMessage}` : ""}`);
      for (const ts of metric.timeseries ?? []) {
        const labels: Record<string, string> = {};
        for (const m of ts.metadatavalues ?? []) if (m.name?.value) labels[m.name.value] = m.value ?? "";
        const data = ts.data ?? [];
        const timestamps = new Float64Array(data.length);
        const values = new Float64Array(data.length);
        data.forEach((point, i) => {
          const time = point.timeStamp instanceof Date ? point.timeStamp.getTime() : Date.parse(String(point.timeStamp));
          timestamps[i] = time / 1000;
          const value = point[q.aggregation];
          // Azure leaves the aggregate out of a bucket without data: a gap, not a zero.
          values[i] = typeof value === "number" ? value : NaN;
        });
        series.push({ labels, timestamps, values });
      }
    }
    return { series, warnings };
  }

  return {
    kind: "azure-monitor",
    description,
    supports: (query) => query.kind === "azure-monitor",

    async queryRange(query: MetricQuery, range: TimeRange, signal?: AbortSignal): Promise<MetricsResult<Series[]>> {
      if (query.kind !== "azure-monitor") {
        return { ok: false, error: { source: description, query: query.expr, kind: "query-failed", status: 0, errorType: "unsupported", message: "Azure Monitor metrics do not run PromQL" } };
      }
      const grain = azureMonitorGrain(range.step);
      const points = Math.ceil((range.end - range.start) / grain.seconds);
      if (points > maxPoints) {
        return { ok: false, error: { source: description, query: queryText(query), kind: "too-large", detail: `${points} points at ${grain.iso} exceed ${maxPoints} per series` } };
      }
      const result = await list(query, { ...baseOptions(query), timespan: azureMonitorTimespan(range.start, range.end), interval: grain.iso }, signal);
      if (!result.ok) return result;
      const { series, warnings } = toSeries(result.value, query);
      if (grain.seconds !== range.step) warnings.push(`step ${range.step}s served at Azure Monitor's grain ${grain.iso}`);
      return { ok: true, value: series, warnings };
    },

    async queryInstant(query: MetricQuery, time: number, signal?: AbortSignal): Promise<MetricsResult<InstantSample[]>> {
      if (query.kind !== "azure-monitor") {
        return { ok: false, error: { source: description, query: query.expr, kind: "query-failed", status: 0, errorType: "unsupported", message: "Azure Monitor metrics do not run PromQL" } };
      }
      // ARM has no instant query: take the newest minute with data in the last half hour
      // (platform metrics arrive a few minutes late).
      const result = await list(query, { ...baseOptions(query), timespan: azureMonitorTimespan(time - 1800, time), interval: "PT1M" }, signal);
      if (!result.ok) return result;
      const { series, warnings } = toSeries(result.value, query);
      const samples: InstantSample[] = [];
      for (const s of series) {
        for (let i = s.values.length - 1; i >= 0; i--) {
          if (!Number.isNaN(s.values[i])) {
            samples.push({ labels: s.labels, time: s.timestamps[i]!, value: s.values[i]! });
            break;
          }
        }
      }
      return { ok: true, value: samples, warnings };
    },
  };
}
