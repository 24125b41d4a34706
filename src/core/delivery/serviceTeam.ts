import type { ServiceManifest } from "../manifest/serviceManifest";
import type { DeliveryServiceRef, TeamOrigin } from "../../shared/protocol/delivery";

/** The namespace labels that name a team, in the order they are read. */
export const teamLabelKeys = ["team", "ai-platform/team"] as const;

export const unassignedTeam = "unassigned";

export interface TeamSources {
  /** Each namespace's labels, per context (the cluster that was read). */
  readonly namespaceLabels: readonly { readonly context: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }[];
  /** The `owner` of each service manifest, for the namespace and name its workload renders to. */
  readonly manifestOwners: readonly { readonly namespace: string; readonly name: string; readonly owner: string }[];
}

/**
 * A service's team: its namespace's `team` (else `ai-platform/team`) label, else its manifest's
 * owner, else "unassigned". The namespace wins because it is what the cluster's RBAC and cost
 * reports are organised by; the manifest owner is often a person rather than a team.
 */
export function serviceTeam(service: DeliveryServiceRef, sources: TeamSources): { readonly team: string; readonly origin: TeamOrigin } {
  const ns = sources.namespaceLabels.find((n) => n.context === service.context && n.namespace === service.namespace);
  for (const key of teamLabelKeys) {
    const value = ns?.labels[key]?.trim();
    if (value) return { team: value, origin: "namespace-label" };
  }
  const owner = sources.manifestOwners.find((m) => m.namespace === service.namespace && m.name === service.name)?.owner.trim();
  if (owner) return { team: owner, origin: "manifest-owner" };
  return { team: unassignedTeam, origin: "unassigned" };
}

/** A manifest's owner for each environment's workload: every object is named after the service, in the environment's namespace. */
export function manifestOwnersOf(manifest: ServiceManifest): TeamSources["manifestOwners"] {
  const owner = manifest.owner?.trim();
  if (!owner) return [];
  return Object.values(manifest.environments).map((env) => ({ namespace: env.namespace, name: manifest.name, owner }));
}
