import { describe, expect, test } from "vitest";
import type { MetricsResult } from "../../../../src/core/metrics/metricsSource";
import type { MetricsTarget } from "../../../../src/core/metrics/metricsTarget";
import type { ServiceMetricsSnapshot } from "../../../../src/core/metrics/serviceMetrics";
import { evaluateSlo } from "../../../../src/core/metrics/sloBurn";
import { resolveSlo } from "../../../../src/core/metrics/sloTargets";
import { SloStatusBoard, type BoardTarget, type RowMetrics } from "../../../../src/editor/metrics/sloStatusBoard";
import { sloRowText, sloTooltipMarkdown } from "../../../../src/editor/metrics/sloRowText";

const slo = resolveSlo(undefined, "fastapi");
const target = (name: string): BoardTarget => ({
  id: `Deployment/ml/${name}`,
  target: { context: "kind-sandbox", namespace: "ml", name, kind: "Deployment", runtime: "fastapi", slo } satisfies MetricsTarget,
});

function snapshot(p95Ms: number | null, errorRatio: number | null, burn: { "1h"?: number; "5m"?: number; "6h"?: number; "30m"?: number } = {}): ServiceMetricsSnapshot {
  return {
    p50Ms: p95Ms === null ? null : p95Ms / 2,
    p95Ms,
    p99Ms: p95Ms === null ? null : p95Ms * 2,
    errorRatio,
    rps: 12.5,
    slo: evaluateSlo(slo, { errorRatio: { "5m": burn["5m"] ?? errorRatio, "30m": burn["30m"] ?? errorRatio, "1h": burn["1h"] ?? errorRatio, "6h": burn["6h"] ?? errorRatio }, errorRatio30d: errorRatio, p95Ms, errorRatioNow: errorRatio }),
    queries: { p95: "histogram_quantile(0.95, …)" },
    notes: {},
    failures: {},
  };
}

const ok = (s: ServiceMetricsSnapshot): MetricsResult<ServiceMetricsSnapshot> => ({ ok: true, value: s, warnings: [] });
const source = "Prometheus at http://127.0.0.1:9090";

describe("SloStatusBoard", () => {
  test("fires each row once when it first gets metrics, and not again while what it shows is the same", async () => {
    const fired: string[][] = [];
    const board = new SloStatusBoard({ concurrency: 2, onChange: (ids) => fired.push([...ids]) });
    const targets = ["a", "b", "c"].map(target);
    await board.refresh(targets, source, () => Promise.resolve(ok(snapshot(120, 0.0001))));
    expect(fired.flat().sort()).toEqual(targets.map((t) => t.id).sort());
    fired.length = 0;
    await board.refresh(targets, source, () => Promise.resolve(ok(snapshot(120.2, 0.0001))));
    expect(fired).toEqual([]);
    await board.refresh(targets, source, (t) => Promise.resolve(ok(snapshot(t.name === "b" ? 412 : 120, 0.0001))));
    expect(fired).toEqual([["Deployment/ml/b"]]);
    expect(sloRowText(board.get("Deployment/ml/b")!)).toBe("p95 412 ms > 200 ms");
  });

  test("never reads more than `concurrency` services at once", async () => {
    let running = 0;
    let most = 0;
    const board = new SloStatusBoard({ concurrency: 3, onChange: () => undefined });
    await board.refresh(Array.from({ length: 20 }, (_, i) => target(`s${i}`)), source, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      return ok(snapshot(100, 0));
    });
    expect(most).toBe(3);
    expect(board.size).toBe(20);
  });

  test("a row whose metrics failed says so; the other rows keep theirs", async () => {
    const board = new SloStatusBoard({ concurrency: 2, onChange: () => undefined });
    await board.refresh([target("up"), target("down")], source, (t) =>
      Promise.resolve(t.name === "down" ? { ok: false, error: { kind: "unauthorized", status: 401, source, query: "sum(rate(http_requests_total[5m]))" } } : ok(snapshot(90, 0))),
    );
    expect(sloRowText(board.get("Deployment/ml/down")!)).toBe("metrics: credentials refused (401)");
    const tooltip = sloTooltipMarkdown(board.get("Deployment/ml/down")!, (s) => s);
    expect(tooltip).toContain(`${source} refused the credentials (401)`);
    expect(tooltip).toContain("sum(rate(http_requests_total[5m]))");
    expect(sloRowText(board.get("Deployment/ml/up")!)).toBe("p95 90 ms ≤ 200 ms, 100 % budget left");
  });

  test("a reader that throws is a failed row, not a broken refresh", async () => {
    const board = new SloStatusBoard({ concurrency: 2, onChange: () => undefined });
    await board.refresh([target("x"), target("y")], source, (t) => {
      if (t.name === "x") throw new Error("socket hang up");
      return Promise.resolve(ok(snapshot(50, 0)));
    });
    expect(board.get("Deployment/ml/x")).toMatchObject({ kind: "failed", error: { kind: "bad-response", detail: "socket hang up" } });
    expect(board.get("Deployment/ml/y")?.kind).toBe("ok");
  });

  test("clear() (a context switch) aborts the running refresh, forgets every row and fires them", async () => {
    const fired: string[] = [];
    const board = new SloStatusBoard({ concurrency: 1, onChange: (ids) => fired.push(...ids) });
    await board.refresh([target("a")], source, () => Promise.resolve(ok(snapshot(100, 0))));
    const signals: AbortSignal[] = [];
    let release = (): void => undefined;
    const pending = board.refresh([target("a"), target("b")], source, (_t, signal) => {
      signals.push(signal);
      return new Promise((resolve) => {
        release = () => resolve(ok(snapshot(999, 0.5)));
      });
    });
    await new Promise((r) => setTimeout(r, 0));
    fired.length = 0;
    board.clear();
    expect(signals[0]?.aborted).toBe(true);
    expect(fired).toEqual(["Deployment/ml/a"]);
    release();
    await pending;
    // The aborted round's late answer is not shown.
    expect(board.get("Deployment/ml/a")).toBeUndefined();
    expect(board.size).toBe(0);
  });

  test("rows that left the tree leave the map", async () => {
    const board = new SloStatusBoard({ concurrency: 2, onChange: () => undefined });
    await board.refresh([target("a"), target("b")], source, () => Promise.resolve(ok(snapshot(100, 0))));
    await board.refresh([target("b")], source, () => Promise.resolve(ok(snapshot(100, 0))));
    expect(board.get("Deployment/ml/a")).toBeUndefined();
    expect(board.size).toBe(1);
  });
});

describe("a row's SLO text and tooltip", () => {
  const row = (s: ServiceMetricsSnapshot): RowMetrics => ({ kind: "ok", source, snapshot: s });

  test("a fast burn is named as such with its rates; the tooltip has budget and every burn rate", () => {
    // 2% errors against a 0.1% budget burn at 20×: above 14.4× in both 1h and 5m.
    const r = row(snapshot(150, 0.02));
    expect(r.kind === "ok" && r.snapshot.slo.status).toBe("fast-burn");
    expect(sloRowText(r)).toBe("fast burn: 20× (1h) and 20× (5m) ≥ 14.4×");
    const md = sloTooltipMarkdown(r, (s) => s);
    expect(md).toContain("SLO fast burn");
    // 2% errors over 30 days against a 0.1% budget: 1 − 0.02/0.001 = −19, i.e. −1900 %.
    expect(md).toContain("Error budget (30 days): -1900 % left");
    expect(md).toMatch(/Burn rate: 1h 20× · 5m 20× · 6h 20× · 30m 20×/);
    expect(md).toContain("99.9 % availability, p95 ≤ 200 ms, errors ≤ 1 % (tier-1 default)");
  });

  test("no data at all reads as such", () => {
    expect(sloRowText(row(snapshot(null, null)))).toBe("SLO: no data");
  });

  test("text from the source is escaped in the tooltip", () => {
    const md = sloTooltipMarkdown({ kind: "failed", source: "Prometheus at http://[evil](command:x)", error: { kind: "unreachable", detail: "boom", source: "Prometheus at http://[evil](command:x)" } }, (s) => s.replace(/[[\]()]/g, "\\$&"));
    expect(md).not.toContain("[evil](command:x)");
  });
});
