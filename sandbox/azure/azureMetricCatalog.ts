/**
 * The Azure resources the sandbox simulates and their platform metrics, with the names, units
 * and dimensions Azure Monitor documents for them (reference/domain.md §2.3):
 *   - an Azure ML online endpoint (Microsoft.MachineLearningServices/workspaces/onlineEndpoints)
 *     with deployments "blue" and "green"; at the incident time "green" gets a new model, its
 *     latency doubles and its 5xx share goes from 0.2% to 3%, as in the demo's incident
 *     (sandbox/metrics/trafficModel.ts: vllm-llama3-70b revision 2, two days ago);
 *   - an AKS cluster (Microsoft.ContainerService/managedClusters) with node and pod metrics;
 *   - a second online endpoint the sandbox's app may not read (for 403s).
 * Values follow a daily traffic curve with deterministic noise, so a test can recompute them.
 */

export type Aggregation = "average" | "minimum" | "maximum" | "total" | "count";

export interface SimulatedSeries {
  readonly dimensions: Readonly<Record<string, string>>;
  /** How much this series counts when series are averaged together (its traffic share). */
  readonly weight: number;
  /** The metric's one-minute value at `minuteMs` (a multiple of 60 000). */
  valueAt(minuteMs: number): number;
}

export interface SimulatedMetric {
  readonly name: string;
  readonly localizedName: string;
  readonly displayDescription: string;
  readonly unit: string;
  readonly dimensions: readonly string[];
  readonly primaryAggregation: Aggregation;
  /** How series merge when a dimension is not split: counts add up, latencies and percentages average. */
  readonly combine: "sum" | "weighted-average";
  readonly series: readonly SimulatedSeries[];
}

export interface SimulatedResource {
  readonly id: string;
  /** As the "Failed to find metric configuration" message prints it, e.g. "microsoft.machinelearningservices". */
  readonly provider: string;
  readonly resourceType: string;
  readonly namespace: string;
  readonly region: string;
  readonly createdMs: number;
  readonly metrics: readonly SimulatedMetric[];
}

export interface DemoAzureResources {
  readonly onlineEndpoint: SimulatedResource;
  readonly aksCluster: SimulatedResource;
  /** Exists, but the sandbox's service principal holds no role on its resource group. */
  readonly restrictedEndpoint: SimulatedResource;
}

/** A hash of the key to [-1, 1): the same minute and series always get the same noise. */
export function noise(key: string, minuteMs: number): number {
  let h = 2166136261 ^ Math.floor(minuteMs / 60_000);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 31 - 1;
}

/** Traffic relative to the daily peak (14:00 UTC), quieter at weekends: 0.1 … 1. */
export function dailyLoad(minuteMs: number): number {
  const hour = (minuteMs / 3_600_000) % 24;
  const day = new Date(minuteMs).getUTCDay();
  const weekend = day === 0 || day === 6 ? 0.75 : 1;
  return (0.55 + 0.45 * Math.cos((2 * Math.PI * (hour - 14)) / 24)) * weekend;
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Latency in ms before the incident, per metric, at zero load. */
const latencyBaseMs: Readonly<Record<string, number>> = {
  RequestLatency: 46,
  RequestLatency_P50: 38,
  RequestLatency_P90: 64,
  RequestLatency_P95: 79,
  RequestLatency_P99: 131,
};

const statusCodes = [
  { statusCode: "200", statusCodeClass: "2xx", modelStatusCode: "200" },
  { statusCode: "400", statusCodeClass: "4xx", modelStatusCode: "400" },
  { statusCode: "429", statusCodeClass: "4xx", modelStatusCode: "429" },
  { statusCode: "500", statusCodeClass: "5xx", modelStatusCode: "500" },
] as const;

export interface OnlineEndpointModel {
  /** Requests per minute at the daily peak, all deployments together. */
  readonly peakRequestsPerMinute: number;
  readonly deployments: readonly { readonly name: string; readonly trafficShare: number }[];
  /** The deployment whose latency doubles, and when (unix ms). */
  readonly incident: { readonly deployment: string; readonly atMs: number };
}

/** One deployment's latency for `metric` at `minuteMs`; all percentiles share one noise draw, so P50 < P90 < P95 < P99 always. */
export function onlineEndpointLatencyMs(model: OnlineEndpointModel, deployment: string, metric: string, minuteMs: number): number {
  const base = latencyBaseMs[metric];
  if (base === undefined) throw new Error(`not a latency metric: ${metric}`);
  const slow = deployment === model.incident.deployment && minuteMs >= model.incident.atMs ? 2 : 1;
  return round(base * (1 + 0.35 * dailyLoad(minuteMs)) * (1 + 0.05 * noise(`latency/${deployment}`, minuteMs)) * slow);
}

function statusShare(model: OnlineEndpointModel, deployment: string, statusCode: string, minuteMs: number): number {
  const failing = deployment === model.incident.deployment && minuteMs >= model.incident.atMs;
  const share: Record<string, number> = { "400": 0.004, "429": 0.001, "500": failing ? 0.03 : 0.002 };
  return statusCode === "200" ? 1 - 0.005 - share["500"]! : share[statusCode]!;
}

export function onlineEndpointRequestsPerMinute(model: OnlineEndpointModel, deployment: string, statusCode: string, minuteMs: number): number {
  const share = model.deployments.find((d) => d.name === deployment)?.trafficShare ?? 0;
  const total = model.peakRequestsPerMinute * dailyLoad(minuteMs) * share * (1 + 0.06 * noise(`rpm/${deployment}`, minuteMs));
  return round(total * statusShare(model, deployment, statusCode, minuteMs), 1);
}

function onlineEndpointResource(id: string, createdMs: number, model: OnlineEndpointModel): SimulatedResource {
  const latency = (name: string, localizedName: string, description: string): SimulatedMetric => ({
    name,
    localizedName,
    displayDescription: description,
    unit: "Milliseconds",
    dimensions: ["deployment"],
    primaryAggregation: "average",
    combine: "weighted-average",
    series: model.deployments.map((d) => ({ dimensions: { deployment: d.name }, weight: d.trafficShare, valueAt: (t: number) => onlineEndpointLatencyMs(model, d.name, name, t) })),
  });
  return {
    id,
    provider: "microsoft.machinelearningservices",
    resourceType: "workspaces/onlineendpoints",
    namespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    region: "westeurope",
    createdMs,
    metrics: [
      latency("RequestLatency", "Request Latency", "The complete interval of time taken for a request to respond"),
      latency("RequestLatency_P50", "Request Latency P50", "The average P50 request latency aggregated by all request latency values collected over the selected time period"),
      latency("RequestLatency_P90", "Request Latency P90", "The average P90 request latency aggregated by all request latency values collected over the selected time period"),
      latency("RequestLatency_P95", "Request Latency P95", "The average P95 request latency aggregated by all request latency values collected over the selected time period"),
      latency("RequestLatency_P99", "Request Latency P99", "The average P99 request latency aggregated by all request latency values collected over the selected time period"),
      {
        name: "RequestsPerMinute",
        localizedName: "Requests Per Minute",
        displayDescription: "The number of requests sent to online endpoint within a minute",
        unit: "Count",
        dimensions: ["deployment", "statusCode", "statusCodeClass", "modelStatusCode"],
        primaryAggregation: "average",
        combine: "sum",
        series: model.deployments.flatMap((d) =>
          statusCodes.map((s) => ({ dimensions: { deployment: d.name, ...s }, weight: 1, valueAt: (t: number) => onlineEndpointRequestsPerMinute(model, d.name, s.statusCode, t) })),
        ),
      },
      {
        name: "ConnectionsActive",
        localizedName: "Active Connection Count",
        displayDescription: "The total number of concurrent TCP connections active from clients",
        unit: "Count",
        dimensions: [],
        primaryAggregation: "average",
        combine: "sum",
        series: [{ dimensions: {}, weight: 1, valueAt: (t: number) => Math.round(40 + 160 * dailyLoad(t) * (1 + 0.05 * noise("connections", t))) }],
      },
    ],
  };
}

const aksNodes = [
  { node: "aks-a100pool-21837465-vmss000000", nodepool: "a100pool", millicores: 95_690, memoryBytes: 900_000_000_000, busy: 0.55 },
  { node: "aks-a100pool-21837465-vmss000001", nodepool: "a100pool", millicores: 95_690, memoryBytes: 900_000_000_000, busy: 0.5 },
  { node: "aks-a10pool-61524873-vmss000000", nodepool: "a10pool", millicores: 35_190, memoryBytes: 400_000_000_000, busy: 0.35 },
  { node: "aks-t4pool-38472910-vmss000000", nodepool: "t4pool", millicores: 3_860, memoryBytes: 24_000_000_000, busy: 0.4 },
  { node: "aks-cpupool-90817263-vmss000000", nodepool: "cpupool", millicores: 7_820, memoryBytes: 27_000_000_000, busy: 0.45 },
  { node: "aks-cpupool-90817263-vmss000001", nodepool: "cpupool", millicores: 7_820, memoryBytes: 27_000_000_000, busy: 0.3 },
] as const;

const aksPods = [
  { namespace: "llm-serving", pod: "vllm-llama3-70b-7d9f8c6b5-x2k4p", ready: true },
  { namespace: "triton", pod: "triton-ensemble-5c7b9d8f4-qm8rt", ready: true },
  { namespace: "onnx-api", pod: "fastapi-onnx-sentiment-6b8d7c9f5-h7tz2", ready: true },
  { namespace: "ml-dev", pod: "notebook-crashloop-84f6d5c7b-9wq2m", ready: false },
] as const;

export function aksNodeCpuPercent(node: (typeof aksNodes)[number], minuteMs: number): number {
  return round(Math.min(100, 100 * node.busy * (0.6 + 0.5 * dailyLoad(minuteMs)) * (1 + 0.08 * noise(`cpu/${node.node}`, minuteMs))));
}

export function aksNodeMemoryPercent(node: (typeof aksNodes)[number], minuteMs: number): number {
  return round(Math.min(100, 35 + 40 * node.busy + 8 * dailyLoad(minuteMs) + 2 * noise(`mem/${node.node}`, minuteMs)));
}

function aksResource(id: string, createdMs: number): SimulatedResource {
  const perNode = (
    name: string,
    localizedName: string,
    displayDescription: string,
    unit: string,
    value: (n: (typeof aksNodes)[number], t: number) => number,
    combine: SimulatedMetric["combine"],
  ): SimulatedMetric => ({
    name,
    localizedName,
    displayDescription,
    unit,
    dimensions: ["node", "nodepool"],
    primaryAggregation: "average",
    combine,
    series: aksNodes.map((n) => ({ dimensions: { node: n.node, nodepool: n.nodepool }, weight: 1, valueAt: (t: number) => value(n, t) })),
  });
  return {
    id,
    provider: "microsoft.containerservice",
    resourceType: "managedclusters",
    namespace: "Microsoft.ContainerService/managedClusters",
    region: "westeurope",
    createdMs,
    metrics: [
      perNode("node_cpu_usage_percentage", "CPU Usage Percentage", "Aggregated average CPU utilization measured in percentage across the cluster", "Percent", aksNodeCpuPercent, "weighted-average"),
      perNode("node_cpu_usage_millicores", "CPU Usage Millicores", "Aggregated measurement of CPU utilization in millicores across the cluster", "MilliCores", (n, t) => Math.round((aksNodeCpuPercent(n, t) / 100) * n.millicores), "sum"),
      perNode("node_memory_working_set_percentage", "Memory Working Set Percentage", "Container working set memory used in percent", "Percent", aksNodeMemoryPercent, "weighted-average"),
      perNode("node_memory_working_set_bytes", "Memory Working Set Bytes", "Container working set memory used in bytes", "Bytes", (n, t) => Math.round((aksNodeMemoryPercent(n, t) / 100) * n.memoryBytes), "sum"),
      {
        name: "kube_pod_status_ready",
        localizedName: "Number of pods in Ready state",
        displayDescription: "Number of pods in Ready state",
        unit: "Count",
        dimensions: ["namespace", "pod", "condition"],
        primaryAggregation: "average",
        combine: "sum",
        series: aksPods.flatMap((p) =>
          (["true", "false"] as const).map((condition) => ({
            dimensions: { namespace: p.namespace, pod: p.pod, condition },
            weight: 1,
            valueAt: () => ((condition === "true") === p.ready ? 1 : 0),
          })),
        ),
      },
    ],
  };
}

export interface DemoAzureIds {
  readonly subscriptionId: string;
  readonly nowMs: number;
  readonly incidentAtMs: number;
}

export const demoOnlineEndpointDeployments = ["blue", "green"] as const;

export function demoOnlineEndpointModel(incidentAtMs: number): OnlineEndpointModel {
  return {
    peakRequestsPerMinute: 1500,
    deployments: [
      { name: "blue", trafficShare: 0.8 },
      { name: "green", trafficShare: 0.2 },
    ],
    incident: { deployment: "green", atMs: incidentAtMs },
  };
}

export function demoAzureResources(ids: DemoAzureIds): DemoAzureResources {
  const sub = `/subscriptions/${ids.subscriptionId}`;
  const day = 86_400_000;
  const model = demoOnlineEndpointModel(ids.incidentAtMs);
  return {
    onlineEndpoint: onlineEndpointResource(
      `${sub}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/onlineEndpoints/sentiment-endpoint`,
      ids.nowMs - 40 * day,
      model,
    ),
    aksCluster: aksResource(`${sub}/resourceGroups/rg-aks-prod/providers/Microsoft.ContainerService/managedClusters/aks-gpu-prod`, ids.nowMs - 40 * day),
    restrictedEndpoint: onlineEndpointResource(
      `${sub}/resourceGroups/rg-ml-finance/providers/Microsoft.MachineLearningServices/workspaces/mlw-finance/onlineEndpoints/fraud-endpoint`,
      ids.nowMs - 40 * day,
      model,
    ),
  };
}
