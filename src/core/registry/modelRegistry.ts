/**
 * A model registry as the product sees it: MLflow's registry (and Azure ML's MLflow-compatible
 * one) in our own camelCase shapes, with every expected failure a value. mlflowRegistry.ts speaks
 * the wire (snake_case, string versions, epoch-ms numbers, omitted empties) and maps into these;
 * the Models tree, served-by, the approval gate and `aiplat models` only see these.
 */

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Deprecated since MLflow 2.9 (aliases replace them), still shown read-only: people use them. */
export type ModelStage = "None" | "Staging" | "Production" | "Archived";
export type ModelVersionStatus = "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY";

export interface ModelVersion {
  readonly name: string;
  /** A string on the wire ("3"); compare numerically with versionNumber. */
  readonly version: string;
  readonly creationTimestamp?: number;
  readonly lastUpdatedTimestamp?: number;
  readonly userId?: string;
  /** A ModelStage as MLflow sends it; kept as a string, since a server may add stages. */
  readonly currentStage?: string;
  readonly description?: string;
  /** The artifact URI as registered; may be models:/m-<uuid> (MLflow 3), runs:/… or a storage URL. */
  readonly source?: string;
  readonly runId?: string;
  readonly runLink?: string;
  /** A ModelVersionStatus; kept as a string for statuses a newer server adds. */
  readonly status?: string;
  readonly statusMessage?: string;
  readonly tags: readonly Tag[];
  readonly aliases: readonly string[];
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp?: number;
  readonly lastUpdatedTimestamp?: number;
  readonly description?: string;
  /** READY versions, one per stage, as the server lists them (they carry no aliases: mlflow#9952). */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly Tag[];
  readonly aliases: readonly { readonly alias: string; readonly version: string }[];
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly nextPageToken?: string;
}

/** What a registry cannot do, found by probing (Azure ML lacks aliases, LIKE and tag search). */
export type RegistryFeature = "aliases" | "like-search" | "tag-search" | "stages";

/** A feature the registry lacks, said once, shown as a note (never an error). */
export interface RegistryNote {
  readonly feature: RegistryFeature;
  readonly detail: string;
}

export type RegistryFailure =
  /** MLflow's error JSON: `{error_code, message}` with the HTTP status. */
  | { readonly kind: "api-error"; readonly status: number; readonly errorCode: string; readonly message: string }
  /** 401/403, said apart: the fix is credentials, not retrying. */
  | { readonly kind: "unauthorized"; readonly status: number; readonly message: string }
  /** No answer in time (after the retries). */
  | { readonly kind: "timeout"; readonly afterMs: number }
  /** Connection refused, reset, DNS, TLS. */
  | { readonly kind: "unreachable"; readonly detail: string }
  /** An answer that is not MLflow's: HTML from a proxy, JSON of another shape. */
  | { readonly kind: "bad-response"; readonly status: number; readonly detail: string }
  /** The endpoint is not there on this registry (404 ENDPOINT_NOT_FOUND, 501). */
  | { readonly kind: "unsupported"; readonly feature: RegistryFeature; readonly detail: string }
  | { readonly kind: "too-large"; readonly detail: string }
  | { readonly kind: "aborted" };

export type RegistryResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: RegistryFailure };

/** A tracking run's latest metrics and its params (runs/get), what Compare with Serving puts side by side. */
export interface RunSummary {
  readonly runId: string;
  /** The latest value of each metric (runs/get returns the latest per key). */
  readonly metrics: readonly { readonly key: string; readonly value: number }[];
  readonly params: readonly Tag[];
}

export interface SearchOptions {
  /** MLflow's filter grammar (search_utils.py), e.g. `name LIKE '%fraud%'`. */
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly signal?: AbortSignal;
}

/**
 * One registry endpoint. Every method resolves; none throws for anything the server or network
 * can do. Mutations (setAlias, deleteAlias, setVersionTag, transitionStage) are the callers' to
 * confirm and audit.
 */
export interface ModelRegistry {
  /** Where it is, for messages and "Open in MLflow": the UI's base URL (no credentials). */
  readonly displayUrl: string;
  readonly kind: "mlflow" | "azureml";
  /** What the registry was found to lack so far (grows as probes answer). */
  notes(): readonly RegistryNote[];

  searchRegisteredModels(options?: SearchOptions): Promise<RegistryResult<Page<RegisteredModel>>>;
  getRegisteredModel(name: string, signal?: AbortSignal): Promise<RegistryResult<RegisteredModel>>;
  searchModelVersions(options?: SearchOptions): Promise<RegistryResult<Page<ModelVersion>>>;
  getModelVersion(name: string, version: string, signal?: AbortSignal): Promise<RegistryResult<ModelVersion>>;
  getModelVersionByAlias(name: string, alias: string, signal?: AbortSignal): Promise<RegistryResult<ModelVersion>>;
  getDownloadUri(name: string, version: string, signal?: AbortSignal): Promise<RegistryResult<string>>;
  /** Deprecated stages; for users still on them. */
  getLatestVersions(name: string, stages?: readonly string[], signal?: AbortSignal): Promise<RegistryResult<readonly ModelVersion[]>>;

  setAlias(name: string, alias: string, version: string, signal?: AbortSignal): Promise<RegistryResult<void>>;
  deleteAlias(name: string, alias: string, signal?: AbortSignal): Promise<RegistryResult<void>>;
  setVersionTag(name: string, version: string, tag: Tag, signal?: AbortSignal): Promise<RegistryResult<void>>;
  deleteVersionTag(name: string, version: string, key: string, signal?: AbortSignal): Promise<RegistryResult<void>>;
  setModelTag(name: string, tag: Tag, signal?: AbortSignal): Promise<RegistryResult<void>>;
  transitionStage(name: string, version: string, stage: ModelStage, archiveExisting: boolean, signal?: AbortSignal): Promise<RegistryResult<ModelVersion>>;

  /**
   * GET /api/2.0/mlflow/runs/get?run_id=… on the same tracking server. Optional: a client that does
   * not speak the tracking API leaves it out, and Compare with Serving says the run was not read.
   */
  getRun?(runId: string, signal?: AbortSignal): Promise<RegistryResult<RunSummary>>;

  /**
   * All versions of one model, newest first, following page tokens (maxResults per page);
   * `onPage` sees each page as it lands so a tree can show the first rows early.
   */
  listAllVersions(name: string, options?: { readonly pageSize?: number; readonly signal?: AbortSignal; readonly onPage?: (page: readonly ModelVersion[]) => void }): Promise<RegistryResult<readonly ModelVersion[]>>;
}

/** Versions compare by their number when both are numeric (MLflow's are), else as strings. */
export function compareVersionsNewestFirst(a: ModelVersion, b: ModelVersion): number {
  const na = Number(a.version);
  const nb = Number(b.version);
  if (Number.isFinite(na) && Number.isFinite(nb)) return nb - na;
  return b.version.localeCompare(a.version);
}
