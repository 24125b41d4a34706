import { describe, expect, test } from "vitest";
import { LatencyToWebview } from "../../../src/shared/protocol/latency";
import { parseIncoming } from "../../../webview/common/incomingMessage";

describe("parseIncoming", () => {
  test("a message of the contract passes through, typed arrays intact", () => {
    const warnings: string[] = [];
    const ts = Float64Array.from([60, 120]);
    const view = {
      service: { context: "sandbox", namespace: "ml", kind: "Deployment", name: "llama" },
      source: "Prometheus",
      runtime: "vLLM",
      range: { spec: { preset: "1h" }, start: 0, end: 3600, step: 15 },
      panels: [{ id: "latency", title: "Latency", unit: "ms", series: [{ name: "p95", timestamps: ts, values: Float64Array.from([1, Number.NaN]) }], queries: [], status: { kind: "ok" } }],
      markers: [],
      slo: null,
      regression: null,
      refreshedAt: 3600,
    };
    const m = parseIncoming(LatencyToWebview, { type: "view", view }, (w) => warnings.push(w));
    expect(m?.type).toBe("view");
    expect(m?.type === "view" && m.view.panels[0]!.series[0]!.timestamps).toBe(ts);
    expect(warnings).toEqual([]);
  });

  test.each([
    ["an unknown type", { type: "explode" }],
    ["a range the contract does not know", { type: "loading", range: { preset: "2h" } }],
    ["an unavailable message with an action it does not know", { type: "unavailable", message: "x", action: "rm -rf" }],
    ["not an object", "view"],
    ["nothing", undefined],
  ])("%s is warned about and dropped, never thrown", (_name, data) => {
    const warnings: string[] = [];
    expect(parseIncoming(LatencyToWebview, data, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Dropped a message that does not match the contract: /);
  });
});
