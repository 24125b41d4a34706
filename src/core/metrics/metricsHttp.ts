import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";

/**
 * One bounded HTTP exchange for metrics sources: the body is read into memory only up to a byte
 * cap, an inspector may stop reading early (too many points), and every way the exchange can end
 * is a value. Deadlines and cancellation come in as one signal; the caller says which it was.
 */
export interface MetricsHttpRequest {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** TLS and agent options (a custom CA, the kubeconfig's client certificate and agent). */
  readonly tls?: https.RequestOptions;
  readonly maxResponseBytes: number;
  /** Aborts the exchange; the caller knows whether its deadline or its user fired it. */
  readonly signal: AbortSignal;
  /** Sees the body as it arrives; a returned reason stops reading and ends as "too-large". */
  readonly inspect?: (chunk: Buffer) => string | undefined;
}

export interface MetricsHttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export type MetricsHttpFailure =
  | { readonly kind: "aborted" }
  | { readonly kind: "unreachable"; readonly detail: string }
  | { readonly kind: "too-large"; readonly detail: string };

export type MetricsHttpOutcome = { readonly ok: true; readonly response: MetricsHttpResponse } | { readonly ok: false; readonly failure: MetricsHttpFailure };

export function sendMetricsRequest(request: MetricsHttpRequest): Promise<MetricsHttpOutcome> {
  const { url, signal } = request;
  if (signal.aborted) return Promise.resolve({ ok: false, failure: { kind: "aborted" } });
  const transport = url.protocol === "http:" ? http : https;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body) headers["Content-Length"] = String(request.body.length);
  return new Promise((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    let gunzip: zlib.Gunzip | undefined;
    const finish = (outcome: MetricsHttpOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const stop = (failure: MetricsHttpFailure): void => {
      finish({ ok: false, failure });
      req?.destroy();
      gunzip?.destroy();
    };
    const onAbort = (): void => stop({ kind: "aborted" });
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      req = transport.request(url, { ...request.tls, method: request.method, headers }, (res) => {
        const status = res.statusCode ?? 0;
        const encoding = String(res.headers["content-encoding"] ?? "identity").toLowerCase();
        const declared = Number(res.headers["content-length"]);
        if (encoding === "identity" && Number.isFinite(declared) && declared > request.maxResponseBytes) {
          stop({ kind: "too-large", detail: `the response is ${declared} bytes, more than the limit of ${request.maxResponseBytes}` });
          return;
        }
        // Asked for with Accept-Encoding: a week of points compresses about tenfold. The byte
        // limit counts what comes out of the decompressor, so a small bomb cannot fill memory.
        if (encoding === "gzip" || encoding === "x-gzip") {
          gunzip = res.pipe(zlib.createGunzip());
          gunzip.on("error", () => stop({ kind: "unreachable", detail: "the compressed response was cut short or corrupt" }));
        }
        const body: NodeJS.ReadableStream = gunzip ?? res;
        const chunks: Buffer[] = [];
        let received = 0;
        body.on("data", (chunk: Buffer) => {
          if (settled) return;
          received += chunk.length;
          if (received > request.maxResponseBytes) {
            stop({ kind: "too-large", detail: `the response passed the limit of ${request.maxResponseBytes} bytes` });
            return;
          }
          const tooMuch = request.inspect?.(chunk);
          if (tooMuch !== undefined) {
            stop({ kind: "too-large", detail: tooMuch });
            return;
          }
          chunks.push(chunk);
        });
        body.on("end", () => finish({ ok: true, response: { status, headers: res.headers, body: Buffer.concat(chunks) } }));
        // The server went away mid-body: "close" without "end" (Node also emits "error" with "aborted").
        res.on("error", (err) => stop(unreachable(err, "the connection dropped while the response was arriving")));
        res.on("close", () => {
          if (!res.complete) stop({ kind: "unreachable", detail: "the connection dropped while the response was arriving" });
        });
      });
    } catch (err) {
      // A malformed CA or client certificate throws here, before any connection.
      stop(unreachable(err, "the request could not be made"));
      return;
    }
    req.on("error", (err) => stop(unreachable(err, "the request failed")));
    req.end(request.body);
  });
}

/** Node's own wording (ECONNREFUSED 127.0.0.1:9090, a certificate error); it never holds our headers. */
function unreachable(err: unknown, fallback: string): MetricsHttpFailure {
  if (!(err instanceof Error)) return { kind: "unreachable", detail: fallback };
  const code = (err as NodeJS.ErrnoException).code;
  const detail = err.message === "aborted" || code === "ECONNRESET" ? `${fallback} (${code ?? "connection reset"})` : err.message;
  return { kind: "unreachable", detail };
}

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The first bytes of a body as plain text for a message: an HTML page (a proxy's 502, a login
 * page) loses its markup, whitespace collapses, and the text is cut to `max` characters.
 */
export function bodySnippet(body: Buffer, max = 200): string {
  let text = body.subarray(0, 8192).toString("utf8");
  if (/^\s*</.test(text)) {
    text = text
      .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, " ")
      .replace(/<!--[\s\S]*?(-->|$)/g, " ")
      .replace(/<[^>]*>?/g, " ")
      .replace(/&nbsp;/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  }
  // eslint-disable-next-line no-control-regex -- control characters in a body would garble a log line
  text = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  if (text.length === 0) return "(empty body)";
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
