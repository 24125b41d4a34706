import * as z from "zod";
import { bodySnippet, retryAfterMs, type MetricsHttpResponse } from "./metricsHttp";
import type { InstantSample, MetricsError, MetricsFailureContext, MetricsResult, Series } from "./metricsSource";

/**
 * Reading what a Prometheus HTTP API (or whatever stands in front of it) answered: the envelope
 * of docs/querying/api.md, validated; values arrive as strings ("NaN", "+Inf") and become
 * Float64Array columns; anything else becomes a MetricsError that names the status and the first
 * bytes of the body.
 */

/** Prometheus refuses range queries past 11,000 intervals, i.e. 11,001 points per series (web/api/v1/api.go). */
export const defaultMaxPointsPerSeries = 11_001;

/**
 * Counts, while the body streams in, the elements of every JSON array whose elements are
 * arrays — a matrix series' `values` — so a response with 10⁶ points is refused after the first
 * few hundred kilobytes rather than parsed. Strings are skipped, so a label value with brackets
 * or commas does not count.
 */
export class PointCounter {
  private inString = false;
  private escaped = false;
  /** Per open container: -1 for an object, else the commas seen so far in an array. */
  private readonly commas: number[] = [];
  /** Per open container: whether it is an array whose elements are arrays. */
  private readonly nested: boolean[] = [];

  constructor(private readonly maxPoints: number) {}

  /** A reason to stop reading, or undefined. */
  readonly inspect = (chunk: Buffer): string | undefined => {
    const { commas, nested } = this;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) this.inString = false;
        continue;
      }
      switch (b) {
        case 0x22:
          this.inString = true;
          break;
        case 0x5b: {
          const top = commas.length - 1;
          if (top >= 0 && commas[top]! >= 0) nested[top] = true;
          commas.push(0);
          nested.push(false);
          break;
        }
        case 0x7b:
          commas.push(-1);
          nested.push(false);
          break;
        case 0x5d:
        case 0x7d:
          commas.pop();
          nested.pop();
          break;
        case 0x2c: {
          const top = commas.length - 1;
          const count = commas[top];
          if (count !== undefined && count >= 0) {
            commas[top] = count + 1;
            if (nested[top] && count + 2 > this.maxPoints) return `a series has more than ${this.maxPoints} points`;
          }
          break;
        }
      }
    }
    return undefined;
  };
}

const Labels = z.record(z.string(), z.string());
const SamplePair = z.tuple([z.number(), z.string()]);
// Points are checked by hand in toColumns: zod per point is the slow part of 11,000-point series.
const MatrixResult = z.array(z.object({ metric: Labels, values: z.array(z.unknown()).optional() }));
const VectorResult = z.array(z.object({ metric: Labels, value: SamplePair.optional() }));

const Warnings = z.array(z.string()).optional();

const SuccessEnvelope = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({ resultType: z.literal("matrix"), result: MatrixResult }),
    z.object({ resultType: z.literal("vector"), result: VectorResult }),
    z.object({ resultType: z.literal("scalar"), result: SamplePair }),
    z.object({ resultType: z.literal("string"), result: SamplePair }),
  ]),
  warnings: Warnings,
  infos: Warnings,
});

const ErrorEnvelope = z.object({
  status: z.literal("error"),
  errorType: z.string(),
  error: z.string(),
  warnings: Warnings,
});

export const PrometheusEnvelope = z.discriminatedUnion("status", [SuccessEnvelope, ErrorEnvelope]);
export type PrometheusEnvelope = z.infer<typeof PrometheusEnvelope>;

/** A Kubernetes Status, as the API server's service proxy answers when it cannot reach the service. */
const KubeStatus = z.object({ kind: z.literal("Status"), message: z.string().optional(), reason: z.string().optional() });

/** Prometheus formats floats with Go's strconv: "NaN", "+Inf", "-Inf", "1e+06". */
export function parsePrometheusValue(text: string): number | undefined {
  switch (text) {
    case "NaN":
      return Number.NaN;
    case "+Inf":
    case "Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
  }
  if (text.trim().length === 0) return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

type Expect = "matrix" | "instant";
type Decoded<E extends Expect> = E extends "matrix" ? Series[] : InstantSample[];

/** Turns one HTTP response into a result: the data, the API's own error, or what went wrong on the way. */
export function readPrometheusResponse<E extends Expect>(response: MetricsHttpResponse, expect: E, context: MetricsFailureContext): MetricsResult<Decoded<E>> {
  const { status, body } = response;
  const fail = (error: MetricsErrorBody): MetricsResult<never> => ({ ok: false, error: { ...context, ...error } });
  const json = parseJson(body);
  const envelope = json === undefined ? undefined : PrometheusEnvelope.safeParse(json);
  const kubeStatus = json === undefined ? undefined : KubeStatus.safeParse(json);
  const detail = kubeStatus?.success && kubeStatus.data.message ? kubeStatus.data.message : envelope?.success && envelope.data.status === "error" ? envelope.data.error : bodySnippet(body);

  if (status === 401) return fail({ kind: "unauthorized", status: 401, detail });
  if (status === 403) return fail({ kind: "forbidden", status: 403, detail });
  if (status === 429) {
    const after = retryAfterMs(response.headers["retry-after"]);
    return fail(after === undefined ? { kind: "rate-limited", status: 429 } : { kind: "rate-limited", status: 429, retryAfterMs: after });
  }
  if (envelope?.success && envelope.data.status === "error") {
    return fail({ kind: "query-failed", status, errorType: envelope.data.errorType, message: envelope.data.error });
  }
  if (kubeStatus?.success && !envelope?.success) {
    // The API server's proxy: no such service (404), or no endpoint behind it / refused (503).
    if (status === 404) return fail({ kind: "not-found", detail });
    if (status >= 500) return fail({ kind: "unreachable", detail });
  }
  if (!envelope?.success || envelope.data.status !== "success" || status < 200 || status >= 300) {
    const contentType = String(response.headers["content-type"] ?? "no content type").split(";")[0];
    const why = json === undefined ? "not JSON" : "not a Prometheus API response";
    const issue = envelope && !envelope.success ? ` (${firstIssue(envelope.error)})` : "";
    return fail({ kind: "bad-response", status, detail: `${why}${issue}; ${contentType}: ${bodySnippet(body)}` });
  }

  const { data, warnings: warned, infos } = envelope.data;
  const warnings = [...(warned ?? []), ...(infos ?? [])];
  const ok = (value: Series[] | InstantSample[]): MetricsResult<Decoded<E>> => ({ ok: true, value: value as Decoded<E>, warnings });
  const wrongType = (): MetricsResult<never> => {
    const shown = data.resultType === "string" ? ` ("${bodySnippet(Buffer.from(data.result[1]), 80)}")` : "";
    const wanted = expect === "matrix" ? "a matrix" : "a vector or a scalar";
    return fail({ kind: "bad-response", status, detail: `the query returned a ${data.resultType}${shown}, where ${wanted} was expected` });
  };

  if (expect === "matrix") {
    if (data.resultType !== "matrix") return wrongType();
    const series: Series[] = [];
    for (const s of data.result) {
      const columns = toColumns(s.values ?? []);
      if (typeof columns === "string") return fail({ kind: "bad-response", status, detail: columns });
      series.push({ labels: s.metric, ...columns });
    }
    return ok(series);
  }
  if (data.resultType === "scalar") {
    const value = parsePrometheusValue(data.result[1]);
    if (value === undefined) return fail({ kind: "bad-response", status, detail: `the scalar value "${data.result[1]}" is not a number` });
    return ok([{ labels: {}, time: data.result[0], value }]);
  }
  if (data.resultType !== "vector") return wrongType();
  const samples: InstantSample[] = [];
  for (const s of data.result) {
    // A native histogram sample has "histogram" instead of "value"; we have no column for it.
    if (!s.value) continue;
    const value = parsePrometheusValue(s.value[1]);
    if (value === undefined) return fail({ kind: "bad-response", status, detail: `the value "${s.value[1]}" is not a number` });
    samples.push({ labels: s.metric, time: s.value[0], value });
  }
  return ok(samples);
}

/** [[ts, "v"], …] into two columns, or what is wrong with the first bad point. */
function toColumns(points: readonly unknown[]): { timestamps: Float64Array; values: Float64Array } | string {
  const timestamps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "number" || typeof p[1] !== "string") {
      return `point ${i} of a series is not [<unix seconds>, "<value>"]: ${JSON.stringify(p)?.slice(0, 80)}`;
    }
    const value = parsePrometheusValue(p[1]);
    if (value === undefined) return `the value "${p[1].slice(0, 40)}" is not a number`;
    timestamps[i] = p[0];
    values[i] = value;
  }
  return { timestamps, values };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const where = issue.path.length > 0 ? issue.path.join(".") : "the body";
  return `${where}: ${issue.message}`;
}

/** A MetricsError without its source and query, which the caller adds. */
export type MetricsErrorBody = MetricsError extends infer E ? (E extends unknown ? Omit<E, keyof MetricsFailureContext> : never) : never;
