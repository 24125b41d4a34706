import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import type { InferenceService } from "../objects/inferenceService";
import { revisionAnnotation } from "../objects/wellKnownAnnotations";
import { inferenceQualifications, owningInferenceService, type InferenceQualification } from "./inferenceWorkload";
import { classifyWorkloadHealth, type WorkloadHealth } from "./workloadHealth";

/** A row of the Deployments tree: a KServe InferenceService or a Deployment. */
export interface Workload {
  readonly kind: "InferenceService" | "Deployment";
  readonly namespace: string;
  readonly name: string;
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  readonly deployment: V1Deployment | undefined;
  readonly inferenceService: InferenceService | undefined;
  readonly qualifications: readonly InferenceQualification[];
}

export function workloadId(kind: Workload["kind"], namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Events are keyed by uid, else namespace/name, as the tree's event rows are. */
export function eventKey(e: CoreV1Event): string {
  return e.metadata?.uid ?? `${e.metadata?.namespace ?? ""}/${e.metadata?.name ?? ""}`;
}

/** What one batch changed in the index, so surfaces refresh only those rows. */
export interface WorkloadIndexChange {
  /** Workloads whose row, pods, revisions, events or health may have changed (including ones that went). */
  readonly workloads: Set<string>;
  /** Namespaces whose list of workloads changed. */
  readonly namespaces: Set<string>;
  /** A namespace appeared in or left the list. */
  namespaceList: boolean;
}

export function emptyWorkloadIndexChange(): WorkloadIndexChange {
  return { workloads: new Set(), namespaces: new Set(), namespaceList: false };
}

export interface WorkloadIndexOptions {
  /** List Deployments that show no sign of serving a model too. */
  readonly showAllDeployments: boolean;
  /** Milliseconds since the epoch, for health; injectable so tests can fix it. */
  readonly now?: () => number;
}

type ObjectChange<T> = { readonly type: "added" | "modified" | "deleted"; readonly object: T };

interface Members {
  readonly pods: readonly V1Pod[];
  readonly replicaSets: readonly V1ReplicaSet[];
  readonly events: readonly CoreV1Event[];
}

const nsOf = (o: { metadata?: { namespace?: string } }): string => o.metadata?.namespace ?? "";
const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? "";
const keyOf = (o: { metadata?: { namespace?: string; name?: string } }): string => `${nsOf(o)}/${nameOf(o)}`;
const byName = (a: { metadata?: { name?: string } }, b: { metadata?: { name?: string } }): number => nameOf(a).localeCompare(nameOf(b));

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** Empty sets are dropped, so the index holds no trace of objects that went. */
function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function replicaSetOwnerUid(rs: V1ReplicaSet): string | undefined {
  return rs.metadata?.ownerReferences?.find((o) => o.kind === "Deployment" && o.controller !== false)?.uid;
}

function podOwnerUid(pod: V1Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.uid;
}

/** KServe labels its transformer and explainer Deployments too; the predictor is the one serving. */
function choosePredictor(candidates: readonly V1Deployment[]): V1Deployment | undefined {
  const sorted = [...candidates].sort(byName);
  return sorted.find((d) => nameOf(d).endsWith("-predictor")) ?? sorted[0];
}

/**
 * Which workloads the cluster runs and which pods, ReplicaSets and events belong to each.
 * Ownership is followed through ownerReferences (pod → ReplicaSet → Deployment) by uid, kept
 * in indexes that are updated per change, so a pod change recomputes only its workload and
 * the order objects arrive in does not matter (a pod may come before its ReplicaSet).
 * A workload's members and health are computed when first read after a change.
 */
export class WorkloadIndex {
  private readonly deployments = new Map<string, V1Deployment>();
  private readonly deploymentKeyByUid = new Map<string, string>();
  private readonly inferenceServices = new Map<string, InferenceService>();
  /** namespace/InferenceService name → keys of the Deployments labelled as its. */
  private readonly ownedDeployments = new Map<string, Set<string>>();
  private readonly replicaSets = new Map<string, V1ReplicaSet>();
  private readonly replicaSetKeyByUid = new Map<string, string>();
  /** Deployment uid → keys of the ReplicaSets it controls. */
  private readonly replicaSetsByOwner = new Map<string, Set<string>>();
  private readonly pods = new Map<string, V1Pod>();
  /** ReplicaSet uid → keys of its pods. */
  private readonly podsByOwner = new Map<string, Set<string>>();
  private readonly events = new Map<string, CoreV1Event>();
  /** namespace/Kind/name of the involved object → its event keys. */
  private readonly eventsByObject = new Map<string, Set<string>>();

  private readonly byId = new Map<string, Workload>();
  private readonly byNamespace = new Map<string, Map<string, Workload>>();
  private readonly sortedByNamespace = new Map<string, readonly Workload[]>();
  private sortedNamespaces: readonly string[] | undefined;
  private readonly members = new Map<string, Members>();
  private readonly health = new Map<string, WorkloadHealth>();

  constructor(private options: WorkloadIndexOptions) {}

  namespaces(): readonly string[] {
    this.sortedNamespaces ??= [...this.byNamespace.keys()].sort();
    return this.sortedNamespaces;
  }

  workloads(namespace: string): readonly Workload[] {
    let list = this.sortedByNamespace.get(namespace);
    if (!list) {
      list = [...(this.byNamespace.get(namespace)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
      if (list.length > 0) this.sortedByNamespace.set(namespace, list);
    }
    return list;
  }

  /** Every workload with its health: what the Roll Back palette offers. */
  all(): { readonly workload: Workload; readonly health: WorkloadHealth }[] {
    return this.namespaces().flatMap((ns) => this.workloads(ns).map((workload) => ({ workload, health: this.healthOf(workload) })));
  }

  workload(id: string): Workload | undefined {
    return this.byId.get(id);
  }

  /** Sorted by name. */
  podsOf(w: Workload): readonly V1Pod[] {
    return this.membersOf(w).pods;
  }

  /** Sorted by name. */
  replicaSetsOf(w: Workload): readonly V1ReplicaSet[] {
    return this.membersOf(w).replicaSets;
  }

  /** Events about the workload itself, its Deployment, its ReplicaSets and its pods. */
  eventsOf(w: Workload): readonly CoreV1Event[] {
    return this.membersOf(w).events;
  }

  /** Events whose involved object is namespace/kind/name. */
  eventsAbout(namespace: string, kind: string, name: string): CoreV1Event[] {
    return [...(this.eventsByObject.get(`${namespace}/${kind}/${name}`) ?? [])].flatMap((k) => this.events.get(k) ?? []);
  }

  healthOf(w: Workload): WorkloadHealth {
    const cached = this.health.get(w.id);
    if (cached) return cached;
    const m = this.membersOf(w);
    const health = classifyWorkloadHealth({
      deployment: w.deployment,
      inferenceService: w.inferenceService,
      replicaSets: m.replicaSets,
      pods: m.pods,
      events: m.events,
      now: (this.options.now ?? Date.now)(),
    });
    if (this.byId.get(w.id) === w) this.health.set(w.id, health);
    return health;
  }

  /** The revision number (the Deployment controller's revision annotation) of one of the workload's ReplicaSets. */
  revisionOf(w: Workload, replicaSetName: string): number | undefined {
    const rs = this.replicaSetsOf(w).find((r) => nameOf(r) === replicaSetName);
    const n = Number(rs?.metadata?.annotations?.[revisionAnnotation]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  /** The workload an object belongs to, for refreshing or revealing just that row. */
  workloadIdOf(kind: string, namespace: string, name: string): string | undefined {
    const key = `${namespace}/${name}`;
    switch (kind) {
      case "Pod": {
        const pod = this.pods.get(key);
        return pod ? this.workloadOfPod(pod) : undefined;
      }
      case "ReplicaSet": {
        const rs = this.replicaSets.get(key);
        return rs ? this.workloadOfReplicaSet(rs) : undefined;
      }
      case "Deployment": {
        const d = this.deployments.get(key);
        return d ? this.workloadOfDeployment(d) : undefined;
      }
      case "InferenceService": {
        const id = workloadId("InferenceService", namespace, name);
        return this.byId.has(id) ? id : undefined;
      }
      default:
        return undefined;
    }
  }

  /** How many objects each internal index holds, for the memory tests. */
  sizes(): Record<string, number> {
    const setTotal = (m: Map<string, Set<string>>): number => [...m.values()].reduce((n, s) => n + s.size, 0);
    return {
      deployments: this.deployments.size,
      deploymentUids: this.deploymentKeyByUid.size,
      inferenceServices: this.inferenceServices.size,
      ownedDeployments: setTotal(this.ownedDeployments),
      replicaSets: this.replicaSets.size,
      replicaSetUids: this.replicaSetKeyByUid.size,
      replicaSetsByOwner: setTotal(this.replicaSetsByOwner),
      pods: this.pods.size,
      podsByOwner: setTotal(this.podsByOwner),
      events: this.events.size,
      eventsByObject: setTotal(this.eventsByObject),
      workloads: this.byId.size,
      members: this.members.size,
      health: this.health.size,
    };
  }

  /** "Show all Deployments" changed: re-decide which Deployments are rows. */
  setOptions(options: WorkloadIndexOptions, into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    this.options = options;
    for (const d of this.deployments.values()) this.refreshRecord(workloadId("Deployment", nsOf(d), nameOf(d)), into);
    return into;
  }

  applyDeployments(changes: readonly ObjectChange<V1Deployment>[], into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    for (const { type, object } of changes) {
      const key = keyOf(object);
      const old = this.deployments.get(key);
      const ids = new Set<string>([workloadId("Deployment", nsOf(object), nameOf(object))]);
      for (const d of [old, object]) {
        const isvc = d ? owningInferenceService(d) : undefined;
        if (isvc) ids.add(workloadId("InferenceService", nsOf(object), isvc));
      }
      if (old) {
        this.deployments.delete(key);
        if (old.metadata?.uid) this.deploymentKeyByUid.delete(old.metadata.uid);
        const isvc = owningInferenceService(old);
        if (isvc) removeFrom(this.ownedDeployments, `${nsOf(old)}/${isvc}`, key);
      }
      if (type !== "deleted") {
        this.deployments.set(key, object);
        if (object.metadata?.uid) this.deploymentKeyByUid.set(object.metadata.uid, key);
        const isvc = owningInferenceService(object);
        if (isvc) addTo(this.ownedDeployments, `${nsOf(object)}/${isvc}`, key);
      }
      for (const id of ids) this.refreshRecord(id, into);
    }
    return into;
  }

  applyInferenceServices(changes: readonly ObjectChange<InferenceService>[], into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    for (const { type, object } of changes) {
      const key = keyOf(object);
      if (type === "deleted") this.inferenceServices.delete(key);
      else this.inferenceServices.set(key, object);
      this.refreshRecord(workloadId("InferenceService", nsOf(object), nameOf(object)), into);
    }
    return into;
  }

  applyReplicaSets(changes: readonly ObjectChange<V1ReplicaSet>[], into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    for (const { type, object } of changes) {
      const key = keyOf(object);
      const old = this.replicaSets.get(key);
      if (old) {
        this.touch(this.workloadOfReplicaSet(old), into);
        this.replicaSets.delete(key);
        if (old.metadata?.uid) this.replicaSetKeyByUid.delete(old.metadata.uid);
        const owner = replicaSetOwnerUid(old);
        if (owner && (type === "deleted" || owner !== replicaSetOwnerUid(object))) removeFrom(this.replicaSetsByOwner, owner, key);
      }
      if (type !== "deleted") {
        this.replicaSets.set(key, object);
        if (object.metadata?.uid) this.replicaSetKeyByUid.set(object.metadata.uid, key);
        const owner = replicaSetOwnerUid(object);
        if (owner) addTo(this.replicaSetsByOwner, owner, key);
        this.touch(this.workloadOfReplicaSet(object), into);
      }
    }
    return into;
  }

  applyPods(changes: readonly ObjectChange<V1Pod>[], into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    for (const { type, object } of changes) {
      const key = keyOf(object);
      const old = this.pods.get(key);
      if (old) {
        this.touch(this.workloadOfPod(old), into);
        this.pods.delete(key);
        const owner = podOwnerUid(old);
        if (owner && (type === "deleted" || owner !== podOwnerUid(object))) removeFrom(this.podsByOwner, owner, key);
      }
      if (type !== "deleted") {
        this.pods.set(key, object);
        const owner = podOwnerUid(object);
        if (owner) addTo(this.podsByOwner, owner, key);
        this.touch(this.workloadOfPod(object), into);
      }
    }
    return into;
  }

  applyEvents(changes: readonly ObjectChange<CoreV1Event>[], into: WorkloadIndexChange = emptyWorkloadIndexChange()): WorkloadIndexChange {
    for (const { type, object } of changes) {
      const key = eventKey(object);
      const old = this.events.get(key);
      if (old) {
        this.touch(this.workloadOfEvent(old), into);
        this.events.delete(key);
        // An update keeps its place, so events keep the order they arrived in.
        if (type === "deleted" || involvedKey(old) !== involvedKey(object)) removeFrom(this.eventsByObject, involvedKey(old), key);
      }
      if (type !== "deleted") {
        this.events.set(key, object);
        addTo(this.eventsByObject, involvedKey(object), key);
        this.touch(this.workloadOfEvent(object), into);
      }
    }
    return into;
  }

  private touch(id: string | undefined, into: WorkloadIndexChange): void {
    if (!id) return;
    this.members.delete(id);
    this.health.delete(id);
    into.workloads.add(id);
  }

  private workloadOfDeployment(d: V1Deployment): string | undefined {
    const isvc = owningInferenceService(d);
    const id = isvc ? workloadId("InferenceService", nsOf(d), isvc) : workloadId("Deployment", nsOf(d), nameOf(d));
    const w = this.byId.get(id);
    return w && w.deployment?.metadata?.uid === d.metadata?.uid ? id : undefined;
  }

  private workloadOfReplicaSet(rs: V1ReplicaSet): string | undefined {
    const owner = replicaSetOwnerUid(rs);
    const key = owner ? this.deploymentKeyByUid.get(owner) : undefined;
    const d = key ? this.deployments.get(key) : undefined;
    return d ? this.workloadOfDeployment(d) : undefined;
  }

  private workloadOfPod(pod: V1Pod): string | undefined {
    const owner = podOwnerUid(pod);
    const key = owner ? this.replicaSetKeyByUid.get(owner) : undefined;
    const rs = key ? this.replicaSets.get(key) : undefined;
    return rs ? this.workloadOfReplicaSet(rs) : undefined;
  }

  private workloadOfEvent(e: CoreV1Event): string | undefined {
    const io = e.involvedObject;
    return io?.kind && io.name ? this.workloadIdOf(io.kind, nsOf(e), io.name) : undefined;
  }

  /** Re-decides one workload row from its Deployment or InferenceService. */
  private refreshRecord(id: string, into: WorkloadIndexChange): void {
    const [kind, namespace = "", ...rest] = id.split("/");
    const name = rest.join("/");
    const key = `${namespace}/${name}`;
    let next: Workload | undefined;
    if (kind === "Deployment") {
      const d = this.deployments.get(key);
      const qualifications = d && !owningInferenceService(d) ? inferenceQualifications(d) : [];
      if (d && !owningInferenceService(d) && (qualifications.length > 0 || this.options.showAllDeployments)) {
        next = { kind: "Deployment", namespace, name, id, deployment: d, inferenceService: undefined, qualifications };
      }
    } else {
      const isvc = this.inferenceServices.get(key);
      if (isvc) {
        const owned = [...(this.ownedDeployments.get(key) ?? [])].flatMap((k) => this.deployments.get(k) ?? []);
        next = { kind: "InferenceService", namespace, name, id, deployment: choosePredictor(owned), inferenceService: isvc, qualifications: inferenceQualifications(isvc) };
      }
    }
    const old = this.byId.get(id);
    if (!old && !next) return;
    this.touch(id, into);
    if (old && next) {
      this.byId.set(id, next);
      this.byNamespace.get(namespace)?.set(id, next);
      this.sortedByNamespace.delete(namespace);
      return;
    }
    into.namespaces.add(namespace);
    this.sortedByNamespace.delete(namespace);
    if (next) {
      this.byId.set(id, next);
      const rows = this.byNamespace.get(namespace);
      if (rows) rows.set(id, next);
      else {
        this.byNamespace.set(namespace, new Map([[id, next]]));
        this.sortedNamespaces = undefined;
        into.namespaceList = true;
      }
    } else {
      this.byId.delete(id);
      const rows = this.byNamespace.get(namespace);
      rows?.delete(id);
      if (rows?.size === 0) {
        this.byNamespace.delete(namespace);
        this.sortedNamespaces = undefined;
        into.namespaceList = true;
      }
    }
  }

  private membersOf(w: Workload): Members {
    const cached = this.members.get(w.id);
    if (cached) return cached;
    const replicaSets: V1ReplicaSet[] = [];
    const pods: V1Pod[] = [];
    const uid = w.deployment?.metadata?.uid;
    for (const rsKey of (uid ? this.replicaSetsByOwner.get(uid) : undefined) ?? []) {
      const rs = this.replicaSets.get(rsKey);
      if (!rs) continue;
      replicaSets.push(rs);
      for (const podKey of (rs.metadata?.uid ? this.podsByOwner.get(rs.metadata.uid) : undefined) ?? []) {
        const pod = this.pods.get(podKey);
        if (pod) pods.push(pod);
      }
    }
    replicaSets.sort(byName);
    pods.sort(byName);
    const names = new Set<string>([`${w.kind}/${w.name}`]);
    if (w.deployment) names.add(`Deployment/${nameOf(w.deployment)}`);
    for (const rs of replicaSets) names.add(`ReplicaSet/${nameOf(rs)}`);
    for (const p of pods) names.add(`Pod/${nameOf(p)}`);
    const events = [...names].flatMap((n) => {
      const [kind = "", ...rest] = n.split("/");
      return this.eventsAbout(w.namespace, kind, rest.join("/"));
    });
    const members = { pods, replicaSets, events };
    // Only the live record is cached, so a superseded one cannot leave an entry behind.
    if (this.byId.get(w.id) === w) this.members.set(w.id, members);
    return members;
  }
}

function involvedKey(e: CoreV1Event): string {
  return `${nsOf(e)}/${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`;
}
