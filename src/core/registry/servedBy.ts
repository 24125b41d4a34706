import type { V1Container, V1Deployment } from "@kubernetes/client-node";
import type { InferenceService } from "../kube/objects/inferenceService";
import { modelVersionAnnotation } from "../kube/workloads/inferenceWorkload";
import type { Health } from "../kube/workloads/workloadHealth";
import type { Workload, WorkloadIndex } from "../kube/workloads/workloadIndex";
import { modelReferenceAnnotation, parseModelUri, type ModelReference } from "./modelReference";
import type { ModelVersion, RegisteredModel } from "./modelRegistry";

/**
 * What serves each registered version: the cluster's workloads (ClusterModel's WorkloadIndex)
 * joined with what the registry has answered so far. Everything is keyed by maps, so resolving
 * 10k workloads against 500 models × 20 versions is a few map lookups per workload.
 */

/** Where a workload's reference was read from, most explicit first. */
export type ServingVia =
  /** aiplatform.dev/model on the Deployment or InferenceService. */
  | "annotation"
  /** Our rendered MODEL_URI env (models:/name) with the ai-platform/model-version annotation. */
  | "model-uri"
  /** An InferenceService's predictor storageUri (or its container's STORAGE_URI env). */
  | "storage-uri";

export interface ServingWorkload {
  /** workloadId(kind, namespace, name): the Deployments tree's id too. */
  readonly id: string;
  readonly kind: Workload["kind"];
  readonly namespace: string;
  readonly name: string;
  readonly health: Health;
  /** Undefined when the workload names no model we can read. */
  readonly reference: ModelReference | undefined;
  readonly via: ServingVia | undefined;
  /** The storage URI it loads, when it has one (KServe), even when a registry reference was found too. */
  readonly storageUri?: string;
}

/** "name\u0000version": a NUL cannot occur in a model name or version. */
export type VersionKey = string;
export function versionKey(name: string, version: string): VersionKey {
  return `${name}\u0000${version}`;
}

export interface SnapshotModel {
  /** Undefined when the registry does not report aliases (Azure ML): alias references cannot be judged. */
  readonly aliases: ReadonlyMap<string, string> | undefined;
  /** Lower-cased stage → the latest READY version in it (from registered-models' latest_versions). */
  readonly latestByStage: ReadonlyMap<string, string>;
  /** The highest version number known (from latest_versions, then from listed versions). */
  readonly latestVersion: string | undefined;
  /** Undefined until the model's versions were listed: a version reference is then trusted. */
  readonly versions: ReadonlySet<string> | undefined;
}

export interface RegistrySnapshot {
  readonly models: ReadonlyMap<string, SnapshotModel>;
  /** normalizeArtifactUri(source or download URI) → the version registered from it. */
  readonly sourceIndex: ReadonlyMap<string, { readonly name: string; readonly version: string }>;
}

/** Why a workload counts as "serving, not in the registry": each is one finding's wording. */
export type UnregisteredReason =
  | { readonly kind: "no-such-model"; readonly name: string }
  | { readonly kind: "no-such-version"; readonly name: string; readonly version: string }
  | { readonly kind: "no-such-alias"; readonly name: string; readonly alias: string }
  | { readonly kind: "no-such-stage"; readonly name: string; readonly stage: string }
  /** A storage URI or logged model no registered version's source or download URI matches. */
  | { readonly kind: "no-matching-source"; readonly uri: string };

export type Resolution =
  | { readonly kind: "resolved"; readonly name: string; readonly version: string }
  | { readonly kind: "unregistered"; readonly reason: UnregisteredReason }
  /** An alias reference on a registry without aliases: neither served nor a finding. */
  | { readonly kind: "unjudged"; readonly name: string; readonly alias: string }
  | { readonly kind: "unknown" };

export interface ServedBy {
  /** versionKey(name, version) → its serving workloads, in the order given. */
  readonly byVersion: ReadonlyMap<VersionKey, readonly ServingWorkload[]>;
  /** Model name → how many workloads serve any of its versions. */
  readonly byModel: ReadonlyMap<string, number>;
  /** Workloads that name a model, version, alias or artefact the registry lacks. */
  readonly unregistered: readonly { readonly workload: ServingWorkload; readonly reason: UnregisteredReason }[];
  /** Workloads that name no model we can read. */
  readonly unknown: readonly ServingWorkload[];
  /** Every workload's resolution, by id: what `aiplat models served` prints per row. */
  readonly byWorkload: ReadonlyMap<string, Resolution>;
}

export function servingReferences(index: WorkloadIndex): ServingWorkload[] {
  return index.all().map(({ workload, health }) => servingWorkload(workload, health.health));
}

/** The version our render writes next to MODEL_URI (annotation first, then the MODEL_VERSION env it also sets). */
const unversioned = "unversioned";

function envValue(containers: readonly V1Container[] | undefined, name: string): string | undefined {
  for (const c of containers ?? []) {
    const v = c.env?.find((e) => e.name === name)?.value;
    if (v) return v;
  }
  return undefined;
}

function deploymentModelUri(d: V1Deployment): { reference: ModelReference } | undefined {
  const spec = d.spec?.template.spec;
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  const uri = envValue(containers, "MODEL_URI");
  if (!uri) return undefined;
  const parsed = parseModelUri(uri);
  if (!parsed.ok) return undefined;
  // Our render writes MODEL_URI=models:/<name> and the version beside it; MLflow 3 would read a
  // bare models:/<x> as a logged model, which is what it stays when no version is given.
  if (parsed.reference.kind === "logged-model") {
    const version =
      d.metadata?.annotations?.[modelVersionAnnotation] ?? d.spec?.template.metadata?.annotations?.[modelVersionAnnotation] ?? envValue(containers, "MODEL_VERSION");
    if (version && version !== unversioned) return { reference: { kind: "version", name: parsed.reference.modelId, version } };
  }
  return { reference: parsed.reference };
}

/** KServe's predictor model storageUri, else a custom predictor container's STORAGE_URI env (KServe reads both). */
function inferenceServiceStorageUri(isvc: InferenceService): string | undefined {
  const predictor = isvc.spec?.predictor;
  const fromModel = predictor?.model?.storageUri;
  if (fromModel) return fromModel;
  return envValue(predictor?.containers as readonly V1Container[] | undefined, "STORAGE_URI");
}

/**
 * The index replaces a Workload record whenever its Deployment or InferenceService changes, so a
 * reference read once per record stays right; only health is read afresh each time.
 */
const referenceCache = new WeakMap<Workload, Omit<ServingWorkload, "health">>();

export function servingWorkload(w: Workload, health: Health): ServingWorkload {
  let read = referenceCache.get(w);
  if (!read) {
    read = readReference(w);
    referenceCache.set(w, read);
  }
  return { ...read, health };
}

function readReference(w: Workload): Omit<ServingWorkload, "health"> {
  const base = { id: w.id, kind: w.kind, namespace: w.namespace, name: w.name };
  const annotations = (w.inferenceService ?? w.deployment)?.metadata?.annotations;
  const storageUri = w.inferenceService ? inferenceServiceStorageUri(w.inferenceService) : undefined;
  const withStorage = storageUri ? { storageUri } : {};
  const annotated = annotations?.[modelReferenceAnnotation];
  if (annotated) {
    const parsed = parseModelUri(annotated);
    if (parsed.ok) return { ...base, reference: parsed.reference, via: "annotation", ...withStorage };
  }
  if (storageUri) {
    const parsed = parseModelUri(storageUri);
    if (parsed.ok) return { ...base, reference: parsed.reference, via: "storage-uri", ...withStorage };
  }
  if (w.kind === "Deployment" && w.deployment) {
    const fromEnv = deploymentModelUri(w.deployment);
    if (fromEnv) return { ...base, reference: fromEnv.reference, via: "model-uri" };
  }
  return { ...base, reference: undefined, via: undefined, ...withStorage };
}

const authorityUri = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/;
const pathUri = /^([A-Za-z][A-Za-z0-9+.-]*):(\/[^?#]*)?([?#].*)?$/;

/**
 * One spelling per artefact, so a storageUri and a version's source compare with `===`: scheme
 * and host lower-cased (both case-insensitive, RFC 3986 §6.2.2.1), trailing slashes dropped
 * (KServe wants the directory with or without one: kserve#3899), and an http(s) query dropped
 * (an Azure SAS token or a signed URL's signature names the same blob).
 */
export function normalizeArtifactUri(uri: string): string {
  const trimmed = uri.trim();
  const withAuthority = authorityUri.exec(trimmed);
  if (withAuthority) {
    const scheme = (withAuthority[1] ?? "").toLowerCase();
    const path = (withAuthority[3] ?? "").replace(/\/+$/, "");
    const rest = scheme === "http" || scheme === "https" ? "" : (withAuthority[4] ?? "");
    return `${scheme}://${(withAuthority[2] ?? "").toLowerCase()}${path}${rest}`;
  }
  const withPath = pathUri.exec(trimmed);
  if (withPath) return `${(withPath[1] ?? "").toLowerCase()}:${(withPath[2] ?? "").replace(/(.)\/+$/, "$1")}${withPath[3] ?? ""}`;
  return trimmed.replace(/(.)\/+$/, "$1");
}

/** Numbers compare as numbers (MLflow's versions are), anything else as text. */
function newerVersion(a: string, b: string): boolean {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na > nb : a > b;
}

export function resolveReference(ref: ModelReference | undefined, snapshot: RegistrySnapshot): Resolution {
  if (!ref) return { kind: "unknown" };
  const unregistered = (reason: UnregisteredReason): Resolution => ({ kind: "unregistered", reason });
  if (ref.kind === "storage" || ref.kind === "logged-model") {
    const uri = ref.kind === "storage" ? ref.uri : `models:/${ref.modelId}`;
    const hit = snapshot.sourceIndex.get(normalizeArtifactUri(uri));
    return hit ? { kind: "resolved", name: hit.name, version: hit.version } : unregistered({ kind: "no-matching-source", uri });
  }
  const model = snapshot.models.get(ref.name);
  if (!model) return unregistered({ kind: "no-such-model", name: ref.name });
  switch (ref.kind) {
    case "version": {
      // Until the versions are listed, a version above the highest READY one is the only one known missing.
      const missing = model.versions ? !model.versions.has(ref.version) : model.latestVersion !== undefined && newerVersion(ref.version, model.latestVersion);
      return missing ? unregistered({ kind: "no-such-version", name: ref.name, version: ref.version }) : { kind: "resolved", name: ref.name, version: ref.version };
    }
    case "alias": {
      if (!model.aliases) return { kind: "unjudged", name: ref.name, alias: ref.alias };
      const version = model.aliases.get(ref.alias);
      return version ? { kind: "resolved", name: ref.name, version } : unregistered({ kind: "no-such-alias", name: ref.name, alias: ref.alias });
    }
    case "stage": {
      // MLflow matches stages case-insensitively (models.py).
      const version = model.latestByStage.get(ref.stage.toLowerCase());
      return version ? { kind: "resolved", name: ref.name, version } : unregistered({ kind: "no-such-stage", name: ref.name, stage: ref.stage });
    }
    case "latest":
      return model.latestVersion ? { kind: "resolved", name: ref.name, version: model.latestVersion } : unregistered({ kind: "no-such-version", name: ref.name, version: "latest" });
  }
}

export function resolveServedBy(serving: readonly ServingWorkload[], snapshot: RegistrySnapshot): ServedBy {
  const byVersion = new Map<VersionKey, ServingWorkload[]>();
  const byModel = new Map<string, number>();
  const unregistered: { workload: ServingWorkload; reason: UnregisteredReason }[] = [];
  const unknown: ServingWorkload[] = [];
  const byWorkload = new Map<string, Resolution>();
  for (const w of serving) {
    const resolution = resolveReference(w.reference, snapshot);
    byWorkload.set(w.id, resolution);
    if (resolution.kind === "resolved") {
      const key = versionKey(resolution.name, resolution.version);
      const list = byVersion.get(key);
      if (list) list.push(w);
      else byVersion.set(key, [w]);
      byModel.set(resolution.name, (byModel.get(resolution.name) ?? 0) + 1);
    } else if (resolution.kind === "unregistered") unregistered.push({ workload: w, reason: resolution.reason });
    else if (resolution.kind === "unknown") unknown.push(w);
  }
  return { byVersion, byModel, unregistered, unknown, byWorkload };
}

interface ModelState {
  aliases: Map<string, string> | undefined;
  /** From registered-models' latest_versions: authoritative for stages when present. */
  readonly latestByStage: Map<string, string>;
  latestVersion: string | undefined;
  readonly seen: Set<string>;
  complete: boolean;
}

export interface RegistrySnapshotBuilderOptions {
  /**
   * Maps an artifact URI to the storage URI KServe would load (artifactRoots.ts), so an
   * InferenceService pointing at the bucket matches a version whose source is mlflow-artifacts:/….
   */
  readonly storageUriOf?: (artifactUri: string) => string | undefined;
}

/**
 * Builds a RegistrySnapshot as registry pages land; `snapshot()` is a live view (no copy), so a
 * tree re-resolves after each page without rebuilding.
 */
export class RegistrySnapshotBuilder {
  private readonly state = new Map<string, ModelState>();
  private readonly models = new Map<string, SnapshotModel>();
  private readonly sourceIndex = new Map<string, { readonly name: string; readonly version: string }>();
  /** Model name → its keys in sourceIndex, so removing a model leaves nothing behind. */
  private readonly sourcesByModel = new Map<string, Set<string>>();
  private readonly view: RegistrySnapshot = { models: this.models, sourceIndex: this.sourceIndex };

  constructor(private readonly options: RegistrySnapshotBuilderOptions = {}) {}

  /** A registered-models page. `aliasesSupported: false` when the registry has no aliases (a RegistryNote "aliases"). */
  addModels(models: readonly RegisteredModel[], options: { readonly aliasesSupported?: boolean } = {}): void {
    const aliasesSupported = options.aliasesSupported ?? true;
    for (const m of models) {
      const s = this.stateOf(m.name);
      s.aliases = aliasesSupported ? new Map(m.aliases.map((a) => [a.alias, a.version])) : undefined;
      s.latestByStage.clear();
      for (const v of m.latestVersions) {
        const stage = (v.currentStage ?? "None").toLowerCase();
        const held = s.latestByStage.get(stage);
        if (held === undefined || newerVersion(v.version, held)) s.latestByStage.set(stage, v.version);
        this.bump(s, v.version);
        this.indexSources(v);
      }
      this.publish(m.name, s);
    }
  }

  /**
   * Versions of one model (a page of listAllVersions, or a search answer). `complete: true` with
   * the last page: only then does a version missing from the list count as not registered.
   */
  addVersions(name: string, versions: readonly ModelVersion[], options: { readonly complete?: boolean } = {}): void {
    const s = this.stateOf(name);
    for (const v of versions) {
      s.seen.add(v.version);
      this.bump(s, v.version);
      if (s.aliases) for (const alias of v.aliases) s.aliases.set(alias, v.version);
      this.indexSources(v);
    }
    if (options.complete) s.complete = true;
    this.publish(name, s);
  }

  /** What get-download-uri answered for a version (a KServe storageUri may name that instead of the source). */
  addDownloadUri(name: string, version: string, artifactUri: string): void {
    this.indexUri(artifactUri, name, version);
  }

  removeModel(name: string): void {
    this.state.delete(name);
    this.models.delete(name);
    for (const key of this.sourcesByModel.get(name) ?? []) {
      if (this.sourceIndex.get(key)?.name === name) this.sourceIndex.delete(key);
    }
    this.sourcesByModel.delete(name);
  }

  snapshot(): RegistrySnapshot {
    return this.view;
  }

  private stateOf(name: string): ModelState {
    let s = this.state.get(name);
    if (!s) {
      s = { aliases: new Map(), latestByStage: new Map(), latestVersion: undefined, seen: new Set(), complete: false };
      this.state.set(name, s);
    }
    return s;
  }

  private bump(s: ModelState, version: string): void {
    if (s.latestVersion === undefined || newerVersion(version, s.latestVersion)) s.latestVersion = version;
  }

  private publish(name: string, s: ModelState): void {
    this.models.set(name, { aliases: s.aliases, latestByStage: s.latestByStage, latestVersion: s.latestVersion, versions: s.complete ? s.seen : undefined });
  }

  private indexSources(v: ModelVersion): void {
    if (v.source) this.indexUri(v.source, v.name, v.version);
  }

  private indexUri(uri: string, name: string, version: string): void {
    const mapped = this.options.storageUriOf?.(uri);
    for (const u of mapped && mapped !== uri ? [uri, mapped] : [uri]) {
      const key = normalizeArtifactUri(u);
      const held = this.sourceIndex.get(key);
      // The same artefact registered twice (re-registration): the newest version is the one it is now.
      if (held && held.name === name && !newerVersion(version, held.version)) continue;
      if (held && held.name !== name) continue;
      this.sourceIndex.set(key, { name, version });
      let keys = this.sourcesByModel.get(name);
      if (!keys) this.sourcesByModel.set(name, (keys = new Set()));
      keys.add(key);
    }
  }
}
