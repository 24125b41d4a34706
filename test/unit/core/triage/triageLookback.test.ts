import { describe, expect, test } from "vitest";
import { defaultTriageLookback, defaultTriageLookbackSeconds, parseTriageLookback, triageLookbackOrDefault } from "../../../../src/core/triage/triageLookback";

describe("the triage look-back", () => {
  test("the default's text and seconds are the same window", () => {
    expect(parseTriageLookback(defaultTriageLookback)).toEqual({ ok: true, seconds: defaultTriageLookbackSeconds });
  });

  test("durations up to 30 days, as aiplat triage --since takes them; anything else says what is expected", () => {
    expect(parseTriageLookback("30m")).toEqual({ ok: true, seconds: 1800 });
    expect(parseTriageLookback(" 1h30m ")).toEqual({ ok: true, seconds: 5400 });
    expect(parseTriageLookback("30d")).toEqual({ ok: true, seconds: 30 * 86_400 });
    for (const bad of ["31d", "0m", "two hours", "2 h", ""]) expect(parseTriageLookback(bad)).toEqual({ ok: false, problem: "expected a duration up to 30d, such as 30m, 2h or 1d" });
  });

  test("a setting left unset is the default; one that is not a duration is the default, with why", () => {
    expect(triageLookbackOrDefault(undefined)).toEqual({ seconds: 7200, problem: undefined });
    expect(triageLookbackOrDefault("")).toEqual({ seconds: 7200, problem: undefined });
    expect(triageLookbackOrDefault("1d")).toEqual({ seconds: 86_400, problem: undefined });
    expect(triageLookbackOrDefault("45d")).toEqual({ seconds: 7200, problem: "expected a duration up to 30d, such as 30m, 2h or 1d" });
    expect(triageLookbackOrDefault(2)).toEqual({ seconds: 7200, problem: "expected a duration such as 2h" });
  });
});
