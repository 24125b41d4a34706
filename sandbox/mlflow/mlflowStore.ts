/**
 * The sandbox registry's state and rules: what mlflow/store/model_registry/sqlalchemy_store.py
 * does behind the REST handlers, in memory. Entities leave as MLflow's wire JSON
 * (message_to_json of model_registry.proto @05e6cc9b): snake_case, version a string, int64
 * timestamps as numbers, unset and empty fields omitted. Errors are MlflowError with the store's
 * codes and wording.
 */
import { MlflowError, invalidParameter } from "./mlflowError";
import { type FilterClause, compareClause, orderClauses, orderComparator, page, parsePageToken, parseSearchFilter, validateModelFilter, validateVersionFilter } from "./mlflowSearchFilter";
import { type MlflowSeed, type MlflowSeedRun, type Stage, type VersionStatus, stages } from "./mlflowSeed";
import { canonicalStage, validateAlias, validateName, validateTag, validateVersionNumber } from "./mlflowValidation";

// MlflowSeed lives in mlflowSeed.ts; this re-export keeps test/unit/editor/models/modelsTree.test.ts's import working.
export type { MlflowSeed } from "./mlflowSeed";

interface StoredVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  userId?: string | undefined;
  currentStage: Stage;
  description?: string | undefined;
  source: string;
  runId?: string | undefined;
  runLink?: string | undefined;
  status: VersionStatus;
  statusMessage?: string | undefined;
  tags: Map<string, string>;
  storageLocation?: string | undefined;
  /** delete_model_version keeps the row (STAGE_DELETED_INTERNAL): numbers are never reused. */
  deleted: boolean;
}

interface StoredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description?: string | undefined;
  tags: Map<string, string>;
  aliases: Map<string, number>;
  versions: Map<number, StoredVersion>;
}

export type WireJson = Record<string, unknown>;

export const registeredModelsMaxResults = 1000;
export const modelVersionsMaxResults = 200_000;

function tagsJson(tags: Map<string, string>): WireJson[] | undefined {
  return tags.size ? [...tags].map(([key, value]) => ({ key, value })) : undefined;
}

/** message_to_json drops unset fields; the sandbox never stores empty strings, so drop those too. */
function compact(json: WireJson): WireJson {
  const out: WireJson = {};
  for (const [k, v] of Object.entries(json)) {
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export interface SearchPage {
  readonly items: WireJson[];
  readonly nextPageToken?: string;
}

/** The server's max_results checks (the registered-models and model-versions searches differ only in the limit). */
function validateMaxResults(maxResults: number, limit: number): void {
  if (maxResults > limit) throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${limit}, but got value ${maxResults}`);
  if (maxResults < 1) throw invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${maxResults}`);
}

export class MlflowStore {
  private readonly models = new Map<string, StoredModel>();
  private readonly runs = new Map<string, MlflowSeedRun>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds the seed's models (replacing any of the same name). */
  load(seed: MlflowSeed): void {
    for (const m of seed.models) {
      const created = m.createdAt ?? this.now();
      const model: StoredModel = { name: m.name, creationTimestamp: created, lastUpdatedTimestamp: created, description: nonEmpty(m.description), tags: new Map(Object.entries(m.tags ?? {})), aliases: new Map(), versions: new Map() };
      m.versions.forEach((v, i) => {
        const at = v.createdAt ?? created;
        model.versions.set(i + 1, {
          name: m.name,
          version: i + 1,
          creationTimestamp: at,
          lastUpdatedTimestamp: at,
          userId: nonEmpty(v.userId),
          currentStage: v.stage ?? "None",
          description: nonEmpty(v.description),
          source: v.source,
          runId: nonEmpty(v.runId),
          runLink: nonEmpty(v.runLink),
          status: v.status ?? "READY",
          statusMessage: nonEmpty(v.statusMessage),
          tags: new Map(Object.entries(v.tags ?? {})),
          storageLocation: nonEmpty(v.storageLocation),
          deleted: false,
        });
        model.lastUpdatedTimestamp = Math.max(model.lastUpdatedTimestamp, at);
      });
      for (const [alias, version] of Object.entries(m.aliases ?? {})) model.aliases.set(alias, version);
      this.models.set(m.name, model);
    }
    for (const run of seed.runs ?? []) this.runs.set(run.runId, run);
  }

  /** runs/get (service.proto GetRun): the Run message; sqlalchemy tracking store wording when absent. */
  getRun(runId: string): WireJson {
    const run = this.runs.get(runId);
    if (!run) throw new MlflowError("RESOURCE_DOES_NOT_EXIST", `Run with id=${runId} not found`);
    const pairs = (record: Readonly<Record<string, string>> | undefined) => Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
    return {
      info: compact({
        run_id: run.runId,
        run_uuid: run.runId,
        run_name: run.runName,
        experiment_id: run.experimentId,
        user_id: run.userId,
        status: run.endTime !== undefined ? "FINISHED" : "RUNNING",
        start_time: run.startTime,
        end_time: run.endTime,
        artifact_uri: run.artifactUri,
        lifecycle_stage: "active",
      }),
      data: compact({
        metrics: Object.entries(run.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: run.endTime ?? run.startTime, step: 0 })),
        params: pairs(run.params),
        tags: pairs({ ...(run.runName ? { "mlflow.runName": run.runName } : {}), ...run.tags }),
      }),
    };
  }

  get modelCount(): number {
    return this.models.size;
  }

  // ---- registered models ----

  createRegisteredModel(name: string, tags: readonly { key: string; value: string }[], description: string | undefined): WireJson {
    validateName(name);
    for (const t of tags) validateTag(t.key, t.value, "Registered model");
    if (this.models.has(name)) throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${name}) already exists.`);
    const now = this.now();
    const model: StoredModel = { name, creationTimestamp: now, lastUpdatedTimestamp: now, description: nonEmpty(description), tags: new Map(tags.map((t) => [t.key, t.value])), aliases: new Map(), versions: new Map() };
    this.models.set(name, model);
    return this.modelJson(model);
  }

  getRegisteredModel(name: string): WireJson {
    return this.modelJson(this.model(name));
  }

  updateRegisteredModel(name: string, description: string | undefined): WireJson {
    const model = this.model(name);
    model.description = nonEmpty(description);
    model.lastUpdatedTimestamp = this.now();
    return this.modelJson(model);
  }

  renameRegisteredModel(name: string, newName: string): WireJson {
    validateName(newName);
    const model = this.model(name);
    if (this.models.has(newName)) throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${newName}) already exists.`);
    this.models.delete(name);
    const now = this.now();
    model.name = newName;
    model.lastUpdatedTimestamp = now;
    for (const v of model.versions.values()) {
      v.name = newName;
      v.lastUpdatedTimestamp = now;
    }
    this.models.set(newName, model);
    return this.modelJson(model);
  }

  deleteRegisteredModel(name: string): void {
    this.model(name);
    this.models.delete(name);
  }

  setRegisteredModelTag(name: string, key: string, value: string): void {
    validateName(name);
    validateTag(key, value, "Registered model");
    this.model(name).tags.set(key, value);
  }

  deleteRegisteredModelTag(name: string, key: string): void {
    validateName(name);
    validateTag(key, undefined, "Registered model");
    this.model(name).tags.delete(key);
  }

  searchRegisteredModels(filter: string | undefined, maxResults: number, orderBy: readonly string[], pageToken: string | undefined): SearchPage {
    validateMaxResults(maxResults, registeredModelsMaxResults);
    const clauses = parseSearchFilter(filter);
    validateModelFilter(clauses);
    const order = orderClauses(orderBy, ["name", "creation_timestamp", "last_updated_timestamp"], [{ key: "name", ascending: true }]);
    const offset = parsePageToken(pageToken);
    const matches = [...this.models.values()].filter((m) => clauses.every((c) => compareClause(c.type === "tag" ? m.tags.get(c.key) : m.name, c)));
    matches.sort(orderComparator(order, (m, key) => (key === "name" ? m.name : key === "creation_timestamp" ? m.creationTimestamp : m.lastUpdatedTimestamp)));
    return page(matches, offset, maxResults, (m) => this.modelJson(m));
  }

  /** Deprecated since 2.9 (stages); the latest version per requested stage, all stages when none. */
  getLatestVersions(name: string, wanted: readonly string[]): WireJson[] {
    const model = this.model(name);
    const expected = new Set(wanted.length ? wanted.map(canonicalStage) : stages);
    return latestPerStage(model)
      .filter((v) => expected.has(v.currentStage))
      .map((v) => versionJson(v, undefined));
  }

  // ---- aliases ----

  setAlias(name: string, alias: string, version: string): void {
    validateName(name);
    validateAlias(alias);
    const number = validateVersionNumber(version);
    this.liveVersion(name, number, version);
    this.model(name).aliases.set(alias, number);
  }

  deleteAlias(name: string, alias: string): void {
    validateName(name);
    validateAlias(alias);
    // The SQL store deletes the row when it exists; a missing alias is not an error.
    this.model(name).aliases.delete(alias);
  }

  getVersionByAlias(name: string, alias: string): WireJson {
    const model = this.model(name);
    const number = model.aliases.get(alias);
    if (number === undefined) throw invalidParameter(`Registered model alias ${alias} not found.`);
    return this.versionWithAliases(this.liveVersion(name, number, String(number)));
  }

  // ---- model versions ----

  createModelVersion(request: { name: string; source: string; runId?: string | undefined; runLink?: string | undefined; tags: readonly { key: string; value: string }[]; description?: string | undefined }): WireJson {
    validateName(request.name);
    for (const t of request.tags) validateTag(t.key, t.value, "Model version");
    const model = this.model(request.name);
    const number = Math.max(0, ...model.versions.keys()) + 1;
    const now = this.now();
    const version: StoredVersion = {
      name: model.name,
      version: number,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      currentStage: "None",
      description: nonEmpty(request.description),
      source: request.source,
      runId: nonEmpty(request.runId),
      runLink: nonEmpty(request.runLink),
      status: "READY",
      tags: new Map(request.tags.map((t) => [t.key, t.value])),
      deleted: false,
    };
    model.versions.set(number, version);
    model.lastUpdatedTimestamp = now;
    return this.versionWithAliases(version);
  }

  getModelVersion(name: string, version: string): WireJson {
    validateName(name);
    return this.versionWithAliases(this.liveVersion(name, validateVersionNumber(version), version));
  }

  updateModelVersion(name: string, version: string, description: string | undefined): WireJson {
    const v = this.liveVersion(name, validateVersionNumber(version), version);
    v.description = nonEmpty(description);
    v.lastUpdatedTimestamp = this.now();
    return this.versionWithAliases(v);
  }

  transitionStage(name: string, version: string, stage: string, archiveExisting: boolean): WireJson {
    const target = canonicalStage(stage);
    if (archiveExisting && target !== "Staging" && target !== "Production") {
      // Raised without an error code in the store, so the server answers 500 INTERNAL_ERROR.
      throw new MlflowError("INTERNAL_ERROR", `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`);
    }
    const v = this.liveVersion(name, validateVersionNumber(version), version);
    const model = this.model(name);
    const now = this.now();
    if (archiveExisting) {
      for (const other of model.versions.values()) {
        if (!other.deleted && other.version !== v.version && other.currentStage === target) {
          other.currentStage = "Archived";
          other.lastUpdatedTimestamp = now;
        }
      }
    }
    v.currentStage = target;
    v.lastUpdatedTimestamp = now;
    model.lastUpdatedTimestamp = now;
    return this.versionWithAliases(v);
  }

  deleteModelVersion(name: string, version: string): void {
    const v = this.liveVersion(name, validateVersionNumber(version), version);
    const model = this.model(name);
    v.deleted = true;
    for (const [alias, n] of model.aliases) if (n === v.version) model.aliases.delete(alias);
    model.lastUpdatedTimestamp = this.now();
  }

  /** The storage location of a logged model (MLflow 3, source models:/m-…), else the source. */
  getDownloadUri(name: string, version: string): string {
    validateName(name);
    const v = this.liveVersion(name, validateVersionNumber(version), version);
    return v.storageLocation ?? v.source;
  }

  setVersionTag(name: string, version: string, key: string, value: string): void {
    validateName(name);
    const number = validateVersionNumber(version);
    validateTag(key, value, "Model version");
    this.liveVersion(name, number, version).tags.set(key, value);
  }

  deleteVersionTag(name: string, version: string, key: string): void {
    validateName(name);
    const number = validateVersionNumber(version);
    validateTag(key, undefined, "Model version");
    this.liveVersion(name, number, version).tags.delete(key);
  }

  searchModelVersions(filter: string | undefined, maxResults: number, orderBy: readonly string[], pageToken: string | undefined): SearchPage {
    validateMaxResults(maxResults, modelVersionsMaxResults);
    const clauses = parseSearchFilter(filter);
    validateVersionFilter(clauses);
    // The proto's tiebreaks: last update (stage transition) DESC, then name ASC, then version DESC.
    const order = orderClauses(orderBy, ["name", "version_number", "creation_timestamp", "last_updated_timestamp"], [
      { key: "last_updated_timestamp", ascending: false },
      { key: "name", ascending: true },
      { key: "version_number", ascending: false },
    ]);
    const offset = parsePageToken(pageToken);
    // An equality on name narrows to one model first: 2,500 versions page in well under a millisecond.
    const byName = clauses.find((c) => c.type === "attribute" && c.key === "name" && c.comparator === "=");
    const candidates = byName ? [this.models.get(String(byName.value))].filter((m): m is StoredModel => m !== undefined) : [...this.models.values()];
    const matches: StoredVersion[] = [];
    for (const m of candidates) for (const v of m.versions.values()) if (!v.deleted && clauses.every((c) => matchVersion(v, c))) matches.push(v);
    matches.sort(orderComparator(order, (v, key) => (key === "name" ? v.name : key === "version_number" ? v.version : key === "creation_timestamp" ? v.creationTimestamp : v.lastUpdatedTimestamp)));
    return page(matches, offset, maxResults, (v) => this.versionWithAliases(v));
  }

  // ---- helpers ----

  private model(name: string): StoredModel {
    validateName(name);
    const model = this.models.get(name);
    if (!model) throw new MlflowError("RESOURCE_DOES_NOT_EXIST", `Registered Model with name=${name} not found`);
    return model;
  }

  private liveVersion(name: string, number: number, asGiven: string): StoredVersion {
    const v = this.models.get(name)?.versions.get(number);
    if (!v || v.deleted) throw new MlflowError("RESOURCE_DOES_NOT_EXIST", `Model Version (name=${name}, version=${asGiven}) not found`);
    return v;
  }

  private versionWithAliases(v: StoredVersion): WireJson {
    const model = this.models.get(v.name);
    const aliases = model ? [...model.aliases].filter(([, n]) => n === v.version).map(([a]) => a) : [];
    return versionJson(v, aliases);
  }

  private modelJson(m: StoredModel): WireJson {
    return compact({
      name: m.name,
      creation_timestamp: m.creationTimestamp,
      last_updated_timestamp: m.lastUpdatedTimestamp,
      description: m.description,
      // SqlRegisteredModel.to_mlflow_entity: versions built without aliases (mlflow#9952).
      latest_versions: latestPerStage(m).map((v) => versionJson(v, undefined)),
      tags: tagsJson(m.tags),
      aliases: [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
    });
  }
}

function matchVersion(v: StoredVersion, c: FilterClause): boolean {
  if (c.type === "tag") return compareClause(v.tags.get(c.key), c);
  switch (c.key) {
    case "name":
      return compareClause(v.name, c);
    case "run_id":
      // search_utils._parse_run_ids keeps lower-case ids only (MySQL's IN is case-insensitive).
      return c.comparator === "IN" && Array.isArray(c.value) ? compareClause(v.runId, { ...c, value: (c.value as readonly string[]).filter((id: string) => id === id.toLowerCase() && id !== id.toUpperCase()) }) : compareClause(v.runId, c);
    case "source_path":
      return compareClause(v.source, c);
    case "version_number":
      return compareClause(v.version, c);
    default:
      return false;
  }
}

/** SqlRegisteredModel.to_mlflow_entity: per stage the highest version, stages in first-seen order. */
function latestPerStage(m: StoredModel): StoredVersion[] {
  const latest = new Map<Stage, StoredVersion>();
  for (const v of [...m.versions.values()].sort((a, b) => a.version - b.version)) {
    if (v.deleted) continue;
    const seen = latest.get(v.currentStage);
    if (!seen || seen.version < v.version) latest.set(v.currentStage, v);
  }
  return [...latest.values()];
}

function versionJson(v: StoredVersion, aliases: readonly string[] | undefined): WireJson {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    status_message: v.statusMessage,
    tags: tagsJson(v.tags),
    run_link: v.runLink,
    aliases: aliases ? [...aliases] : undefined,
  });
}
