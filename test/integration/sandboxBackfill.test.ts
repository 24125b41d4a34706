/**
 * The sandbox's history through the real tools: promtool turns the backfill into TSDB blocks, the
 * real Prometheus (Debian's) serves them, and PromQL sees the demo's incident in them; promtool's
 * own exposition checker reads the live exporters' output (its lint complaints are the real servers'
 * naming habits, which is the point: vLLM's colons, Triton's suffix-less counters, DCGM's camelCase).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeBackfill } from "../../sandbox/metrics/backfill";
import { SandboxExporters } from "../../sandbox/metrics/exporters";
import { createBlocksFromOpenMetrics, ensurePrometheusInstalled, type RunningPrometheus, startPrometheus } from "../../sandbox/metrics/prometheusServer";
import { ObjectStore } from "../../sandbox/objectStore";
import { PodLogs } from "../../sandbox/podLogs";
import { loadScenario, readScenario } from "../../sandbox/scenario";
import { scenarioFile } from "../../sandbox/sandboxLauncher";

// A minute boundary an hour ago: history ends there, as it would when the sandbox started an hour ago.
const now = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
let dir = "";
let store: ObjectStore;
let prometheus: RunningPrometheus | undefined;
let backfillText = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sandbox-backfill-"));
  store = new ObjectStore();
  loadScenario(store, new PodLogs(), await readScenario(scenarioFile("demo"), new Date(now)), new Date(now));
  const file = path.join(dir, "history.om");
  await writeBackfill(store, { now, days: 0.25, file });
  backfillText = await readFile(file, "utf8");
  await createBlocksFromOpenMetrics(file, path.join(dir, "tsdb"));
  // No scrape jobs: only the backfilled blocks.
  prometheus = await startPrometheus({ dataDir: path.join(dir, "tsdb"), configYaml: "global:\n  scrape_interval: 15s\n" });
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
async function query(promql: string): Promise<VectorSample[]> {
  if (!prometheus) throw new Error("Prometheus did not start");
  const params = new URLSearchParams({ query: promql, time: String(now / 1000) });
  const body = (await (await fetch(`${prometheus.url}/api/v1/query?${params.toString()}`)).json()) as { status: string; error?: string; data: { result: VectorSample[] } };
  expect(body.status, body.error).toBe("success");
  return body.data.result;
}
const scalar = async (promql: string): Promise<number> => {
  const result = await query(promql);
  expect(result, promql).toHaveLength(1);
  return Number(result[0]?.value[1]);
};

describe("the backfill in Prometheus", () => {
  test("a counter reads back exactly as the file wrote it at the last instant", async () => {
    const line = backfillText
      .split("\n")
      .filter((l) => l.startsWith("vllm:e2e_request_latency_seconds_count{") && l.includes('pod="vllm-llama3-70b-6d9f7c8b5-4xk2p"'))
      .pop();
    const [, value, ts] = /} (\S+) (\d+)$/.exec(line ?? "") ?? [];
    expect(Number(ts)).toBe(now / 1000);
    const result = await query('vllm:e2e_request_latency_seconds_count{pod="vllm-llama3-70b-6d9f7c8b5-4xk2p"}');
    expect(result).toHaveLength(1);
    expect(result[0]?.metric).toMatchObject({ job: "model-servers", instance: "10.244.1.17:8000", namespace: "llm-serving", model_name: "meta-llama/Meta-Llama-3-70B-Instruct", engine: "0" });
    expect(result[0]?.value[1]).toBe(value);
  });

  test("the incident shows in PromQL: p95 over the 2 s LLM target and ~3% 5xx on vllm-llama3-70b", async () => {
    const p95 = await scalar('histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="llm-serving"}[1h])))');
    expect(p95).toBeGreaterThan(2);
    expect(p95).toBeLessThan(8);
    const errors = await scalar('sum(rate(http_requests_total{namespace="llm-serving",status="5xx"}[1h])) / sum(rate(http_requests_total{namespace="llm-serving"}[1h]))');
    expect(errors).toBeGreaterThan(0.02);
    expect(errors).toBeLessThan(0.045);
    // A healthy service in the same history: the FastAPI sentiment API stays in tens of milliseconds, errors ~0.2%.
    const sentiment = await scalar('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_highr_seconds_bucket{namespace="onnx-api",pod=~"fastapi-onnx-sentiment-.*"}[1h])))');
    expect(sentiment).toBeGreaterThan(0.02);
    expect(sentiment).toBeLessThan(0.2);
  });

  test("every runtime and the GPUs have history", async () => {
    expect(await query('sum by (pod) (rate(nv_inference_request_success{namespace="triton"}[10m]))')).toHaveLength(4);
    expect(await query('nv_inference_request_summary_us{pod="triton-ensemble-84f5b7c6d9-hm4tj",quantile="0.95"}')).toHaveLength(1);
    expect(await query('rate(request_predict_seconds_count{model_name="sklearn-iris"}[10m])')).toHaveLength(1);
    expect(await query('DCGM_FI_DEV_GPU_UTIL{pod="vllm-llama3-70b-6d9f7c8b5-4xk2p",namespace="llm-serving"}')).toHaveLength(8);
    // Every MIG instance has history, as dcgm-exporter reports idle ones too; the resnet50 pods hold two.
    const slices = await query('DCGM_FI_PROF_GR_ENGINE_ACTIVE{GPU_I_PROFILE="1g.10gb"}');
    expect(slices).toHaveLength(7);
    expect(slices.map((s) => s.metric.pod).filter(Boolean).sort()).toEqual(["resnet50-mig-6f8d9c7b5-2lq8c", "resnet50-mig-6f8d9c7b5-v7n5s"]);
  });
});

describe("the live exposition through promtool check metrics", () => {
  const promtoolCheck = (text: string): Promise<{ code: number; output: string }> =>
    new Promise((resolve) => {
      const child = execFile(ensurePrometheusInstalled(() => {}).promtool, ["check", "metrics"], (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
      child.stdin?.end(text);
    });

  test.each([
    ["vLLM", "/pods/llm-serving/vllm-llama3-70b-6d9f7c8b5-4xk2p/metrics", "vllm:e2e_request_latency_seconds metric names should not contain ':'"],
    ["Triton", "/pods/triton/triton-ensemble-84f5b7c6d9-hm4tj/metrics", 'nv_inference_request_success counter metrics should have "_total" suffix'],
    ["KServe", "/pods/kserve-models/sklearn-iris-predictor-6b8f9d7c4b-kq5fz/metrics", undefined],
    ["FastAPI", "/pods/onnx-api/bert-classifier-5c8d7f9b6-8hjkl/metrics", undefined],
    ["dcgm-exporter", "/nodes/aks-t4pool-38472910-vmss000000/metrics", "DCGM_FI_DEV_GPU_UTIL label names should be written in 'snake_case' not 'camelCase'"],
  ])("%s parses; lint finds only the real server's habits", async (_runtime, target, lint) => {
    const exporters = await SandboxExporters.start(store, { now: () => now });
    try {
      const text = await (await fetch(`${exporters.url}${target}`)).text();
      const { code, output } = await promtoolCheck(text);
      // 0: clean; 3: lint problems only; 1 would be a parse error.
      expect(output).not.toMatch(/error while linting|text format parsing error/);
      if (lint) {
        expect(code).toBe(3);
        expect(output).toContain(lint);
      } else {
        expect(code, output).toBe(0);
      }
    } finally {
      await exporters.stop();
    }
  });
});
