import type { V1Container, V1NodeSelectorRequirement, V1Toleration } from "@kubernetes/client-node";
import { isGpuResourceName } from "../kube/objects/gpuResource";
import { parseImageReference } from "../kube/objects/imageReference";
import { effectivePodRequests } from "../kube/objects/podEffectiveRequests";
import { manifestModelReference } from "../manifest/manifestModelReference";
import { approvalCriteria, carriesCriterion, modelApprovalApplies, type ApprovalCriterion } from "../registry/modelApproval";
import { formatModelUri } from "../registry/modelReference";
import type { RegistryFailure } from "../registry/modelRegistry";
import type { GpuNodeCapacity } from "./clusterCapacity";
import type { PolicyInput, PolicySeverity } from "./policyEvaluator";
import { describeRef, type PodTemplate, podTemplates, type PolicyObjectRef } from "./podTemplates";

/**
 * The policy gates, as data: each rule says what it wants, how bad a breach is, how to fix it
 * and where in aiplatform.yaml the fix goes, and checks Kubernetes objects (rendered or
 * hand-written) rather than the manifest, so what is checked is what would be applied.
 */

export interface Violation {
  readonly message: string;
  readonly objectRef?: PolicyObjectRef;
  /** Overrides the rule's manifestPath, e.g. to name the environment. */
  readonly manifestPath?: readonly (string | number)[];
  readonly severity?: PolicySeverity;
  readonly fixHint?: string;
}

export interface PolicyRule {
  readonly id: string;
  readonly severity: PolicySeverity;
  readonly title: string;
  /** The policy in a sentence, and why. */
  readonly message: string;
  readonly fixHint: string;
  readonly manifestPath: readonly (string | number)[];
  readonly check: (input: PolicyInput) => Violation[];
}

interface NamedContainer {
  readonly template: PodTemplate;
  readonly container: V1Container;
  /** `Deployment ml/chat container "vllm"`. */
  readonly where: string;
}

function containers(input: PolicyInput, opts: { init: boolean } = { init: false }): NamedContainer[] {
  return podTemplates(input.objects).flatMap((template) => [
    ...template.containers.map((container) => ({ template, container, where: `${describeRef(template.ref)} container "${container.name}"` })),
    ...(opts.init ? template.initContainers.map((container) => ({ template, container, where: `${describeRef(template.ref)} init container "${container.name}"` })) : []),
  ]);
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1] ?? ""}`;
}

const has = (c: V1Container, kind: "requests" | "limits", resource: string): boolean => c.resources?.[kind]?.[resource] !== undefined;

/** Kyverno's require-requests-limits: CPU and memory requests and a memory limit (a request defaults to its limit). */
const limitsSet: PolicyRule = {
  id: "limits-set",
  severity: "error",
  title: "Requests and limits are set",
  message: "Every container requests CPU and memory and has a memory limit: the scheduler places pods by their requests, and one pod without a limit can take a node's memory from the others.",
  fixHint: "set resources.cpu and resources.memory (the limits default to them; resources.memoryLimit raises the limit)",
  manifestPath: ["resources"],
  check: (input) =>
    containers(input).flatMap(({ template, container, where }) => {
      const missing = [
        ...(has(container, "requests", "cpu") || has(container, "limits", "cpu") ? [] : ["CPU request"]),
        ...(has(container, "requests", "memory") || has(container, "limits", "memory") ? [] : ["memory request"]),
        ...(has(container, "limits", "memory") ? [] : ["memory limit"]),
      ];
      return missing.length > 0 ? [{ message: `${where} has no ${joinOr(missing)}`, objectRef: template.ref }] : [];
    }),
};

/** Kyverno's disallow-latest-tag: a tag must be given and must not be latest (a digest pins it regardless). */
const noLatestTag: PolicyRule = {
  id: "no-latest-tag",
  severity: "error",
  title: "Images name a version",
  message: "Images carry a version tag or a digest: ':latest' (or no tag, which means latest) points at whatever was pushed last, so the same manifest can deploy different code and a rollback may not go back.",
  fixHint: "give the image a version tag such as vllm/vllm-openai:v0.6.3, or a digest (@sha256:…)",
  manifestPath: ["image"],
  check: (input) =>
    containers(input, { init: true }).flatMap(({ template, container, where }) => {
      if (!container.image) return [];
      const ref = parseImageReference(container.image);
      if (ref.digest) return [];
      if (ref.tag === undefined) return [{ message: `${where} uses ${container.image} with no tag, which pulls :latest`, objectRef: template.ref }];
      return ref.tag === "latest" ? [{ message: `${where} uses ${container.image}`, objectRef: template.ref }] : [];
    }),
};

const immutableImageInProduction: PolicyRule = {
  id: "immutable-image-in-production",
  severity: "error",
  title: "Production images are pinned by digest",
  message: "In a production environment every image is pinned by digest (@sha256:…): a tag can be pushed over, a digest cannot, so what was reviewed is what runs and what a rollback restores.",
  fixHint: "use image: <repository>@sha256:<digest> (docker buildx imagetools inspect <image> prints the digest)",
  manifestPath: ["image"],
  check: (input) =>
    !input.environment.production
      ? []
      : containers(input, { init: true }).flatMap(({ template, container, where }) =>
          container.image && !parseImageReference(container.image).digest
            ? [{ message: `${where} uses ${container.image}, a tag, in production environment ${input.envName}`, objectRef: template.ref }]
            : [],
        ),
};

/** Batch pods finish by themselves; probes are for servers. */
const serving = new Set(["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "InferenceService", "Pod"]);

const probesPresent: PolicyRule = {
  id: "probes-present",
  severity: "warning",
  title: "Readiness and liveness probes",
  message: "Serving containers have a readiness probe (no traffic until the model is loaded) and a liveness probe (a hung server is restarted).",
  fixHint: "add probes.readiness and probes.liveness, e.g. path: /health (set initialDelaySeconds to cover model loading)",
  manifestPath: ["probes"],
  check: (input) =>
    containers(input).flatMap(({ template, container, where }) => {
      if (!serving.has(template.ref.kind)) return [];
      const missing = [...(container.readinessProbe ? [] : ["readiness"]), ...(container.livenessProbe ? [] : ["liveness"])];
      if (missing.length === 0) return [];
      return [{ message: `${where} has no ${joinOr(missing)} probe`, objectRef: template.ref, ...(missing.length === 1 ? { manifestPath: ["probes", missing[0] ?? ""] } : {}) }];
    }),
};

/** Pod Security Standards, restricted profile: runAsNonRoot true for the pod or every container, and runAsUser never 0. */
const runAsNonRoot: PolicyRule = {
  id: "run-as-non-root",
  severity: "error",
  title: "Containers do not run as root",
  message: "Containers run as a non-root user (securityContext.runAsNonRoot: true, runAsUser not 0), as the restricted Pod Security Standard requires: root in a container is one kernel bug away from root on a GPU node.",
  fixHint: "set securityContext.runAsNonRoot: true (on the pod or each container) and a non-zero runAsUser; build the image with a non-root USER",
  manifestPath: ["image"],
  check: (input) =>
    containers(input, { init: true }).flatMap(({ template, container, where }) => {
      const pod = template.spec.securityContext;
      const own = container.securityContext;
      const user = own?.runAsUser ?? pod?.runAsUser;
      if (user === 0) return [{ message: `${where} runs as root (runAsUser: 0)`, objectRef: template.ref }];
      if ((own?.runAsNonRoot ?? pod?.runAsNonRoot) !== true) {
        return [{ message: `${where} does not set runAsNonRoot: true, so the image's USER decides, often root`, objectRef: template.ref }];
      }
      return [];
    }),
};

/** Kinds that live outside namespaces; everything else must be in an allowed one. */
const clusterScoped = new Set([
  "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
  "PriorityClass", "IngressClass", "RuntimeClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "ClusterServingRuntime",
]);

const namespaceAllowed: PolicyRule = {
  id: "namespace-allowed",
  severity: "error",
  title: "Objects stay in the environment's namespaces",
  message: "Every object goes to the environment's namespace or one of its allowedNamespaces, so a manifest cannot reach into another team's namespace.",
  fixHint: "put the object in the environment's namespace, or add its namespace to the environment's allowedNamespaces",
  manifestPath: ["environments"],
  check: (input) => {
    const allowed = [input.environment.namespace, ...(input.environment.allowedNamespaces ?? [])];
    const manifestPath = ["environments", input.envName, "namespace"];
    return input.objects.flatMap((o) => {
      if (clusterScoped.has(o.kind)) return [];
      const ref = { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name };
      const ns = o.metadata.namespace;
      if (ns === undefined || ns === "") {
        return [{ message: `${o.kind} ${o.metadata.name} names no namespace, so it would land in the kubeconfig context's default namespace (environment ${input.envName} deploys to ${allowed.join(", ")})`, objectRef: ref, manifestPath }];
      }
      if (allowed.includes(ns)) return [];
      return [{ message: `${o.kind} ${ns}/${o.metadata.name} is in namespace ${ns}, which environment ${input.envName} may not deploy to (allowed: ${allowed.join(", ")})`, objectRef: ref, manifestPath }];
    });
  },
};

function matchesRequirement(labels: Readonly<Record<string, string>>, r: V1NodeSelectorRequirement): boolean {
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
      return value !== undefined && Number(value) > Number(values[0]);
    case "Lt":
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

function tolerates(tolerations: readonly V1Toleration[], taint: GpuNodeCapacity["taints"][number]): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === "" || t.effect === taint.effect) &&
      (t.operator === "Exists" ? t.key === undefined || t.key === "" || t.key === taint.key : t.key === taint.key && (t.value ?? "") === (taint.value ?? "")),
  );
}

/** Could the scheduler put this pod on the node: nodeSelector, required node affinity and NoSchedule/NoExecute taints. */
function nodeFits(template: PodTemplate, node: GpuNodeCapacity): boolean {
  const spec = template.spec;
  if (!Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => node.labels[k] === v)) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) {
    const fieldLabels = { "metadata.name": node.name };
    const ok = terms.some((term) => (term.matchExpressions ?? []).every((r) => matchesRequirement(node.labels, r)) && (term.matchFields ?? []).every((r) => matchesRequirement(fieldLabels, r)));
    if (!ok) return false;
  }
  return node.taints.filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute").every((t) => tolerates(spec.tolerations ?? [], t));
}

function constraintText(template: PodTemplate): string {
  const selector = Object.entries(template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
  return selector.length > 0 ? ` on nodes with ${selector.join(", ")}` : "";
}

const formatCores = (cores: number): string => `${Math.round(cores * 100) / 100} cores`;
const formatBytes = (bytes: number): string => `${Math.round((bytes / 2 ** 30) * 10) / 10} GiB`;

const gpuCapacity: PolicyRule = {
  id: "gpu-capacity",
  severity: "error",
  title: "The GPUs are free",
  message: "The GPUs the service needs at its minimum replica count are free in the target pool (for its GPU type or MIG profile), counting each pod on one node with the CPU and memory it requests beside them, so the rollout does not wait for GPUs that are not there.",
  fixHint: "lower resources.gpu.count or scaling.minReplicas, choose another resources.gpu.type or MIG profile, or add GPU nodes to the pool",
  manifestPath: ["resources", "gpu"],
  check: (input) =>
    podTemplates(input.objects).flatMap((template): Violation[] => {
      if (template.minPods === 0) return [];
      const requests = [...effectivePodRequests(template.spec, isGpuResourceName)].filter(([, n]) => n > 0);
      const podCpuMemory = effectivePodRequests(template.spec, (r) => r === "cpu" || r === "memory");
      const cpuPerPod = podCpuMemory.get("cpu") ?? 0;
      const memoryPerPod = podCpuMemory.get("memory") ?? 0;
      return requests.map(([resource, perPod]): Violation | undefined => {
        const need = `${template.minPods} ${template.minPods === 1 ? "pod" : "pods"} × ${perPod} ${resource}${constraintText(template)}`;
        const cluster = input.cluster;
        if (!cluster) {
          return {
            severity: "info",
            message: `not checked: no live cluster; ${describeRef(template.ref)} needs ${need}`,
            fixHint: "run aiplat check --live (or deploy from the editor) to compare with the cluster's free GPUs",
            objectRef: template.ref,
          };
        }
        const candidates = cluster.nodes.filter((n) => (n.allocatable[resource] ?? 0) > 0 && nodeFits(template, n));
        if (candidates.length === 0) {
          return { message: `${describeRef(template.ref)} needs ${need}, but no ready, schedulable node offers ${resource} to it`, objectRef: template.ref };
        }
        // On an update the service's own pods give their GPUs (and CPU and memory) back as they are replaced.
        const own = (n: GpuNodeCapacity): number => n.holders.filter((h) => h.resource === resource && template.ownsPod(h.namespace, h.pod)).reduce((s, h) => s + h.count, 0);
        const ownPods = (n: GpuNodeCapacity) => n.podRequests.filter((p) => template.ownsPod(p.namespace, p.pod));
        const available = candidates.map((n) => (n.free[resource] ?? 0) + own(n));
        const byGpu = available.map((a) => Math.floor(a / perPod));
        const byNode = candidates.map((n, i) => {
          const cpu = n.freeCpu + ownPods(n).reduce((s, p) => s + p.cpu, 0);
          const memory = n.freeMemory + ownPods(n).reduce((s, p) => s + p.memory, 0);
          const limits = [byGpu[i] ?? 0];
          if (cpuPerPod > 0) limits.push(Math.floor(cpu / cpuPerPod + 1e-9));
          if (memoryPerPod > 0) limits.push(Math.floor(memory / memoryPerPod));
          return { node: n, pods: Math.max(0, Math.min(...limits)), cpu, memory };
        });
        const fits = byNode.reduce((s, n) => s + n.pods, 0);
        if (fits >= template.minPods) return undefined;
        const reused = candidates.reduce((s, n) => s + own(n), 0);
        const pools = [...new Set(candidates.map((n) => n.pool))];
        const total = available.reduce((s, a) => s + a, 0);
        const gpuFits = byGpu.reduce((s, a) => s + a, 0);
        if (gpuFits >= template.minPods) {
          // The GPUs are there, but not the CPU or memory beside them: say which, with numbers.
          const best = byNode.filter((_, i) => (byGpu[i] ?? 0) > 0).sort((a, b) => b.cpu - a.cpu)[0];
          const short = best ? [cpuPerPod > best.cpu ? `${formatCores(best.cpu)} CPU free (a pod requests ${formatCores(cpuPerPod)})` : undefined, memoryPerPod > best.memory ? `${formatBytes(best.memory)} memory free (a pod requests ${formatBytes(memoryPerPod)})` : undefined].filter(Boolean).join(" and ") : "";
          return {
            message: `${describeRef(template.ref)} needs ${need}; the GPUs are free, but only ${fits} ${fits === 1 ? "pod fits" : "pods fit"} beside them${best && short ? `: node ${best.node.name} has ${short}` : ""}`,
            fixHint: "lower resources.cpu or resources.memory to fit the GPU nodes, or choose a GPU type on larger nodes (resources.gpu.type)",
            objectRef: template.ref,
          };
        }
        return {
          message: `${describeRef(template.ref)} needs ${need}, but only ${fits} ${fits === 1 ? "fits" : "fit"}: ${pools.length === 1 ? `pool ${pools[0] ?? ""} has` : `pools ${pools.join(", ")} have`} ${total} free${reused > 0 ? ` (counting ${reused} its current pods hold)` : ""}, at most ${Math.max(...available)} on one node`,
          objectRef: template.ref,
        };
      }).filter((v): v is Violation => v !== undefined);
    }),
};

function criterionText(c: ApprovalCriterion): string {
  switch (c.kind) {
    case "alias":
      return `alias ${c.alias}`;
    case "stage":
      return `stage ${c.stage}`;
    case "tag":
      return `tag ${c.key}=${c.value}`;
  }
}

/** Why the registry could not say, in a clause; never credentials (the failure carries none). */
function registryFailureText(f: RegistryFailure, registry: string): string {
  switch (f.kind) {
    case "api-error":
      return `the registry at ${registry} answered ${f.status} ${f.errorCode}`;
    case "unauthorized":
      return `the registry at ${registry} refused the credentials (${f.status})`;
    case "timeout":
      return `the registry at ${registry} did not answer within ${Math.round(f.afterMs / 1000)} s`;
    case "unreachable":
      return `the registry at ${registry} could not be reached: ${f.detail}`;
    case "bad-response":
      return `the answer from ${registry} was not MLflow's (HTTP ${f.status})`;
    case "unsupported":
      return `the registry at ${registry} does not support ${f.feature}`;
    case "too-large":
      return `the answer from ${registry} was too large`;
    case "aborted":
      return "the check was cancelled";
  }
}

const notCheckedFix = "connect the environment's model registry (Connect Model Registry… in the editor, or MLFLOW_TRACKING_URI for aiplat check --live and aiplat deploy)";

/**
 * The approval gate. Judged from facts read beforehand (modelApproval.ts): an answer of "not
 * approved" or "not in the registry" blocks (error); a registry that cannot be asked warns
 * rather than blocks, so an MLflow outage does not stop an urgent rollback of a service, and
 * the warning says the approval was not checked. Without a registry at all it says so (info),
 * as gpu-capacity does without a cluster.
 */
const modelApproved: PolicyRule = {
  id: "model-approved",
  severity: "error",
  title: "The model version is approved",
  message: "A production environment (or one with modelApproval) serves a registered model version that carries its approval: an alias (champion by default), a stage or a tag, so what reaches users is a version someone approved.",
  fixHint: "deploy the approved version, approve this one in the registry (e.g. Set Alias… champion), or change environments.<env>.modelApproval",
  manifestPath: ["model"],
  check: (input) => {
    const env = input.environment;
    if (!modelApprovalApplies(env)) return [];
    const criteria = approvalCriteria(env);
    const wanted = joinOr(criteria.map(criterionText));
    const ref = manifestModelReference(input.manifest.model);
    if (!ref) {
      // Only an environment that asked for approval is held to it: a bare storage URI has no registry record to carry one.
      if (!env.modelApproval) return [];
      const model = "storageUri" in input.manifest.model ? input.manifest.model.storageUri : input.manifest.model.registry;
      return [
        {
          message: `${model} names no registered model version, so environment ${input.envName} cannot check that it carries ${wanted}`,
          fixHint: "name the registered version: model.registry models:/<name> with model.version (KServe: keep storageUri and add registry and version)",
        },
      ];
    }
    const uri = formatModelUri(ref);
    const facts = input.model;
    if (!facts || facts.kind === "not-required" || facts.kind === "not-a-registry-model") {
      return [{ severity: "info", message: `not checked: no model registry connected; environment ${input.envName} needs ${uri} to carry ${wanted}`, fixHint: notCheckedFix }];
    }
    switch (facts.kind) {
      case "registry-failure":
        return [
          {
            severity: "warning",
            message: `could not check that ${uri} carries ${wanted}: ${registryFailureText(facts.failure, facts.registry)}`,
            fixHint: facts.failure.kind === "unauthorized" ? "check the registry credentials (MLFLOW_TRACKING_TOKEN, or USERNAME and PASSWORD)" : "check again when the registry answers",
          },
        ];
      case "not-found": {
        const what = { model: `no registered model ${ref.name}`, version: ref.kind === "version" ? `no version ${ref.version} of ${ref.name}` : "", alias: ref.kind === "alias" ? `no alias ${ref.alias} on ${ref.name}` : "" }[facts.missing];
        return [{ message: `${uri} is not in the registry (${facts.registry} has ${what}), so it cannot carry ${wanted}`, fixHint: "deploy a registered version (aiplat models versions NAME lists them)" }];
      }
      case "resolved": {
        const v = facts.version;
        if (criteria.some((c) => carriesCriterion(v, c))) return [];
        const carries = [...v.aliases.map((a) => `alias ${a}`), ...(v.currentStage && v.currentStage !== "None" ? [`stage ${v.currentStage}`] : [])];
        const holders = criteria.flatMap((c) => {
          const holder = c.kind === "alias" ? facts.aliasHolders.get(c.alias) : undefined;
          return c.kind === "alias" && holder !== undefined ? [`${c.alias} is version ${holder}`] : [];
        });
        const served = ref.kind === "alias" ? `${uri} (version ${v.version})` : uri;
        const text = `${served} is not approved for ${input.envName}: it ${carries.length > 0 ? `carries ${carries.join(", ")}` : "carries no alias or stage"}, and approval needs ${wanted}${holders.length > 0 ? ` (${holders.join("; ")})` : ""}`;
        // An alias the registry cannot hold (Azure ML) is not the version's fault: warn that it could not be checked.
        if (facts.aliasesUnsupported && criteria.every((c) => c.kind === "alias")) {
          return [{ severity: "warning", message: `could not check that ${uri} carries ${wanted}: the registry (${facts.registry}) has no aliases`, fixHint: "set environments.<env>.modelApproval.stage or .tag to a criterion the registry supports" }];
        }
        return [{ message: text }];
      }
    }
  },
};

/** In the order findings of equal severity are listed. */
export const policyRules: readonly PolicyRule[] = [namespaceAllowed, modelApproved, gpuCapacity, limitsSet, noLatestTag, immutableImageInProduction, runAsNonRoot, probesPresent];

export function policyRule(id: string): PolicyRule | undefined {
  return policyRules.find((r) => r.id === id);
}
