import type { KubeConfig } from "@kubernetes/client-node";
import { requestJson } from "../../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../../kube/client/resourceTypes";
import { revisionAnnotation } from "../../kube/objects/wellKnownAnnotations";
import { classifyActionError } from "../../kube/rollout/clusterActions";
import { escapeRegex, lastManagersOf, type CanaryChange, type CanaryDriver, type DriverRead } from "./canaryDriver";
import { canaryAnnotation, serialiseCanaryState, type CanaryState } from "./canaryState";

interface RawObject {
  metadata?: { annotations?: Record<string, string>; resourceVersion?: string; generation?: number; name?: string; creationTimestamp?: string; managedFields?: { manager?: string; time?: string }[] };
  spec?: { predictor?: { canaryTrafficPercent?: number } };
}

const kserveLabel = "serving.kserve.io/inferenceservice";

function observe(raw: unknown): DriverRead {
  const o = raw as RawObject;
  const share = o.spec?.predictor?.canaryTrafficPercent;
  return {
    ok: true,
    observed: {
      annotations: o.metadata?.annotations ?? {},
      resourceVersion: o.metadata?.resourceVersion ?? "",
      generation: o.metadata?.generation ?? 0,
      lastManagers: lastManagersOf(o.metadata),
      trafficSetting: share === undefined ? "canaryTrafficPercent unset" : `canaryTrafficPercent ${share}`,
    },
  };
}

/**
 * KServe (Knative mode): spec.predictor.canaryTrafficPercent splits traffic between the newest
 * revision and the last rolled-out one. Rollback is 0 % (the canary revision stays, without
 * traffic), promotion removes the field so the newest revision takes it all.
 */
export function kserveCanaryDriver(kc: KubeConfig, namespace: string, name: string): CanaryDriver {
  const path = `${collectionPath(ResourceTypes.inferenceServices, namespace)}/${encodeURIComponent(name)}`;
  const what = { verb: "patch", resource: "inferenceservices.serving.kserve.io", namespace, name };
  return {
    mode: "kserve",
    object: { apiVersion: ResourceTypes.inferenceServices.apiVersion, kind: "InferenceService", namespace, name },
    async read(signal) {
      try {
        return observe(await requestJson(kc, "GET", path, { ...(signal ? { signal } : {}) }));
      } catch (err) {
        return { ok: false, error: classifyActionError(err, { ...what, verb: "get" }) };
      }
    },
    split: (percent) => ({ traffic: percent }),
    async write(state: CanaryState, change: CanaryChange, resourceVersion, signal) {
      const share = change.kind === "traffic" ? (change.percent >= 100 ? null : change.percent) : change.kind === "rollback" ? 0 : change.kind === "promote" ? null : undefined;
      const body = {
        metadata: { resourceVersion, annotations: { [canaryAnnotation]: serialiseCanaryState(state) } },
        ...(share !== undefined ? { spec: { predictor: { canaryTrafficPercent: share } } } : {}),
      };
      try {
        return observe(await requestJson(kc, "PATCH", path, { body, contentType: "application/merge-patch+json", ...(signal ? { signal } : {}) }));
      } catch (err) {
        return { ok: false, error: classifyActionError(err, what) };
      }
    },
    /**
     * Each revision runs its own ReplicaSet (Knative: `<isvc>-predictor-00002-deployment-<hash>`),
     * whose pods are `<rs>-<5 chars>`: the newest ReplicaSet's pods are the canary's.
     */
    async canaryPodRegex(signal) {
      try {
        const list = (await requestJson(kc, "GET", `${collectionPath(ResourceTypes.replicaSets, namespace)}?labelSelector=${encodeURIComponent(`${kserveLabel}=${name}`)}`, { ...(signal ? { signal } : {}) })) as { items?: RawObject[] };
        // Creation time has second resolution: the Deployment revision, then the name (Knative pads revision numbers) break ties.
        const key = (o: RawObject): string => `${o.metadata?.creationTimestamp ?? ""}|${(o.metadata?.annotations?.[revisionAnnotation] ?? "").padStart(9, "0")}|${o.metadata?.name ?? ""}`;
        const newest = (list.items ?? []).reduce<RawObject | undefined>((a, b) => (!a || key(b) > key(a) ? b : a), undefined);
        const rs = newest?.metadata?.name;
        return rs ? `${escapeRegex(rs)}-[a-z0-9]{5}` : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
