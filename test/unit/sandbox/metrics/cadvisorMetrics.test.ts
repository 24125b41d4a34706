/**
 * The kubelet's cAdvisor series on the sandbox's exporter: container_cpu_usage_seconds_total and
 * container_memory_working_set_bytes per container and for the pod's own cgroup (container=""),
 * on every Ready node; counters that only grow; usage below limits and, for vLLM, far below its
 * requests; and a backfill that ends where the live series begin, under kube-prometheus-stack's
 * kubelet target labels.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeBackfill } from "../../../../sandbox/metrics/backfill";
import { SandboxExporters } from "../../../../sandbox/metrics/exporters";
import { kubeletTargetGroups } from "../../../../sandbox/metrics/scrapeTargetsFile";
import { type ObjectStore } from "../../../../sandbox/objectStore";
import { type Sample, demoNow, demoStore, parseExposition } from "./demoStore";

let store: ObjectStore;
let exporters: SandboxExporters;
let clock = demoNow;
let dir = "";

beforeAll(async () => {
  store = await demoStore();
  exporters = await SandboxExporters.start(store, { now: () => clock });
  dir = await mkdtemp(path.join(tmpdir(), "cadvisor-"));
});
afterAll(async () => {
  await exporters.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cadvisor(node: string): Promise<{ status: number; types: Map<string, string>; samples: Sample[] }> {
  const res = await fetch(`${exporters.url}/nodes/${node}/metrics/cadvisor`);
  const text = await res.text();
  return res.status === 200 ? { status: 200, ...parseExposition(text) } : { status: res.status, types: new Map(), samples: [] };
}

const GiB = 2 ** 30;

describe("the kubelet's /metrics/cadvisor", () => {
  test("a CPU node: a counter and a gauge per container and per pod cgroup, labelled container, image, namespace, pod", async () => {
    const { types, samples } = await cadvisor("aks-cpupool-90817263-vmss000000");
    expect(types.get("container_cpu_usage_seconds_total")).toBe("counter");
    expect(types.get("container_memory_working_set_bytes")).toBe("gauge");
    const cpu = samples.filter((s) => s.name === "container_cpu_usage_seconds_total");
    expect(cpu.map((s) => s.labels)).toEqual([
      { container: "app", image: "aiplatform.azurecr.io/sentiment-fastapi-onnx:2.1.0", namespace: "onnx-api", pod: "fastapi-onnx-sentiment-58c7d9f6b4-7dqxn" },
      { container: "", image: "", namespace: "onnx-api", pod: "fastapi-onnx-sentiment-58c7d9f6b4-7dqxn" },
    ]);
    // The pod's cgroup holds its containers: the same CPU seconds, a little more memory (the pause container).
    expect(cpu[1]?.value).toBe(cpu[0]?.value);
    const memory = samples.filter((s) => s.name === "container_memory_working_set_bytes").map((s) => s.value);
    expect(memory[1]).toBeGreaterThan(memory[0] ?? Infinity);
    // Twenty days of a container using a fraction of its 500m request: days of CPU seconds, not weeks.
    expect(cpu[0]?.value).toBeGreaterThan(0.1 * 20 * 86_400);
    expect(cpu[0]?.value).toBeLessThan(0.5 * 20 * 86_400);
  });

  test("vLLM uses a small share of its 32 cores and 900 GiB; every working set stays under its limit", async () => {
    const { samples } = await cadvisor("aks-a100pool-21837465-vmss000000");
    const ws = samples.find((s) => s.name === "container_memory_working_set_bytes" && s.labels.container === "vllm")?.value ?? 0;
    expect(ws / GiB).toBeGreaterThan(20);
    expect(ws / GiB).toBeLessThan(90);
    const reranker = (await cadvisor("aks-t4pool-38472910-vmss000000")).samples.find((s) => s.name === "container_memory_working_set_bytes" && s.labels.container === "app")?.value ?? 0;
    expect(reranker).toBeLessThan(6 * GiB);
  });

  test("CPU seconds only grow between scrapes, by about the cores in use", async () => {
    const node = "aks-a100pool-21837465-vmss000003";
    const read = async (): Promise<Map<string, number>> =>
      new Map((await cadvisor(node)).samples.filter((s) => s.name === "container_cpu_usage_seconds_total").map((s) => [`${s.labels.pod}/${s.labels.container}`, s.value]));
    clock = demoNow;
    const before = await read();
    clock = demoNow + 300_000;
    const after = await read();
    clock = demoNow;
    expect(before.size).toBe(4);
    for (const [k, v] of before) {
      const grown = (after.get(k) ?? 0) - v;
      // Triton uses about half of its 16 cores: 5 minutes of it.
      expect(grown, k).toBeGreaterThan(2 * 300);
      expect(grown, k).toBeLessThan(16 * 300);
    }
  });

  test.each([
    ["a NotReady node", "aks-t4pool-38472910-vmss000002"],
    ["an unknown node", "aks-nope-0"],
  ])("%s answers 404", async (_what, node) => {
    expect((await cadvisor(node)).status).toBe(404);
  });

  test("every node is a kubelet target with kube-prometheus-stack's labels", () => {
    const groups = kubeletTargetGroups(store, "127.0.0.1:1");
    expect(groups).toHaveLength(14);
    expect(groups[0]?.labels).toEqual({ __metrics_path__: "/nodes/aks-a100pool-21837465-vmss000000/metrics/cadvisor", job: "kubelet", metrics_path: "/metrics/cadvisor", instance: "10.224.0.10:10250", node: "aks-a100pool-21837465-vmss000000" });
  });
});

describe("cAdvisor history", () => {
  test("the backfill's last samples are the live values at now, under the kubelet target labels", async () => {
    const file = path.join(dir, "cadvisor.om");
    await writeBackfill(await demoStore(), { now: demoNow, days: 0.05, file, families: new Set(["container_cpu_usage_seconds_total", "container_memory_working_set_bytes"]) });
    const history = parseExposition(await readFile(file, "utf8")).samples.filter((s) => s.timestamp === demoNow / 1000);
    const node = "aks-t4pool-38472910-vmss000000";
    const last = history.filter((s) => s.labels.node === node);
    expect(last.length).toBe(4);
    expect(last[0]?.labels).toMatchObject({ job: "kubelet", metrics_path: "/metrics/cadvisor", instance: "10.224.2.10:10250", node });
    clock = demoNow;
    const live = (await cadvisor(node)).samples;
    for (const s of live) {
      const match = last.find((h) => h.name === s.name && h.labels.container === s.labels.container && h.labels.pod === s.labels.pod);
      expect(match?.value, `${s.name} ${s.labels.container}`).toBe(s.value);
    }
  });
});
