import * as os from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import { anchorAnnotations, anchorMessageSuffix, type AuditAnchor } from "../../audit/auditAnchor";
import { type Actor, type AuditAction, type AuditOutcome } from "../../audit/auditRecord";
import { type ActionError, type ActionResult, classifyActionError } from "./clusterActions";
import { requestJson } from "../client/kubeRequest";
import { collectionPath, type ResourceType, ResourceTypes } from "../client/resourceTypes";

/**
 * The cluster's own copy of a change record, beside the local audit log: annotations on the
 * object (what `kubectl rollout history` and `kubectl describe` show) and an Event (what
 * `kubectl get events` shows), so whoever looks at the cluster sees who changed it and why.
 */

export const reportingComponent = "ai-platform-ops";

export interface ChangeTarget {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped objects such as Nodes. */
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
}

export interface ChangeFacts {
  readonly action: AuditAction;
  readonly reason?: string;
  readonly actor: Actor;
  readonly revisionAfter?: string;
  readonly outcome: AuditOutcome;
}

export const changeAnnotationKeys = {
  changeCause: "kubernetes.io/change-cause",
  lastAction: "aiplatform.dev/last-action",
  lastActor: "aiplatform.dev/last-actor",
  lastReason: "aiplatform.dev/last-reason",
  lastChangeAt: "aiplatform.dev/last-change-at",
} as const;

/**
 * Only actions that make a new revision set change-cause: the deployment controller copies the
 * Deployment's annotations onto its current ReplicaSet, so a scale that set it would rewrite
 * the cause `kubectl rollout history` shows for a revision the scale did not make.
 */
const revisionActions: ReadonlySet<AuditAction> = new Set<AuditAction>(["deploy", "rollback", "restart", "promote"]);

const verbs: Record<AuditAction, { readonly base: string; readonly past: string }> = {
  deploy: { base: "deploy", past: "deployed" },
  rollback: { base: "roll back", past: "rolled back" },
  scale: { base: "scale", past: "scaled" },
  restart: { base: "restart", past: "restarted" },
  cordon: { base: "cordon", past: "cordoned" },
  uncordon: { base: "uncordon", past: "uncordoned" },
  promote: { base: "promote", past: "promoted" },
  approve: { base: "approve", past: "approved" },
  "set-alias": { base: "set the alias of", past: "set the alias of" },
  "canary-step": { base: "advance the canary of", past: "advanced the canary of" },
  scaffold: { base: "scaffold", past: "scaffolded" },
};

/** The limits the API server enforces on core/v1 Events that carry an eventTime (legacyValidateEvent). */
const eventLimits = { message: 1024, reason: 128, action: 128, reportingInstance: 128 } as const;
const annotationReasonLimit = 1024;

/**
 * The annotations for a successful change. Callers that already send a patch or apply for the
 * change itself (deploy, rollback, restart) should put these into it, so they land in the same
 * write and the new ReplicaSet inherits the change-cause; the others use recordChangeOnObject.
 */
export function changeAnnotations(change: ChangeFacts, now: Date): Record<string, string> {
  const reason = truncateBytes(change.reason?.trim() ?? "", annotationReasonLimit);
  const annotations: Record<string, string> = {
    [changeAnnotationKeys.lastAction]: change.action,
    [changeAnnotationKeys.lastActor]: who(change.actor),
    // Empty rather than absent, so a reason from an earlier change does not look like this one's.
    [changeAnnotationKeys.lastReason]: reason,
    [changeAnnotationKeys.lastChangeAt]: seconds(now),
  };
  if (revisionActions.has(change.action)) {
    const revision = change.revisionAfter ? ` to revision ${change.revisionAfter}` : "";
    annotations[changeAnnotationKeys.changeCause] = `aiplat ${change.action}${revision}${reason ? `: ${reason}` : ""} (by ${change.actor.kubeUser})`;
  }
  return annotations;
}

/**
 * A core/v1 Event about the change, in the object's namespace (`default` for cluster-scoped objects, as kubectl does).
 * With the audit record's anchor, the Event carries it in its annotations and at the end of its message.
 */
export function changeEvent(target: ChangeTarget, change: ChangeFacts, now: Date, instance: string = os.hostname(), anchor?: AuditAnchor): Record<string, unknown> {
  const action = pascal(change.action);
  const object = `${target.kind} ${target.namespace ? `${target.namespace}/` : ""}${target.name}`;
  const revision = change.revisionAfter ? ` (revision ${change.revisionAfter})` : "";
  const verb = verbs[change.action];
  const what = change.outcome === "succeeded" ? `${who(change.actor)} ${verb.past} ${object}${revision}` : `${who(change.actor)} tried to ${verb.base} ${object}${revision}: ${change.outcome}`;
  const reason = change.reason?.trim();
  const suffix = anchor ? anchorMessageSuffix(anchor) : "";
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${target.name}.`, namespace: eventNamespace(target), ...(anchor ? { annotations: anchorAnnotations(anchor) } : {}) },
    involvedObject: {
      apiVersion: target.apiVersion,
      kind: target.kind,
      name: target.name,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.uid ? { uid: target.uid } : {}),
    },
    reason: truncateBytes(`AiPlatform${action}`, eventLimits.reason),
    // The reason is cut, never the anchor after it.
    message: `${truncateBytes(reason ? `${what}. Reason: ${reason}` : what, eventLimits.message - Buffer.byteLength(suffix, "utf8"))}${suffix}`,
    type: change.outcome === "failed" ? "Warning" : "Normal",
    source: { component: reportingComponent },
    reportingComponent,
    reportingInstance: truncateBytes(`${reportingComponent}@${instance}`, eventLimits.reportingInstance),
    action: truncateBytes(action, eventLimits.action),
    firstTimestamp: seconds(now),
    lastTimestamp: seconds(now),
    eventTime: micro(now),
    count: 1,
  };
}

export type ChangeEventResult = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly error: ActionError };

export interface ChangeRecordResult {
  /**
   * Skipped for outcomes other than succeeded (the object did not change), or when the caller already applied them
   * and there is no audit anchor to add.
   */
  readonly annotations: ActionResult | { readonly ok: true; readonly skipped: string };
  readonly event: ChangeEventResult;
}

/**
 * Annotates the object and posts the Event. Each part can fail on its own (an RBAC role that may
 * patch deployments but not create events is common); neither failure undoes the change itself,
 * so both come back as values for the caller to log.
 */
export async function recordChangeOnObject(
  kc: KubeConfig,
  target: ChangeTarget,
  change: ChangeFacts,
  options: { readonly signal?: AbortSignal; readonly now?: Date; readonly annotationsApplied?: boolean; readonly anchor?: AuditAnchor | undefined } = {},
): Promise<ChangeRecordResult> {
  const now = options.now ?? new Date();
  if (resourceTypeOf(target)?.namespaced && !target.namespace) {
    const error: ActionError = { kind: "invalid", message: `${target.kind} ${target.name} needs a namespace` };
    return { annotations: { ok: false, error }, event: { ok: false, error } };
  }
  const signal = options.signal ? { signal: options.signal } : {};
  const annotate = async (): Promise<ChangeRecordResult["annotations"]> => {
    if (change.outcome !== "succeeded") return { ok: true, skipped: `the ${change.action} ${change.outcome}, so the object did not change` };
    const anchor = options.anchor && anchorsOnObject(target) ? options.anchor : undefined;
    if (options.annotationsApplied && !anchor) return { ok: true, skipped: "the caller applied them with the change" };
    const type = resourceTypeOf(target);
    if (!type) return { ok: false, error: { kind: "invalid", message: `do not know the API resource of ${target.kind} (${target.apiVersion})` } };
    const path = `${collectionPath(type, target.namespace)}/${encodeURIComponent(target.name)}`;
    // The anchor is known only once the record is written, after the change: a second, metadata-only patch
    // (object annotations, never the pod template, so nothing restarts).
    const annotations = { ...(options.annotationsApplied ? {} : changeAnnotations(change, now)), ...(anchor ? anchorAnnotations(anchor) : {}) };
    try {
      await requestJson(kc, "PATCH", path, { body: { metadata: { annotations } }, contentType: "application/merge-patch+json", ...signal });
      return { ok: true };
    } catch (err) {
      return { ok: false, error: classifyActionError(err, { verb: "patch", resource: type.plural, namespace: target.namespace, name: target.name }) };
    }
  };
  const post = async (): Promise<ChangeEventResult> => {
    const namespace = eventNamespace(target);
    try {
      const created = (await requestJson(kc, "POST", collectionPath(ResourceTypes.events, namespace), { body: changeEvent(target, change, now, undefined, options.anchor), ...signal })) as { metadata?: { name?: string } };
      return { ok: true, name: created.metadata?.name ?? "" };
    } catch (err) {
      return { ok: false, error: classifyActionError(err, { verb: "create", resource: "events", namespace, name: target.name }) };
    }
  };
  const [annotations, event] = await Promise.all([annotate(), post()]);
  return { annotations, event };
}

/**
 * Whether the audit anchor may go on the object itself. Not on an InferenceService: KServe copies
 * its annotations (less `serviceAnnotationDisallowedList`) into the predictor's Knative revision
 * template (kserve generateMetadata → createKnativeService), so a new annotation value rolls a new
 * revision and restarts the pods. Its anchor rides on the change's Event only.
 */
export function anchorsOnObject(target: Pick<ChangeTarget, "kind">): boolean {
  return target.kind !== "InferenceService";
}

function resourceTypeOf(target: ChangeTarget): ResourceType | undefined {
  return Object.values(ResourceTypes).find((t) => t.apiVersion === target.apiVersion && t.kind === target.kind);
}

function eventNamespace(target: ChangeTarget): string {
  return target.namespace ?? "default";
}


/** The kube user, and the git name (or email) of the person behind it when known: a shared admin user alone names nobody. */
function who(actor: Actor): string {
  const person = actor.gitUser?.name ?? actor.gitUser?.email;
  return person && person !== actor.kubeUser ? `${actor.kubeUser} (${person})` : actor.kubeUser;
}

/** An Event reason is CamelCase by convention: "set-alias" → "SetAlias". */
function pascal(action: AuditAction): string {
  return action.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** metav1.Time: RFC 3339 in whole seconds. */
function seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** metav1.MicroTime: the API server parses exactly six fractional digits. */
function micro(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The API server counts bytes; cut at a character boundary and mark the cut. */
function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, "utf8") <= max) return text;
  let out = "";
  let used = 0;
  const budget = max - Buffer.byteLength("…", "utf8");
  for (const ch of text) {
    const n = Buffer.byteLength(ch, "utf8");
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}
