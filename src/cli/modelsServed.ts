import type { CoreV1Event, KubeConfig, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { KubeApiError } from "../core/kube/client/kubeRequest";
import { collectionPath, ResourceTypes, type ResourceType } from "../core/kube/client/resourceTypes";
import { InferenceService } from "../core/kube/objects/inferenceService";
import { WorkloadIndex } from "../core/kube/workloads/workloadIndex";
import { listAll } from "../core/policy/clusterCapacity";
import { allPages } from "../core/registry/allPages";
import type { ArtifactRoots } from "../core/registry/artifactRoots";
import { carriesCriterion, type ApprovalCriterion } from "../core/registry/modelApproval";
import { formatModelUri } from "../core/registry/modelReference";
import type { ModelRegistry, ModelVersion, RegisteredModel, RegistryResult } from "../core/registry/modelRegistry";
import { scanRegistry } from "../core/registry/registryScan";
import { servingReferences, versionKey, type RegistrySnapshot, type ServedBy, type ServingWorkload, type VersionKey } from "../core/registry/servedBy";
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
  readonly snapshot: RegistrySnapshot;
  readonly versions: ReadonlyMap<VersionKey, ModelVersion>;
}

/**
 * The whole registry once, as the Models view reads it (core's scanRegistry): every model and
 * every version, and download URIs through the artifact roots for a storageUri no source names.
 * The scans start once the cluster's workloads are read: an alias they name is the probe for
 * registries without aliases, and an unmatched storageUri is what asks for download URIs.
 */
export async function readRegistry(registry: ModelRegistry, serving: Promise<Listed<ServingWorkload[]>>, roots: ArtifactRoots, signal: AbortSignal | undefined): Promise<RegistryResult<RegistryRead>> {
  const workloads = await serving;
  const scan = await scanRegistry(registry, workloads.ok ? workloads.value : [], { roots, ...(signal ? { signal } : {}) });
  return scan.ok ? { ok: true, value: { snapshot: scan.value.snapshot, versions: scan.value.versions } } : scan;
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

