import { nameEqualsFilter } from "../../core/registry/searchFilter";
import { compareVersionsNewestFirst, type ModelRegistry, type ModelVersion, type RegisteredModel, type RegistryFailure, type RegistryResult, type Page } from "../../core/registry/modelRegistry";

/** One page of models per "Load more…": a tree of hundreds of models paints its first rows fast. */
export const modelsPageSize = 100;
/** One page of a model's versions per "Load more…". */
export const versionsPageSize = 50;
/** MLflow refuses max_results above 1000 for registered models (search_utils / handlers.py). */
const maxPageSize = 1000;

export interface VersionList {
  /** Newest first. */
  readonly items: readonly ModelVersion[];
  /** Set while more pages exist. */
  readonly nextPageToken: string | undefined;
  /** The last failure listing them; the items held stay. */
  readonly failure: RegistryFailure | undefined;
}

/** What a load or poll changed, so the tree relists and re-renders only those parts. */
export interface CatalogChange {
  readonly models: boolean;
  /** Model names whose version list changed. */
  readonly versions: readonly string[];
}

/**
 * What the Models view holds of one registry under one filter: the pages of registered models
 * loaded so far and, for each model someone expanded, the pages of its versions. MLflow has no
 * watch, so `poll` asks again for what is held (the same number of rows) and reports what
 * changed. Failures are kept beside the rows, which stay: the tree keeps what it has and says
 * what failed. Loads run one at a time, so a poll never interleaves with a "Load more…".
 */
export class ModelsCatalog {
  private modelItems: RegisteredModel[] = [];
  private modelsToken: string | undefined;
  private modelsFailureValue: RegistryFailure | undefined;
  private loadedOnce = false;
  private readonly versions = new Map<string, VersionList>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();

  constructor(
    readonly registry: ModelRegistry,
    /** MLflow filter grammar, or undefined for every model. */
    readonly filter: string | undefined,
    private readonly pageSizes: { readonly models: number; readonly versions: number } = { models: modelsPageSize, versions: versionsPageSize },
  ) {}

  /** The models loaded so far, in the registry's order (name ascending). */
  models(): readonly RegisteredModel[] {
    return this.modelItems;
  }

  model(name: string): RegisteredModel | undefined {
    return this.modelItems.find((m) => m.name === name);
  }

  get modelsNextPageToken(): string | undefined {
    return this.modelsToken;
  }

  get modelsFailure(): RegistryFailure | undefined {
    return this.modelsFailureValue;
  }

  /** The first page has answered (or failed). */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  versionsOf(name: string): VersionList | undefined {
    return this.versions.get(name);
  }

  /** Stops what is running; the catalog is not used again. */
  dispose(): void {
    this.abort.abort();
  }

  /** The first page of models (again, from the start). */
  loadModels(): Promise<CatalogChange> {
    return this.serially(async () => {
      const result = await this.searchModels(this.pageSizes.models, undefined);
      this.loadedOnce = true;
      if (!result.ok) return this.failModels(result.failure);
      return this.setModels([...result.value.items], result.value.nextPageToken);
    });
  }

  /** The next page of models after those held. A page token the server no longer accepts starts over. */
  loadMoreModels(): Promise<CatalogChange> {
    return this.serially(async () => {
      const token = this.modelsToken;
      if (token === undefined) return unchanged;
      const result = await this.searchModels(this.pageSizes.models, token);
      if (!result.ok) {
        if (isBadPageToken(result.failure)) return this.repollModels();
        return this.failModels(result.failure);
      }
      return this.setModels([...this.modelItems, ...dedupe(this.modelItems, result.value.items)], result.value.nextPageToken);
    });
  }

  /** The first page of a model's versions, unless they are held already. */
  ensureVersions(name: string): Promise<CatalogChange> {
    if (this.versions.has(name)) return Promise.resolve(unchanged);
    return this.serially(async () => (this.versions.has(name) ? unchanged : this.listVersions(name, this.pageSizes.versions)));
  }

  loadMoreVersions(name: string): Promise<CatalogChange> {
    return this.serially(async () => {
      const held = this.versions.get(name);
      if (!held?.nextPageToken) return unchanged;
      const result = await this.searchVersions(name, this.pageSizes.versions, held.nextPageToken);
      if (!result.ok) {
        if (isBadPageToken(result.failure)) return this.listVersions(name, Math.max(held.items.length, this.pageSizes.versions));
        return this.setVersions(name, { ...held, failure: result.failure });
      }
      return this.setVersions(name, { items: merge(held.items, result.value.items), nextPageToken: result.value.nextPageToken, failure: undefined });
    });
  }

  /**
   * Asks again for everything held: as many models as are loaded, and the versions of every model
   * whose versions are loaded, each from its first page. What did not change is not reported.
   */
  poll(): Promise<CatalogChange> {
    return this.serially(async () => {
      const models = await this.repollModels();
      const versions: string[] = [...models.versions];
      for (const [name, held] of [...this.versions]) {
        if (this.abort.signal.aborted) break;
        // A model the filter or a deletion took away keeps no versions.
        if (!this.modelItems.some((m) => m.name === name)) {
          this.versions.delete(name);
          versions.push(name);
          continue;
        }
        const change = await this.listVersions(name, Math.max(held.items.length, this.pageSizes.versions));
        versions.push(...change.versions);
      }
      return { models: models.models, versions };
    });
  }

  private async repollModels(): Promise<CatalogChange> {
    const wanted = Math.max(this.modelItems.length, this.pageSizes.models);
    const items: RegisteredModel[] = [];
    let token: string | undefined;
    // Pages of up to 1000 until as many rows as were shown are back (or the registry has fewer).
    do {
      const result = await this.searchModels(Math.min(maxPageSize, wanted - items.length), token);
      if (!result.ok) return this.failModels(result.failure);
      items.push(...dedupe(items, result.value.items));
      token = result.value.nextPageToken;
    } while (token !== undefined && items.length < wanted);
    this.loadedOnce = true;
    return this.setModels(items, token);
  }

  private async listVersions(name: string, wanted: number): Promise<CatalogChange> {
    const items: ModelVersion[] = [];
    let token: string | undefined;
    do {
      const result = await this.searchVersions(name, Math.min(maxPageSize, wanted - items.length), token);
      if (!result.ok) {
        const held = this.versions.get(name);
        return this.setVersions(name, { items: held?.items ?? [], nextPageToken: held?.nextPageToken, failure: result.failure });
      }
      items.push(...result.value.items);
      token = result.value.nextPageToken;
    } while (token !== undefined && items.length < wanted);
    return this.setVersions(name, { items: merge([], items), nextPageToken: token, failure: undefined });
  }

  private searchModels(maxResults: number, pageToken: string | undefined): Promise<RegistryResult<Page<RegisteredModel>>> {
    return this.registry.searchRegisteredModels({
      ...(this.filter ? { filter: this.filter } : {}),
      orderBy: ["name ASC"],
      maxResults,
      ...(pageToken ? { pageToken } : {}),
      signal: this.abort.signal,
    });
  }

  private async searchVersions(name: string, maxResults: number, pageToken: string | undefined): Promise<RegistryResult<Page<ModelVersion>>> {
    const result = await this.registry.searchModelVersions({
      filter: nameEqualsFilter(name).filter,
      orderBy: ["version_number DESC"],
      maxResults,
      ...(pageToken ? { pageToken } : {}),
      signal: this.abort.signal,
    });
    // A name with both kinds of quote travels as a LIKE pattern: keep only this model's versions.
    return result.ok ? { ok: true, value: { ...result.value, items: result.value.items.filter((v) => v.name === name) } } : result;
  }

  private failModels(failure: RegistryFailure): CatalogChange {
    const changed = !sameFailure(this.modelsFailureValue, failure);
    this.modelsFailureValue = failure;
    return { models: changed, versions: [] };
  }

  private setModels(items: RegisteredModel[], token: string | undefined): CatalogChange {
    const changed = this.modelsFailureValue !== undefined || token !== this.modelsToken || !sameJson(this.modelItems, items);
    this.modelItems = items;
    this.modelsToken = token;
    this.modelsFailureValue = undefined;
    return { models: changed, versions: [] };
  }

  private setVersions(name: string, next: VersionList): CatalogChange {
    const held = this.versions.get(name);
    this.versions.set(name, next);
    const changed = !held || held.nextPageToken !== next.nextPageToken || !sameFailure(held.failure, next.failure) || !sameJson(held.items, next.items);
    return { models: false, versions: changed ? [name] : [] };
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

const unchanged: CatalogChange = { models: false, versions: [] };

/** MLflow's answer to a page token it cannot read (400 INVALID_PARAMETER_VALUE "Invalid page token"). */
function isBadPageToken(f: RegistryFailure): boolean {
  return f.kind === "api-error" && f.errorCode === "INVALID_PARAMETER_VALUE" && /page token/i.test(f.message);
}

/** Rows of a later page that an earlier one already holds (a model registered between two pages shifts offsets). */
function dedupe(held: readonly RegisteredModel[], page: readonly RegisteredModel[]): RegisteredModel[] {
  const names = new Set(held.map((m) => m.name));
  return page.filter((m) => !names.has(m.name));
}

function merge(held: readonly ModelVersion[], page: readonly ModelVersion[]): ModelVersion[] {
  const byVersion = new Map(held.map((v) => [v.version, v]));
  for (const v of page) byVersion.set(v.version, v);
  return [...byVersion.values()].sort(compareVersionsNewestFirst);
}

function sameFailure(a: RegistryFailure | undefined, b: RegistryFailure | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

/** Registry answers are plain JSON-shaped data; comparing their text is exact and cheap at these sizes. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
