/**
 * Server-side printing: the meta.k8s.io/v1 Table that kubectl asks for with
 * "Accept: application/json;as=Table", with the columns the real server's printers produce.
 */
import { type KubeObject } from "./kubeObject";
import { type ResourceType, resourceKey } from "./resourceTypes";

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export type IncludeObject = "None" | "Metadata" | "Object";

type Cell = string | number;
type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a dot path ("status.phase") out of an object of any shape. */
function at(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split(".")) current = isObj(current) ? current[part] : undefined;
  return current;
}

function str(object: unknown, path: string, fallback = ""): string {
  const v = at(object, path);
  return typeof v === "string" ? v : fallback;
}

function num(object: unknown, path: string, fallback = 0): number {
  const v = at(object, path);
  return typeof v === "number" ? v : fallback;
}

function list(object: unknown, path: string): Obj[] {
  const v = at(object, path);
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function labelText(map: unknown): string {
  return isObj(map) ? Object.entries(map).map(([k, v]) => `${k}=${String(v)}`).join(",") : "";
}

/** k8s.io/apimachinery duration.HumanDuration, the AGE column. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

function age(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== "string") return "<unknown>";
  return humanDuration(now.getTime() - Date.parse(timestamp));
}

function created(o: unknown, now: Date): string {
  return age(at(o, "metadata.creationTimestamp"), now);
}

function col(name: string, priority = 0, type = "string", format = ""): TableColumn {
  return { name, type, format, description: name, priority };
}

const nameCol = col("Name", 0, "string", "name");

/** The READY, STATUS and RESTARTS columns, following kubectl's printPod. */
function podStatus(pod: unknown, now: Date): { ready: string; status: string; restarts: string } {
  const statuses = list(pod, "status.containerStatuses");
  const total = list(pod, "spec.containers").length;
  let reason = str(pod, "status.reason") || str(pod, "status.phase", "Unknown");
  let restarts = 0;
  let readyCount = 0;
  let lastRestart: string | undefined;
  let hasRunning = false;
  for (const s of [...statuses].reverse()) {
    restarts += num(s, "restartCount");
    const finished = str(s, "lastState.terminated.finishedAt");
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
    const terminated = at(s, "state.terminated");
    if (str(s, "state.waiting.reason")) reason = str(s, "state.waiting.reason");
    else if (str(s, "state.terminated.reason")) reason = str(s, "state.terminated.reason");
    else if (isObj(terminated)) reason = num(terminated, "signal") ? `Signal:${num(terminated, "signal")}` : `ExitCode:${num(terminated, "exitCode")}`;
    else if (at(s, "ready") === true && isObj(at(s, "state.running"))) {
      hasRunning = true;
      readyCount++;
    }
  }
  if (reason === "Completed" && hasRunning) reason = "Running";
  if (str(pod, "metadata.deletionTimestamp")) reason = str(pod, "status.reason") === "NodeLost" ? "Unknown" : "Terminating";
  const restartText = lastRestart ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartText };
}

function nodeRoles(labels: unknown): string {
  const keys = isObj(labels) ? Object.keys(labels) : [];
  const roles = keys.filter((k) => k.startsWith("node-role.kubernetes.io/")).map((k) => k.slice("node-role.kubernetes.io/".length));
  const legacy = isObj(labels) ? labels["kubernetes.io/role"] : undefined;
  if (typeof legacy === "string" && legacy) roles.push(legacy);
  return roles.length ? roles.sort().join(",") : "<none>";
}

function address(node: unknown, type: string): string {
  return str(list(node, "status.addresses").find((a) => a.type === type), "address", "<none>");
}

function containers(workload: unknown): { names: string; images: string } {
  const all = list(workload, "spec.template.spec.containers");
  return { names: all.map((c) => str(c, "name")).join(","), images: all.map((c) => str(c, "image")).join(",") };
}

function servicePorts(svc: unknown): string {
  const ports = list(svc, "spec.ports");
  if (ports.length === 0) return "<none>";
  return ports.map((p) => `${num(p, "port")}${num(p, "nodePort") ? `:${num(p, "nodePort")}` : ""}/${str(p, "protocol", "TCP")}`).join(",");
}

function externalIp(svc: unknown): string {
  const type = str(svc, "spec.type", "ClusterIP");
  const ingress = list(svc, "status.loadBalancer.ingress");
  if (type === "LoadBalancer") return ingress.length ? ingress.map((i) => str(i, "ip") || str(i, "hostname")).join(",") : "<pending>";
  if (type === "ExternalName") return str(svc, "spec.externalName", "<none>");
  const ips = at(svc, "spec.externalIPs");
  return Array.isArray(ips) && ips.length ? ips.join(",") : "<none>";
}

function condition(object: unknown, type: string): string {
  return str(list(object, "status.conditions").find((c) => c.type === type), "status");
}

/** metav1.FormatLabelSelector: matchLabels then matchExpressions, "<none>" for an empty selector. */
function selectorText(selector: unknown): string {
  const labels = isObj(selector) && isObj(selector.matchLabels) ? Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${String(v)}`) : [];
  const expressions = list(selector, "matchExpressions").map((e) => {
    const values = Array.isArray(e.values) ? e.values.map(String).sort().join(",") : "";
    switch (str(e, "operator")) {
      case "In":
        return `${str(e, "key")} in (${values})`;
      case "NotIn":
        return `${str(e, "key")} notin (${values})`;
      case "Exists":
        return str(e, "key");
      default:
        return `!${str(e, "key")}`;
    }
  });
  const all = [...labels, ...expressions];
  return all.length ? all.join(",") : "<none>";
}

/** An IntOrString cell: "N/A" when unset, as the PDB printer shows it. */
function intOrString(object: unknown, path: string): string {
  const v = at(object, path);
  return typeof v === "number" || typeof v === "string" ? String(v) : "N/A";
}

/** A quantity or number as the printer shows it, else the fallback. */
function shown(value: unknown, fallback: string): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : fallback;
}

/** formatHPAMetrics for the metric types an inference service uses; at most two, then "+ N more...". */
function hpaTargets(hpa: unknown): string {
  const specs = list(hpa, "spec.metrics");
  if (specs.length === 0) return "<none>";
  const statuses = list(hpa, "status.currentMetrics");
  const valueOrAverage = (spec: Obj, status: Obj | undefined, source: string): string => {
    const average = at(spec, `${source}.target.averageValue`);
    if (average !== undefined) return `${shown(at(status, `${source}.current.averageValue`), "<unknown>")}/${shown(average, "")} (avg)`;
    return `${shown(at(status, `${source}.current.value`), "<unknown>")}/${shown(at(spec, `${source}.target.value`), "")}`;
  };
  const described = specs.map((spec, i) => {
    const status = statuses[i];
    switch (str(spec, "type")) {
      case "Resource": {
        const name = str(spec, "resource.name");
        const average = at(spec, "resource.target.averageValue");
        if (average !== undefined) return `${name}: ${shown(at(status, "resource.current.averageValue"), "<unknown>")}/${shown(average, "")}`;
        const current = at(status, "resource.current.averageUtilization");
        const target = at(spec, "resource.target.averageUtilization");
        return `${name}: ${typeof current === "number" ? `${current}%` : "<unknown>"}/${typeof target === "number" ? `${target}%` : "<auto>"}`;
      }
      case "Pods":
        return `${shown(at(status, "pods.current.averageValue"), "<unknown>")}/${shown(at(spec, "pods.target.averageValue"), "")}`;
      case "External":
        return valueOrAverage(spec, status, "external");
      case "Object":
        return valueOrAverage(spec, status, "object");
      default:
        return "<unknown type>";
    }
  });
  const more = described.length - 2;
  return more > 0 ? `${described.slice(0, 2).join(", ")} + ${more} more...` : described.join(", ");
}

interface Printer {
  columns: TableColumn[];
  cells: (o: unknown, now: Date) => Cell[];
}

const printers: Record<string, Printer> = {
  "/pods": {
    columns: [nameCol, col("Ready"), col("Status"), col("Restarts"), col("Age"), col("IP", 1), col("Node", 1), col("Nominated Node", 1), col("Readiness Gates", 1)],
    cells: (o, now) => {
      const s = podStatus(o, now);
      const gates = list(o, "spec.readinessGates");
      return [str(o, "metadata.name"), s.ready, s.status, s.restarts, created(o, now), str(o, "status.podIP", "<none>"), str(o, "spec.nodeName", "<none>"),
        str(o, "status.nominatedNodeName", "<none>"), gates.length ? `0/${gates.length}` : "<none>"];
    },
  },
  "/nodes": {
    columns: [nameCol, col("Status"), col("Roles"), col("Age"), col("Version"), col("Internal-IP", 1), col("External-IP", 1), col("OS-Image", 1), col("Kernel-Version", 1), col("Container-Runtime", 1)],
    cells: (o, now) => {
      const ready = condition(o, "Ready") === "True" ? "Ready" : "NotReady";
      return [str(o, "metadata.name"), `${ready}${at(o, "spec.unschedulable") === true ? ",SchedulingDisabled" : ""}`, nodeRoles(at(o, "metadata.labels")), created(o, now),
        str(o, "status.nodeInfo.kubeletVersion"), address(o, "InternalIP"), address(o, "ExternalIP"), str(o, "status.nodeInfo.osImage", "<unknown>"),
        str(o, "status.nodeInfo.kernelVersion", "<unknown>"), str(o, "status.nodeInfo.containerRuntimeVersion", "<unknown>")];
    },
  },
  "/namespaces": {
    columns: [nameCol, col("Status"), col("Age")],
    cells: (o, now) => [str(o, "metadata.name"), str(o, "status.phase", "Active"), created(o, now)],
  },
  "/services": {
    columns: [nameCol, col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"), col("Age"), col("Selector", 1)],
    cells: (o, now) => [str(o, "metadata.name"), str(o, "spec.type", "ClusterIP"), str(o, "spec.clusterIP", "<none>"), externalIp(o), servicePorts(o), created(o, now),
      labelText(at(o, "spec.selector")) || "<none>"],
  },
  "/events": {
    columns: [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Subobject", 1), col("Source", 1), col("Message"), col("First Seen", 1), col("Count", 1, "integer"), col("Name", 1, "string", "name")],
    cells: (o, now) => {
      const last = str(o, "lastTimestamp") || str(o, "eventTime") || str(o, "metadata.creationTimestamp");
      const first = str(o, "firstTimestamp") || str(o, "eventTime") || str(o, "metadata.creationTimestamp");
      const source = [str(o, "source.component") || str(o, "reportingComponent"), str(o, "source.host")].filter(Boolean).join(", ");
      return [age(last, now), str(o, "type"), str(o, "reason"), `${str(o, "involvedObject.kind").toLowerCase()}/${str(o, "involvedObject.name")}`, str(o, "involvedObject.fieldPath"),
        source, str(o, "message"), age(first, now), num(o, "count", 1), str(o, "metadata.name")];
    },
  },
  "apps/deployments": {
    columns: [nameCol, col("Ready"), col("Up-to-date", 0, "integer"), col("Available", 0, "integer"), col("Age"), col("Containers", 1), col("Images", 1), col("Selector", 1)],
    cells: (o, now) => {
      const c = containers(o);
      return [str(o, "metadata.name"), `${num(o, "status.readyReplicas")}/${num(o, "spec.replicas")}`, num(o, "status.updatedReplicas"), num(o, "status.availableReplicas"),
        created(o, now), c.names, c.images, labelText(at(o, "spec.selector.matchLabels")) || "<none>"];
    },
  },
  "apps/replicasets": {
    columns: [nameCol, col("Desired", 0, "integer"), col("Current", 0, "integer"), col("Ready", 0, "integer"), col("Age"), col("Containers", 1), col("Images", 1), col("Selector", 1)],
    cells: (o, now) => {
      const c = containers(o);
      return [str(o, "metadata.name"), num(o, "spec.replicas"), num(o, "status.replicas"), num(o, "status.readyReplicas"), created(o, now), c.names, c.images,
        labelText(at(o, "spec.selector.matchLabels")) || "<none>"];
    },
  },
  "autoscaling/horizontalpodautoscalers": {
    columns: [nameCol, col("Reference"), col("Targets"), col("MinPods"), col("MaxPods", 0, "integer"), col("Replicas", 0, "integer"), col("Age")],
    cells: (o, now) => {
      const min = at(o, "spec.minReplicas");
      return [str(o, "metadata.name"), `${str(o, "spec.scaleTargetRef.kind")}/${str(o, "spec.scaleTargetRef.name")}`, hpaTargets(o), typeof min === "number" ? String(min) : "<unset>",
        num(o, "spec.maxReplicas"), num(o, "status.currentReplicas"), created(o, now)];
    },
  },
  "policy/poddisruptionbudgets": {
    columns: [nameCol, col("Min Available"), col("Max Unavailable"), col("Allowed Disruptions", 0, "integer"), col("Age")],
    cells: (o, now) => [str(o, "metadata.name"), intOrString(o, "spec.minAvailable"), intOrString(o, "spec.maxUnavailable"), num(o, "status.disruptionsAllowed"), created(o, now)],
  },
  "networking.k8s.io/networkpolicies": {
    columns: [nameCol, col("Pod-Selector"), col("Age")],
    cells: (o, now) => [str(o, "metadata.name"), selectorText(at(o, "spec.podSelector")), created(o, now)],
  },
  // The additionalPrinterColumns of KServe's InferenceService CRD.
  "serving.kserve.io/inferenceservices": {
    columns: [nameCol, col("URL"), col("Ready"), col("Prev", 0, "integer"), col("Latest", 0, "integer"), col("PrevRolledoutRevision", 1), col("LatestReadyRevision", 1), col("Age", 0, "date")],
    cells: (o, now) => {
      const traffic = list(o, "status.components.predictor.traffic");
      const prev = traffic.find((t) => t.tag === "prev");
      const latest = traffic.find((t) => t.latestRevision === true);
      return [str(o, "metadata.name"), str(o, "status.url"), condition(o, "Ready"), prev ? num(prev, "percent") : "", latest ? num(latest, "percent") : "",
        str(prev, "revisionName"), str(o, "status.components.predictor.latestReadyRevision"), created(o, now)];
    },
  },
};

/** Whether an Accept header asks for server-side printing. */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && accept.split(",")[0]?.includes("as=Table") === true;
}

function rowObject(type: ResourceType, object: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return { ...object, apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind };
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
}

export function toTable(type: ResourceType, objects: KubeObject[], metadata: Table["metadata"], include: IncludeObject, now = new Date()): Table {
  const printer = printers[resourceKey(type)] ?? { columns: [nameCol, col("Age")], cells: (o: unknown, n: Date) => [str(o, "metadata.name"), created(o, n)] };
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => {
      const object = rowObject(type, o, include);
      return { cells: printer.cells(o, now), ...(object !== undefined ? { object } : {}) };
    }),
  };
}
