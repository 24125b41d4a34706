import { describe, expect, test } from "vitest";
import { eventCount, eventTime, formatDuration, timeOf } from "../../../../../src/core/kube/objects/kubeTime";
import { podEvent } from "../kubeObjects";

describe("kubeTime", () => {
  test.each([
    { t: new Date("2025-06-01T12:00:00Z"), ms: Date.parse("2025-06-01T12:00:00Z") },
    { t: "2025-06-01T12:00:00Z", ms: Date.parse("2025-06-01T12:00:00Z") },
    { t: "2025-06-01T12:00:00.123456Z", ms: Date.parse("2025-06-01T12:00:00.123Z") },
    { t: "not a time", ms: undefined },
    { t: undefined, ms: undefined },
  ])("timeOf($t) accepts Date and RFC 3339 strings", ({ t, ms }) => {
    expect(timeOf(t)).toBe(ms);
  });

  test("an event series' last observation is its time and count", () => {
    const e = { ...podEvent("p", "Unhealthy", "Readiness probe failed"), series: { count: 17, lastObservedTime: new Date("2025-06-01T11:59:00Z") } };
    expect(eventTime(e)).toBe(Date.parse("2025-06-01T11:59:00Z"));
    expect(eventCount(e)).toBe(17);
  });

  test.each([
    { ms: 45_000, text: "45s" },
    { ms: 600_000, text: "10m" },
    { ms: 3_600_000, text: "1h" },
    { ms: 3_900_000, text: "1h5m" },
    { ms: 93_600_000, text: "1d2h" },
    { ms: -5, text: "0s" },
  ])("formatDuration($ms) is $text", ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
