import { allPages } from "./allPages";
import { toStorageUri, type ArtifactRoots } from "./artifactRoots";
import type { ModelRegistry, ModelVersion, RegistryResult } from "./modelRegistry";
import { normalizeArtifactUri, RegistrySnapshotBuilder, versionKey, type RegistrySnapshot, type ServingWorkload, type VersionKey } from "./servedBy";

/** MLflow's cap on a registered-models page (handlers.py refuses more than 1000); versions take the same size. */
const scanPageSize = 1000;
/**
 * get-download-uri calls per scan for versions whose `source` is not a storage location
 * (models:/m-…, runs:/…), made only while some storageUri matches nothing: a bound, so a
 * registry of thousands of such versions costs a few scans rather than one burst.
 */
const defaultDownloadUrisPerScan = 50;
/** Storage-like sources need no download URI: they are already what a storageUri names. */
const storageSource = /^(s3|gs|hdfs|webhdfs|https?|file|hf|abfss?|wasbs?):\/\//i;

export interface RegistryScanOptions {
  /** `mlflow-artifacts:/` prefix → the bucket behind it, so an InferenceService loading from the bucket matches. */
  readonly roots?: ArtifactRoots;
  /** name\0version → its download URI (null: the registry cannot locate it), kept by the caller across scans: artefacts do not move. */
  readonly downloadUris?: Map<string, string | null>;
  readonly maxDownloadUris?: number;
  /** The registry was already found to have alias endpoints: no probe. */
  readonly aliasesProbed?: boolean;
  readonly signal?: AbortSignal;
}

export interface RegistryScan {
  readonly snapshot: RegistrySnapshot;
  /** Every version once, by versionKey. */
  readonly versions: ReadonlyMap<VersionKey, ModelVersion>;
  /** Whether the alias endpoints answered (pass it back as aliasesProbed). */
  readonly aliasesProbed: boolean;
}

/**
 * The whole registry once, for served-by: every model (aliases, latest per stage) and every
 * version (their sources are what a KServe storageUri is matched against), in two paged scans
 * rather than one call per model — 500 models × 20 versions is 11 requests — plus, for a
 * storageUri no source names, the download URIs of versions whose source is not a storage
 * location, mapped through the artifact roots. The Models view and `aiplat models` both read it
 * this way, so they agree on what serves what.
 */
export async function scanRegistry(registry: ModelRegistry, serving: readonly ServingWorkload[], options: RegistryScanOptions = {}): Promise<RegistryResult<RegistryScan>> {
  const { signal } = options;
  const aliasesProbed = options.aliasesProbed === true || (await probeAliases(registry, serving, signal));
  const aliasesSupported = !registry.notes().some((n) => n.feature === "aliases");
  const [models, listed] = await Promise.all([
    allPages((o) => registry.searchRegisteredModels(o), { maxResults: scanPageSize, orderBy: ["name ASC"], ...(signal ? { signal } : {}) }),
    allPages((o) => registry.searchModelVersions(o), { maxResults: scanPageSize, ...(signal ? { signal } : {}) }),
  ]);
  if (!models.ok) return models;
  if (!listed.ok) return listed;
  const versions = new Map<VersionKey, ModelVersion>();
  const byName = new Map<string, ModelVersion[]>();
  for (const v of listed.value) {
    // Offset page tokens shift when a version is registered mid-scan: keep the first of a repeat.
    const key = versionKey(v.name, v.version);
    if (versions.has(key)) continue;
    versions.set(key, v);
    const list = byName.get(v.name);
    if (list) list.push(v);
    else byName.set(v.name, [v]);
  }
  const roots = options.roots ?? {};
  const downloadUris = options.downloadUris ?? new Map<string, string | null>();
  await learnDownloadUris(registry, [...versions.values()], serving, roots, downloadUris, options.maxDownloadUris ?? defaultDownloadUrisPerScan, signal);

  // A version whose source is mlflow-artifacts:/… matches the bucket path an InferenceService loads.
  const builder = new RegistrySnapshotBuilder({
    storageUriOf: (uri) => {
      const mapped = toStorageUri(uri, roots);
      return mapped.ok ? mapped.storageUri : undefined;
    },
  });
  builder.addModels(models.value, { aliasesSupported });
  // An unfiltered scan saw every version, so each model's list is complete: a version it lacks is not there.
  for (const m of models.value) builder.addVersions(m.name, byName.get(m.name) ?? [], { complete: true });
  for (const [key, uri] of downloadUris) {
    if (uri === null) continue;
    const [name = "", version = ""] = key.split("\u0000");
    builder.addDownloadUri(name, version, uri);
  }
  return { ok: true, value: { snapshot: builder.snapshot(), versions, aliasesProbed } };
}

/**
 * Whether the registry has aliases at all (Azure ML and MLflow before 2.3 do not): asked with the
 * first alias a workload names, before any alias reference is judged; the client notes "aliases"
 * when the endpoint is missing. Without this, every `models:/name@alias` would be a finding there.
 */
async function probeAliases(registry: ModelRegistry, serving: readonly ServingWorkload[], signal: AbortSignal | undefined): Promise<boolean> {
  if (registry.notes().some((n) => n.feature === "aliases")) return false;
  const ref = serving.find((w) => w.reference?.kind === "alias")?.reference;
  if (ref?.kind !== "alias") return false;
  const answer = await registry.getModelVersionByAlias(ref.name, ref.alias, signal);
  // An answer either way (found, or MLflow's error for that alias) shows the endpoint is there.
  return answer.ok || answer.failure.kind === "api-error" || answer.failure.kind === "unsupported";
}

async function learnDownloadUris(
  registry: ModelRegistry,
  versions: readonly ModelVersion[],
  serving: readonly ServingWorkload[],
  roots: ArtifactRoots,
  cache: Map<string, string | null>,
  max: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const sources = new Set<string>();
  const known = (uri: string): void => {
    sources.add(normalizeArtifactUri(uri));
    const mapped = toStorageUri(uri, roots);
    if (mapped.ok) sources.add(normalizeArtifactUri(mapped.storageUri));
  };
  for (const v of versions) if (v.source) known(v.source);
  for (const uri of cache.values()) if (uri !== null) known(uri);
  const unmatched = serving.some((w) => w.via === "storage-uri" && w.storageUri !== undefined && !sources.has(normalizeArtifactUri(w.storageUri)));
  if (!unmatched) return;
  const wanted = versions.filter((v) => !storageSource.test(v.source ?? "") && !cache.has(versionKey(v.name, v.version))).slice(0, max);
  for (const v of wanted) {
    if (signal?.aborted) return;
    const uri = await registry.getDownloadUri(v.name, v.version, signal);
    // A version the registry cannot locate is not asked again; other failures are, next time.
    if (uri.ok) cache.set(versionKey(v.name, v.version), uri.value);
    else if (uri.failure.kind === "api-error" && uri.failure.status < 500) cache.set(versionKey(v.name, v.version), null);
  }
}
