import { describe, expect, test } from "vitest";
import { CostReportBoard, type CostLoad } from "../../../../src/editor/cost/costReportBoard";
import { changedRowIds } from "../../../../src/editor/cost/costTreeText";
import { sampleCostReport } from "../../cli/costReportFixture";

const ok = (computedAt: number): CostLoad => ({ ok: true, report: sampleCostReport({ computedAt }) });

/** A load that resolves when the test says, and records whether it was aborted. */
function deferred(): { load: (signal: AbortSignal) => Promise<CostLoad>; resolve: (r: CostLoad) => void; aborted: () => boolean; calls: () => number } {
  let resolve: (r: CostLoad) => void = () => undefined;
  let signal: AbortSignal | undefined;
  let calls = 0;
  return {
    load: (s) => {
      calls++;
      signal = s;
      return new Promise((r) => (resolve = r));
    },
    resolve: (r) => resolve(r),
    aborted: () => signal?.aborted === true,
    calls: () => calls,
  };
}

describe("CostReportBoard", () => {
  test("keeps the latest report per context and says which context changed", async () => {
    const changed: string[] = [];
    const board = new CostReportBoard({ onChange: (c) => changed.push(c) });
    await board.refresh("prod", () => Promise.resolve(ok(100)));
    await board.refresh("dev", () => Promise.resolve(ok(200)));
    expect(board.get("prod")?.computedAt).toBe(100);
    expect(board.get("dev")?.computedAt).toBe(200);
    expect(changed).toEqual(["prod", "dev"]);
  });

  test("asking again while a refresh of the same context runs joins it instead of starting a second", async () => {
    const board = new CostReportBoard({ onChange: () => undefined });
    const d = deferred();
    const first = board.refresh("prod", d.load);
    const second = board.refresh("prod", d.load);
    expect(d.calls()).toBe(1);
    d.resolve(ok(1));
    await Promise.all([first, second]);
    expect(board.get("prod")?.computedAt).toBe(1);
  });

  test("a refresh for another context aborts the running one, whose late result is dropped", async () => {
    const board = new CostReportBoard({ onChange: () => undefined });
    const d = deferred();
    const stale = board.refresh("prod", d.load);
    await board.refresh("dev", () => Promise.resolve(ok(2)));
    expect(d.aborted()).toBe(true);
    d.resolve(ok(1));
    await stale;
    expect(board.get("prod")).toBeUndefined();
  });

  test("a failed refresh keeps the last report and records why; a loader that throws counts as failed", async () => {
    const board = new CostReportBoard({ onChange: () => undefined });
    await board.refresh("prod", () => Promise.resolve(ok(1)));
    await board.refresh("prod", () => Promise.resolve({ ok: false, message: "Prometheus answered 503", detail: "query: …" }));
    expect(board.get("prod")?.computedAt).toBe(1);
    expect(board.problem("prod")).toBe("Prometheus answered 503 (query: …)");
    await board.refresh("prod", () => Promise.reject(new Error("boom")));
    expect(board.problem("prod")).toBe("boom");
    await board.refresh("prod", () => Promise.resolve(ok(3)));
    expect(board.problem("prod")).toBeUndefined();
  });

  test("a report offered by the dashboard is kept when per service and newer", () => {
    const board = new CostReportBoard({ onChange: () => undefined });
    board.offer("prod", sampleCostReport({ computedAt: 10 }));
    board.offer("prod", sampleCostReport({ computedAt: 5 }));
    board.offer("prod", sampleCostReport({ computedAt: 20, aggregate: "team" }));
    expect(board.get("prod")?.computedAt).toBe(10);
  });

  test("holds a bounded number of contexts, dropping the least recently updated", async () => {
    const board = new CostReportBoard({ onChange: () => undefined, maxContexts: 2 });
    for (const [i, c] of ["a", "b", "c"].entries()) await board.refresh(c, () => Promise.resolve(ok(i)));
    expect([board.get("a"), board.get("b")?.computedAt, board.get("c")?.computedAt]).toEqual([undefined, 1, 2]);
  });

  test("clear forgets a context's report and tells", async () => {
    const changed: string[] = [];
    const board = new CostReportBoard({ onChange: (c) => changed.push(c) });
    await board.refresh("prod", () => Promise.resolve(ok(1)));
    board.clear();
    expect(board.get("prod")).toBeUndefined();
    expect(changed).toEqual(["prod", "prod"]);
  });
});

describe("changedRowIds", () => {
  test("rows whose key changed, appeared or went", () => {
    const before = new Map([["pool/a", "1"], ["pool/b", "2"], ["node/x", "3"]]);
    const after = new Map([["pool/a", "1"], ["pool/b", "9"], ["node/y", "4"]]);
    expect(changedRowIds(before, after).sort()).toEqual(["node/x", "node/y", "pool/b"]);
    expect(changedRowIds(after, after)).toEqual([]);
  });
});
