import { describe, expect, test } from "vitest";
import { nodeCostText, poolCostText, workloadCostText } from "../../../../src/editor/cost/costTreeText";
import { costRow, sampleCostReport } from "../../cli/costReportFixture";

const escape = (t: string): string => t.replace(/[_*]/g, (c) => `\\${c}`);

describe("the GPU Nodes rows' cost text", () => {
  test("a pool shows its utilisation now and over the last hour and what it costs per hour", () => {
    const text = poolCostText(sampleCostReport(), "a100pool", escape);
    expect(text.description).toEqual(["util 71% now · 65% 1h", "$9.54/h"]);
    expect(text.tooltip.join("\n")).toContain("last 1d: $228.96 total · $200.00 allocated · $28.96 idle");
    expect(text.tooltip.join("\n")).toContain("1 pod waiting for these GPUs, the longest for 30 min");
  });

  test("a pool priced with OpenCost's defaults says estimate, and leaves out utilisation it does not have", () => {
    const text = poolCostText(sampleCostReport(), "a10pool", escape);
    expect(text.description).toEqual(["$0.95/h estimate"]);
    expect(text.tooltip.join("\n")).toMatch(/No GPU utilisation: dcgm-exporter/);
    expect(text.tooltip.join("\n")).toMatch(/\*Estimate:\*/);
  });

  test("a price-book-error mark on a pool's instance type makes its price an estimate too", () => {
    const report = sampleCostReport({ estimates: [{ code: "price-book-error", subject: "instance type Standard_NC24ads_A100_v4", detail: "pricing.yaml line 3: gpu: not a number" }] });
    expect(poolCostText(report, "a100pool", escape).description).toEqual(["util 71% now · 65% 1h", "$9.54/h estimate"]);
  });

  test("rows show nothing of cost without a report, or when the report does not have them", () => {
    expect(poolCostText(undefined, "a100pool", escape)).toEqual({ description: [], tooltip: [], key: "" });
    expect(poolCostText(sampleCostReport(), "t4pool", escape).description).toEqual([]);
    expect(nodeCostText(sampleCostReport(), "aks-t4pool-0", escape).tooltip).toEqual([]);
  });

  test("a node shows its utilisation, and its hourly price and where it came from in the tooltip", () => {
    const text = nodeCostText(sampleCostReport(), "aks-a100pool-0", escape);
    expect(text.description).toEqual(["util 71% now · 65% 1h"]);
    expect(text.tooltip[0]).toBe("**Cost** · $4.77/h from the shipped price book (GPU $2.50/h, CPU $0.05/core-h, RAM $0.005/GiB-h)");
    const unknown = nodeCostText(sampleCostReport(), "aks-a10pool-0", escape);
    expect(unknown.description).toEqual([]);
    expect(unknown.tooltip[0]).toMatch(/^\*\*Cost\*\* · \$0\.95\/h estimate from OpenCost's default prices/);
  });

  test("the render key changes when what a row shows changes, and not otherwise", () => {
    const a = poolCostText(sampleCostReport(), "a100pool", escape).key;
    expect(poolCostText(sampleCostReport({ computedAt: 1_764_547_500 }), "a100pool", escape).key).toBe(a);
    const hotter = sampleCostReport();
    const pools = hotter.pools.map((p) => (p.pool === "a100pool" ? { ...p, gpuUtilisationNowPct: 90 } : p));
    expect(poolCostText({ ...hotter, pools }, "a100pool", escape).key).not.toBe(a);
  });
});

describe("the Deployments tooltip's cost section", () => {
  test("cost per 1K inferences and GPU efficiency, marked estimate when the row carries marks", () => {
    const text = workloadCostText(sampleCostReport(), "llm-serving", "vllm-llama3-70b");
    expect(text.tooltip[0]).toBe("**$1.50 per 1K inferences** estimate · GPU efficiency 12%");
    expect(text.tooltip.join("\n")).toContain("*Estimate:* no-usage");
    expect(text.tooltip.join("\n")).toContain("48.0 GPU-hours · 120,000 requests");
  });

  test("a service without request counts gets no cost per 1K, and one without usage no efficiency", () => {
    const text = workloadCostText(sampleCostReport({ rows: [costRow("ml/scorer", { requests: null, costPer1k: null, gpuEfficiency: null })] }), "ml", "scorer");
    expect(text.tooltip[0]).toMatch(/^Cost last 1d: \$10\.00 \(GPU \$8\.00/);
    expect(text.tooltip.join("\n")).not.toMatch(/per 1K|efficiency/);
  });

  test("a budget from the manifest is compared", () => {
    const over = workloadCostText(sampleCostReport({ rows: [costRow("ml/scorer", { costPer1k: 0.3, budgetPer1k: 0.25 })] }), "ml", "scorer");
    expect(over.tooltip.join("\n")).toContain("Budget $0.25 per 1K: **over budget**");
  });

  test("nothing for a workload the report does not have, or a report aggregated by something else", () => {
    expect(workloadCostText(sampleCostReport(), "ml", "other").tooltip).toEqual([]);
    expect(workloadCostText(sampleCostReport({ aggregate: "namespace" }), "llm-serving", "vllm-llama3-70b").tooltip).toEqual([]);
  });
});
