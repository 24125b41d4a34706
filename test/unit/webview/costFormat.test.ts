import { describe, expect, test } from "vitest";
import type { EstimateMark } from "../../../src/shared/protocol/cost";
import { formatMoney, formatMoneyTick, formatRatio, formatWait } from "../../../webview/cost/costFormat";
import { estimateText, groupEstimates } from "../../../webview/cost/estimateText";
import { utilisationBand } from "../../../webview/cost/utilisationBand";

describe("formatMoney", () => {
  test.each([
    [12_345.678, "USD", "$12,346"],
    [1000, "USD", "$1,000"],
    [123.456, "USD", "$123.46"],
    [3.1, "USD", "$3.10"],
    [0, "USD", "$0.00"],
    // Cost per 1K of a cheap service: three significant digits, never "$0.00".
    [0.0123456, "USD", "$0.0123"],
    [0.5, "USD", "$0.50"],
    [0.000012345, "USD", "$0.000012"],
    [-45.5, "USD", "-$45.50"],
    [99.5, "EUR", "€99.50"],
  ] as const)("%d %s reads %s", (v, currency, text) => {
    expect(formatMoney(v, currency)).toBe(text);
  });

  test("no figure is a dash; a currency Intl does not know is still written, with its code", () => {
    expect(formatMoney(null, "USD")).toBe("—");
    expect(formatMoney(Number.NaN, "USD")).toBe("—");
    expect(formatMoney(12.5, "credits")).toBe("12.50 credits");
  });
});

describe("formatRatio and formatWait", () => {
  test("efficiency above 100 % is shown as it is: usage above the request", () => {
    expect(formatRatio(0.123)).toBe("12.3 %");
    expect(formatRatio(1.3)).toBe("130 %");
    expect(formatRatio(null)).toBe("—");
  });

  test.each([
    [0, "0 s"],
    [59.4, "59 s"],
    [60, "1 min"],
    [3599, "59 min"],
    [3600, "1 h"],
    [3600 + 5 * 60, "1 h 5 min"],
    [86_400 * 2 + 3600 * 4, "2 d 4 h"],
    [86_400, "1 d"],
  ] as const)("%d s waited reads %s", (s, text) => {
    expect(formatWait(s)).toBe(text);
  });

  test("no pending pod is a dash", () => {
    expect(formatWait(null)).toBe("—");
  });
});

describe("utilisationBand", () => {
  // The issue: green ≥ 60 %, amber 50–60 %, red < 50 %.
  test.each([
    [100, "good"],
    [60, "good"],
    [59.99, "fair"],
    [50, "fair"],
    [49.99, "poor"],
    [0, "poor"],
    [null, "unknown"],
    [Number.NaN, "unknown"],
  ] as const)("%s %% is %s", (pct, band) => {
    expect(utilisationBand(pct)).toBe(band);
  });
});

describe("groupEstimates", () => {
  test("groups marks by code, the most frequent first, each worded for a person", () => {
    const marks: EstimateMark[] = [
      { code: "default-price", subject: "instance type Standard_Foo" },
      { code: "no-usage", subject: "pod llm/a" },
      { code: "no-usage", subject: "pod llm/b", detail: "no cAdvisor series" },
      { code: "price-book-error", subject: "file pricing.yaml", detail: "line 4: prices.Standard_NC24ads_A100_v4.gpu: expected a number" },
    ];
    const groups = groupEstimates(marks);
    expect(groups.map((g) => [g.code, g.marks.length])).toEqual([
      ["no-usage", 2],
      ["default-price", 1],
      ["price-book-error", 1],
    ]);
    expect(groups[0]!.marks.map((m) => m.subject)).toEqual(["pod llm/a", "pod llm/b"]);
    expect(groups[1]!.text).toBe(estimateText["default-price"]);
    expect(groupEstimates([])).toEqual([]);
  });
});

describe("formatMoneyTick", () => {
  test("whole amounts on an axis drop the cents; fractions keep them", () => {
    expect(formatMoneyTick(1500, "USD")).toBe("$1,500");
    expect(formatMoneyTick(500, "USD")).toBe("$500");
    expect(formatMoneyTick(0, "USD")).toBe("$0");
    expect(formatMoneyTick(0.5, "USD")).toBe("$0.50");
  });
});
