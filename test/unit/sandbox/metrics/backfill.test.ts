/**
 * The backfill file is what promtool's OpenMetrics reader wants (every sample timestamped in
 * seconds, each series ascending, families contiguous, counters sampled as _total, # EOF), its pods
 * follow the demo's rollout history, and its last samples are where the live exporters start.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sampleTimes, writeBackfill } from "../../../../sandbox/metrics/backfill";
import { SandboxExporters } from "../../../../sandbox/metrics/exporters";
import { type Sample, demoNow, demoStore, parseExposition } from "./demoStore";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "backfill-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seriesKey = (s: Sample, drop: readonly string[] = []): string =>
  `${s.name}{${Object.keys(s.labels).filter((k) => !drop.includes(k)).sort().map((k) => `${k}=${s.labels[k]}`).join(",")}}`;

describe("sampleTimes", () => {
  test("15 s over the last hour, 60 s to a day, 300 s before; aligned, ascending, ending at now", () => {
    const now = demoNow;
    const times = sampleTimes(now - 2 * 86_400_000, now, { recentStepMs: 15_000, stepMs: 60_000, olderStepMs: 300_000 });
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
    expect(times[times.length - 1]).toBe(now);
    expect(times.filter((t) => t > now - 3_600_000).length).toBe(240);
    expect(times.filter((t) => t <= now - 3_600_000 && t > now - 86_400_000).length).toBe(23 * 60);
    expect(times.filter((t) => t <= now - 86_400_000).length).toBe(288 + 1);
  });
});

describe("writeBackfill on the demo", () => {
  test("a valid OpenMetrics file for promtool, ending where the live exporters begin", async () => {
    const store = await demoStore();
    const file = path.join(dir, "short.om");
    const result = await writeBackfill(store, { now: demoNow, days: 0.05, file });
    const text = await readFile(file, "utf8");
    expect(text.endsWith("\n# EOF\n")).toBe(true);
    expect(Buffer.byteLength(text)).toBe(result.bytes);
    const { types, samples } = parseExposition(text);
    expect(samples.length).toBe(result.samples);
    // Counters are declared without _total and sampled with it; Triton's suffix-less counters are "unknown".
    expect(types.get("http_requests")).toBe("counter");
    expect(samples.some((s) => s.name === "http_requests_total")).toBe(true);
    expect(types.get("nv_inference_request_success")).toBe("unknown");
    expect(types.get("vllm:e2e_request_latency_seconds")).toBe("histogram");
    expect(types.get("DCGM_FI_DEV_GPU_UTIL")).toBe("gauge");
    const bySeries = new Map<string, Sample[]>();
    for (const s of samples) {
      expect(s.timestamp, seriesKey(s)).toBeDefined();
      const key = seriesKey(s);
      bySeries.set(key, [...(bySeries.get(key) ?? []), s]);
    }
    expect(bySeries.size).toBe(result.series);
    for (const [key, list] of bySeries) {
      const times = list.map((s) => s.timestamp ?? 0);
      expect(times, key).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times).size, key).toBe(times.length);
      const name = list[0]?.name ?? "";
      const family = [name, name.replace(/_(bucket|count|total)$/, "")].map((n) => types.get(n)).find(Boolean);
      const cumulative = family === "counter" || family === "unknown" || (/_(bucket|count)$/.test(name) && (family === "histogram" || family === "summary"));
      if (cumulative) {
        // Counters only fall where a container restarted: the reranker, OOM-killed 14 minutes before now.
        list.forEach((s, i) => {
          const previous = list[i - 1];
          if (!previous || s.value >= previous.value) return;
          expect(s.labels.pod, key).toBe("reranker-onnx-6d5c8b9f7-w9tbk");
          expect(s.timestamp).toBe((demoNow - 14 * 60_000) / 1000);
        });
      }
    }
    // Every pod series carries the target labels the sandbox's Prometheus gives its scrapes.
    const pod = samples.filter((s) => s.labels.pod === "vllm-llama3-70b-6d9f7c8b5-4xk2p" && s.name === "vllm:num_requests_running");
    expect(pod[0]?.labels).toMatchObject({ job: "model-servers", instance: "10.244.1.17:8000", namespace: "llm-serving", model_name: "meta-llama/Meta-Llama-3-70B-Instruct", engine: "0" });

    // The live exporter at the same instant shows the backfill's last values; rate() across now has no step.
    const exporters = await SandboxExporters.start(store, { now: () => demoNow });
    try {
      const live = parseExposition(await (await fetch(`${exporters.url}/pods/llm-serving/vllm-llama3-70b-6d9f7c8b5-4xk2p/metrics`)).text());
      const targetLabels = ["job", "instance", "namespace", "pod"];
      const last = new Map<string, number>();
      for (const list of bySeries.values()) {
        const end = list[list.length - 1];
        if (end?.labels.job === "model-servers" && end.labels.pod === "vllm-llama3-70b-6d9f7c8b5-4xk2p" && end.timestamp === demoNow / 1000) last.set(seriesKey(end, targetLabels), end.value);
      }
      expect(last.size).toBeGreaterThan(20);
      for (const s of live.samples) {
        const key = seriesKey(s);
        if (last.has(key)) expect(s.value, key).toBe(last.get(key));
      }
      const liveKeys = new Set(live.samples.map((s) => seriesKey(s)));
      expect([...last.keys()].filter((k) => !liveKeys.has(k)).join("\n")).toBe("");
    } finally {
      await exporters.stop();
    }
  }, 60_000);

  test("pods follow the rollout history: the old pod-template-hash before revision 2, the new one after", async () => {
    const store = await demoStore();
    const file = path.join(dir, "rollout.om");
    await writeBackfill(store, { now: demoNow, days: 2.5, file, families: new Set(["vllm:num_requests_running"]) });
    const { samples } = parseExposition(await readFile(file, "utf8"));
    const deploy = (demoNow - 2 * 86_400_000) / 1000;
    const pods = new Map<string, { first: number; last: number }>();
    for (const s of samples) {
      const pod = s.labels.pod ?? "";
      const span = pods.get(pod) ?? { first: Infinity, last: -Infinity };
      pods.set(pod, { first: Math.min(span.first, s.timestamp ?? 0), last: Math.max(span.last, s.timestamp ?? 0) });
    }
    const old = [...pods.keys()].filter((p) => p.startsWith("vllm-llama3-70b-7b4c9d6f8-"));
    const current = [...pods.keys()].filter((p) => p.startsWith("vllm-llama3-70b-6d9f7c8b5-"));
    expect(old).toHaveLength(3);
    for (const p of old) expect(p).toMatch(/^vllm-llama3-70b-7b4c9d6f8-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(current.sort()).toEqual(["vllm-llama3-70b-6d9f7c8b5-4xk2p", "vllm-llama3-70b-6d9f7c8b5-9zq7m", "vllm-llama3-70b-6d9f7c8b5-r8vwd"]);
    for (const p of old) expect(pods.get(p)?.last).toBeLessThan(deploy);
    for (const p of current) {
      expect(pods.get(p)?.first).toBeGreaterThanOrEqual(deploy);
      expect(pods.get(p)?.last).toBe(demoNow / 1000);
    }
    // The crash-looping predictor served until its Ready condition went False, three hours ago.
    expect(pods.get("fraud-xgboost-predictor-7c9d8b6f5-p9wzl")).toBeUndefined(); // KServe has no running gauge
  }, 60_000);
});
