/**
 * The demo sandbox with its metrics on: the real Prometheus (Debian's) scrapes the sandbox's
 * exporters at the targets the sandbox discovers, with kube-prometheus' target labels; new pods
 * become targets as the controllers start them; the backfilled history is there; the service
 * proxy of monitoring/kube-prometheus-stack-prometheus reaches it; server.stop() stops it all.
 * Expected pods come from kubectl, not from the sandbox's own code.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eventually } from "./eventually";
import { kubectlCli } from "./kubectlCli";
import { type SandboxFixture, startSandboxFixture } from "./sandboxFixture";

let sandbox: SandboxFixture | undefined;
const current = (): SandboxFixture => {
  if (!sandbox) throw new Error("the sandbox is not running");
  return sandbox;
};
const { kubectl } = kubectlCli(() => current().kubectlEnv);

beforeAll(async () => {
  // A short scrape interval and one day of history keep the file quick; the wiring is the same as npm run sandbox's.
  sandbox = await startSandboxFixture({ scenario: "demo", controllers: true, metrics: { backfillDays: 1, scrapeInterval: "2s" } });
}, 180_000);
afterAll(async () => {
  await sandbox?.stop();
});

const prometheusUrl = (): string => {
  const metrics = current().metrics;
  if (!metrics) throw new Error("metrics did not start");
  return metrics.prometheus.url;
};

interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: "up" | "down" | "unknown";
}
async function activeTargets(): Promise<ActiveTarget[]> {
  const body = (await (await fetch(`${prometheusUrl()}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: ActiveTarget[] } };
  return body.data.activeTargets;
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
async function query(promql: string, time?: number): Promise<VectorSample[]> {
  const params = new URLSearchParams({ query: promql, ...(time !== undefined ? { time: String(time) } : {}) });
  const body = (await (await fetch(`${prometheusUrl()}/api/v1/query?${params.toString()}`)).json()) as { status: string; data: { result: VectorSample[] } };
  expect(body.status).toBe("success");
  return body.data.result;
}

interface PodJson {
  metadata: { namespace: string; name: string };
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] };
}
/** Pods whose server is up, as kubectl shows them: Running, every container running. */
async function servingPods(namespace?: string): Promise<string[]> {
  const list = JSON.parse(await kubectl("get", "pods", ...(namespace ? ["-n", namespace] : ["-A"]), "-o", "json")) as { items: PodJson[] };
  return list.items
    .filter((p) => p.status?.phase === "Running" && (p.status.containerStatuses ?? []).length > 0 && p.status.containerStatuses!.every((c) => c.state?.running !== undefined))
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

const podTargets = (targets: ActiveTarget[]) => targets.filter((t) => t.labels.job === "model-servers");

describe("the sandbox's real Prometheus", () => {
  test("scrapes every serving pod, up, with namespace and pod target labels", async () => {
    await eventually(async () => {
      const targets = podTargets(await activeTargets());
      expect(targets.map((t) => `${t.labels.namespace}/${t.labels.pod}`).sort()).toEqual(await servingPods());
      expect(targets.filter((t) => t.health !== "up")).toEqual([]);
      // Each pod at its own exporter path.
      for (const t of targets) expect(new URL(t.scrapeUrl).pathname).toBe(`/pods/${t.labels.namespace}/${t.labels.pod}/metrics`);
    }, 60_000);

    await eventually(async () => {
      const up = await query('up{namespace="llm-serving"}');
      expect(up.map((s) => `${s.metric.namespace}/${s.metric.pod}`).sort()).toEqual(await servingPods("llm-serving"));
      for (const s of up) expect(s.value[1]).toBe("1");
    }, 30_000);
  }, 120_000);

  test("scrapes the GPU nodes' dcgm-exporter with a node label", async () => {
    const gpuNodes = JSON.parse(await kubectl("get", "nodes", "-l", "nvidia.com/gpu.product", "-o", "json")) as { items: { metadata: { name: string } }[] };
    await eventually(async () => {
      const targets = (await activeTargets()).filter((t) => t.labels.job === "dcgm-exporter");
      expect(targets.map((t) => t.labels.node).sort()).toEqual(gpuNodes.items.map((n) => n.metadata.name).sort());
    }, 30_000);
  });

  test("a pod the deployment controller adds becomes a target, and is scraped", async () => {
    const before = await servingPods("onnx-api");
    await kubectl("scale", "deployment/fastapi-onnx-sentiment", "--replicas=3", "-n", "onnx-api");
    let added: string[] = [];
    await eventually(async () => {
      added = (await servingPods("onnx-api")).filter((p) => !before.includes(p));
      expect(added).toHaveLength(1);
    }, 30_000);
    const pod = added[0]!.split("/")[1]!;
    await eventually(async () => {
      const target = podTargets(await activeTargets()).find((t) => t.labels.pod === pod);
      expect(target).toMatchObject({ labels: { namespace: "onnx-api", pod }, health: "up" });
      expect(await query(`up{namespace="onnx-api",pod="${pod}"}`)).toMatchObject([{ value: [expect.any(Number), "1"] }]);
    }, 60_000);
  }, 120_000);

  test("a pod the deployment controller removes stops being a target", async () => {
    await kubectl("scale", "deployment/fastapi-onnx-sentiment", "--replicas=1", "-n", "onnx-api");
    await eventually(async () => {
      const serving = (await servingPods("onnx-api")).filter((p) => p.startsWith("onnx-api/fastapi-onnx-sentiment-"));
      expect(serving).toHaveLength(1);
      const targets = podTargets(await activeTargets()).filter((t) => t.labels.pod?.startsWith("fastapi-onnx-sentiment-"));
      expect(targets.map((t) => `${t.labels.namespace}/${t.labels.pod}`)).toEqual(serving);
    }, 60_000);
  }, 90_000);

  test("history from the backfill is there before the first scrape", async () => {
    const sixHoursAgo = Math.floor(Date.now() / 1000) - 6 * 3600;
    const series = await query('count({namespace="llm-serving"})', sixHoursAgo);
    expect(Number(series[0]?.value[1] ?? 0)).toBeGreaterThan(0);
  });

  test("the API server's service proxy of monitoring/kube-prometheus-stack-prometheus answers as Prometheus does", async () => {
    expect(current().metrics?.serviceProxy).toBe("monitoring/kube-prometheus-stack-prometheus:9090");
    const time = Math.floor(Date.now() / 1000) - 60;
    const params = new URLSearchParams({ query: 'count(up{job="model-servers"})', time: String(time) });
    const viaProxy = await kubectl("get", "--raw", `/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:9090/proxy/api/v1/query?${params.toString()}`);
    const direct = await (await fetch(`${prometheusUrl()}/api/v1/query?${params.toString()}`)).text();
    expect(JSON.parse(viaProxy)).toEqual(JSON.parse(direct));
    expect(JSON.parse(direct)).toMatchObject({ status: "success", data: { resultType: "vector" } });
  });

  test("stopping the sandbox stops Prometheus and the exporters", async () => {
    const fixture = current();
    const { prometheus, exporters } = fixture.metrics!;
    await fixture.stop();
    sandbox = undefined;
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
    await expect(fetch(`${exporters.url}/nodes/x/metrics`)).rejects.toThrow();
  });
});
