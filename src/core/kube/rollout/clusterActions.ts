import type { KubeConfig } from "@kubernetes/client-node";
import * as z from "zod";
import { KubeApiError, requestJson } from "../client/kubeRequest";
import { collectionPath, ResourceTypes } from "../client/resourceTypes";

/** Why a change to the cluster did not happen, in terms a person can act on. */
export type ActionError =
  | { readonly kind: "forbidden"; readonly verb: string; readonly resource: string; readonly namespace: string | undefined; readonly message: string }
  | { readonly kind: "not-found"; readonly resource: string; readonly name: string }
  | { readonly kind: "conflict"; readonly message: string }
  | { readonly kind: "invalid"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string };

export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly error: ActionError };

const objectPath = (type: (typeof ResourceTypes)[keyof typeof ResourceTypes], namespace: string | undefined, name: string): string =>
  `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;

async function patch(kc: KubeConfig, path: string, body: unknown, what: { verb: string; resource: string; namespace: string | undefined; name: string }, signal?: AbortSignal): Promise<ActionResult> {
  try {
    await requestJson(kc, "PATCH", path, { body, contentType: "application/merge-patch+json", ...(signal ? { signal } : {}) });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: classifyActionError(err, what) };
  }
}

/** What a change was: the words a refusal is explained in. */
export interface ActionTarget {
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

/** A failed request as an ActionError: the one place HTTP statuses become kinds for every cluster change. */
export function classifyActionError(err: unknown, what: ActionTarget): ActionError {
  if (err instanceof KubeApiError) {
    if (err.statusCode === 401 || err.statusCode === 403) return { kind: "forbidden", verb: what.verb, resource: what.resource, namespace: what.namespace, message: err.message };
    if (err.statusCode === 404) return { kind: "not-found", resource: what.resource, name: what.name };
    if (err.statusCode === 409) return { kind: "conflict", message: err.message };
    if (err.statusCode === 422 || err.statusCode === 400) return { kind: "invalid", message: err.message };
  }
  if (err instanceof z.ZodError) return { kind: "invalid", message: `the API server sent a ${what.resource} object this client cannot read: ${err.issues[0]?.message ?? ""}` };
  return { kind: "unreachable", message: err instanceof Error ? err.message : String(err) };
}

/** `kubectl rollout restart`: a new pod-template annotation makes the controller roll every pod. */
export function restartDeployment(kc: KubeConfig, namespace: string, name: string, now: Date, signal?: AbortSignal): Promise<ActionResult> {
  const body = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": now.toISOString() } } } } };
  return patch(kc, objectPath(ResourceTypes.deployments, namespace, name), body, { verb: "patch", resource: "deployments", namespace, name }, signal);
}

export function scaleDeployment(kc: KubeConfig, namespace: string, name: string, replicas: number, signal?: AbortSignal): Promise<ActionResult> {
  if (!Number.isInteger(replicas) || replicas < 0) return Promise.resolve({ ok: false, error: { kind: "invalid", message: `replicas must be a whole number ≥ 0, not ${replicas}` } });
  return patch(kc, `${objectPath(ResourceTypes.deployments, namespace, name)}/scale`, { spec: { replicas } }, { verb: "patch", resource: "deployments/scale", namespace, name }, signal);
}

/** `kubectl cordon` / `uncordon`. */
export function setNodeSchedulable(kc: KubeConfig, node: string, schedulable: boolean, signal?: AbortSignal): Promise<ActionResult> {
  return patch(kc, objectPath(ResourceTypes.nodes, undefined, node), { spec: { unschedulable: schedulable ? null : true } }, { verb: "patch", resource: "nodes", namespace: undefined, name: node }, signal);
}

export function describeActionError(e: ActionError): string {
  switch (e.kind) {
    case "forbidden":
      return `Cannot ${e.verb} ${e.resource}${e.namespace ? ` in namespace ${e.namespace}` : ""}: forbidden (${e.message}); ask for the 'edit' role.`;
    case "not-found":
      return `${e.resource} ${e.name} no longer exists.`;
    case "conflict":
      return `Someone changed it at the same time (${e.message}); try again.`;
    case "invalid":
      return `The cluster rejected the change: ${e.message}`;
    case "unreachable":
      return `The cluster did not answer: ${e.message}`;
  }
}
