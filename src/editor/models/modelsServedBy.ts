import type { WorkloadIndex } from "../../core/kube/workloads/workloadIndex";
import { allPages } from "../../core/registry/allPages";
import { toStorageUri, type ArtifactRoots } from "../../core/registry/artifactRoots";
import type { ModelRegistry, ModelVersion, RegisteredModel, RegistryFailure } from "../../core/registry/modelRegistry";
import { normalizeArtifactUri, RegistrySnapshotBuilder, resolveServedBy, servingReferences, type RegistrySnapshot, type ServingWorkload } from "../../core/registry/servedBy";
import type { ServedByState } from "./modelsTree";
import { describeRegistryFailure } from "./registryFailureText";

/** MLflow's cap on a registered-models page; versions take the same size. */
const scanPageSize = 1000;
/**
 * get-download-uri calls per refresh for versions whose `source` is not a storage location
 * (models:/m-…, runs:/…), made only while some storageUri matches nothing: a bound, so a
 * registry of thousands of such versions costs a few refreshes rather than one burst.
 */
const downloadUrisPerRefresh = 50;
/** Storage-like sources need no download URI: they are already what a storageUri names. */
const storageSource = /^(s3|gs|hdfs|webhdfs|https?|file|hf|abfss?|wasbs?):\/\//i;

/**
 * What serves each registered version, kept for the Models view: the cluster's workloads
 * (servingReferences over the ClusterModel's index, recomputed on each cluster change) resolved
 * against a snapshot of the whole registry — every model and every version, read in pages of
 * 1000 — so a model on a page the tree has not loaded, or a KServe storageUri that only a
 * version's source names, still resolves. The snapshot is read again by `refresh` (the view's
 * poll); the resolution is recomputed from it on every cluster change, without a request.
 * A failed read keeps the last snapshot and claims no finding it cannot back.
 */
export class ModelsServedBy {
  private snapshot: RegistrySnapshot | undefined;
  private failure: RegistryFailure | undefined;
  private serving: readonly ServingWorkload[] = [];
  /** name\0version → its download URI, once asked: a version's artefacts do not move. */
  private readonly downloadUris = new Map<string, string | null>();
  private versionsSeen: readonly ModelVersion[] = [];
  private aliasesProbed = false;
  private stateValue: ServedByState = { resolved: undefined, problem: undefined };

  constructor(
    private readonly registry: ModelRegistry,
    private readonly roots: ArtifactRoots,
  ) {}

  get state(): ServedByState {
    return this.stateValue;
  }

  /** Whether any workload names a model or loads a storage URI: without one, the registry is not scanned. */
  get needsRegistry(): boolean {
    return this.serving.some((w) => w.reference !== undefined || w.storageUri !== undefined);
  }

  /** The cluster changed: what serves what, from the snapshot held. */
  setWorkloads(index: WorkloadIndex | undefined): ServedByState {
    this.serving = index ? servingReferences(index) : [];
    return this.resolve();
  }

  /** Reads the registry again (every model, every version) and resolves. */
  async refresh(signal: AbortSignal): Promise<ServedByState> {
    if (!this.needsRegistry) {
      this.failure = undefined;
      return this.resolve();
    }
    await this.probeAliases(signal);
    const aliasesSupported = !this.registry.notes().some((n) => n.feature === "aliases");
    const [models, versions] = await Promise.all([
      allPages((o) => this.registry.searchRegisteredModels(o), { maxResults: scanPageSize, orderBy: ["name ASC"], signal }),
      allPages((o) => this.registry.searchModelVersions(o), { maxResults: scanPageSize, signal }),
    ]);
    if (!models.ok || !versions.ok) {
      const failure = !models.ok ? models.failure : !versions.ok ? versions.failure : undefined;
      if (failure?.kind !== "aborted") this.failure = failure;
      return this.resolve();
    }
    this.failure = undefined;
    this.versionsSeen = versions.value;
    await this.learnDownloadUris(signal);
    this.snapshot = buildSnapshot(models.value, versions.value, this.downloadUris, this.roots, aliasesSupported);
    return this.resolve();
  }

  /**
   * Whether the registry has aliases at all (Azure ML and MLflow before 2.3 do not): asked once,
   * with the first alias a workload names, before any alias reference is judged. Without this, a
   * registry without aliases would make every `models:/name@alias` a finding.
   */
  private async probeAliases(signal: AbortSignal): Promise<void> {
    if (this.aliasesProbed || this.registry.notes().some((n) => n.feature === "aliases")) return;
    const ref = this.serving.find((w) => w.reference?.kind === "alias")?.reference;
    if (ref?.kind !== "alias") return;
    const answer = await this.registry.getModelVersionByAlias(ref.name, ref.alias, signal);
    // An answer either way (found, or MLflow's 404 for that alias) shows the endpoint is there; a missing endpoint adds the note.
    if (answer.ok || answer.failure.kind === "api-error" || answer.failure.kind === "unsupported") this.aliasesProbed = true;
  }

  /**
   * For a storageUri that no version's source names: the download URIs of versions whose source
   * is not a storage location (MLflow 3's models:/m-…, runs:/…), mapped through the artifact roots.
   */
  private async learnDownloadUris(signal: AbortSignal): Promise<void> {
    const sources = new Set<string>();
    for (const v of this.versionsSeen) {
      if (!v.source) continue;
      sources.add(normalizeArtifactUri(v.source));
      const mapped = toStorageUri(v.source, this.roots);
      if (mapped.ok) sources.add(normalizeArtifactUri(mapped.storageUri));
    }
    const unmatched = this.serving.some((w) => w.via === "storage-uri" && w.storageUri !== undefined && !sources.has(normalizeArtifactUri(w.storageUri)));
    if (!unmatched) return;
    const wanted = this.versionsSeen.filter((v) => !storageSource.test(v.source ?? "") && !this.downloadUris.has(`${v.name}\u0000${v.version}`)).slice(0, downloadUrisPerRefresh);
    for (const v of wanted) {
      if (signal.aborted) return;
      const uri = await this.registry.getDownloadUri(v.name, v.version, signal);
      // A version the registry cannot locate is not asked again; other failures are, next time.
      if (uri.ok) this.downloadUris.set(`${v.name}\u0000${v.version}`, uri.value);
      else if (uri.failure.kind === "api-error" && uri.failure.status < 500) this.downloadUris.set(`${v.name}\u0000${v.version}`, null);
    }
  }

  private resolve(): ServedByState {
    const problem = this.failure ? describeRegistryFailure(this.failure, this.registry.displayUrl) : undefined;
    if (!this.snapshot) {
      this.stateValue = { resolved: undefined, problem: this.needsRegistry ? problem : undefined };
      return this.stateValue;
    }
    const resolved = resolveServedBy(this.serving, this.snapshot);
    this.stateValue = { resolved, problem };
    return this.stateValue;
  }
}

function buildSnapshot(
  models: readonly RegisteredModel[],
  versions: readonly ModelVersion[],
  downloadUris: ReadonlyMap<string, string | null>,
  roots: ArtifactRoots,
  aliasesSupported: boolean,
): RegistrySnapshot {
  // A version whose source is mlflow-artifacts:/… matches the bucket path an InferenceService loads.
  const builder = new RegistrySnapshotBuilder({
    storageUriOf: (uri) => {
      const mapped = toStorageUri(uri, roots);
      return mapped.ok ? mapped.storageUri : undefined;
    },
  });
  builder.addModels(models, { aliasesSupported });
  const byName = new Map<string, ModelVersion[]>();
  for (const v of versions) {
    const list = byName.get(v.name);
    if (list) list.push(v);
    else byName.set(v.name, [v]);
  }
  // An unfiltered scan saw every version, so each model's list is complete: a version it lacks is not there.
  for (const m of models) builder.addVersions(m.name, byName.get(m.name) ?? [], { complete: true });
  for (const [key, uri] of downloadUris) {
    if (uri === null) continue;
    const [name = "", version = ""] = key.split("\u0000");
    builder.addDownloadUri(name, version, uri);
  }
  return builder.snapshot();
}
