import type * as https from "node:https";
import * as tls from "node:tls";
import type * as z from "zod";
import { retryAfterMs, sendMetricsRequest, type MetricsHttpRequest } from "../metrics/metricsHttp";
import { RequestDeadline } from "../metrics/requestDeadline";
import { TokenCache } from "../metrics/tokenCache";
import {
  compareVersionsNewestFirst,
  type ModelRegistry,
  type ModelStage,
  type ModelVersion,
  type Page,
  type RegisteredModel,
  type RegistryFailure,
  type RegistryFeature,
  type RegistryNote,
  type RegistryResult,
  type SearchOptions,
} from "./modelRegistry";
import {
  DownloadUriResponse,
  EmptyResponse,
  GetLatestVersionsResponse,
  GetRegisteredModelResponse,
  GetRunResponse,
  ModelVersionResponse,
  SearchModelVersionsResponse,
  SearchRegisteredModelsResponse,
  toModelVersion,
  toRegisteredModel,
  toRunSummary,
} from "./mlflowWire";
import { readMlflowResponse } from "./mlflowResponse";
import type { RegistryTarget } from "./registryTarget";
import { degradeFilter, matchesLocally, nameEqualsFilter, type DegradedFilter } from "./searchFilter";

/**
 * The MLflow REST API 2.0 model registry (and Azure ML's MLflow-compatible one) as a
 * ModelRegistry. Transport as MLflow's own client does it (mlflow/utils/rest_utils.py): GET
 * parameters in the query string with repeated keys for lists, every other method a JSON body —
 * DELETE too, since the server reads only GET's query string (mlflow/server/handlers.py
 * `_get_request_message`) — and retries of 408/429/500/502/503/504 with backoff.
 */

export interface MlflowRegistryDeps {
  /** The one HTTP exchange; a test or the bench may wrap it. */
  readonly send?: (request: MetricsHttpRequest) => ReturnType<typeof sendMetricsRequest>;
  /** First backoff step; doubled per retry, plus up to as much again of jitter. 500 ms by default. */
  readonly backoffBaseMs?: number;
  /** One call with all its retries and waits; 30 s by default. */
  readonly totalTimeoutMs?: number;
  /** 32 MiB by default: a page of 1,000 versions with long descriptions fits. */
  readonly maxResponseBytes?: number;
  /** [0, 1), for the jitter. */
  readonly random?: () => number;
}

export const defaultRegistryTimeoutMs = 10_000;
export const defaultRegistryRetries = 3;
export const defaultRegistryTotalTimeoutMs = 30_000;
/** MLflow refuses more for registered models (`SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD`). */
export const maxRegisteredModelsPerPage = 1000;
/** listAllVersions' page: 2,500 versions are 3 requests; the store allows up to 200,000. */
export const defaultVersionsPageSize = 1000;

/** rest_utils' `_TRANSIENT_FAILURE_RESPONSE_CODES`. */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);

type Params = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

interface Call {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  /** After api/2.0/mlflow/. */
  readonly path: string;
  readonly params: Params;
  /** An endpoint some registries lack: a missing endpoint is then `unsupported`, with a note. */
  readonly feature?: RegistryFeature;
}

const noteDetails: Readonly<Record<RegistryFeature, string>> = {
  aliases: "the registry has no alias endpoints (registered-models/alias)",
  "like-search": "the registry refuses LIKE and ILIKE in search filters; those clauses are applied by this client, page by page",
  "tag-search": "the registry refuses tag clauses in search filters; those clauses are applied by this client, page by page",
  stages: "the registry has no stage endpoints",
};

export function createMlflowRegistry(target: RegistryTarget, deps: MlflowRegistryDeps = {}): ModelRegistry {
  const send = deps.send ?? sendMetricsRequest;
  const timeoutMs = target.timeoutMs ?? defaultRegistryTimeoutMs;
  const retries = Math.max(0, target.retries ?? defaultRegistryRetries);
  const totalTimeoutMs = deps.totalTimeoutMs ?? defaultRegistryTotalTimeoutMs;
  const backoffBaseMs = deps.backoffBaseMs ?? 500;
  const maxResponseBytes = deps.maxResponseBytes ?? 32 * 1024 * 1024;
  const random = deps.random ?? Math.random;
  const apiBase = new URL("api/2.0/mlflow/", target.restBase);
  const tlsOptions: https.RequestOptions = {
    ...(target.ca === undefined ? {} : { ca: [...tls.rootCertificates, target.ca] }),
    ...(target.insecureTls ? { rejectUnauthorized: false } : {}),
  };
  const auth = target.auth;
  const tokens = auth.kind === "azure" ? new TokenCache(auth.credential, auth.scope) : undefined;
  const fixedAuthorization =
    auth.kind === "basic" ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` : auth.kind === "bearer" ? `Bearer ${auth.token}` : undefined;
  /** Secrets sent, kept out of every failure: a proxy or debug page may echo the request. */
  const secrets = new Set<string>();
  if (auth.kind === "basic") secrets.add(auth.password);
  if (fixedAuthorization !== undefined) secrets.add(fixedAuthorization.slice(fixedAuthorization.indexOf(" ") + 1));
  const notes = new Map<RegistryFeature, RegistryNote>();

  const note = (feature: RegistryFeature): void => {
    if (!notes.has(feature)) notes.set(feature, { feature, detail: noteDetails[feature] });
  };

  async function authorization(): Promise<{ ok: true; value?: string } | { ok: false; detail: string }> {
    if (tokens === undefined) return { ok: true, ...(fixedAuthorization === undefined ? {} : { value: fixedAuthorization }) };
    const got = await tokens.get();
    if (!got.ok) return got;
    // Tokens rotate hourly; only the last few are worth scrubbing for.
    secrets.add(got.token);
    if (secrets.size > 8) secrets.delete(secrets.values().next().value!);
    return { ok: true, value: `Bearer ${got.token}` };
  }

  function scrub(failure: RegistryFailure): RegistryFailure {
    const known = [...secrets].filter((s) => s.length >= 4);
    if (known.length === 0) return failure;
    const clean = (text: string): string => known.reduce((t, secret) => t.split(secret).join("***"), text);
    return Object.fromEntries(Object.entries(failure).map(([k, v]) => [k, typeof v === "string" ? clean(v) : v])) as RegistryFailure;
  }

  function request(call: Call, authorizationValue: string | undefined, signal: AbortSignal): MetricsHttpRequest {
    const url = new URL(call.path, apiBase);
    const headers: Record<string, string> = { Accept: "application/json", "Accept-Encoding": "gzip", "User-Agent": "ai-platform-ops" };
    if (authorizationValue !== undefined) headers.Authorization = authorizationValue;
    let body: Buffer | undefined;
    if (call.method === "GET") {
      for (const [key, value] of Object.entries(call.params)) {
        if (value === undefined) continue;
        // Repeated keys for a list, as requests encodes one: querystring_parser turns them back into a list.
        if (Array.isArray(value)) for (const item of value as readonly string[]) url.searchParams.append(key, item);
        else url.searchParams.append(key, String(value));
      }
    } else {
      const json = Object.fromEntries(Object.entries(call.params).filter(([, v]) => v !== undefined));
      body = Buffer.from(JSON.stringify(json), "utf8");
      // Without it the server answers 400 "Content-Type must be one of [application/json]".
      headers["Content-Type"] = "application/json";
    }
    return { method: call.method, url, headers, ...(body === undefined ? {} : { body }), tls: tlsOptions, maxResponseBytes, signal };
  }

  /** One call with the per-attempt timeout, the total deadline and the retries. */
  async function exchange<S extends z.ZodType>(call: Call, schema: S, signal: AbortSignal | undefined): Promise<RegistryResult<z.output<S>>> {
    const total = new RequestDeadline(totalTimeoutMs, signal);
    const started = Date.now();
    const fail = (failure: RegistryFailure): RegistryResult<never> => ({ ok: false, failure: scrub(failure) });
    const stopped = (): RegistryResult<never> => (total.timedOut ? fail({ kind: "timeout", afterMs: totalTimeoutMs }) : fail({ kind: "aborted" }));
    /** false when the deadline or the caller stopped the wait, or the wait would outlast the deadline. */
    const wait = async (ms: number): Promise<boolean | "too-long"> => {
      if (Date.now() - started + ms >= totalTimeoutMs) return "too-long";
      return total.sleep(ms);
    };
    try {
      for (let attempt = 0; ; attempt++) {
        const authorized = await total.race(authorization());
        if (total.signal.aborted) return stopped();
        if (!authorized.ok) return fail({ kind: "unauthorized", status: 401, message: authorized.detail });
        const perAttempt = new RequestDeadline(timeoutMs, total.signal);
        let outcome: Awaited<ReturnType<typeof send>>;
        try {
          outcome = await send(request(call, authorized.value, perAttempt.signal));
        } finally {
          perAttempt.dispose();
        }
        const retriesLeft = attempt < retries;
        const backoff = backoffBaseMs * 2 ** attempt + random() * backoffBaseMs * 2 ** attempt;
        if (!outcome.ok) {
          const failure = outcome.failure;
          if (failure.kind === "aborted") {
            if (total.signal.aborted) return stopped();
            // A server slower than the per-attempt timeout is not asked again: it is busy, and
            // the caller (the tree polls every minute) will ask again anyway.
            return fail({ kind: "timeout", afterMs: timeoutMs });
          }
          if (failure.kind === "unreachable" && retriesLeft && transientConnectionFailure(failure.detail)) {
            const waited = await wait(backoff);
            if (waited === true) continue;
            if (waited === false) return stopped();
          }
          return fail(failure);
        }
        const { status, headers, body } = outcome.response;
        if (status === 401) tokens?.forget();
        if (retryableStatuses.has(status) && retriesLeft) {
          const waited = await wait(retryAfterMs(headers["retry-after"]) ?? backoff);
          if (waited === true) continue;
          if (waited === false) return stopped();
        }
        const read = readMlflowResponse(status, body, schema, call.feature);
        if (!read.ok && read.failure.kind === "unsupported") note(read.failure.feature);
        return read.ok ? read : fail(read.failure);
      }
    } finally {
      total.dispose();
    }
  }

  /**
   * A search, degraded on Azure ML: a filter the registry refuses (LIKE/ILIKE, tags) is sent
   * without those clauses and they are applied here. Only for azureml: a real MLflow's 400 is
   * the user's filter being wrong, and saying so beats guessing.
   */
  async function search<T extends RegisteredModel | ModelVersion, S extends z.ZodType>(
    path: string,
    options: SearchOptions,
    maxResults: number | undefined,
    schema: S,
    items: (response: z.output<S>) => { readonly items: readonly T[]; readonly nextPageToken?: string },
  ): Promise<RegistryResult<Page<T>>> {
    const lacking = new Set(notes.keys());
    let degraded: DegradedFilter | undefined = degradeFilter(options.filter, lacking);
    const ask = (filter: string | undefined): Promise<RegistryResult<z.output<S>>> =>
      exchange({ method: "GET", path, params: { filter, max_results: maxResults, order_by: options.orderBy, page_token: options.pageToken } }, schema, options.signal);
    let result = await ask(degraded ? degraded.serverFilter : options.filter);
    if (!result.ok && target.kind === "azureml" && degraded === undefined && refusedFilter(result.failure)) {
      degraded = degradeFilter(options.filter, new Set<RegistryFeature>(["like-search", "tag-search"]));
      if (degraded !== undefined) {
        const again = await ask(degraded.serverFilter);
        // Only a search that works without those clauses proves they were the problem.
        if (again.ok) degraded.features.forEach(note);
        result = again;
      }
    }
    if (!result.ok) return result;
    const page = items(result.value);
    const local = degraded?.local;
    const kept = local ? page.items.filter((item) => matchesLocally(item, local)) : page.items;
    return { ok: true, value: { items: kept, ...(page.nextPageToken === undefined ? {} : { nextPageToken: page.nextPageToken }) } };
  }

  const empty = (result: RegistryResult<unknown>): RegistryResult<void> => (result.ok ? { ok: true, value: undefined } : result);
  const mapped = <A, B>(result: RegistryResult<A>, f: (a: A) => B): RegistryResult<B> => (result.ok ? { ok: true, value: f(result.value) } : result);

  const registry: ModelRegistry = {
    kind: target.kind,
    displayUrl: target.displayUrl,
    notes: () => [...notes.values()],

    searchRegisteredModels(options = {}) {
      const max = options.maxResults === undefined ? undefined : Math.min(Math.max(1, Math.floor(options.maxResults)), maxRegisteredModelsPerPage);
      return search("registered-models/search", options, max, SearchRegisteredModelsResponse, (r) => ({
        items: r.registered_models.map(toRegisteredModel),
        ...(r.next_page_token === undefined ? {} : { nextPageToken: r.next_page_token }),
      }));
    },

    async getRegisteredModel(name, signal) {
      const r = await exchange({ method: "GET", path: "registered-models/get", params: { name } }, GetRegisteredModelResponse, signal);
      return mapped(r, (v) => toRegisteredModel(v.registered_model));
    },

    searchModelVersions(options = {}) {
      const max = options.maxResults === undefined ? undefined : Math.max(1, Math.floor(options.maxResults));
      return search("model-versions/search", options, max, SearchModelVersionsResponse, (r) => ({
        items: r.model_versions.map(toModelVersion),
        ...(r.next_page_token === undefined ? {} : { nextPageToken: r.next_page_token }),
      }));
    },

    async getModelVersion(name, version, signal) {
      const r = await exchange({ method: "GET", path: "model-versions/get", params: { name, version } }, ModelVersionResponse, signal);
      return mapped(r, (v) => toModelVersion(v.model_version));
    },

    async getModelVersionByAlias(name, alias, signal) {
      const r = await exchange({ method: "GET", path: "registered-models/alias", params: { name, alias }, feature: "aliases" }, ModelVersionResponse, signal);
      return mapped(r, (v) => toModelVersion(v.model_version));
    },

    async getDownloadUri(name, version, signal) {
      const r = await exchange({ method: "GET", path: "model-versions/get-download-uri", params: { name, version } }, DownloadUriResponse, signal);
      return mapped(r, (v) => v.artifact_uri);
    },

    async getLatestVersions(name, stages, signal) {
      const params = { name, stages: stages === undefined ? undefined : [...stages] };
      const path = "registered-models/get-latest-versions";
      let r = await exchange({ method: "POST", path, params }, GetLatestVersionsResponse, signal);
      // MLflow's client tries POST, then GET (rest_store `call_endpoints`); a gateway may allow only one.
      if (!r.ok && (r.failure.kind === "bad-response" || r.failure.kind === "api-error") && (r.failure.status === 405 || (r.failure.status === 404 && !isMlflowNotFound(r.failure)))) {
        r = await exchange({ method: "GET", path, params }, GetLatestVersionsResponse, signal);
      }
      return mapped(r, (v) => v.model_versions.map(toModelVersion));
    },

    async setAlias(name, alias, version, signal) {
      return empty(await exchange({ method: "POST", path: "registered-models/alias", params: { name, alias, version }, feature: "aliases" }, EmptyResponse, signal));
    },

    async deleteAlias(name, alias, signal) {
      return empty(await exchange({ method: "DELETE", path: "registered-models/alias", params: { name, alias }, feature: "aliases" }, EmptyResponse, signal));
    },

    async setVersionTag(name, version, tag, signal) {
      return empty(await exchange({ method: "POST", path: "model-versions/set-tag", params: { name, version, key: tag.key, value: tag.value } }, EmptyResponse, signal));
    },

    async deleteVersionTag(name, version, key, signal) {
      return empty(await exchange({ method: "DELETE", path: "model-versions/delete-tag", params: { name, version, key } }, EmptyResponse, signal));
    },

    async setModelTag(name, tag, signal) {
      return empty(await exchange({ method: "POST", path: "registered-models/set-tag", params: { name, key: tag.key, value: tag.value } }, EmptyResponse, signal));
    },

    async transitionStage(name, version, stage: ModelStage, archiveExisting, signal) {
      const r = await exchange(
        { method: "POST", path: "model-versions/transition-stage", params: { name, version, stage, archive_existing_versions: archiveExisting }, feature: "stages" },
        ModelVersionResponse,
        signal,
      );
      return mapped(r, (v) => toModelVersion(v.model_version));
    },

    async getRun(runId, signal) {
      // The tracking API of the same server: what Compare with Serving shows beside a version.
      const r = await exchange({ method: "GET", path: "runs/get", params: { run_id: runId } }, GetRunResponse, signal);
      return mapped(r, (v) => toRunSummary(runId, v));
    },

    async listAllVersions(name, options = {}) {
      const { filter, exact } = nameEqualsFilter(name);
      const pageSize = Math.max(1, Math.floor(options.pageSize ?? defaultVersionsPageSize));
      // Offset tokens shift when a version is registered between pages (newest first puts it on
      // page one), so the page boundary can repeat a version: keep the first of each.
      const byVersion = new Map<string, ModelVersion>();
      const seenTokens = new Set<string>();
      let pageToken: string | undefined;
      for (;;) {
        const page = await registry.searchModelVersions({ filter, orderBy: ["version_number DESC"], maxResults: pageSize, pageToken, signal: options.signal });
        if (!page.ok) return page;
        const fresh = page.value.items.filter((v) => (exact || v.name === name) && !byVersion.has(v.version));
        for (const v of fresh) byVersion.set(v.version, v);
        options.onPage?.(fresh);
        pageToken = page.value.nextPageToken;
        if (pageToken === undefined) break;
        if (seenTokens.has(pageToken)) return { ok: false, failure: { kind: "bad-response", status: 200, detail: "the registry returned the same page token twice; stopped paging" } };
        seenTokens.add(pageToken);
      }
      // A registry that ignores order_by still yields newest first.
      return { ok: true, value: [...byVersion.values()].sort(compareVersionsNewestFirst) };
    },
  };
  return registry;
}

function isMlflowNotFound(failure: RegistryFailure): boolean {
  return failure.kind === "api-error" && (failure.errorCode === "RESOURCE_DOES_NOT_EXIST" || failure.errorCode === "NOT_FOUND");
}

/** A search refused for its filter: what Azure ML answers to LIKE or a tag clause. */
function refusedFilter(failure: RegistryFailure): boolean {
  if (failure.kind === "unsupported") return true;
  if (failure.kind !== "api-error" && failure.kind !== "bad-response") return false;
  return failure.status === 400 || failure.status === 404 || failure.status === 501;
}

/** Connection refused or dropped is worth another try; a certificate or DNS name that is wrong is not. */
function transientConnectionFailure(detail: string): boolean {
  if (/certificate|self[- ]signed|SSL|TLS|ENOTFOUND|unable to verify|ERR_INVALID/i.test(detail)) return false;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|socket hang up|dropped|connection reset/i.test(detail);
}
