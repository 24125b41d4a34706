import { describe, expect, test } from "vitest";
import { formatScore, formatShare, thresholdText } from "../../../webview/drift/driftFormat";

describe("drift figures as a person reads them", () => {
  test.each([
    [null, "—"],
    [0, "0"],
    [0.04567, "0.0457"],
    [0.42, "0.42"],
    [1.5e-12, "1.50e-12"],
    [0.00099, "9.90e-4"],
    [12.345, "12.3"],
    [Number.POSITIVE_INFINITY, "∞"],
  ])("score %s reads %s: a tiny p-value is never rounded to 0", (v, text) => {
    expect(formatScore(v)).toBe(text);
  });

  test("the threshold says Evidently's rule: KS at or below, chi-square and Z below, distances at or above", () => {
    expect(thresholdText({ method: "ks", threshold: 0.05 })).toBe("p ≤ 0.05");
    expect(thresholdText({ method: "chisquare", threshold: 0.05 })).toBe("p < 0.05");
    expect(thresholdText({ method: "z", threshold: 0.01 })).toBe("p < 0.01");
    expect(thresholdText({ method: "wasserstein", threshold: 0.1 })).toBe("≥ 0.1");
    expect(thresholdText({ method: "psi", threshold: 0.25 })).toBe("≥ 0.25");
  });

  test.each([
    [0, "0 %"],
    [0.0004, "< 0.1 %"],
    [0.0123, "1.2 %"],
    [0.9, "90 %"],
    [0.9996, "> 99.9 %"],
    [1, "100 %"],
    [null, "—"],
  ])("share %s reads %s", (v, text) => {
    expect(formatShare(v)).toBe(text);
  });
});
