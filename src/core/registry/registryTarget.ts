import type { TokenCredential } from "@azure/core-auth";

/**
 * Where a model registry is and how to reach it: the REST base (the client appends
 * `api/2.0/mlflow/…`), the credential, and the TLS trust. Built from a tracking URI the way
 * MLflow's own client reads one (MLFLOW_TRACKING_URI and friends, mlflow/environment_variables.py).
 */

export type RegistryAuth =
  | { readonly kind: "none" }
  /** MLFLOW_TRACKING_USERNAME/PASSWORD, or `mlflow server --app-name basic-auth`. */
  | { readonly kind: "basic"; readonly username: string; readonly password: string }
  /** MLFLOW_TRACKING_TOKEN. */
  | { readonly kind: "bearer"; readonly token: string }
  /** Azure ML: an Entra ID token for Azure Resource Manager (not ml.azure.com, which is for scoring). */
  | { readonly kind: "azure"; readonly credential: TokenCredential; readonly scope: typeof azureMlScope };

export const azureMlScope = "https://management.azure.com/.default";

export interface RegistryTarget {
  readonly kind: "mlflow" | "azureml";
  /** http(s), ending in "/", no credentials, query or fragment; Azure ML's keeps the workspace path. */
  readonly restBase: URL;
  /** For messages and logs: never holds credentials. */
  readonly displayUrl: string;
  readonly auth: RegistryAuth;
  /** PEM of a CA trusted besides the system roots (MLFLOW_TRACKING_SERVER_CERT_PATH, settings' caFile). */
  readonly ca?: string;
  /** MLFLOW_TRACKING_INSECURE_TLS: skip certificate verification. */
  readonly insecureTls?: boolean;
  /** Per attempt; 10 s by default. */
  readonly timeoutMs?: number;
  /** Retries after a 408/429/5xx or a dropped connection; 3 by default. */
  readonly retries?: number;
}

export type TrackingUriProblem =
  | { readonly kind: "invalid-uri"; readonly uri: string }
  /** file:, sqlite:, databricks…: a store this client cannot speak to over REST. */
  | { readonly kind: "unsupported-scheme"; readonly scheme: string }
  /** user:password@host would put a secret where logs and settings show it. */
  | { readonly kind: "credentials-in-uri" }
  /** azureml:// whose path is not …/subscriptions/…/workspaces/… (or …/registries/…). */
  | { readonly kind: "not-an-azureml-workspace"; readonly uri: string };

export type TrackingUriParse =
  | { readonly ok: true; readonly kind: "mlflow" | "azureml"; readonly restBase: URL; readonly displayUrl: string }
  | ({ readonly ok: false } & TrackingUriProblem);

/**
 * The workspace or shared-registry scope of an Azure ML tracking URI, as the azureml-mlflow
 * plugin's `_REGISTRY_INFO_REGEX` and the workspace's `mlFlowTrackingUri` have it.
 */
const azureMlPath =
  /^\/mlflow\/v1\.0\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/(workspaces|registries)\/[^/]+\/?$/i;

/**
 * http(s)://host[:port][/prefix] → that base; `azureml://<region>.api.azureml.ms/mlflow/v1.0/…`
 * → https with the same host and path (Azure's "replace azureml with https"; job JSON adds a
 * trailing `?`, so the query string goes).
 */
export function parseTrackingUri(uri: string): TrackingUriParse {
  const text = uri.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { ok: false, kind: "invalid-uri", uri: text };
  if (scheme !== "http" && scheme !== "https" && scheme !== "azureml") return { ok: false, kind: "unsupported-scheme", scheme };
  let url: URL;
  try {
    url = new URL(scheme === "azureml" ? `https:${text.slice("azureml:".length)}` : text);
  } catch {
    return { ok: false, kind: "invalid-uri", uri: text };
  }
  if (url.hostname === "") return { ok: false, kind: "invalid-uri", uri: text };
  if (url.username !== "" || url.password !== "") return { ok: false, kind: "credentials-in-uri" };
  url.search = "";
  url.hash = "";
  if (scheme === "azureml" && !azureMlPath.test(url.pathname)) return { ok: false, kind: "not-an-azureml-workspace", uri: `azureml://${url.host}${url.pathname}` };
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = `${path}/`;
  const displayUrl = scheme === "azureml" ? `azureml://${url.host}${path}` : `${url.protocol}//${url.host}${path}`;
  return { ok: true, kind: scheme === "azureml" ? "azureml" : "mlflow", restBase: url, displayUrl };
}

export type RegistryFromEnv =
  | { readonly ok: true; readonly target: RegistryTarget }
  /** MLFLOW_TRACKING_URI is not set: no registry configured. */
  | { readonly ok: false; readonly kind: "not-configured" }
  | ({ readonly ok: false; readonly variable: "MLFLOW_TRACKING_URI" } & TrackingUriProblem)
  | { readonly ok: false; readonly kind: "unreadable-ca"; readonly variable: "MLFLOW_TRACKING_SERVER_CERT_PATH"; readonly path: string; readonly detail: string }
  | { readonly ok: false; readonly kind: "invalid-boolean"; readonly variable: "MLFLOW_TRACKING_INSECURE_TLS"; readonly value: string }
  /** MLFLOW_TRACKING_USERNAME without a password, or the other way round. */
  | { readonly ok: false; readonly kind: "incomplete-basic-auth"; readonly missing: "MLFLOW_TRACKING_USERNAME" | "MLFLOW_TRACKING_PASSWORD" };

/**
 * The registry `aiplat` uses, read the way MLflow's client reads its environment
 * (rest_utils.http_request): username and password make Basic auth and win over
 * MLFLOW_TRACKING_TOKEN (Bearer). For an azureml:// URI without a token, `azureCredential`
 * (the caller's DefaultAzureCredential or Microsoft session) supplies an ARM token.
 */
export async function registryTargetFromEnv(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => Promise<string>,
  azureCredential?: TokenCredential,
): Promise<RegistryFromEnv> {
  const uri = env.MLFLOW_TRACKING_URI?.trim();
  if (!uri) return { ok: false, kind: "not-configured" };
  const parsed = parseTrackingUri(uri);
  if (!parsed.ok) {
    const { ok: _ok, ...problem } = parsed;
    return { ok: false, variable: "MLFLOW_TRACKING_URI", ...problem };
  }
  const username = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  const token = env.MLFLOW_TRACKING_TOKEN;
  let auth: RegistryAuth = { kind: "none" };
  if (username && password) auth = { kind: "basic", username, password };
  else if (username && !token) return { ok: false, kind: "incomplete-basic-auth", missing: "MLFLOW_TRACKING_PASSWORD" };
  else if (password && !token) return { ok: false, kind: "incomplete-basic-auth", missing: "MLFLOW_TRACKING_USERNAME" };
  else if (token) auth = { kind: "bearer", token };
  else if (parsed.kind === "azureml" && azureCredential) auth = { kind: "azure", credential: azureCredential, scope: azureMlScope };

  let insecureTls: boolean | undefined;
  const insecure = env.MLFLOW_TRACKING_INSECURE_TLS;
  if (insecure !== undefined && insecure !== "") {
    // MLflow's _BooleanEnvironmentVariable: true/false/1/0, any case; anything else is refused.
    const value = insecure.trim().toLowerCase();
    if (value === "true" || value === "1") insecureTls = true;
    else if (value === "false" || value === "0") insecureTls = false;
    else return { ok: false, kind: "invalid-boolean", variable: "MLFLOW_TRACKING_INSECURE_TLS", value: insecure };
  }

  let ca: string | undefined;
  const caPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  if (caPath) {
    try {
      ca = await readFile(caPath);
    } catch (err) {
      return { ok: false, kind: "unreadable-ca", variable: "MLFLOW_TRACKING_SERVER_CERT_PATH", path: caPath, detail: err instanceof Error ? err.message : String(err) };
    }
  }
  const target: RegistryTarget = {
    kind: parsed.kind,
    restBase: parsed.restBase,
    displayUrl: parsed.displayUrl,
    auth,
    ...(ca === undefined ? {} : { ca }),
    ...(insecureTls === undefined ? {} : { insecureTls }),
  };
  return { ok: true, target };
}
