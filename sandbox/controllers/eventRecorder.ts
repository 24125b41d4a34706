/**
 * Events as client-go's recorder writes them: named <object>.<hex nanoseconds>, in the object's
 * namespace (default for cluster-scoped ones), and aggregated: a repeat of the same reason and
 * message for the same object bumps count and lastTimestamp instead of adding an event.
 */
import { type ApiVerbs } from "../apiVerbs";
import { type KubeObject } from "../kubeObject";
import { type ObjectStore } from "../objectStore";
import { type ResourceType, apiVersionOf, findResource } from "../resourceTypes";
import { timestamp } from "./kubeShapes";

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventNote {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  source: EventSource;
  /** spec.containers{name} for container events. */
  fieldPath?: string;
}

const eventType = findResource("", "v1", "events");

export class EventRecorder {
  private readonly byKey = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly verbs: ApiVerbs,
    private readonly now: () => Date,
  ) {}

  record(subjectType: ResourceType, subject: KubeObject, note: EventNote): void {
    if (!eventType) return;
    const namespace = subject.metadata.namespace ?? "default";
    const uid = subject.metadata.uid ?? "";
    const key = `${uid}|${note.reason}|${note.message}|${note.fieldPath ?? ""}|${note.source.component}`;
    const now = timestamp(this.now());
    const existingName = this.byKey.get(key) ?? this.findExisting(namespace, uid, note)?.metadata.name;
    const existing = existingName ? this.store.get(eventType, namespace, existingName) : undefined;
    if (existing) {
      const count = typeof existing.count === "number" ? existing.count : 1;
      this.verbs.update(eventType, namespace, existingName ?? "", { ...existing, count: count + 1, lastTimestamp: now }, { dryRun: false });
      return;
    }
    const nanos = BigInt(this.now().getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    const name = `${subject.metadata.name ?? "unknown"}.${nanos.toString(16)}`;
    this.byKey.set(key, name);
    if (!this.store.get(findResource("", "v1", "namespaces") as ResourceType, undefined, namespace)) return;
    this.verbs.create(
      eventType,
      namespace,
      {
        metadata: { name, namespace },
        involvedObject: {
          kind: subjectType.kind,
          namespace: subjectType.namespaced ? namespace : undefined,
          name: subject.metadata.name,
          uid,
          apiVersion: apiVersionOf(subjectType),
          resourceVersion: subject.metadata.resourceVersion,
          ...(note.fieldPath ? { fieldPath: note.fieldPath } : {}),
        },
        reason: note.reason,
        message: note.message,
        source: note.source,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: note.type,
        eventTime: null,
        reportingComponent: note.source.component,
        reportingInstance: note.source.host ?? "",
      },
      { dryRun: false },
    );
  }

  /** An event the scenario loaded, so a controller that adopts the object continues its count. */
  private findExisting(namespace: string, uid: string, note: EventNote): KubeObject | undefined {
    if (!eventType || !uid) return undefined;
    return this.store.list(eventType, namespace).find((e) => {
      const subject = e.involvedObject as { uid?: string; fieldPath?: string } | undefined;
      return subject?.uid === uid && e.reason === note.reason && e.message === note.message && (subject.fieldPath ?? "") === (note.fieldPath ?? "");
    });
  }
}
