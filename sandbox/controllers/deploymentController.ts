/**
 * The deployment controller (k8s.io/kubernetes pkg/controller/deployment): ReplicaSets per pod
 * template found by template equality and created as <deployment>-<pod-template-hash>, revision
 * annotations synced as rollout history and undo expect, RollingUpdate within maxSurge and
 * maxUnavailable, Recreate, proportional scaling, pause, history cleanup and the progress deadline.
 */
import { type StoreEvent } from "../objectStore";
import { type Controller, type ControllerContext, isKind, kinds, writeObject } from "./controllerContext";
import {
  calculateStatus,
  deploymentComplete,
  hasProgressDeadline,
  msUntilDeadline,
  newCondition,
  reasons,
  rolloutStatus,
  setCondition,
} from "./deploymentStatus";
import { type Deployment, type DeploymentStatus, type Pod, type ReplicaSet, conditionOf, controllerUid } from "./kubeShapes";
import { computeHash, equalIgnoreHash, podTemplateHashLabel } from "./podTemplateHash";
import { desiredReplicas, isRollingUpdate, maxSurge, maxUnavailable, newRSNewReplicas, specReplicas, sumSpecReplicas } from "./rolloutBounds";

export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
const notCopied = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  "deprecated.deployment.rollback.to",
]);
const source = { component: "deployment-controller" };

const created = (rs: ReplicaSet): string => `${rs.metadata.creationTimestamp ?? ""}/${rs.metadata.name ?? ""}`;
const byCreation = (sets: readonly ReplicaSet[]): ReplicaSet[] => [...sets].sort((a, b) => created(a).localeCompare(created(b)));
export const revisionOf = (rs: ReplicaSet): number => Number.parseInt(rs.metadata.annotations?.[revisionAnnotation] ?? "", 10) || 0;
const available = (rs: ReplicaSet): number => rs.status?.availableReplicas ?? 0;

interface Revisioned {
  d: Deployment;
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** deploymentutil.SetNewReplicaSetAnnotations: the deployment's annotations copied, the revision raised, history kept. */
export function newReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): Record<string, string> {
  const annotations = { ...rs.metadata.annotations };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!notCopied.has(k)) annotations[k] = v;
  const old = annotations[revisionAnnotation];
  const oldRevision = old === undefined ? 0 : Number.parseInt(old, 10);
  if (!Number.isNaN(oldRevision) && oldRevision < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    if (old !== undefined) {
      const history = annotations[revisionHistoryAnnotation];
      annotations[revisionHistoryAnnotation] = history ? `${history},${old}` : old;
    }
  }
  if (!exists) {
    annotations[desiredReplicasAnnotation] = String(desiredReplicas(d));
    annotations[maxReplicasAnnotation] = String(desiredReplicas(d) + maxSurge(d));
  }
  return annotations;
}

export class DeploymentController implements Controller {
  constructor(private readonly ctx: ControllerContext) {}

  handle(event: StoreEvent): void {
    if (isKind(event, kinds.deployments)) {
      if (event.type !== "DELETED") this.enqueue(event.object.metadata.namespace ?? "", event.object.metadata.name ?? "");
    } else if (isKind(event, kinds.replicaSets)) {
      const owner = event.object.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === "Deployment");
      if (owner) this.enqueue(event.object.metadata.namespace ?? "", owner.name);
    }
  }

  resync(): void {
    for (const d of this.ctx.store.list(kinds.deployments)) this.enqueue(d.metadata.namespace ?? "", d.metadata.name ?? "");
  }

  private enqueue(namespace: string, name: string, afterMs?: number): void {
    const key = `deployment:${namespace}/${name}`;
    if (afterMs === undefined) this.ctx.queue.add(key, () => this.sync(namespace, name));
    else this.ctx.queue.after(afterMs, key, () => this.sync(namespace, name));
  }

  private get(namespace: string, name: string): Deployment | undefined {
    return this.ctx.store.get(kinds.deployments, namespace, name) as Deployment | undefined;
  }

  private ownedReplicaSets(d: Deployment): ReplicaSet[] {
    return (this.ctx.store.list(kinds.replicaSets, d.metadata.namespace) as ReplicaSet[]).filter((rs) => controllerUid(rs) === d.metadata.uid);
  }

  sync(namespace: string, name: string): void {
    let d = this.get(namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    d = this.checkPausedConditions(d);
    if (d.spec.paused || this.isScalingEvent(d)) this.syncScale(d);
    else if (isRollingUpdate(d)) this.rolloutRolling(d);
    else this.rolloutRecreate(d);
  }

  private writeStatus(d: Deployment, status: DeploymentStatus): Deployment {
    if (JSON.stringify(status) === JSON.stringify(d.status ?? {})) return d;
    return writeObject(this.ctx, kinds.deployments, { ...d, status }, "status");
  }

  private checkPausedConditions(d: Deployment): Deployment {
    if (!hasProgressDeadline(d)) return d;
    const cond = conditionOf(d.status?.conditions, "Progressing");
    if (cond?.reason === reasons.timedOut) return d;
    const pausedExists = cond?.reason === reasons.paused;
    const now = this.ctx.now();
    let condition;
    if (d.spec.paused && !pausedExists) condition = newCondition("Progressing", "Unknown", reasons.paused, "Deployment is paused", now);
    else if (!d.spec.paused && pausedExists) condition = newCondition("Progressing", "Unknown", reasons.resumed, "Deployment is resumed", now);
    if (!condition) return d;
    return this.writeStatus(d, { ...d.status, conditions: setCondition(d.status?.conditions ?? [], condition) });
  }

  /** getAllReplicaSetsAndSyncRevision: finds (or creates) the new ReplicaSet and keeps revisions in step. */
  private syncRevision(d: Deployment, create: boolean): Revisioned {
    const rsList = this.ownedReplicaSets(d);
    const existing = byCreation(rsList).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const now = this.ctx.now();
    if (existing) {
      let rs = existing;
      const annotations = newReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (JSON.stringify(annotations) !== JSON.stringify(rs.metadata.annotations ?? {}) || (rs.spec.minReadySeconds ?? 0) !== minReady) {
        rs = writeObject(this.ctx, kinds.replicaSets, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, ...(minReady ? { minReadySeconds: minReady } : {}) } });
      }
      d = this.setRevision(d, rs.metadata.annotations?.[revisionAnnotation] ?? String(newRevision));
      if (hasProgressDeadline(d) && !conditionOf(d.status?.conditions, "Progressing")) {
        const condition = newCondition("Progressing", "True", reasons.foundNewRS, `Found new replica set "${rs.metadata.name ?? ""}"`, now);
        d = this.writeStatus(d, { ...d.status, conditions: setCondition(d.status?.conditions ?? [], condition) });
      }
      return { d, newRS: rs, oldRSs };
    }
    if (!create) return { d, newRS: undefined, oldRSs };

    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const name = `${d.metadata.name ?? ""}-${hash}`;
    const clash = this.ctx.store.get(kinds.replicaSets, d.metadata.namespace, name);
    if (clash) {
      // A hash collision: bump collisionCount so the next hash differs, as the real controller does.
      this.writeStatus(d, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
      return { d, newRS: undefined, oldRSs };
    }
    const labels = { ...d.spec.template.metadata?.labels, [podTemplateHashLabel]: hash };
    const draft: ReplicaSet = {
      metadata: {
        name,
        namespace: d.metadata.namespace,
        labels,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name ?? "", uid: d.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 0,
        ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [podTemplateHashLabel]: hash } },
        template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
      },
    };
    draft.spec.replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    draft.metadata.annotations = newReplicaSetAnnotations(d, draft, newRevision, false);
    const rs = this.ctx.verbs.create(kinds.replicaSets, d.metadata.namespace, draft, { dryRun: false }) as ReplicaSet;
    this.ctx.syncReplicaSet(d.metadata.namespace ?? "", name);
    if (specReplicas(rs) > 0) this.event(d, `Scaled up replica set ${name} to ${specReplicas(rs)}`);
    d = this.setRevision(d, String(newRevision));
    if (hasProgressDeadline(d)) {
      const condition = newCondition("Progressing", "True", reasons.newRSCreated, `Created new replica set "${name}"`, now);
      d = this.writeStatus(d, { ...d.status, conditions: setCondition(d.status?.conditions ?? [], condition) });
    }
    return { d, newRS: this.fresh(rs), oldRSs };
  }

  private setRevision(d: Deployment, revision: string): Deployment {
    if (d.metadata.annotations?.[revisionAnnotation] === revision) return d;
    return writeObject(this.ctx, kinds.deployments, { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [revisionAnnotation]: revision } } });
  }

  private fresh(rs: ReplicaSet): ReplicaSet {
    return (this.ctx.store.get(kinds.replicaSets, rs.metadata.namespace, rs.metadata.name ?? "") as ReplicaSet | undefined) ?? rs;
  }

  private event(d: Deployment, message: string): void {
    this.ctx.events.record(kinds.deployments, d, { type: "Normal", reason: "ScalingReplicaSet", message, source });
  }

  /** scaleReplicaSet: sets replicas and the desired/max annotations, and syncs the ReplicaSet at once. */
  private scaleReplicaSet(rs: ReplicaSet, newScale: number, d: Deployment): { scaled: boolean; rs: ReplicaSet } {
    const oldScale = specReplicas(rs);
    const annotations = {
      ...rs.metadata.annotations,
      [desiredReplicasAnnotation]: String(desiredReplicas(d)),
      [maxReplicasAnnotation]: String(desiredReplicas(d) + maxSurge(d)),
    };
    const sizeChanged = oldScale !== newScale;
    if (!sizeChanged && JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations ?? {})) return { scaled: false, rs };
    const written = writeObject(this.ctx, kinds.replicaSets, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas: newScale } });
    this.ctx.syncReplicaSet(written.metadata.namespace ?? "", written.metadata.name ?? "");
    if (sizeChanged) this.event(d, `Scaled ${oldScale < newScale ? "up" : "down"} replica set ${rs.metadata.name ?? ""} to ${newScale} from ${oldScale}`);
    return { scaled: sizeChanged, rs: this.fresh(written) };
  }

  private scaleIfNeeded(rs: ReplicaSet, newScale: number, d: Deployment): { scaled: boolean; rs: ReplicaSet } {
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, d);
  }

  private isScalingEvent(d: Deployment): boolean {
    const { newRS, oldRSs } = this.syncRevision(d, false);
    const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => specReplicas(rs) > 0);
    return active.some((rs) => {
      const desired = rs.metadata.annotations?.[desiredReplicasAnnotation];
      return desired !== undefined && Number(desired) !== desiredReplicas(d);
    });
  }

  /** dc.sync: scaling and pausing, no rollout. */
  private syncScale(d0: Deployment): void {
    const { d, newRS, oldRSs } = this.syncRevision(d0, false);
    const scaledOld = this.scale(d, newRS, oldRSs);
    if (d.spec.paused) this.cleanup(scaledOld.oldRSs, d);
    const all = [...(scaledOld.newRS ? [scaledOld.newRS] : []), ...scaledOld.oldRSs];
    this.writeStatus(d, calculateStatus(all, scaledOld.newRS, d, this.ctx.now()));
  }

  /** dc.scale: one active ReplicaSet takes the whole count; otherwise scale all in proportion. */
  private scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const replace = (rs: ReplicaSet): void => {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) newRS = rs;
      oldRSs = oldRSs.map((o) => (o.metadata.uid === rs.metadata.uid ? rs : o));
    };
    const all = [...(newRS ? [newRS] : []), ...oldRSs];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    const replicas = desiredReplicas(d);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? byCreation(oldRSs).reverse()[0];
      if (target && specReplicas(target) !== replicas) replace(this.scaleReplicaSet(target, replicas, d).rs);
      return { newRS, oldRSs };
    }
    const saturated = newRS && newRS.metadata.annotations?.[desiredReplicasAnnotation] === String(replicas) && specReplicas(newRS) === replicas && available(newRS) === replicas;
    if (saturated) {
      for (const old of oldRSs.filter((rs) => specReplicas(rs) > 0)) replace(this.scaleReplicaSet(old, 0, d).rs);
      return { newRS, oldRSs };
    }
    if (!isRollingUpdate(d)) return { newRS, oldRSs };
    const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
    const toAdd = allowed - sumSpecReplicas(active);
    const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? created(b).localeCompare(created(a)) : created(a).localeCompare(created(b))));
    let added = 0;
    const sizes = new Map<ReplicaSet, number>();
    for (const rs of sorted) {
      let proportion = 0;
      if (toAdd !== 0 && toAdd !== added) {
        const before = Number(rs.metadata.annotations?.[maxReplicasAnnotation]) || d.status?.replicas || 0;
        const fraction = replicas === 0 ? -specReplicas(rs) : before === 0 ? 0 : Math.round((specReplicas(rs) * allowed) / before) - specReplicas(rs);
        proportion = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      }
      sizes.set(rs, specReplicas(rs) + proportion);
      added += proportion;
    }
    sorted.forEach((rs, i) => {
      let size = sizes.get(rs) ?? specReplicas(rs);
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
      replace(this.scaleReplicaSet(rs, size, d).rs);
    });
    return { newRS, oldRSs };
  }

  /** cleanupDeployment: keep revisionHistoryLimit old ReplicaSets, deleting the oldest scaled-down ones. */
  private cleanup(oldRSs: ReplicaSet[], d: Deployment): void {
    const limit = d.spec.revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b) || created(a).localeCompare(created(b)));
    const diff = cleanable.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if (!rs || (rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      this.ctx.verbs.delete(kinds.replicaSets, rs.metadata.namespace, rs.metadata.name ?? "", { dryRun: false });
    }
  }

  private rolloutRolling(d0: Deployment): void {
    const revisioned = this.syncRevision(d0, true);
    const d = revisioned.d;
    let { newRS, oldRSs } = revisioned;
    if (!newRS) {
      this.enqueue(d.metadata.namespace ?? "", d.metadata.name ?? "", 50);
      return;
    }
    const replicas = desiredReplicas(d);
    let scaledUp = false;
    if (specReplicas(newRS) > replicas) ({ scaled: scaledUp, rs: newRS } = this.scaleIfNeeded(newRS, replicas, d));
    else if (specReplicas(newRS) < replicas) ({ scaled: scaledUp, rs: newRS } = this.scaleIfNeeded(newRS, newRSNewReplicas(d, [newRS, ...oldRSs], newRS), d));
    if (scaledUp) {
      this.syncRolloutStatus([newRS, ...oldRSs], newRS, d);
      return;
    }
    const reconciled = this.reconcileOldReplicaSets(newRS, oldRSs, d);
    oldRSs = reconciled.oldRSs;
    if (reconciled.scaled) {
      this.syncRolloutStatus([newRS, ...oldRSs], newRS, d);
      return;
    }
    if (deploymentComplete(d, d.status ?? {})) this.cleanup(oldRSs, d);
    this.syncRolloutStatus([newRS, ...oldRSs], newRS, d);
  }

  /** reconcileOldReplicaSets: first drop unhealthy old pods, then scale down as far as maxUnavailable allows. */
  private reconcileOldReplicaSets(newRS: ReplicaSet, oldRSs: ReplicaSet[], d: Deployment): { scaled: boolean; oldRSs: ReplicaSet[] } {
    if (sumSpecReplicas(oldRSs) === 0) return { scaled: false, oldRSs };
    const replace = (rs: ReplicaSet): void => {
      oldRSs = oldRSs.map((o) => (o.metadata.uid === rs.metadata.uid ? rs : o));
    };
    const minAvailable = desiredReplicas(d) - maxUnavailable(d);
    const newUnavailable = specReplicas(newRS) - available(newRS);
    const maxScaledDown = sumSpecReplicas([newRS, ...oldRSs]) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return { scaled: false, oldRSs };
    let cleaned = 0;
    for (const rs of byCreation(oldRSs)) {
      if (cleaned >= maxScaledDown) break;
      if (specReplicas(rs) === 0 || specReplicas(rs) === available(rs)) continue;
      const count = Math.min(maxScaledDown - cleaned, specReplicas(rs) - available(rs));
      replace(this.scaleIfNeeded(rs, specReplicas(rs) - count, d).rs);
      cleaned += count;
    }
    const availableCount = [newRS, ...oldRSs].reduce((n, rs) => n + available(rs), 0);
    let scaledDown = 0;
    if (availableCount > minAvailable) {
      const total = availableCount - minAvailable;
      for (const rs of byCreation(oldRSs)) {
        if (scaledDown >= total) break;
        if (specReplicas(rs) === 0) continue;
        const count = Math.min(specReplicas(rs), total - scaledDown);
        replace(this.scaleIfNeeded(rs, specReplicas(rs) - count, d).rs);
        scaledDown += count;
      }
    }
    return { scaled: cleaned + scaledDown > 0, oldRSs };
  }

  private rolloutRecreate(d0: Deployment): void {
    let { d, newRS, oldRSs } = this.syncRevision(d0, false);
    let scaledDown = false;
    for (const rs of oldRSs.filter((o) => specReplicas(o) > 0)) {
      const result = this.scaleIfNeeded(rs, 0, d);
      scaledDown ||= result.scaled;
      oldRSs = oldRSs.map((o) => (o.metadata.uid === rs.metadata.uid ? result.rs : o));
    }
    const all = (): ReplicaSet[] => [...(newRS ? [newRS] : []), ...oldRSs];
    if (scaledDown || this.oldPodsRunning(oldRSs)) {
      this.syncRolloutStatus(all(), newRS, d);
      return;
    }
    if (!newRS) ({ d, newRS, oldRSs } = this.syncRevision(d, true));
    if (!newRS) return;
    newRS = this.scaleIfNeeded(newRS, desiredReplicas(d), d).rs;
    if (deploymentComplete(d, d.status ?? {})) this.cleanup(oldRSs, d);
    this.syncRolloutStatus(all(), newRS, d);
  }

  private oldPodsRunning(oldRSs: ReplicaSet[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const uids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return (this.ctx.store.list(kinds.pods, oldRSs[0]?.metadata.namespace) as Pod[]).some((p) => uids.has(controllerUid(p)) && p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded");
  }

  private syncRolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): void {
    const now = this.ctx.now();
    const status = rolloutStatus(allRSs.map((rs) => this.fresh(rs)), newRS ? this.fresh(newRS) : undefined, d, now);
    const written = this.writeStatus(d, status);
    const left = msUntilDeadline(written, status, now);
    if (left !== undefined && !deploymentComplete(written, status)) this.enqueue(d.metadata.namespace ?? "", d.metadata.name ?? "", Math.max(0, left) + 25);
  }
}
