/**
 * The arithmetic of a rolling update (k8s.io/kubernetes pkg/controller/deployment/util):
 * maxSurge and maxUnavailable as ints or percentages (surge rounds up, unavailable rounds
 * down, and both zero means one unavailable), and how far the new ReplicaSet may grow.
 */
import { type Deployment, type IntOrString, type ReplicaSet } from "./kubeShapes";

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(value);
  if (!percent) return Number.parseInt(value, 10) || 0;
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** deploymentutil.ResolveFenceposts. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? "25%", desired, true);
  let unavailable = scaledValue(maxUnavailable ?? "25%", desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const r = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(r?.maxSurge, r?.maxUnavailable, desiredReplicas(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const r = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(r?.maxSurge, r?.maxUnavailable, replicas).unavailable, replicas);
}

export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;

export function sumSpecReplicas(sets: readonly ReplicaSet[]): number {
  return sets.reduce((n, rs) => n + specReplicas(rs), 0);
}

/** deploymentutil.NewRSNewReplicas: the replicas the new ReplicaSet may have now. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = sumSpecReplicas(allRSs);
  const maxTotal = replicas + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}
