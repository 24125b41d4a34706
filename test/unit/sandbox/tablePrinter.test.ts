/** Server-side printing: ages as apimachinery's HumanDuration prints them, pod status as kubectl's printer does. */
import { describe, expect, test } from "vitest";
import { findResource } from "../../../sandbox/resourceTypes";
import { humanDuration, toTable } from "../../../sandbox/tablePrinter";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration (apimachinery's duration tests)", () => {
  test.each([
    [1 * s, "1s"],
    [70 * s, "70s"],
    [190 * s, "3m10s"],
    [70 * m, "70m"],
    [47 * h, "47h"],
    [49 * h, "2d1h"],
    [(8 * 24 + 2) * h, "8d"],
    [367 * d, "367d"],
    [(365 * 2 + 35) * d, "2y35d"],
    [(365 * 8 + 35) * d, "8y"],
    [-2 * s, "<invalid>"],
    [-0.5 * s, "0s"],
  ])("%d ms is %s", (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe("pod rows", () => {
  const pods = findResource("", "v1", "pods");
  if (!pods) throw new Error("pods are not served");
  const cells = (status: object) =>
    toTable(pods, [{ metadata: { name: "p", creationTimestamp: new Date().toISOString() }, spec: { containers: [{ name: "a" }] }, status }], {}, "None").rows[0]?.cells;

  test.each([
    [{ phase: "Running", containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }] }, "1/1", "Running"],
    [{ phase: "Running", containerStatuses: [{ ready: false, restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } } }] }, "0/1", "CrashLoopBackOff"],
    [{ phase: "Running", containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] }, "0/1", "ExitCode:2"],
    [{ phase: "Pending" }, "0/1", "Pending"],
    [{ phase: "Failed", reason: "Evicted" }, "0/1", "Evicted"],
  ])("%j shows READY %s and STATUS %s", (status, ready, shown) => {
    expect(cells(status)?.slice(1, 3)).toEqual([ready, shown]);
  });
});
