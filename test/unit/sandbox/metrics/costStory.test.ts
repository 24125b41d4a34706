/**
 * The demo's cost story as a Prometheus user would read it from the sandbox's history: the A100
 * pool is allocated but mostly idle in utilisation (vllm-llama3-70b's 24 GPUs at ~20%, Triton's 8
 * at ~75%), the A10 pool idle, Triton serving hundreds of times more requests per GPU-hour than
 * vLLM; live exporters show at "now" exactly what the backfill ends with; and the GPUs have history
 * before revision 2, held by the old pods on the same nodes.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeBackfill } from "../../../../sandbox/metrics/backfill";
import { SandboxExporters } from "../../../../sandbox/metrics/exporters";
import { type Sample, demoNow, demoStore, parseExposition } from "./demoStore";

const day = 86_400;
const now = demoNow / 1000;
let dir = "";
let series: Sample[][] = [];

const families = new Set(["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "http_requests_total", "nv_inference_request_success"]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "cost-story-"));
  const file = path.join(dir, "story.om");
  await writeBackfill(await demoStore(), { now: demoNow, days: 2.5, file, families });
  const map = new Map<string, Sample[]>();
  for (const s of parseExposition(await readFile(file, "utf8")).samples) {
    const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    const list = map.get(key);
    if (list) list.push(s);
    else map.set(key, [s]);
  }
  series = [...map.values()];
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The series whose (first) sample passes the filter. */
const bySeries = (filter: (s: Sample) => boolean): Sample[][] => series.filter((list) => list[0] && filter(list[0]));

/** avg_over_time, weighted by the time each sample stands for, over [from, now]. */
function timeWeightedMean(series: Sample[][], from: number): number {
  let sum = 0;
  let weight = 0;
  for (const list of series) {
    const inWindow = list.filter((s) => (s.timestamp ?? 0) >= from);
    for (let i = 1; i < inWindow.length; i++) {
      const dt = (inWindow[i]?.timestamp ?? 0) - (inWindow[i - 1]?.timestamp ?? 0);
      sum += (inWindow[i - 1]?.value ?? 0) * dt;
      weight += dt;
    }
  }
  return weight > 0 ? sum / weight : NaN;
}

/** increase() over [from, now] summed over series: a drop is a counter reset. */
function increase(series: Sample[][], from: number): number {
  let total = 0;
  for (const list of series) {
    const inWindow = list.filter((s) => (s.timestamp ?? 0) >= from);
    for (let i = 1; i < inWindow.length; i++) {
      const [a, b] = [inWindow[i - 1]?.value ?? 0, inWindow[i]?.value ?? 0];
      total += b >= a ? b - a : b;
    }
  }
  return total;
}

const gpuUtil = (node: RegExp, pod?: RegExp) => bySeries((s) => s.name === "DCGM_FI_DEV_GPU_UTIL" && node.test(s.labels.node ?? "") && (!pod || pod.test(s.labels.pod ?? "")));

describe("GPU utilisation per pool over the last day", () => {
  test("the A100 pool is red (< 50%): vLLM's GPUs about a fifth busy, Triton's above 60%", () => {
    const pool = timeWeightedMean(gpuUtil(/^aks-a100pool-/), now - day);
    expect(pool).toBeGreaterThan(25);
    expect(pool).toBeLessThan(50);
    const llama = timeWeightedMean(gpuUtil(/^aks-a100pool-/, /^vllm-llama3-70b-/), now - day);
    expect(llama).toBeGreaterThan(12);
    expect(llama).toBeLessThan(30);
    expect(timeWeightedMean(gpuUtil(/^aks-a100pool-/, /^triton-ensemble-/), now - day)).toBeGreaterThan(60);
  });

  test("the A10 pool is idle: its GPUs report 0% since the nodes came up two days ago, with no pod", () => {
    const a10 = gpuUtil(/^aks-a10pool-/);
    expect(a10).toHaveLength(2);
    for (const list of a10) {
      expect(list.every((s) => s.value === 0 && s.labels.pod === undefined)).toBe(true);
      expect(list[0]?.timestamp).toBeGreaterThanOrEqual(now - 2 * day);
      expect(list[0]?.timestamp).toBeLessThan(now - 2 * day + 600);
    }
  });

  test("the T4 pool is low: the reranker's GPU about a third busy and the free T4 idle", () => {
    expect(timeWeightedMean(gpuUtil(/^aks-t4pool-/, /^reranker-onnx-/), now - day)).toBeGreaterThan(25);
    expect(timeWeightedMean(gpuUtil(/^aks-t4pool-/), now - day)).toBeLessThan(25);
  });
});

describe("requests per GPU-hour over the last day", () => {
  test("triton-ensemble serves hundreds of requests a second on 8 GPUs; vllm-llama3-70b a few on 24", () => {
    const triton = increase(bySeries((s) => s.name === "nv_inference_request_success" && (s.labels.pod ?? "").startsWith("triton-ensemble-")), now - day) / day;
    const llama = increase(bySeries((s) => s.name === "http_requests_total" && s.labels.status === "2xx" && (s.labels.pod ?? "").startsWith("vllm-llama3-70b-")), now - day) / day;
    expect(triton).toBeGreaterThan(400);
    expect(llama).toBeGreaterThan(3);
    expect(llama).toBeLessThan(10);
    expect(triton / 8 / (llama / 24)).toBeGreaterThan(100);
  });
});

describe("GPU history across the rollout of revision 2", () => {
  test("an A100 node's GPUs are held by the old vLLM pod until the deploy and by the new one after, without a gap", () => {
    const node0 = gpuUtil(/^aks-a100pool-21837465-vmss000000$/).filter((list) => list[0]?.labels.gpu === "0");
    const deploy = now - 2 * day;
    const old = node0.find((list) => (list[0]?.labels.pod ?? "").startsWith("vllm-llama3-70b-7b4c9d6f8-"));
    const current = node0.find((list) => list[0]?.labels.pod === "vllm-llama3-70b-6d9f7c8b5-4xk2p");
    expect(old?.at(-1)?.timestamp).toBeLessThan(deploy);
    expect(old?.at(-1)?.timestamp).toBeGreaterThan(deploy - 600);
    expect(current?.[0]?.timestamp).toBeGreaterThanOrEqual(deploy);
    expect(current?.[0]?.timestamp).toBeLessThan(deploy + 600);
    expect(node0).toHaveLength(2);
  });
});

describe("live dcgm-exporter at now", () => {
  test("every GPU, idle ones included, reads what the backfill ends with", async () => {
    const store = await demoStore();
    const exporters = await SandboxExporters.start(store, { now: () => demoNow });
    try {
      const last = new Map<string, number>();
      for (const list of bySeries((s) => s.name === "DCGM_FI_DEV_GPU_UTIL")) {
        const end = list.at(-1);
        if (end?.timestamp !== now) continue;
        const { job: _job, instance: _instance, node: _node, ...labels } = end.labels;
        last.set(`${end.labels.node}${JSON.stringify(Object.entries(labels).sort())}`, end.value);
      }
      let compared = 0;
      for (const node of ["aks-a100pool-21837465-vmss000000", "aks-a100pool-21837465-vmss000003", "aks-a10pool-61524873-vmss000000", "aks-t4pool-38472910-vmss000000", "aks-t4pool-38472910-vmss000001"]) {
        const live = parseExposition(await (await fetch(`${exporters.url}/nodes/${node}/metrics`)).text()).samples.filter((s) => s.name === "DCGM_FI_DEV_GPU_UTIL");
        for (const s of live) {
          expect(last.get(`${node}${JSON.stringify(Object.entries(s.labels).sort())}`), `${node} ${JSON.stringify(s.labels)}`).toBe(s.value);
          compared++;
        }
      }
      expect(compared).toBe(8 + 8 + 1 + 1 + 1);
    } finally {
      await exporters.stop();
    }
  });
});
