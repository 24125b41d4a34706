import type { Actor, AuditEntry, AuditOutcome } from "../audit/auditRecord";

/**
 * The audit record of an alias move. A registry change is audited like a cluster change, in the
 * same hash-chained log: the registry's URL stands where a cluster's server URL would, the
 * alias is the object, and the versions before and after are the revisions.
 */
export interface AliasChange {
  readonly actor: Actor;
  /** The registry's display URL (never with credentials). */
  readonly registryUrl: string;
  /** The kube context the registry is configured for. */
  readonly context: string;
  readonly model: string;
  readonly alias: string;
  /** The version the alias pointed at before; undefined when it was not set. */
  readonly before: string | undefined;
  readonly after: string;
  readonly reason?: string | undefined;
  readonly outcome: AuditOutcome;
  readonly detail?: string | undefined;
}

export const aliasAuditObject = (model: string, alias: string) => ({ apiVersion: "mlflow/2.0", kind: "RegisteredModelAlias", name: `${model}@${alias}` }) as const;

export function aliasAuditEntry(c: AliasChange): AuditEntry {
  return {
    actor: c.actor,
    cluster: c.registryUrl,
    context: c.context,
    object: aliasAuditObject(c.model, c.alias),
    action: "set-alias",
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.before !== undefined ? { revisionBefore: c.before } : {}),
    revisionAfter: c.after,
    outcome: c.outcome,
    // The log's detail holds at most 2000 characters; a registry's message can be longer.
    ...(c.detail ? { detail: c.detail.slice(0, 2000) } : {}),
  };
}
