import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, requestJson } from "../../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../../kube/client/resourceTypes";
import { classifyActionError } from "../../kube/rollout/clusterActions";
import { trackRollout } from "../../kube/rollout/rolloutTracker";
import { escapeRegex, lastManagersOf, type CanaryChange, type CanaryDriver, type DriverRead } from "./canaryDriver";
import { canaryAnnotation, serialiseCanaryState, type CanaryState } from "./canaryState";

/** The canary Deployment's pods carry this label (value "canary"), so its selector never overlaps the stable one's pods. */
export const canaryTrackLabel = "aiplatform.dev/track";
/** On the canary Deployment: the stable Deployment it is a canary of. */
export const canaryOfAnnotation = "aiplatform.dev/canary-of";

export const canaryDeploymentName = (stable: string): string => `${stable}-canary`;

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}
interface RawDeployment {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string; generation?: number; managedFields?: { manager?: string; time?: string }[] };
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: PodTemplate };
}

function observe(raw: unknown): DriverRead {
  const d = raw as RawDeployment;
  return {
    ok: true,
    observed: {
      annotations: d.metadata?.annotations ?? {},
      resourceVersion: d.metadata?.resourceVersion ?? "",
      generation: d.metadata?.generation ?? 0,
      lastManagers: lastManagersOf(d.metadata),
      trafficSetting: `replicas ${d.spec?.replicas ?? 1}`,
      replicas: d.spec?.replicas ?? 1,
    },
  };
}

/**
 * Replica-ratio weights, as Argo Rollouts does without a traffic router (docs: features/canary,
 * "the weight is achieved by scaling the canary and stable ReplicaSets"): canary = ⌈total × w⌉,
 * at least 1, and the stable keeps at least 1 until promotion. The Service sends each pod an equal
 * share, so the split is approximate: 1 canary next to 1 stable is 50 %, whatever the step says.
 */
export function replicaSplit(percent: number, total: number): { readonly stable: number; readonly canary: number; readonly total: number } {
  const t = Math.max(1, total);
  if (percent <= 0) return { stable: t, canary: 0, total: t };
  if (percent >= 100) return { stable: 0, canary: t, total: t };
  const canary = Math.min(t, Math.max(1, Math.ceil((t * percent) / 100)));
  return { stable: Math.max(1, t - canary), canary, total: t };
}

function withSelectorLabels(template: PodTemplate, selector: Readonly<Record<string, string>>): PodTemplate {
  return { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...selector } } };
}

/** How long promotion waits for the stable Deployment to roll out the canary's template before the canary goes. */
export const promotionRolloutTimeoutMs = 10 * 60_000;

/**
 * A stable Deployment and a `<name>-canary` Deployment with the new pod template behind the one
 * Service (its selector matches both). The state lives on the stable Deployment; the canary one is
 * ours alone, written without preconditions.
 */
export function deploymentPairDriver(
  kc: KubeConfig,
  namespace: string,
  name: string,
  opts: { readonly canaryTemplate?: PodTemplate; readonly promotionTimeoutMs?: number; readonly pollIntervalMs?: number } = {},
): CanaryDriver {
  const collection = collectionPath(ResourceTypes.deployments, namespace);
  const stablePath = `${collection}/${encodeURIComponent(name)}`;
  const canaryName = canaryDeploymentName(name);
  const canaryPath = `${collection}/${encodeURIComponent(canaryName)}`;
  const what = (n: string, verb: string) => ({ verb, resource: "deployments", namespace, name: n });
  const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

  async function readRaw(path: string, signal?: AbortSignal): Promise<RawDeployment | undefined> {
    try {
      return (await requestJson(kc, "GET", path, sig(signal))) as RawDeployment;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Creates the canary Deployment from the stable one and the new template, or scales it. */
  async function ensureCanary(stable: RawDeployment, replicas: number, signal?: AbortSignal): Promise<void> {
    const existing = await readRaw(canaryPath, signal);
    if (existing) {
      // A canary Deployment left from an earlier run takes this run's template.
      const template = opts.canaryTemplate ? { template: withSelectorLabels(opts.canaryTemplate, existing.spec?.selector?.matchLabels ?? {}) } : {};
      await requestJson(kc, "PATCH", canaryPath, { body: { spec: { replicas, ...template } }, contentType: "application/merge-patch+json", ...sig(signal) });
      return;
    }
    // Resumed without the new template, a missing canary Deployment cannot be rebuilt: the stable template would be "tried".
    if (!opts.canaryTemplate) throw new KubeApiError(404, "NotFound", `deployments.apps "${canaryName}" not found`);
    const template = opts.canaryTemplate;
    const selector = { ...stable.spec?.selector?.matchLabels, [canaryTrackLabel]: "canary" };
    const body = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: canaryName, namespace, labels: { ...stable.metadata?.labels, [canaryTrackLabel]: "canary" }, annotations: { [canaryOfAnnotation]: name } },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: withSelectorLabels(template, selector),
      },
    };
    await requestJson(kc, "POST", collection, { body, ...sig(signal) });
  }

  async function deleteCanary(signal?: AbortSignal): Promise<void> {
    try {
      await requestJson(kc, "DELETE", canaryPath, { body: { propagationPolicy: "Background" }, contentType: "application/json", ...sig(signal) });
    } catch (err) {
      if (!(err instanceof KubeApiError && err.statusCode === 404)) throw err;
    }
  }

  return {
    mode: "deployment-pair",
    object: { apiVersion: "apps/v1", kind: "Deployment", namespace, name },
    async read(signal) {
      try {
        return observe(await requestJson(kc, "GET", stablePath, sig(signal)));
      } catch (err) {
        return { ok: false, error: classifyActionError(err, what(name, "get")) };
      }
    },
    split(percent, state) {
      const replicas = replicaSplit(percent, state.replicas?.total ?? 1);
      const traffic = replicas.stable + replicas.canary === 0 ? 0 : (100 * replicas.canary) / (replicas.stable + replicas.canary);
      return { traffic, replicas };
    },
    async write(state: CanaryState, change: CanaryChange, resourceVersion, signal) {
      const total = state.replicas?.total ?? 1;
      const annotations = { [canaryAnnotation]: serialiseCanaryState(state) };
      try {
        let spec: Record<string, unknown> | undefined;
        let canaryTemplate: PodTemplate | undefined;
        if (change.kind === "traffic") spec = { replicas: state.replicas?.stable ?? total };
        else if (change.kind === "rollback") spec = { replicas: total };
        else if (change.kind === "promote") {
          // The stable Deployment takes the canary's template (without the track label, which its selector lacks) and rolls it out.
          canaryTemplate = (await readRaw(canaryPath, signal))?.spec?.template ?? opts.canaryTemplate;
          if (!canaryTemplate) throw new KubeApiError(404, "NotFound", `deployments.apps "${canaryName}" not found`);
          const { [canaryTrackLabel]: _track, ...labels } = canaryTemplate?.metadata?.labels ?? {};
          spec = { replicas: total, template: { ...canaryTemplate, metadata: { ...canaryTemplate.metadata, labels } } };
        }
        // The stable Deployment first: its precondition is where someone else's edit shows.
        const stable = (await requestJson(kc, "PATCH", stablePath, { body: { metadata: { resourceVersion, annotations }, ...(spec ? { spec } : {}) }, contentType: "application/merge-patch+json", ...sig(signal) })) as RawDeployment;
        if (change.kind === "traffic") await ensureCanary(stable, state.replicas?.canary ?? 1, signal);
        if (change.kind === "rollback") await deleteCanary(signal);
        if (change.kind === "promote") {
          // The canary serves until the stable Deployment has rolled the new template out, so no request finds no pod (Argo scales the canary down only after the stable is available).
          const rolled = await trackRollout(kc, { kind: "Deployment", namespace, name }, { ...sig(signal), timeoutMs: opts.promotionTimeoutMs ?? promotionRolloutTimeoutMs, ...(opts.pollIntervalMs ? { pollIntervalMs: opts.pollIntervalMs } : {}) });
          if (rolled.outcome === "complete") await deleteCanary(signal);
        }
        return observe(stable);
      } catch (err) {
        return { ok: false, error: classifyActionError(err, what(name, "patch")) };
      }
    },
    canaryPodRegex: () => Promise.resolve(`${escapeRegex(canaryName)}-[a-z0-9]{1,10}-[a-z0-9]{5}`),
  };
}
