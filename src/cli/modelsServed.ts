import type { CoreV1Event, KubeConfig, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { KubeApiError } from "../core/kube/client/kubeRequest";
import { collectionPath, ResourceTypes, type ResourceType } from "../core/kube/client/resourceTypes";
import { InferenceService } from "../core/kube/objects/inferenceService";
import { WorkloadIndex } from "../core/kube/workloads/workloadIndex";
import { listAll } from "../core/policy/clusterCapacity";
import { allPages } from "../core/registry/allPages";
import { carriesCriterion, type ApprovalCriterion } from "../core/registry/modelApproval";
import { formatModelUri } from "../core/registry/modelReference";
import type { ModelRegistry, ModelVersion, RegisteredModel, RegistryResult } from "../core/registry/modelRegistry";
import { RegistrySnapshotBuilder, servingReferences, versionKey, type ServedBy, type ServingWorkload, type VersionKey } from "../core/registry/servedBy";
import type { ServedRow } from "./modelsOutput";

/**
 * The one-shot form of what the Models tree keeps live: the cluster's serving workloads read
 * once into a WorkloadIndex (the same index the editor's ClusterModel holds), the registry read
 * once into a RegistrySnapshot, and served-by resolved between them by core's servedBy.
 */

export type Listed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** What `aiplat models served` needs of the cluster: workloads and what their health is made of. */
export async function readServingWorkloads(kc: KubeConfig, context: string, namespace: string | undefined, signal: AbortSignal | undefined): Promise<Listed<ServingWorkload[]>> {
  const list = <T>(type: ResourceType): Promise<T[]> => listAll<T>(kc, collectionPath(type, namespace), signal);
  try {
    const [deployments, replicaSets, pods, events, inferenceServices] = await Promise.all([
      list<V1Deployment>(ResourceTypes.deployments),
      list<V1ReplicaSet>(ResourceTypes.replicaSets),
      list<V1Pod>(ResourceTypes.pods),
      // Events sharpen health (FailedCreate, FailedScheduling) as in the Deployments tree; without the right to list them, health is judged without.
      list<CoreV1Event>(ResourceTypes.events).catch((e: unknown) => {
        if (e instanceof KubeApiError && e.statusCode === 403) return [];
        throw e;
      }),
      // A cluster without KServe answers 404 for the collection: it simply has no InferenceServices.
      list<unknown>(ResourceTypes.inferenceServices).catch((e: unknown) => {
        if (e instanceof KubeApiError && e.statusCode === 404) return [];
        throw e;
      }),
    ]);
    const index = new WorkloadIndex({ showAllDeployments: false });
    const added = <T>(objects: readonly T[]) => objects.map((object) => ({ type: "added" as const, object }));
    index.applyInferenceServices(added(inferenceServices.flatMap((raw) => {
      const parsed = InferenceService.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    })));
    index.applyDeployments(added(deployments));
    index.applyReplicaSets(added(replicaSets));
    index.applyPods(added(pods));
    index.applyEvents(added(events));
    return { ok: true, value: servingReferences(index) };
  } catch (e) {
    const where = namespace === undefined ? `all namespaces of ${context}` : `namespace ${namespace} of ${context}`;
    if (e instanceof KubeApiError && (e.statusCode === 401 || e.statusCode === 403)) {
      return { ok: false, message: `may not list Deployments, ReplicaSets, pods and InferenceServices in ${where} (${e.message}); ask for the 'view' role${namespace === undefined ? ", or pass --namespace" : ""}` };
    }
    return { ok: false, message: `cannot read the workloads in ${where}: ${e instanceof Error ? e.message : String(e)}` };
  }
}


/** MLflow's cap on a registered-models page (handlers.py refuses more than 1000). */
const pageSize = 1000;

export function listRegisteredModels(registry: ModelRegistry, filter: string | undefined, signal: AbortSignal | undefined): Promise<RegistryResult<RegisteredModel[]>> {
  return allPages((o) => registry.searchRegisteredModels(o), { maxResults: pageSize, orderBy: ["name ASC"], ...(filter !== undefined ? { filter } : {}), ...(signal ? { signal } : {}) });
}

export interface RegistryRead {
  readonly snapshot: ReturnType<RegistrySnapshotBuilder["snapshot"]>;
  readonly versions: ReadonlyMap<VersionKey, ModelVersion>;
}

/**
 * Aliases are judged only where the registry has them: Azure ML and MLflow before 2.3 have no
 * alias endpoints, and there an alias reference is neither served nor a finding. The scans do not
 * touch those endpoints, so one alias a workload names is asked for (the client notes "aliases"
 * when the endpoint is missing).
 */
async function registryHasAliases(registry: ModelRegistry, serving: readonly ServingWorkload[], signal: AbortSignal | undefined): Promise<boolean> {
  const probe = serving.find((w) => w.reference?.kind === "alias")?.reference;
  if (probe?.kind === "alias" && !registry.notes().some((n) => n.feature === "aliases")) {
    const answer = await registry.getModelVersionByAlias(probe.name, probe.alias, signal);
    if (!answer.ok && answer.failure.kind === "unsupported") return false;
  }
  return !registry.notes().some((n) => n.feature === "aliases");
}

/**
 * The whole registry once: every model (aliases, latest per stage) and every version (their
 * sources are what a KServe storageUri is matched against). Two paged scans rather than one call
 * per model: a registry of 500 models × 20 versions is 11 requests. `serving` is what the cluster
 * runs, read at the same time.
 */
export async function readRegistry(registry: ModelRegistry, serving: Promise<Listed<ServingWorkload[]>>, signal: AbortSignal | undefined): Promise<RegistryResult<RegistryRead>> {
  const [models, versions, workloads] = await Promise.all([
    listRegisteredModels(registry, undefined, signal),
    allPages((o) => registry.searchModelVersions(o), { maxResults: pageSize, ...(signal ? { signal } : {}) }),
    serving,
  ]);
  if (!models.ok) return models;
  if (!versions.ok) return versions;
  const builder = new RegistrySnapshotBuilder();
  builder.addModels(models.value, { aliasesSupported: await registryHasAliases(registry, workloads.ok ? workloads.value : [], signal) });
  const byName = new Map<string, ModelVersion[]>();
  const byKey = new Map<VersionKey, ModelVersion>();
  for (const v of versions.value) {
    // Offset page tokens shift when a version is registered mid-scan: keep the first of a repeat.
    const key = versionKey(v.name, v.version);
    if (byKey.has(key)) continue;
    byKey.set(key, v);
    const list = byName.get(v.name);
    if (list) list.push(v);
    else byName.set(v.name, [v]);
  }
  // An unfiltered scan saw every version, so each model's list is complete: a version it lacks is not there.
  for (const m of models.value) builder.addVersions(m.name, byName.get(m.name) ?? [], { complete: true });
  return { ok: true, value: { snapshot: builder.snapshot(), versions: byKey } };
}

/** Any one criterion approves, as the model-approved rule judges (modelApproval.ts). */
export function describeApproval(criteria: readonly ApprovalCriterion[]): string {
  return criteria.map((c) => (c.kind === "alias" ? `alias ${c.alias}` : c.kind === "stage" ? `stage ${c.stage}` : `tag ${c.key}=${c.value}`)).join(" or ");
}

/** One row per serving workload, sorted by namespace and name, as `aiplat models served` prints them. */
export function servedRows(serving: readonly ServingWorkload[], served: ServedBy, versions: ReadonlyMap<VersionKey, ModelVersion>, criteria: readonly ApprovalCriterion[]): ServedRow[] {
  return [...serving]
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind))
    .map((w): ServedRow => {
      const resolution = served.byWorkload.get(w.id) ?? { kind: "unknown" };
      const ref = w.reference;
      const base = {
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        health: w.health,
        reference: ref ? formatModelUri(ref) : (w.storageUri ?? null),
        via: w.via ?? null,
        alias: ref?.kind === "alias" ? ref.alias : null,
      };
      switch (resolution.kind) {
        case "resolved": {
          const v = versions.get(versionKey(resolution.name, resolution.version));
          return { ...base, model: resolution.name, version: resolution.version, inRegistry: true, missing: null, approved: v ? criteria.some((c) => carriesCriterion(v, c)) : null };
        }
        case "unregistered":
          return { ...base, model: "name" in resolution.reason ? resolution.reason.name : null, version: resolution.reason.kind === "no-such-version" ? resolution.reason.version : null, inRegistry: false, missing: resolution.reason, approved: null };
        case "unjudged":
          return { ...base, model: resolution.name, version: null, inRegistry: null, missing: null, approved: null };
        case "unknown":
          return { ...base, model: null, version: null, inRegistry: null, missing: null, approved: null };
      }
    });
}

