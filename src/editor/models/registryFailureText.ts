import type { RegistryFailure } from "../../core/registry/modelRegistry";

/** Seconds, for a person: "10 s". */
function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** Registry text can be anything (a proxy's HTML page); a problem row shows the start of it on one line. */
function snippet(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * A RegistryFailure as one sentence that says which registry, what failed and what to do: the
 * Models view's problem rows and tooltips, and the actions' notifications, word it the same way.
 * `registry` is the registry's display URL (never carries credentials). Undefined for a cancellation.
 */
export function describeRegistryFailure(f: RegistryFailure, registry: string): string | undefined {
  switch (f.kind) {
    case "api-error":
      return `${registry} refused the request (HTTP ${f.status}, ${f.errorCode}: ${snippet(f.message)}).`;
    case "unauthorized":
      return `${registry} refused the credentials (${f.status}${f.message ? `: ${snippet(f.message)}` : ""}). Run Connect Model Registry… to enter them again, or set MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN.`;
    case "timeout":
      return `${registry} did not answer within ${seconds(f.afterMs)}. The view keeps what it has and asks again on the next refresh.`;
    case "unreachable":
      return `Cannot reach ${registry} (${snippet(f.detail)}). Check the address and the network, or run Connect Model Registry….`;
    case "bad-response":
      return `${registry} answered with something that is not MLflow's JSON (HTTP ${f.status}: ${snippet(f.detail)}). A proxy or login page may sit in front of it; check the tracking URI with Connect Model Registry….`;
    case "unsupported":
      return `${registry} does not support ${f.feature} (${snippet(f.detail)}).`;
    case "too-large":
      return `${registry} returned more data than we accept (${snippet(f.detail)}).`;
    case "aborted":
      return undefined;
  }
}

/** A few words for a row's description; the tooltip carries the sentence. */
export function describeRegistryFailureBriefly(f: RegistryFailure): string {
  switch (f.kind) {
    case "api-error":
      return `registry error ${f.status} ${f.errorCode}`;
    case "unauthorized":
      return `credentials refused (${f.status})`;
    case "timeout":
      return "registry timed out";
    case "unreachable":
      return "registry unreachable";
    case "bad-response":
      return "not an MLflow answer";
    case "unsupported":
      return `${f.feature} not supported`;
    case "too-large":
      return "answer too large";
    case "aborted":
      return "cancelled";
  }
}
