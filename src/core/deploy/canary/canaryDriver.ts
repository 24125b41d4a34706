import type { ActionError } from "../../kube/rollout/clusterActions";
import type { CanaryState } from "./canaryState";

/** What a canary write or read saw of the object its state lives on. */
export interface ObservedObject {
  readonly annotations: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
  readonly generation: number;
  /** The managers of the newest managedFields entries (who last wrote it), when the server keeps them. */
  readonly lastManagers: readonly string[];
  /** What the traffic setting on the object says now (canaryTrafficPercent, replicas), for a conflict's message. */
  readonly trafficSetting: string;
  /** A Deployment's spec.replicas (the stable's, for a pair). */
  readonly replicas?: number;
}

export type DriverRead = { readonly ok: true; readonly observed: ObservedObject } | { readonly ok: false; readonly error: ActionError };

/** The change a write makes together with the state annotation, in one request on the state's object. */
export type CanaryChange = { readonly kind: "state" } | { readonly kind: "traffic"; readonly percent: number } | { readonly kind: "rollback" } | { readonly kind: "promote" };

/**
 * How traffic moves for one kind of canary. Every write carries the state annotation and the
 * resourceVersion last seen as a precondition, so an edit by someone else in between is a 409, not
 * a silent overwrite.
 */
export interface CanaryDriver {
  readonly mode: CanaryState["mode"];
  /** The object the state lives on (audit records name it). */
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  read(signal?: AbortSignal): Promise<DriverRead>;
  /** The traffic share (and replica split) a step's percent really gives. */
  split(percent: number, state: CanaryState): Pick<CanaryState, "traffic" | "replicas">;
  write(state: CanaryState, change: CanaryChange, resourceVersion: string, signal?: AbortSignal): Promise<DriverRead>;
  /** The canary's pods, as a RE2 regex over pod names (MetricsTarget.podRegex); undefined while it has none. */
  canaryPodRegex(signal?: AbortSignal): Promise<string | undefined>;
}

/** A RE2 literal (PromQL regexes are RE2). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly time?: string;
}

/** Who wrote the object last, by managedFields time (empty when the server keeps none). */
export function lastManagersOf(metadata: { readonly managedFields?: readonly ManagedFieldsEntry[] } | undefined): string[] {
  const entries = (metadata?.managedFields ?? []).filter((e) => e.manager && e.time);
  const newest = entries.reduce((t, e) => ((e.time ?? "") > t ? (e.time ?? "") : t), "");
  return [...new Set(entries.filter((e) => e.time === newest).map((e) => e.manager ?? ""))];
}
