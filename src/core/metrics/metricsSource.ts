/**
 * One interface over every place metrics come from: the Prometheus HTTP API (by URL or through
 * the Kubernetes service proxy), Azure Monitor managed Prometheus (the same API with an Entra ID
 * token) and Azure Monitor platform metrics (ARM `metrics.list`). Expected failures are values:
 * each surface words a MetricsError for its reader, and always says which source and query.
 */

/** A query in the language its source speaks; the catalog gives one per runtime and source kind. */
export type MetricQuery =
  | { readonly kind: "promql"; readonly expr: string }
  | {
      readonly kind: "azure-monitor";
      /** ARM resource id, with or without the leading slash. */
      readonly resourceUri: string;
      readonly metricNamespace?: string;
      readonly metricName: string;
      readonly aggregation: "average" | "total" | "maximum" | "minimum" | "count";
      /** OData `$filter`, e.g. "deployment eq 'blue'". */
      readonly filter?: string;
    };

export type MetricsSourceKind = "prometheus" | "azure-managed-prometheus" | "azure-monitor";

/** Unix seconds, as Prometheus and uPlot count time. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
  /** Seconds between points. */
  readonly step: number;
}

/**
 * One series. Timestamps are unix seconds; values keep NaN and ±Inf as the source sent them
 * (a chart draws them as gaps, a table prints them), so nothing is silently dropped.
 */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly time: number;
  readonly value: number;
}

/** Where a failure came from, so every message can say "which source, which query". */
export interface MetricsFailureContext {
  /** The source's description, e.g. "Prometheus at https://prom.example:9090". */
  readonly source: string;
  /** The query as sent (PromQL text, or "RequestLatency_P95 on …/onlineEndpoints/x"). */
  readonly query?: string;
}

export type MetricsError = MetricsFailureContext &
  (
    /** `noToken`: the credential could not get a token at all (no sign-in, a wrong secret), so nothing was sent. */
    | { readonly kind: "unauthorized"; readonly status: 401; readonly detail?: string; readonly noToken?: boolean }
    | { readonly kind: "forbidden"; readonly status: 403; readonly detail?: string }
    | { readonly kind: "rate-limited"; readonly status: 429; readonly retryAfterMs?: number }
    | { readonly kind: "timeout"; readonly afterMs: number }
    /** Connection refused, DNS, TLS, or the connection dropped mid-response. */
    | { readonly kind: "unreachable"; readonly detail: string }
    /** Not the API's JSON: an HTML error page from a proxy, truncated or wrong JSON, a shape that fails validation. */
    | { readonly kind: "bad-response"; readonly status: number; readonly detail: string }
    /** The API answered with its own error (Prometheus `status: "error"`, an ARM error body). */
    | { readonly kind: "query-failed"; readonly status: number; readonly errorType: string; readonly message: string }
    /** More data than we accept (points per series, bytes): the step or range must change. */
    | { readonly kind: "too-large"; readonly detail: string }
    /** The source is not configured or not found (no Prometheus service detected, unknown endpoint). */
    | { readonly kind: "not-found"; readonly detail: string }
    | { readonly kind: "cancelled" }
  );

export type MetricsResult<T> = { readonly ok: true; readonly value: T; readonly warnings: readonly string[] } | { readonly ok: false; readonly error: MetricsError };

export interface MetricsSource {
  readonly kind: MetricsSourceKind;
  /** For people and logs, never with a secret in it: "Prometheus at …", "Azure Monitor (subscription …)". */
  readonly description: string;
  /** Whether this source can run the query (PromQL sources cannot run ARM metric queries and vice versa). */
  supports(query: MetricQuery): boolean;
  queryRange(query: MetricQuery, range: TimeRange, signal?: AbortSignal): Promise<MetricsResult<Series[]>>;
  /** The value at `time` (unix seconds). */
  queryInstant(query: MetricQuery, time: number, signal?: AbortSignal): Promise<MetricsResult<InstantSample[]>>;
}
