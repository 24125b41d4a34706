import { describe, expect, test } from "vitest";
import { admitWebviewMessage, maxWebviewMessageBytes, messageBytes } from "../../../../src/editor/panels/webviewMessageGate";
import { LatencyFromWebview } from "../../../../src/shared/protocol/latency";

function recorder(): { warn(m: string): void; lines: string[] } {
  const lines: string[] = [];
  return { warn: (m) => lines.push(m), lines };
}

describe("admitWebviewMessage", () => {
  test.each([
    { type: "ready" },
    { type: "ready", widthPx: 1280 },
    { type: "setRange", range: { preset: "7d" }, widthPx: 900 },
    { type: "setRange", range: { preset: "custom", start: 1_764_000_000, end: 1_764_086_400 } },
    { type: "refresh" },
    { type: "openRevision", revision: 7 },
    { type: "exportCsv" },
    { type: "connectMetrics" },
  ])("accepts %o and logs nothing", (message) => {
    const log = recorder();
    expect(admitWebviewMessage(LatencyFromWebview, message, log, "aiPlatform.latencyDashboard")).toEqual(message);
    expect(log.lines).toEqual([]);
  });

  test.each([
    ["an unknown type", { type: "deleteCluster" }, /"deleteCluster" of the wrong shape/],
    ["a range the dashboard does not offer", { type: "setRange", range: { preset: "90d" } }, /wrong shape \(range/],
    ["a custom range longer than 32 days", { type: "setRange", range: { preset: "custom", start: 0, end: 40 * 86_400 } }, /wrong shape/],
    ["a fractional revision", { type: "openRevision", revision: 1.5 }, /wrong shape \(revision/],
    ["a string", "ready", /wrong shape/],
    ["null", null, /wrong shape/],
  ])("drops %s and logs why", (_name, message, logged) => {
    const log = recorder();
    expect(admitWebviewMessage(LatencyFromWebview, message, log, "aiPlatform.latencyDashboard")).toBeUndefined();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^aiPlatform\.latencyDashboard: dropped a webview message/);
    expect(log.lines[0]).toMatch(logged);
  });

  test.each([
    ["a huge string", { type: "refresh", padding: "x".repeat(300 * 1024) }],
    ["a huge typed array", { type: "refresh", data: new Float64Array(40_000) }],
    ["a huge array", { type: "exportCsv", rows: Array.from({ length: 100_000 }, (_, i) => i) }],
    ["a deeply nested object", { type: "refresh", nest: JSON.parse(`${'{"a":'.repeat(200)}1${"}".repeat(200)}`) as unknown }],
  ])("drops %s before parsing, even when its type is valid", (_name, message) => {
    const log = recorder();
    expect(admitWebviewMessage(LatencyFromWebview, message, log, "aiPlatform.latencyDashboard")).toBeUndefined();
    expect(log.lines).toEqual(["aiPlatform.latencyDashboard: dropped a webview message larger than 256 KB."]);
  });

  test("the log never carries the message's content", () => {
    const log = recorder();
    admitWebviewMessage(LatencyFromWebview, { type: "setRange", range: { preset: "secret-token-abc" } }, log, "v");
    admitWebviewMessage(LatencyFromWebview, { type: "x", token: "secret-token-abc".repeat(20_000) }, log, "v");
    expect(log.lines.join("\n")).not.toContain("secret-token-abc");
  });
});

describe("messageBytes", () => {
  test("counts strings by length and binary data by byteLength", () => {
    expect(messageBytes("abcd")).toBe(4);
    expect(messageBytes(new Float64Array(10))).toBe(80);
    expect(messageBytes({ type: "ready" })).toBe(8 + 4 + 5);
  });

  test("stops counting past the limit and survives cycles", () => {
    const cyclic: Record<string, unknown> = { type: "ready" };
    cyclic.self = cyclic;
    expect(messageBytes(cyclic)).toBeLessThan(100);
    expect(messageBytes("x".repeat(10_000_000))).toBe(maxWebviewMessageBytes + 1);
    expect(messageBytes(Array.from({ length: 1_000_000 }, () => 1))).toBe(maxWebviewMessageBytes + 1);
  });
});
