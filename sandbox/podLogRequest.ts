/**
 * GET .../pods/NAME/log: the container's lines as text/plain, with container, previous,
 * tailLines, sinceSeconds, timestamps and limitBytes, and follow=true streaming until the
 * client leaves or the pod is deleted.
 */
import { type IncomingMessage, type ServerResponse } from "node:http";
import { badRequest } from "./apiStatus";
import { type ApiVerbs } from "./apiVerbs";
import { type KubeObject } from "./kubeObject";
import { type LogQuery, type PodLogs, formatLogLine } from "./podLogs";
import { findResource } from "./resourceTypes";

interface PodLogRequest {
  verbs: ApiVerbs;
  logs: PodLogs;
  namespace: string;
  name: string;
  params: URLSearchParams;
}

const podType = findResource("", "v1", "pods");

function nonNegativeInt(params: URLSearchParams, key: string): number | undefined {
  const text = params.get(key);
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${key}: Invalid value: "${text}": must be greater than or equal to 0`);
  return n;
}

function containerNames(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name);
}

/** The container a request means: the one named, the default-container annotation, or the only one. */
function chooseContainer(pod: KubeObject, requested: string | null): string {
  const names = containerNames(pod);
  const podName = pod.metadata.name ?? "";
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  if (annotated && names.includes(annotated)) return annotated;
  const main = ((pod.spec ?? {}) as { containers?: { name: string }[] }).containers ?? [];
  if (main.length === 1 && main[0]) return main[0].name;
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${main.map((c) => c.name).join(" ")}]`);
}

/** Why a container has no log yet, as the kubelet says it, or undefined if it has run. */
function waitingReason(pod: KubeObject, container: string): string | undefined {
  const status = (pod.status ?? {}) as { containerStatuses?: { name: string; state?: { waiting?: { reason?: string } }; lastState?: { terminated?: object } }[] };
  const entry = (status.containerStatuses ?? []).find((s) => s.name === container);
  if (!entry) return "ContainerCreating";
  if (entry.state?.waiting && !entry.lastState?.terminated) return entry.state.waiting.reason ?? "ContainerCreating";
  return undefined;
}

export function servePodLog(_request: IncomingMessage, response: ServerResponse, req: PodLogRequest): void {
  if (!podType) throw new Error("pods are not served");
  const { verbs, logs, namespace, name, params } = req;
  const pod = verbs.get(podType, namespace, name);
  const container = chooseContainer(pod, params.get("container"));
  const previous = params.get("previous") === "true";
  const follow = params.get("follow") === "true" && !previous;
  const tailLines = nonNegativeInt(params, "tailLines");
  const sinceSeconds = nonNegativeInt(params, "sinceSeconds");
  const limitBytes = nonNegativeInt(params, "limitBytes");
  const query: LogQuery = {
    timestamps: params.get("timestamps") === "true",
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
  const lines = logs.read(namespace, name, container, previous, query);
  if (lines.length === 0) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const waiting = waitingReason(pod, container);
    if (waiting) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting}`);
  }

  let budget = limitBytes ?? Number.POSITIVE_INFINITY;
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const bytes = Buffer.from(text);
    const slice = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= slice.length;
    response.write(slice);
    return budget > 0;
  };
  response.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  for (const line of lines) write(formatLogLine(line, query.timestamps));
  if (!follow || budget <= 0) {
    response.end();
    return;
  }
  response.flushHeaders();
  const stopFollowing = logs.follow(namespace, name, container, (line) => {
    if (!write(formatLogLine(line, query.timestamps))) close();
  });
  const stopWatching = verbs.store.subscribe((event) => {
    if (event.type === "DELETED" && event.resource === podType && event.object.metadata.namespace === namespace && event.object.metadata.name === name) close();
  });
  const close = (): void => {
    stopFollowing();
    stopWatching();
    if (!response.writableEnded) response.end();
  };
  response.on("close", close);
}
