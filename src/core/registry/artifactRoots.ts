/**
 * From a registry's artifact URI to a URI KServe's storage initializer can load. KServe has no
 * models:/, runs:/, mlflow-artifacts:/ or azureml:// scheme (kserve#3555 is open), so
 * `get-download-uri` comes first, and an answer on MLflow's proxied artifact store
 * (`mlflow-artifacts:/…`, served from the server's --artifacts-destination) is mapped through a
 * root the user configured. Which schemes load: kserve/storage `_GCS_PREFIX`, `_S3_PREFIX`,
 * `_AZURE_BLOB_RE`… and the MLflow page of the KServe docs (protocols.md §1.8).
 */

/** prefix of an artifact URI (e.g. "mlflow-artifacts:/") → the storage root it lives under (e.g. "s3://bucket/mlartifacts"). */
export type ArtifactRoots = Readonly<Record<string, string>>;

export type StorageUriResult =
  | { readonly ok: true; readonly storageUri: string; readonly mappedFrom?: string }
  /** mlflow-artifacts:/… (or another prefix that needs one) with no configured root. */
  | { readonly ok: false; readonly kind: "no-root"; readonly artifactUri: string; readonly prefix: string }
  /**
   * A scheme KServe cannot load (dbfs:/, azureml://, abfss://…), even after mapping; models:/ and
   * runs:/ among them: they name a model, not where it is stored (resolve with get-download-uri).
   */
  | { readonly ok: false; readonly kind: "unsupported-scheme"; readonly artifactUri: string; readonly scheme: string };

/** Schemes the storage initializer downloads from (https covers Azure Blob, Azure Files and plain URLs). */
const loadableSchemes = new Set(["gs", "s3", "hdfs", "webhdfs", "http", "https", "file", "hf"]);

function schemeOf(uri: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
}

/** Joins a root and a relative path with exactly one slash between them. */
function joinRoot(root: string, rest: string): string {
  if (rest === "") return root;
  return `${root.replace(/\/+$/, "")}/${rest.replace(/^\/+/, "")}`;
}

/**
 * The proxied store's URIs come as `mlflow-artifacts:/path` or `mlflow-artifacts://host[:port]/path`
 * (mlflow/store/artifact/mlflow_artifacts_repo.py); the host only says which server proxies them,
 * the path is under its --artifacts-destination either way, so both read as `mlflow-artifacts:/path`.
 */
function normalizeProxied(uri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/is.exec(uri);
  return m ? `mlflow-artifacts:/${m[1]!}` : uri;
}

export function toStorageUri(artifactUri: string, roots: ArtifactRoots = {}): StorageUriResult {
  const uri = artifactUri.trim();
  const scheme = schemeOf(uri);
  if (scheme === "models" || scheme === "runs") return { ok: false, kind: "unsupported-scheme", artifactUri: uri, scheme };
  const key = normalizeProxied(uri);
  // A configured prefix wins, longest first, so a user may also remap s3:// or abfss:// paths.
  const prefix = Object.keys(roots)
    .filter((p) => p !== "" && key.startsWith(normalizeProxied(p)))
    .sort((a, b) => normalizeProxied(b).length - normalizeProxied(a).length)[0];
  if (prefix === undefined && scheme === "mlflow-artifacts") return { ok: false, kind: "no-root", artifactUri: uri, prefix: "mlflow-artifacts:/" };
  const mapped = prefix === undefined ? uri : joinRoot(roots[prefix]!, key.slice(normalizeProxied(prefix).length));
  const mappedFrom = prefix === undefined ? {} : { mappedFrom: prefix };
  const mappedScheme = schemeOf(mapped);
  // A PVC path (/mnt/models/…) loads as is.
  if (mappedScheme === undefined) {
    return mapped.startsWith("/") ? { ok: true, storageUri: mapped, ...mappedFrom } : { ok: false, kind: "unsupported-scheme", artifactUri: uri, scheme: "" };
  }
  if (!loadableSchemes.has(mappedScheme)) return { ok: false, kind: "unsupported-scheme", artifactUri: uri, scheme: mappedScheme };
  return { ok: true, storageUri: mapped, ...mappedFrom };
}
