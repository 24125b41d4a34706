/**
 * The kubelets of every node: pods bound to a Ready node go ContainerCreating → Running and
 * Ready, with container statuses, IPs, conditions and the kubelet's events, or fail the way the
 * pod template's behaviour annotation says (crash loop, OOM kill, image pull back-off, failing
 * readiness probe, slow start), on a clock scaled by ControllerOptions.msPerSecond.
 *
 * Image pulls: every image is in the simulated registry except those whose repository or tag
 * contains "does-not-exist" (vllm/vllm-openai:does-not-exist, example.com/does-not-exist/x:1).
 * Those containers go ErrImagePull → ImagePullBackOff with containerd's "not found" message and
 * retry on the kubelet's back-off, as the imagepullbackoff behaviour does for every container;
 * the pod's other containers wait in ContainerCreating (a real kubelet would start them).
 */
import { randomBytes } from "node:crypto";
import { type StoreEvent } from "../objectStore";
import { type Controller, type ControllerContext, isKind, kinds, writeObject } from "./controllerContext";
import { type EventNote } from "./eventRecorder";
import { type Condition, type Container, type ContainerState, type ContainerStatus, type Node, type Pod, type PodStatus, conditionOf, timestamp } from "./kubeShapes";
import { type PodBehaviour, backOffSeconds, behaviourOf, goDuration, imageExists, imagePullError, timings } from "./podBehaviour";
import { crashLines, startupLines, unhealthyLine } from "./podLogLines";

type Step = (pod: Pod) => void;

export function qosClass(pod: Pod): string {
  const containers = pod.spec.containers;
  const has = (c: Container): boolean => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0;
  if (!containers.some(has)) return "BestEffort";
  const guaranteed = containers.every((c) =>
    ["cpu", "memory"].every((r) => {
      const limit = c.resources?.limits?.[r];
      const request = c.resources?.requests?.[r] ?? limit;
      return limit !== undefined && String(request) === String(limit);
    }),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}

function nodeReady(node: Node | undefined): boolean {
  return conditionOf(node?.status?.conditions, "Ready")?.status === "True";
}

const containerId = (): string => `containerd://${randomBytes(32).toString("hex")}`;
const fieldPath = (c: { name: string }): string => `spec.containers{${c.name}}`;

export class Kubelet implements Controller {
  private readonly managed = new Set<string>();
  private readonly podIps = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  handle(event: StoreEvent): void {
    if (isKind(event, kinds.nodes)) {
      if (event.type === "DELETED" || !nodeReady(event.object as Node)) return;
      for (const pod of this.ctx.store.list(kinds.pods) as Pod[]) if (pod.spec.nodeName === event.object.metadata.name) this.enqueue(pod);
      return;
    }
    if (!isKind(event, kinds.pods)) return;
    const pod = event.object as Pod;
    if (event.type === "DELETED") this.forget(pod);
    else if (pod.spec.nodeName && !this.managed.has(pod.metadata.uid ?? "")) this.enqueue(pod);
  }

  resync(): void {
    for (const pod of this.ctx.store.list(kinds.pods) as Pod[]) if (pod.spec.nodeName) this.enqueue(pod);
  }

  private enqueue(pod: Pod): void {
    const { namespace = "", name = "", uid = "" } = pod.metadata;
    this.ctx.queue.add(`kubelet:${uid}`, () => this.syncPod(namespace, name, uid));
  }

  private scaled(seconds: number): number {
    return seconds * this.ctx.options.msPerSecond;
  }

  /** Runs a step later on the current state of the pod, if it still exists. */
  private later(pod: Pod, ms: number, step: Step): void {
    const { namespace = "", name = "", uid = "" } = pod.metadata;
    this.ctx.queue.after(ms, `kubelet-step:${uid}`, () => {
      const current = this.ctx.store.get(kinds.pods, namespace, name) as Pod | undefined;
      if (current && current.metadata.uid === uid) step(current);
    });
  }

  private forget(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    this.ctx.queue.cancel(`kubelet-step:${uid}`);
    if (!this.managed.delete(uid)) return;
    this.ctx.logs.forget(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    for (const s of pod.status?.containerStatuses ?? []) {
      if (s.state.running) this.event(pod, { type: "Normal", reason: "Killing", message: `Stopping container ${s.name}`, fieldPath: fieldPath(s) });
    }
  }

  private node(pod: Pod): Node | undefined {
    return this.ctx.store.get(kinds.nodes, undefined, pod.spec.nodeName ?? "") as Node | undefined;
  }

  private event(pod: Pod, note: Omit<EventNote, "source">): void {
    this.ctx.events.record(kinds.pods, pod, { ...note, source: { component: "kubelet", ...(pod.spec.nodeName ? { host: pod.spec.nodeName } : {}) } });
  }

  private write(pod: Pod, status: PodStatus): Pod {
    return writeObject(this.ctx, kinds.pods, { ...pod, status }, "status");
  }

  syncPod(namespace: string, name: string, uid: string): void {
    const pod = this.ctx.store.get(kinds.pods, namespace, name) as Pod | undefined;
    if (!pod || pod.metadata.uid !== uid || this.managed.has(uid) || !nodeReady(this.node(pod))) return;
    this.managed.add(uid);
    const statuses = pod.status?.containerStatuses;
    if (!statuses || statuses.length === 0) this.begin(pod);
    else this.adopt(pod, statuses);
  }

  /** Continues a pod the kubelet did not start (a scenario's, or one from before a restart) from where its status is. */
  private adopt(pod: Pod, statuses: ContainerStatus[]): void {
    const behaviour = behaviourOf(pod);
    const waiting = statuses.find((s) => s.state.waiting)?.state.waiting?.reason;
    const restarts = statuses[0]?.restartCount ?? 0;
    if (waiting === "ContainerCreating") this.later(pod, this.startDelay(), (p) => this.pulled(p));
    else if (waiting === "ErrImagePull" || waiting === "ImagePullBackOff") this.later(pod, this.scaled(timings.backOffMax), (p) => this.pullAgain(p, 6));
    else if (waiting === "CrashLoopBackOff") this.later(pod, this.scaled(backOffSeconds(restarts + 1)), (p) => this.startContainers(p, true));
    else if (statuses.some((s) => s.state.terminated)) this.later(pod, this.scaled(1), (p) => this.startContainers(p, true));
    else this.whileRunning(pod, behaviour);
  }

  private startDelay(): number {
    const [min, max] = this.ctx.options.podStartDelayMs;
    return min + Math.random() * Math.max(0, max - min);
  }

  private conditions(pod: Pod, ready: boolean, sandboxReady: boolean): Condition[] {
    const now = timestamp(this.ctx.now());
    const unready = pod.spec.containers.map((c) => c.name).filter((n) => !ready || !(pod.status?.containerStatuses ?? []).find((s) => s.name === n)?.ready);
    const flag = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
      const current = conditionOf(pod.status?.conditions, type);
      const status = ok ? "True" : "False";
      return { type, status, lastProbeTime: null, lastTransitionTime: current?.status === status ? current.lastTransitionTime : now, ...(ok || !reason ? {} : { reason, message }) };
    };
    const message = `containers with unready status: [${unready.join(" ")}]`;
    return [
      flag("PodReadyToStartContainers", sandboxReady),
      flag("Initialized", true),
      flag("Ready", ready, "ContainersNotReady", message),
      flag("ContainersReady", ready, "ContainersNotReady", message),
      conditionOf(pod.status?.conditions, "PodScheduled") ?? { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now },
    ];
  }

  /** Writes container statuses and the pod's phase and conditions that follow from them. */
  private setContainers(pod: Pod, statuses: ContainerStatus[], extra: Partial<PodStatus> = {}): Pod {
    const ready = statuses.length > 0 && statuses.every((s) => s.ready);
    const running = statuses.some((s) => s.state.running) || statuses.some((s) => s.restartCount > 0 || s.lastState?.terminated);
    const next = { ...pod, status: { ...pod.status, ...extra, containerStatuses: statuses } };
    return this.write(pod, { ...next.status, phase: running ? "Running" : "Pending", conditions: this.conditions(next, ready, running || extra.podIP !== undefined || pod.status?.podIP !== undefined) });
  }

  private begin(pod: Pod): void {
    const node = this.node(pod);
    const hostIP = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "10.224.0.4";
    const statuses: ContainerStatus[] = pod.spec.containers.map((c) => ({ name: c.name, ready: false, restartCount: 0, image: c.image, imageID: "", started: false, state: { waiting: { reason: "ContainerCreating" } } }));
    const written = this.setContainers(pod, statuses, { qosClass: qosClass(pod), hostIP, hostIPs: [{ ip: hostIP }], startTime: timestamp(this.ctx.now()) });
    for (const c of pod.spec.containers) this.event(written, { type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"`, fieldPath: fieldPath(c) });
    this.later(written, this.startDelay(), (p) => this.pulled(p));
  }

  private allocateIp(pod: Pod): string {
    const nodes = this.ctx.store.list(kinds.nodes).map((n) => n.metadata.name);
    const index = Math.max(0, nodes.indexOf(pod.spec.nodeName));
    const n = (this.podIps.get(pod.spec.nodeName ?? "") ?? 100) + 1;
    this.podIps.set(pod.spec.nodeName ?? "", n);
    return `10.244.${index}.${n % 254}`;
  }

  /** The containers whose image cannot be pulled: all of them under the imagepullbackoff behaviour. */
  private unpullable(pod: Pod): Set<string> {
    const all = behaviourOf(pod) === "imagepullbackoff";
    return new Set(pod.spec.containers.filter((c) => all || !imageExists(c.image)).map((c) => c.name));
  }

  private pulled(pod: Pod): void {
    const podIP = pod.status?.podIP ?? this.allocateIp(pod);
    const ips = { podIP, podIPs: [{ ip: podIP }] };
    if (this.unpullable(pod).size > 0) {
      this.pullFailed(this.setContainers(pod, pod.status?.containerStatuses ?? [], ips), 1);
      return;
    }
    const seconds = (0.5 + Math.random() * 4).toFixed(3);
    for (const c of pod.spec.containers) {
      const size = 120_000_000 + Math.floor(Math.random() * 4_000_000_000);
      this.event(pod, { type: "Normal", reason: "Pulled", message: `Successfully pulled image "${c.image}" in ${seconds}s (${seconds}s including waiting). Image size: ${size} bytes.`, fieldPath: fieldPath(c) });
    }
    this.startContainers(this.setContainers(pod, pod.status?.containerStatuses ?? [], ips), false);
  }

  private pullFailed(pod: Pod, attempt: number): void {
    const failing = this.unpullable(pod);
    const statuses = (pod.status?.containerStatuses ?? []).map((s) => (failing.has(s.name) ? { ...s, state: { waiting: { reason: "ErrImagePull", message: imagePullError(s.image) } } } : s));
    const written = this.setContainers(pod, statuses);
    for (const c of pod.spec.containers.filter((c) => failing.has(c.name))) {
      this.event(written, { type: "Warning", reason: "Failed", message: `Failed to pull image "${c.image}": ${imagePullError(c.image)}`, fieldPath: fieldPath(c) });
      this.event(written, { type: "Warning", reason: "Failed", message: "Error: ErrImagePull", fieldPath: fieldPath(c) });
    }
    this.later(written, this.scaled(1), (p) => {
      const backing = (p.status?.containerStatuses ?? []).map((s) => (failing.has(s.name) ? { ...s, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${s.image}"` } } } : s));
      const w = this.setContainers(p, backing);
      for (const c of p.spec.containers.filter((c) => failing.has(c.name))) {
        this.event(w, { type: "Normal", reason: "BackOff", message: `Back-off pulling image "${c.image}"`, fieldPath: fieldPath(c) });
        this.event(w, { type: "Warning", reason: "Failed", message: "Error: ImagePullBackOff", fieldPath: fieldPath(c) });
      }
      this.later(w, this.scaled(backOffSeconds(attempt + 1)), (again) => this.pullAgain(again, attempt + 1));
    });
  }

  private pullAgain(pod: Pod, attempt: number): void {
    const failing = this.unpullable(pod);
    // Someone pushed the image (or removed the annotation) meanwhile: this pull succeeds.
    if (failing.size === 0) {
      this.pulled(pod);
      return;
    }
    for (const c of pod.spec.containers.filter((c) => failing.has(c.name))) this.event(pod, { type: "Normal", reason: "Pulling", message: `Pulling image "${c.image}"`, fieldPath: fieldPath(c) });
    this.pullFailed(pod, attempt);
  }

  /** Creates and starts every container: the first time, or a restart after a crash. */
  private startContainers(pod: Pod, restart: boolean): void {
    const behaviour = behaviourOf(pod);
    const now = this.ctx.now();
    const readyAtStart = behaviour === "healthy" || behaviour === "oomkilled";
    const statuses = pod.spec.containers.map((c) => {
      const old = pod.status?.containerStatuses?.find((s) => s.name === c.name);
      const terminated = old?.state.terminated ?? old?.lastState?.terminated;
      if (restart) {
        this.ctx.logs.rotate(pod.metadata.namespace ?? "", pod.metadata.name ?? "", c.name);
        this.event(pod, { type: "Normal", reason: "Pulled", message: `Container image "${c.image}" already present on machine`, fieldPath: fieldPath(c) });
      }
      this.event(pod, { type: "Normal", reason: "Created", message: `Created container: ${c.name}`, fieldPath: fieldPath(c) });
      this.event(pod, { type: "Normal", reason: "Started", message: `Started container ${c.name}`, fieldPath: fieldPath(c) });
      for (const line of startupLines(c.image, pod.metadata.name ?? "", now)) this.ctx.logs.append(pod.metadata.namespace ?? "", pod.metadata.name ?? "", c.name, line);
      const status: ContainerStatus = {
        name: c.name,
        ready: readyAtStart,
        started: true,
        restartCount: (old?.restartCount ?? 0) + (restart ? 1 : 0),
        image: c.image,
        imageID: `${c.image.split(":")[0] ?? c.image}@sha256:${randomBytes(32).toString("hex")}`,
        containerID: containerId(),
        state: { running: { startedAt: timestamp(now) } },
        ...(restart && terminated ? { lastState: { terminated } } : {}),
      };
      return status;
    });
    this.whileRunning(this.setContainers(pod, statuses), behaviour);
  }

  /** What happens next to running containers, by behaviour. */
  private whileRunning(pod: Pod, behaviour: PodBehaviour): void {
    switch (behaviour) {
      case "crashloop":
        this.later(pod, this.scaled(timings.crashAfter), (p) => this.terminate(p, 1, "Error"));
        break;
      case "oomkilled":
        this.later(pod, this.scaled(timings.oomAfter), (p) => this.terminate(p, 137, "OOMKilled"));
        break;
      case "slow-start":
        this.later(pod, this.scaled(timings.slowStart), (p) => this.setContainers(p, (p.status?.containerStatuses ?? []).map((s) => ({ ...s, ready: true }))));
        break;
      case "readiness-fails":
        this.later(pod, this.scaled(pod.spec.containers[0]?.readinessProbe?.periodSeconds ?? timings.defaultProbePeriod), (p) => this.probeFails(p));
        break;
      case "healthy":
      case "imagepullbackoff":
        break;
    }
  }

  private probeFails(pod: Pod): void {
    for (const c of pod.spec.containers) {
      this.event(pod, { type: "Warning", reason: "Unhealthy", message: "Readiness probe failed: HTTP probe failed with statuscode: 503", fieldPath: fieldPath(c) });
      this.ctx.logs.append(pod.metadata.namespace ?? "", pod.metadata.name ?? "", c.name, unhealthyLine());
    }
    this.whileRunning(pod, "readiness-fails");
  }

  /** The containers exit: restarted at once the first time, then after the CrashLoopBackOff back-off. */
  private terminate(pod: Pod, exitCode: number, reason: string): void {
    const now = this.ctx.now();
    const failures = (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) + 1;
    const backOff = backOffSeconds(failures);
    const statuses = (pod.status?.containerStatuses ?? []).map((s) => {
      const terminated: ContainerState["terminated"] = { exitCode, reason, startedAt: s.state.running?.startedAt ?? timestamp(now), finishedAt: timestamp(now), ...(s.containerID ? { containerID: s.containerID } : {}) };
      if (exitCode !== 137) for (const line of crashLines(s.image, now)) this.ctx.logs.append(pod.metadata.namespace ?? "", pod.metadata.name ?? "", s.name, line);
      if (backOff === 0) return { ...s, ready: false, started: false, state: { terminated } };
      const message = `back-off ${goDuration(backOff)} restarting failed container=${s.name} pod=${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? ""}(${pod.metadata.uid ?? ""})`;
      return { ...s, ready: false, started: false, state: { waiting: { reason: "CrashLoopBackOff", message } }, lastState: { terminated } };
    });
    const written = this.setContainers(pod, statuses);
    if (backOff > 0) {
      for (const s of statuses) {
        const message = `Back-off restarting failed container ${s.name} in pod ${pod.metadata.name ?? ""}_${pod.metadata.namespace ?? ""}(${pod.metadata.uid ?? ""})`;
        this.event(written, { type: "Warning", reason: "BackOff", message, fieldPath: fieldPath(s) });
      }
    }
    this.later(written, this.scaled(Math.max(backOff, 0.5)), (p) => this.startContainers(p, true));
  }
}
