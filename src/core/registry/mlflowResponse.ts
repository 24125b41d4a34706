import type * as z from "zod";
import { bodySnippet } from "../metrics/metricsHttp";
import type { RegistryFeature, RegistryResult } from "./modelRegistry";
import { WireError } from "./mlflowWire";

/**
 * An MLflow answer as the product sees it. Errors are `{error_code, message}` with the status of
 * mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS; Azure's front doors answer `{error: {code,
 * message}}`; anything else (a proxy's HTML page, JSON of another shape) is a bad response
 * described by its first bytes.
 */

/**
 * Reads one final answer: a success in the expected shape, or the failure it is. `feature` marks
 * an endpoint some registries lack, whose absence is `unsupported` rather than an error.
 */
export function readMlflowResponse<S extends z.ZodType>(status: number, body: Buffer, schema: S, feature?: RegistryFeature): RegistryResult<z.output<S>> {
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(body.toString("utf8"));
    isJson = true;
  } catch {
    // Reported below with the body's first bytes.
  }
  if (status >= 200 && status < 300) {
    if (!isJson) return { ok: false, failure: { kind: "bad-response", status, detail: `not JSON: ${bodySnippet(body)}` } };
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? issue.path.map(String).join(".") : "the response";
    return { ok: false, failure: { kind: "bad-response", status, detail: `unexpected shape at ${where} (${issue?.message ?? "invalid"}): ${bodySnippet(body)}` } };
  }
  const mlflowError = WireError.safeParse(json);
  const error = mlflowError.success ? { errorCode: mlflowError.data.error_code, message: mlflowError.data.message } : azureError(json);
  if (feature !== undefined && missingEndpoint(status, error?.errorCode)) {
    return { ok: false, failure: { kind: "unsupported", feature, detail: error ? `${status} ${error.errorCode}: ${error.message}` : `${status}: ${bodySnippet(body)}` } };
  }
  if (status === 401 || status === 403) return { ok: false, failure: { kind: "unauthorized", status, message: error?.message || bodySnippet(body) } };
  if (error) return { ok: false, failure: { kind: "api-error", status, errorCode: error.errorCode, message: error.message } };
  return { ok: false, failure: { kind: "bad-response", status, detail: bodySnippet(body) } };
}

/** Azure's own error shape, `{"error": {"code", "message"}}`, which its front doors answer with. */
function azureError(json: unknown): { errorCode: string; message: string } | undefined {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== "string") return undefined;
  return { errorCode: error.code, message: typeof error.message === "string" ? error.message : "" };
}

/**
 * The endpoint is not there: 501 NOT_IMPLEMENTED, 405, or a 404 that is not MLflow saying a
 * model or version does not exist (ENDPOINT_NOT_FOUND, or a router's page).
 */
function missingEndpoint(status: number, errorCode: string | undefined): boolean {
  if (status === 501 || status === 405) return true;
  return status === 404 && (errorCode === undefined || errorCode === "ENDPOINT_NOT_FOUND" || errorCode === "NotFound");
}
