import type { KubeConfig, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from "@kubernetes/client-node";
import * as z from "zod";
import { type ActionError, classifyActionError, describeActionError } from "./clusterActions";
import { requestJson } from "../client/kubeRequest";
import { timeOf } from "../objects/kubeTime";
import { labelSelectorString } from "../objects/labelSelector";
import { collectionPath, ResourceTypes } from "../client/resourceTypes";
import { revisionAnnotation, revisionHistoryAnnotation } from "../objects/wellKnownAnnotations";

/**
 * `kubectl rollout undo` for Deployments, reproduced from kubectl's DeploymentRollbacker
 * (kubernetes/kubectl pkg/polymorphichelpers/rollback.go) and `rollout history` (history.go):
 * the same history, the same checks in the same order, the same messages, the same JSON patch.
 */

export const changeCauseAnnotation = "kubernetes.io/change-cause";
export const modelVersionLabel = "aiplatform.dev/model-version";
const podTemplateHashLabel = "pod-template-hash";

/** kubectl's annotationsToSkip: kept from the Deployment, never copied back from the ReplicaSet. */
const annotationsToSkip: ReadonlySet<string> = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  "deprecated.deployment.rollback.to",
]);

export interface JsonPatchOp {
  readonly op: "add" | "remove" | "replace" | "test";
  readonly path: string;
  readonly value?: unknown;
}

export type UndoPlan =
  | {
      readonly kind: "patch";
      /** The Deployment's revision now. */
      readonly fromRevision: number;
      /** The revision whose template comes back (the controller then gives it a new, higher number). */
      readonly toRevision: number;
      readonly patch: readonly JsonPatchOp[];
      readonly template: V1PodTemplateSpec;
    }
  | { readonly kind: "skip"; readonly revision: number; readonly message: string }
  | { readonly kind: "error"; readonly message: string };

export interface RevisionInfo {
  readonly revision: number;
  readonly replicaSet: string;
  /** Every container's image, init containers last. */
  readonly images: readonly string[];
  readonly modelVersion: string | undefined;
  /** The ReplicaSet's creationTimestamp. */
  readonly created: Date | undefined;
  readonly changeCause: string | undefined;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** The ReplicaSet whose template is the Deployment's template now. */
  readonly current: boolean;
}

/** deploymentutil.Revision: no annotation is revision 0; one that is not an integer is left out (undefined). */
function revisionOf(rs: V1ReplicaSet): number | undefined {
  const value = rs.metadata?.annotations?.[revisionAnnotation];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** apimachinery's semantic equality, on JSON: nil and empty maps and lists are alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])] as const)
      .filter(([, v]) => v !== undefined && v !== null && !(typeof v === "object" && Object.keys(v).length === 0));
    return Object.fromEntries(entries);
  }
  return value;
}

function withoutHashLabel(template: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
  return copy;
}

/** kubectl's equalIgnoreHash: the same pod template once pod-template-hash is ignored. */
export function equalIgnoreHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return JSON.stringify(canonical(withoutHashLabel(a))) === JSON.stringify(canonical(withoutHashLabel(b)));
}

const createdAt = (rs: V1ReplicaSet): number => timeOf(rs.metadata?.creationTimestamp) ?? 0;
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: V1ReplicaSet, b: V1ReplicaSet): number => compareText(a.metadata?.name ?? "", b.metadata?.name ?? "");

/**
 * deploymentutil.GetAllReplicaSets: the ReplicaSets the Deployment controls (by controller
 * ownerReference uid), sorted by creation (then name), the new one (oldest with the
 * Deployment's template) moved last, the order kubectl walks them in.
 */
function controlledReplicaSets(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): { all: V1ReplicaSet[]; newRS: V1ReplicaSet | undefined } {
  const uid = deployment.metadata?.uid;
  const owned = replicaSets
    .filter((rs) => uid !== undefined && rs.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid))
    .sort((a, b) => createdAt(a) - createdAt(b) || byName(a, b));
  const newRS = owned.find((rs) => equalIgnoreHash(rs.spec?.template, deployment.spec?.template));
  return { all: [...owned.filter((rs) => rs !== newRS), ...(newRS ? [newRS] : [])], newRS };
}

const revisionNotFound = (revision: number): string => `unable to find specified revision ${revision} in history`;

/** kubectl's deploymentRevision: toRevision 0 is the second-highest revision. */
function findRevision(deployment: V1Deployment, all: readonly V1ReplicaSet[], toRevision: number): { readonly rs: V1ReplicaSet } | { readonly error: string } {
  let latest: { revision: number; rs: V1ReplicaSet | undefined } = { revision: -1, rs: undefined };
  let previous: { revision: number; rs: V1ReplicaSet | undefined } = { revision: -1, rs: undefined };
  for (const rs of all) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latest.revision < v) {
        previous = latest;
        latest = { revision: v, rs };
      } else if (previous.revision < v) {
        previous = { revision: v, rs };
      }
    } else if (toRevision === v) {
      return { rs };
    }
  }
  if (toRevision > 0) return { error: revisionNotFound(toRevision) };
  if (!previous.rs) return { error: `no rollout history found for deployment "${deployment.metadata?.name ?? ""}"` };
  return { rs: previous.rs };
}

const sortedRecord = (entries: Iterable<readonly [string, string]>): Record<string, string> =>
  Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)));

/**
 * What `kubectl rollout undo [--to-revision=N]` would do to this Deployment, in kubectl's order:
 * find the revision, refuse a paused Deployment, skip when the template already matches, else
 * the JSON patch. `extraAnnotations` (our change-cause and audit annotations) are the one
 * divergence: merged into the annotations the patch writes; revision bookkeeping keys are ignored.
 */
export function planDeploymentUndo(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  toRevision = 0,
  extraAnnotations: Readonly<Record<string, string>> = {},
): UndoPlan {
  if (!Number.isInteger(toRevision) || toRevision < 0) return { kind: "error", message: revisionNotFound(toRevision) };
  const { all } = controlledReplicaSets(deployment, replicaSets);
  const found = findRevision(deployment, all, toRevision);
  if ("error" in found) return { kind: "error", message: found.error };
  const target = found.rs;
  if (deployment.spec?.paused) {
    return { kind: "error", message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" };
  }
  const targetRevision = revisionOf(target) ?? 0;
  if (equalIgnoreHash(target.spec?.template, deployment.spec?.template)) {
    // kubectl names the revision as asked for, so an undo to "0" says revision 0.
    return { kind: "skip", revision: targetRevision, message: `skipped rollback (current template already matches revision ${toRevision})` };
  }
  const template = withoutHashLabel(target.spec?.template);
  const current = deployment.metadata?.annotations ?? {};
  const annotations = new Map<string, string>();
  for (const key of annotationsToSkip) if (current[key] !== undefined) annotations.set(key, current[key]);
  for (const [key, value] of Object.entries(target.metadata?.annotations ?? {})) if (!annotationsToSkip.has(key)) annotations.set(key, value);
  for (const [key, value] of Object.entries(extraAnnotations)) if (!annotationsToSkip.has(key)) annotations.set(key, value);
  const fromRevision = Number.parseInt(current[revisionAnnotation] ?? "", 10);
  return {
    kind: "patch",
    fromRevision: Number.isNaN(fromRevision) ? Math.max(0, ...all.map((rs) => revisionOf(rs) ?? 0)) : fromRevision,
    toRevision: targetRevision,
    patch: [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: sortedRecord(annotations) },
    ],
    template,
  };
}

/** The images of a pod template: containers in order, then init containers. */
export function templateImages(template: V1PodTemplateSpec | undefined): string[] {
  return [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])].map((c) => c.image ?? "");
}

function modelVersionOf(template: V1PodTemplateSpec | undefined): string | undefined {
  const label = template?.metadata?.labels?.[modelVersionLabel];
  if (label !== undefined) return label;
  return template?.spec?.containers?.[0]?.env?.find((e) => e.name === "MODEL_VERSION")?.value;
}

/**
 * The rollout history, newest first: one entry per revision, as `kubectl rollout history`
 * lists it (a revision held by two ReplicaSets shows the one kubectl would), with what a person
 * deciding where to roll back needs: images, model version, age, change-cause, replicas.
 */
export function deploymentRevisions(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): RevisionInfo[] {
  const { all, newRS } = controlledReplicaSets(deployment, replicaSets);
  const byRevision = new Map<number, RevisionInfo>();
  for (const rs of all) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const template = rs.spec?.template;
    const created = timeOf(rs.metadata?.creationTimestamp);
    byRevision.set(revision, {
      revision,
      replicaSet: rs.metadata?.name ?? "",
      images: templateImages(template),
      modelVersion: modelVersionOf(template),
      created: created === undefined ? undefined : new Date(created),
      changeCause: rs.metadata?.annotations?.[changeCauseAnnotation] || undefined,
      replicas: rs.spec?.replicas ?? 0,
      readyReplicas: rs.status?.readyReplicas ?? 0,
      current: rs === newRS,
    });
  }
  return [...byRevision.values()].sort((a, b) => b.revision - a.revision);
}

/** Why an undo did not happen: the cluster refused or could not be reached, or kubectl's own checks said no. */
export type UndoError = ActionError | { readonly kind: "cannot-undo"; readonly message: string };

/**
 * Revisions are spelled as the revision annotation spells them ("3"), the way an audit record
 * keeps them; `message` is kubectl's word for what happened, or why not.
 */
export type UndoResult =
  | {
      readonly ok: true;
      readonly skipped: false;
      readonly message: string;
      /** The Deployment's revision before the undo. */
      readonly fromRevision: string;
      /** The revision whose template came back; the controller numbers the result anew (highest + 1). */
      readonly toRevision: string;
      /** The Deployment's template before the undo, and the one it now has. */
      readonly before: V1PodTemplateSpec;
      readonly after: V1PodTemplateSpec;
      readonly patch: readonly JsonPatchOp[];
      /** Sent with dryRun=All: the server checked the change and did not keep it. */
      readonly dryRun: boolean;
    }
  | { readonly ok: true; readonly skipped: true; readonly revision: string; readonly message: string }
  | { readonly ok: false; readonly error: UndoError; readonly message: string };

export interface UndoOptions {
  /** 0 or absent: the previous revision. */
  readonly toRevision?: number;
  readonly dryRun?: boolean;
  readonly extraAnnotations?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

// Parse what the API server sends before acting on it; the rest passes through untouched.
const ObjectMeta = z.looseObject({ name: z.string(), uid: z.string().optional(), annotations: z.record(z.string(), z.string()).optional() });
const DeploymentResponse = z.looseObject({
  metadata: ObjectMeta,
  spec: z.looseObject({ paused: z.boolean().optional(), selector: z.looseObject({}), template: z.looseObject({}) }),
});
const ReplicaSetListResponse = z.looseObject({ items: z.array(z.looseObject({ metadata: ObjectMeta, spec: z.looseObject({ template: z.looseObject({}) }).optional() })) });


/** The Deployment and the ReplicaSets its selector matches (the planner keeps only those it controls). */
export async function readDeploymentHistory(
  kc: KubeConfig,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<{ readonly ok: true; readonly deployment: V1Deployment; readonly replicaSets: V1ReplicaSet[] } | { readonly ok: false; readonly error: ActionError }> {
  const path = `${collectionPath(ResourceTypes.deployments, namespace)}/${encodeURIComponent(name)}`;
  let deployment: V1Deployment;
  try {
    deployment = DeploymentResponse.parse(await requestJson(kc, "GET", path, { signal }));
  } catch (err) {
    return { ok: false, error: classifyActionError(err, { verb: "get", resource: "deployments", namespace, name }) };
  }
  // An invalid selector (the API server refuses those) would list every ReplicaSet; the planner keeps only those the Deployment controls.
  const selector = labelSelectorString(deployment.spec?.selector) ?? "";
  const query = selector ? `?${new URLSearchParams({ labelSelector: selector }).toString()}` : "";
  try {
    const list = ReplicaSetListResponse.parse(await requestJson(kc, "GET", `${collectionPath(ResourceTypes.replicaSets, namespace)}${query}`, { signal }));
    return { ok: true, deployment, replicaSets: list.items as V1ReplicaSet[] };
  } catch (err) {
    return { ok: false, error: classifyActionError(err, { verb: "list", resource: "replicasets", namespace, name }) };
  }
}

/** `kubectl rollout undo deployment/<name> [--to-revision=N] [--dry-run=server]`, plus our annotations. */
export async function undoDeployment(kc: KubeConfig, namespace: string, name: string, opts: UndoOptions = {}): Promise<UndoResult> {
  const history = await readDeploymentHistory(kc, namespace, name, opts.signal);
  if (!history.ok) return failed(history.error);
  const plan = planDeploymentUndo(history.deployment, history.replicaSets, opts.toRevision ?? 0, opts.extraAnnotations);
  if (plan.kind === "error") return failed({ kind: "cannot-undo", message: plan.message });
  if (plan.kind === "skip") return { ok: true, skipped: true, revision: String(plan.revision), message: plan.message };
  const path = `${collectionPath(ResourceTypes.deployments, namespace)}/${encodeURIComponent(name)}${opts.dryRun ? "?dryRun=All" : ""}`;
  try {
    await requestJson(kc, "PATCH", path, { body: plan.patch, contentType: "application/json-patch+json", signal: opts.signal });
  } catch (err) {
    return failed(classifyActionError(err, { verb: "patch", resource: "deployments", namespace, name }));
  }
  return {
    ok: true,
    skipped: false,
    message: opts.dryRun ? "rolled back (server dry run)" : "rolled back",
    fromRevision: String(plan.fromRevision),
    toRevision: String(plan.toRevision),
    before: history.deployment.spec?.template ?? {},
    after: plan.template,
    patch: plan.patch,
    dryRun: opts.dryRun ?? false,
  };
}

export function describeUndoError(e: UndoError): string {
  return e.kind === "cannot-undo" ? e.message : describeActionError(e);
}

const failed = (error: UndoError): UndoResult => ({ ok: false, error, message: describeUndoError(error) });
