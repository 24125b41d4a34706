/**
 * What the cluster says is wrong with the workload's pods, as failure classes: the existing pod
 * classifier (podProblems), the scheduler's word on pending GPU pods (pendingGpuPods), node
 * conditions and quota refusals. Platform or code follows the issue's split: image pull,
 * scheduling, GPU starvation, node NotReady, OOM against limits and quota are the platform's;
 * a crash loop (with the app's own exit code) is the code's. Metric findings (app 5xx, latency
 * after a deploy) come from the comparisons, in triageVerdict.ts.
 */
import type { CoreV1Event, V1Node, V1Pod } from "@kubernetes/client-node";
import { pendingGpuPods } from "../kube/gpu/pendingGpuPods";
import { podProblems, type PodProblemCode } from "../kube/workloads/podProblems";
import { eventEvidence } from "./triageChanges";
import { sideOfFailureClass, type Evidence, type FailureClass, type TriageFinding } from "./triageReport";

const classOfProblem: Partial<Record<PodProblemCode, FailureClass>> = {
  CrashLoopBackOff: "crash-loop",
  OOMKilled: "oom",
  ImagePullBackOff: "image-pull",
  ErrImagePull: "image-pull",
  Unschedulable: "scheduling",
  InsufficientGPU: "gpu-starvation",
};

interface Found {
  readonly evidence: Evidence[];
  readonly pods: Set<string>;
  readonly nodes: Set<string>;
}

function podHash(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.["pod-template-hash"];
}

/** The ReplicaSet-hash of every pod with a problem in a class, for pinning findings on a revision. */
export interface PodFindingsResult {
  readonly findings: TriageFinding[];
  /** Per class, the pod-template-hashes of the pods showing it. */
  readonly hashes: ReadonlyMap<FailureClass, ReadonlySet<string>>;
}

function containerStatusOf(pod: V1Pod, container: string | undefined) {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
}

function memoryLimitOf(pod: V1Pod, container: string | undefined): string | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === container)?.resources?.limits?.["memory"];
}

export function podFindings(input: {
  readonly pods: readonly V1Pod[];
  readonly events: readonly CoreV1Event[];
  /** Null when the nodes could not be read (a namespace-scoped user): node conditions are then a blind spot. */
  readonly nodes: readonly V1Node[] | null;
  /** Warning events about the workload (quota refusals on its ReplicaSets). */
  readonly warnings: readonly CoreV1Event[];
  readonly now: number;
}): PodFindingsResult {
  const found = new Map<FailureClass, Found>();
  const hashes = new Map<FailureClass, Set<string>>();
  const add = (cls: FailureClass, evidence: Evidence, pod?: V1Pod, node?: string): void => {
    let f = found.get(cls);
    if (!f) found.set(cls, (f = { evidence: [], pods: new Set(), nodes: new Set() }));
    f.evidence.push(evidence);
    const name = pod?.metadata?.name;
    if (name) f.pods.add(name);
    if (node) f.nodes.add(node);
    const hash = pod ? podHash(pod) : undefined;
    if (hash) {
      let h = hashes.get(cls);
      if (!h) hashes.set(cls, (h = new Set()));
      h.add(hash);
    }
  };

  const pending = new Map(pendingGpuPods(input.pods, input.events).map((p) => [p.name, p]));
  for (const pod of input.pods) {
    const name = pod.metadata?.name ?? "";
    for (const problem of podProblems(pod, { now: input.now, events: input.events })) {
      const cls = classOfProblem[problem.code];
      if (cls === undefined) continue;
      if (cls === "gpu-starvation" || cls === "scheduling") {
        const gpu = pending.get(name);
        const scheduling = gpu?.scheduling;
        add(
          cls,
          {
            kind: "scheduling",
            fact: problem.message,
            pod: name,
            message: scheduling?.message ?? "",
            insufficientGpus: scheduling?.insufficientGpus ?? [],
            ...(gpu ? { gpusRequested: gpu.gpus } : {}),
            ...(gpu?.createdAt !== undefined ? { pendingSince: gpu.createdAt / 1000 } : {}),
          },
          pod,
        );
        continue;
      }
      const status = containerStatusOf(pod, problem.container);
      const last = status?.state?.terminated ?? status?.lastState?.terminated;
      const memoryLimit = cls === "oom" ? memoryLimitOf(pod, problem.container) : undefined;
      add(
        cls,
        {
          kind: "pod-problem",
          fact: problem.message,
          pod: name,
          ...(problem.container !== undefined ? { container: problem.container } : {}),
          reason: problem.code,
          ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
          ...(status ? { restarts: status.restartCount } : {}),
          ...(memoryLimit !== undefined ? { memoryLimit } : {}),
        },
        pod,
      );
    }
  }

  if (input.nodes) {
    const byName = new Map(input.nodes.map((n) => [n.metadata?.name ?? "", n]));
    const podsOnNode = new Map<string, V1Pod[]>();
    for (const pod of input.pods) {
      const node = pod.spec?.nodeName;
      if (node) podsOnNode.set(node, [...(podsOnNode.get(node) ?? []), pod]);
    }
    for (const [nodeName, pods] of podsOnNode) {
      const ready = byName.get(nodeName)?.status?.conditions?.find((c) => c.type === "Ready");
      // A node we cannot find (deleted) is not NotReady; one with Ready False or Unknown is.
      if (!ready || ready.status === "True") continue;
      const names = pods.map((p) => p.metadata?.name ?? "");
      const evidence: Evidence = {
        kind: "node",
        fact: `node ${nodeName}: Ready ${ready.status}${ready.reason ? ` (${ready.reason})` : ""}, running ${names.join(", ")}`,
        node: nodeName,
        condition: "Ready",
        status: ready.status,
        pods: names,
      };
      add("node-not-ready", evidence, pods[0], nodeName);
      for (const p of pods.slice(1)) add("node-not-ready", { ...evidence }, p, nodeName);
    }
  }

  // The ReplicaSet controller's FailedCreate: "pods "x-…" is forbidden: exceeded quota: gpu-quota, requested: …".
  for (const e of input.warnings) {
    if (e.reason === "FailedCreate" && /exceeded quota/i.test(e.message ?? "")) {
      const ev = eventEvidence(e);
      add("quota", { kind: "quota", fact: ev.fact, message: e.message ?? "" });
    }
  }

  const findings: TriageFinding[] = [];
  for (const [cls, f] of found) {
    // The same fact from two pods' records (node evidence repeats per pod) is said once.
    const seen = new Set<string>();
    const evidence = f.evidence.filter((e) => (seen.has(e.fact) ? false : (seen.add(e.fact), true)));
    findings.push({
      class: cls,
      side: sideOfFailureClass[cls],
      evidence,
      ...(f.pods.size > 0 ? { pods: [...f.pods].sort() } : {}),
      ...(f.nodes.size > 0 ? { nodes: [...f.nodes].sort() } : {}),
    });
  }
  return { findings, hashes };
}
