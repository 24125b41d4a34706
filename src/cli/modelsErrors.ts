import type { ModelRegistry, RegistryFailure, RegistryNote } from "../core/registry/modelRegistry";
import type { RegistryFromEnv, TrackingUriProblem } from "../core/registry/registryTarget";

/** The environment variables aiplat reads the registry from: MLflow's own (mlflow/environment_variables.py), so a shell set up for the mlflow client works as is. */
export const RegistryEnv = {
  trackingUri: "MLFLOW_TRACKING_URI",
  username: "MLFLOW_TRACKING_USERNAME",
  password: "MLFLOW_TRACKING_PASSWORD",
  token: "MLFLOW_TRACKING_TOKEN",
  caBundle: "MLFLOW_TRACKING_SERVER_CERT_PATH",
  insecureTls: "MLFLOW_TRACKING_INSECURE_TLS",
} as const;

type Where = Pick<ModelRegistry, "displayUrl" | "kind">;

const registryName = (r: Where): string => `${r.kind === "azureml" ? "the Azure ML registry" : "the MLflow registry"} at ${r.displayUrl}`;

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function credentialAdvice(r: Where, status: number): string {
  if (r.kind === "azureml") {
    return status === 403
      ? "the identity needs a role that may read the workspace's models (AzureML Data Scientist or Contributor)"
      : `DefaultAzureCredential needs a signed-in identity of the workspace's tenant: run az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or ${RegistryEnv.token})`;
  }
  return status === 403
    ? "the credentials are valid but may not read the registry; ask whoever runs this MLflow server for read access"
    : `set ${RegistryEnv.token} (bearer), or ${RegistryEnv.username} and ${RegistryEnv.password} (basic)`;
}

/** TLS failures name the variable that fixes them; Node's messages say "certificate" for each of them. */
const tlsAdvice = (detail: string): string => (/certificate|self[- ]signed|CERT_|SSL|TLS/i.test(detail) ? `; for a private CA set ${RegistryEnv.caBundle} to its PEM file` : "");

/** A RegistryFailure for a terminal: which registry, what went wrong, then the variable or flag that fixes it. */
export function describeRegistryFailureForTerminal(f: RegistryFailure, registry: Where): string {
  const where = registryName(registry);
  switch (f.kind) {
    case "api-error":
      if (f.errorCode === "INVALID_PARAMETER_VALUE" && /page token/i.test(f.message)) {
        return `${where} rejected the page token it had handed out (${f.message}); the registry may have restarted while aiplat was listing: run the command again`;
      }
      return `${where} answered ${f.status} ${f.errorCode}: ${f.message}`;
    case "unauthorized":
      return `${where} ${f.status === 403 ? "refused access (403)" : "refused the credentials (401)"}${f.message ? `: ${f.message}` : ""}; ${credentialAdvice(registry, f.status)}`;
    case "timeout":
      return `${where} did not answer within ${seconds(f.afterMs)}; check its load, or try again`;
    case "unreachable":
      return `cannot reach ${where}: ${f.detail}; check ${RegistryEnv.trackingUri} (or --tracking-uri) and the network${tlsAdvice(f.detail)}`;
    case "bad-response":
      return `${where} did not answer with MLflow's JSON (HTTP ${f.status}: ${f.detail}); a proxy or login page may be in front of it: check that the tracking URI is the MLflow server's own`;
    case "unsupported":
      return `${where} does not support ${f.feature}: ${f.detail}`;
    case "too-large":
      return `${where} answered with more than aiplat accepts (${f.detail})`;
    case "aborted":
      return "interrupted; nothing was read from the registry";
  }
}

/** A feature the registry lacks, said once on stderr; the output is still whole for what it can do. */
export function describeRegistryNoteForTerminal(n: RegistryNote): string {
  return `note: ${n.detail}`;
}

/** A tracking URI aiplat cannot use, and what to give instead. */
export function describeTrackingUriProblem(p: TrackingUriProblem): string {
  switch (p.kind) {
    case "invalid-uri":
      return "not a URI; expected http(s)://host[:port][/path] or azureml://…";
    case "unsupported-scheme":
      return `${p.scheme}: is a store aiplat cannot read over REST; give the MLflow server's http(s) URL (mlflow server), or an azureml:// workspace URI`;
    case "credentials-in-uri":
      return `put credentials in ${RegistryEnv.username} and ${RegistryEnv.password} (or ${RegistryEnv.token}), not in the URI`;
    case "not-an-azureml-workspace":
      return `${p.uri} names no workspace: expected azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<name> (az ml workspace show --query mlflow_tracking_uri)`;
  }
}

/** Why the environment names no usable registry, for a terminal; every case is exit 2: the work could not start. */
export function describeRegistryFromEnvProblem(r: Exclude<RegistryFromEnv, { ok: true }>): string {
  if ("variable" in r && r.variable === RegistryEnv.trackingUri) return `${RegistryEnv.trackingUri}: ${describeTrackingUriProblem(r)}`;
  switch (r.kind) {
    case "not-configured":
      return `no model registry: set ${RegistryEnv.trackingUri} (e.g. http://localhost:5000) or pass --tracking-uri`;
    case "unreadable-ca":
      return `${RegistryEnv.caBundle}: cannot read ${r.path} (${r.detail})`;
    case "invalid-boolean":
      return `${RegistryEnv.insecureTls}=${r.value}: expected true, false, 1 or 0`;
    case "incomplete-basic-auth":
      return `basic auth needs both ${RegistryEnv.username} and ${RegistryEnv.password}; ${r.missing} is not set`;
    default:
      return `${RegistryEnv.trackingUri}: invalid`;
  }
}
