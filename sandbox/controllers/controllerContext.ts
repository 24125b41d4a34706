/** What every simulated controller is handed: the store to read, the verbs to write through, the queue, events and clocks. */
import { type ApiVerbs } from "../apiVerbs";
import { type KubeObject } from "../kubeObject";
import { type ObjectStore, type StoreEvent } from "../objectStore";
import { type PodLogs } from "../podLogs";
import { type ResourceType, findResource } from "../resourceTypes";
import { type ResolvedControllerOptions } from "./controllerOptions";
import { type EventRecorder } from "./eventRecorder";
import { type WorkQueue } from "./workQueue";

export interface ControllerContext {
  store: ObjectStore;
  verbs: ApiVerbs;
  logs: PodLogs;
  queue: WorkQueue;
  events: EventRecorder;
  options: ResolvedControllerOptions;
  now: () => Date;
  /** Runs the ReplicaSet controller for one ReplicaSet at once, so the deployment controller never reads a stale status. */
  syncReplicaSet: (namespace: string, name: string) => void;
}

export interface Controller {
  /** Called for every change in the store, synchronously: only enqueue work here. */
  handle(event: StoreEvent): void;
  /** Enqueues everything, as an informer's initial list does. */
  resync(): void;
}

function required(group: string, plural: string): ResourceType {
  const type = findResource(group, group === "serving.kserve.io" ? "v1beta1" : "v1", plural);
  if (!type) throw new Error(`unknown resource ${plural}`);
  return type;
}

export const kinds = {
  pods: required("", "pods"),
  nodes: required("", "nodes"),
  services: required("", "services"),
  deployments: required("apps", "deployments"),
  replicaSets: required("apps", "replicasets"),
  inferenceServices: required("serving.kserve.io", "inferenceservices"),
};

export function isKind(event: StoreEvent, type: ResourceType): boolean {
  return event.resource.group === type.group && event.resource.plural === type.plural;
}

/** A write through the API's update verb, as a controller's client would make it. */
export function writeObject<T extends KubeObject>(ctx: ControllerContext, type: ResourceType, object: T, target: "main" | "status" = "main"): T {
  return ctx.verbs.update(type, object.metadata.namespace, object.metadata.name ?? "", object, { dryRun: false }, target) as T;
}
