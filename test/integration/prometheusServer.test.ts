import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createBlocksFromOpenMetrics, startPrometheus, type RunningPrometheus } from "../../sandbox/metrics/prometheusServer";

/** Prometheus' instant-query answer, as docs/querying/api.md describes it. */
interface VectorAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe("the sandbox's real Prometheus over promtool-backfilled blocks", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-prometheus-"));
  let prom: RunningPrometheus | undefined;
  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a query with the samples the backfill wrote, and stops", async () => {
    // Two hours of one counter at 60 s steps, ending 4 h ago (the head block's last 3 h are not backfillable).
    const end = Math.floor(Date.now() / 1000 / 60) * 60 - 4 * 3600;
    const lines = ["# HELP demo_requests Requests served.", "# TYPE demo_requests counter"];
    for (let i = 0; i <= 120; i++) lines.push(`demo_requests_total{namespace="llm-serving",pod="chat-0"} ${i * 10} ${end - (120 - i) * 60}`);
    lines.push("# EOF");
    const file = path.join(dir, "backfill.om");
    writeFileSync(file, lines.join("\n") + "\n");
    const dataDir = path.join(dir, "tsdb");
    await createBlocksFromOpenMetrics(file, dataDir);

    // No scrape_configs: nothing newer than the backfill arrives, so time retention keeps it.
    prom = await startPrometheus({ dataDir, configYaml: "global:\n  scrape_interval: 15s\n" });
    const at = (t: number, q: string) => fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`).then((r) => r.json() as Promise<VectorAnswer>);

    const raw = await at(end - 30 * 60, "demo_requests_total");
    expect(raw.status).toBe("success");
    expect(raw.data.result).toEqual([{ metric: { __name__: "demo_requests_total", namespace: "llm-serving", pod: "chat-0" }, value: [end - 30 * 60, "900"] }]);
    // 10 per 60 s is 1/6 per second.
    const rate = await at(end, "rate(demo_requests_total[10m])");
    expect(Number(rate.data.result[0]?.value[1])).toBeCloseTo(1 / 6, 6);

    const url = prom.url;
    await prom.stop();
    prom = undefined;
    await expect(fetch(`${url}/-/ready`)).rejects.toThrow();
  });
});
