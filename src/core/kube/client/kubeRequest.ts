import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import type { KubeConfig } from "@kubernetes/client-node";

/** A failed API call, with what the API server said: its HTTP code and its Status reason and message. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

/**
 * GET a JSON document from the current context's API server, with the kubeconfig's TLS and
 * credentials applied by @kubernetes/client-node. Raw JSON on purpose: the typed clients
 * deserialise every field of every object, which is several times slower on 10,000 pods.
 */
/** A request that neither connects nor sends a byte for this long fails (a dead route, a DNS lookup that hangs). */
export const requestIdleTimeoutMs = 10_000;

export function getJson(kc: KubeConfig, path: string, signal?: AbortSignal): Promise<unknown> {
  return requestJson(kc, "GET", path, { signal });
}

/** Any verb; a body is sent as JSON with the given content type (merge patch by default for PATCH). */
export async function requestJson(
  kc: KubeConfig,
  method: "GET" | "PATCH" | "POST" | "PUT" | "DELETE",
  path: string,
  opts: { readonly body?: unknown; readonly contentType?: string; readonly signal?: AbortSignal; readonly accept?: string; readonly execPluginTimeoutMs?: number } = {},
): Promise<unknown> {
  const signal = opts.signal;
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { Accept: opts.accept ?? "application/json" };
  if (payload) {
    headers["Content-Type"] = opts.contentType ?? (method === "PATCH" ? "application/merge-patch+json" : "application/json");
    headers["Content-Length"] = String(payload.length);
  }
  const { url, options, transport } = await prepare(kc, method, path, headers, opts.execPluginTimeoutMs);
  return new Promise((resolve, reject) => {
    // Our own timer, not req.setTimeout: that one starts only once a socket is assigned, and a
    // request can stall before that (VS Code's proxy resolution wraps https.request).
    let idle: NodeJS.Timeout | undefined;
    const fail = (err: Error): void => {
      clearTimeout(idle);
      reject(err);
    };
    let req: http.ClientRequest;
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        const err = new Error(`no answer from ${url.host} within ${requestIdleTimeoutMs / 1000} s`);
        // Reject first: a wrapped request may not emit "error" when destroyed.
        fail(err);
        req.destroy(err);
      }, requestIdleTimeoutMs);
    };
    try {
      req = transport.request(url, { ...options, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          chunks.push(c);
          armIdle();
        });
        res.on("error", fail);
        res.on("end", () => {
          clearTimeout(idle);
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            if (opts.accept && !opts.accept.includes("json")) {
              resolve(text);
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new KubeApiError(status, "BadResponse", `the API server answered ${path} with something that is not JSON`));
            }
            return;
          }
          reject(statusError(status, text, path));
        });
      });
    } catch (err) {
      // A bad client certificate or CA in the kubeconfig throws here.
      fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    armIdle();
    req.on("error", fail);
    req.end(payload);
  });
}

interface PreparedRequest {
  readonly url: URL;
  readonly options: https.RequestOptions;
  readonly transport: typeof http | typeof https;
}

/** The URL, TLS and credentials of a request to the current context's API server. */
async function prepare(kc: KubeConfig, method: string, path: string, headers: Record<string, string>, execTimeoutMs?: number): Promise<PreparedRequest> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const url = new URL(cluster.server.replace(/\/+$/, "") + path);
  const options: https.RequestOptions = { method, headers };
  await withCredentials(kc, options, execTimeoutMs);
  if (url.protocol === "https:") {
    // Fails here, with OpenSSL's reason, on a malformed certificate or key in the kubeconfig,
    // rather than somewhere inside a wrapped https.request.
    tls.createSecureContext({ ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase });
  }
  return { url, options, transport: url.protocol === "http:" ? http : https };
}

/**
 * GET a text stream (a followed log) line by line until the server ends it or `signal` aborts.
 * Waiting for the response is bounded like any request; a quiet stream afterwards is fine.
 */
export async function streamLines(kc: KubeConfig, path: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  const { url, options, transport } = await prepare(kc, "GET", path, { Accept: "text/plain" });
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest | undefined;
    const waiting = setTimeout(() => {
      reject(new Error(`no answer from ${url.host} within ${requestIdleTimeoutMs / 1000} s`));
      req?.destroy();
    }, requestIdleTimeoutMs);
    try {
      req = transport.request(url, { ...options, signal }, (res) => {
        clearTimeout(waiting);
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(statusError(status, Buffer.concat(chunks).toString("utf8"), path)));
          return;
        }
        let partial = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const lines = (partial + chunk).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) if (line.length > 0) onLine(line);
        });
        res.on("end", () => {
          if (partial.length > 0) onLine(partial);
          resolve();
        });
        res.on("error", (err) => (signal.aborted ? resolve() : reject(err)));
      });
    } catch (err) {
      clearTimeout(waiting);
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    req.on("error", (err) => {
      clearTimeout(waiting);
      if (signal.aborted) resolve();
      else reject(err);
    });
    req.end();
  });
}

/** How long an exec credential plugin (kubelogin, aws, gke-gcloud-auth-plugin) may take. */
export const execPluginTimeoutMs = 20_000;

/**
 * Applies the kubeconfig's TLS and credentials. An exec plugin runs as a child process with
 * no time limit in client-node; one that waits for an interactive login (a device code, a
 * browser) would stall every request, so it gets a limit and a message that says what to do.
 */
/** One exec plugin run per user at a time: while it waits for a login, requests wait on it rather than start more. */
const pendingExec = new Map<string, Promise<void>>();

async function withCredentials(kc: KubeConfig, options: https.RequestOptions, timeoutMs = execPluginTimeoutMs): Promise<void> {
  const exec = kc.getCurrentUser()?.exec as { command?: unknown } | undefined;
  const command = typeof exec?.command === "string" ? exec.command : undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the kubeconfig's exec plugin ${command ?? ""} gave no credentials within ${timeoutMs / 1000} s; it may be waiting for an interactive login. Run a kubectl command for this context in a terminal to log in; the view reconnects by itself.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    if (command) {
      // client-node caches the token once a run succeeds; until then, share the run in flight.
      const key = JSON.stringify(kc.getCurrentUser());
      let run = pendingExec.get(key);
      if (!run) {
        run = kc.applyToHTTPSOptions({}).finally(() => pendingExec.delete(key));
        pendingExec.set(key, run);
        run.catch(() => undefined);
      }
      await Promise.race([run, timeout]);
    }
    await Promise.race([kc.applyToHTTPSOptions(options), timeout]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (command && code === "ENOENT") throw new Error(`the kubeconfig's exec plugin ${command} is not installed or not on the PATH`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Turns an error response into a KubeApiError, reading the Kubernetes Status object when there is one. */
export function statusError(statusCode: number, body: string | undefined, path: string): KubeApiError {
  let reason: string | undefined;
  let message = `${statusCode} from ${path}`;
  try {
    const status = JSON.parse(body ?? "") as { reason?: unknown; message?: unknown };
    if (typeof status.reason === "string") reason = status.reason;
    if (typeof status.message === "string" && status.message.length > 0) message = status.message;
  } catch {
    // Not a Status object; keep the generic message.
  }
  return new KubeApiError(statusCode, reason, message);
}
