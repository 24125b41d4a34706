/**
 * Which service a manifest is, and which manifest a cluster workload was deployed from: the
 * names the drift dashboard, its history folder and its row actions agree on. Pure, so the
 * matching is tested without VS Code.
 */
import { serviceLabel } from "../../core/kube/workloads/inferenceWorkload";
import type { ServiceManifest } from "../../core/manifest/serviceManifest";

/** A parsed aiplatform.yaml in the workspace. */
export interface WorkspaceManifest {
  /** Absolute path of the file. */
  readonly file: string;
  readonly manifest: ServiceManifest;
}

/**
 * The service's name in drift results and their history (`.aiplatform/drift/<name>/`): the
 * manifest's name, as `aiplat drift --manifest … --save` names it, so a check from the editor and
 * one from a terminal in the workspace folder land in the same history.
 */
export function driftServiceOf(manifest: ServiceManifest): string {
  return manifest.name;
}

/** A Deployments row reduced to what matching reads. */
export interface WorkloadOfRow {
  readonly context: string | undefined;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/**
 * The manifests a workload may have been deployed from: named as the workload's service label
 * (what our renderer sets) or as the workload, with an environment deploying to its namespace.
 * Environments whose context is the selected one come first; when none is, a namespace match
 * still counts, since kubeconfig context names differ from machine to machine.
 */
export function manifestsForWorkload<M extends WorkspaceManifest>(manifests: readonly M[], w: WorkloadOfRow): M[] {
  const names = new Set([w.labels?.[serviceLabel], w.labels?.["app.kubernetes.io/name"], w.name].filter((n): n is string => n !== undefined));
  const deploysHere = (m: M, sameContext: boolean): boolean =>
    Object.values(m.manifest.environments).some((e) => (e.namespace === w.namespace || (e.allowedNamespaces ?? []).includes(w.namespace)) && (!sameContext || e.context === w.context));
  const named = manifests.filter((m) => names.has(m.manifest.name));
  const inContext = named.filter((m) => deploysHere(m, true));
  return inContext.length > 0 ? inContext : named.filter((m) => deploysHere(m, false));
}
