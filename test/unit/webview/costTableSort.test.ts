import { describe, expect, test } from "vitest";
import { nextSort, sortRows } from "../../../webview/common/tableSort";

interface Row {
  name: string;
  cost: number;
  per1k: number | null;
}

const rows: Row[] = [
  { name: "llm-serving/vllm-llama3-70b", cost: 900, per1k: 2.5 },
  { name: "llm-serving/embeddings", cost: 40, per1k: null },
  { name: "vision/resnet", cost: 120, per1k: 0.01 },
  { name: "batch/trainer-2", cost: 120, per1k: Number.NaN },
  { name: "batch/trainer-10", cost: 300, per1k: 0.5 },
];
const names = (xs: Row[]): string[] => xs.map((r) => r.name);

describe("sortRows", () => {
  test("figures largest first or smallest first; equal figures keep their order", () => {
    expect(names(sortRows(rows, (r) => r.cost, "descending"))).toEqual([
      "llm-serving/vllm-llama3-70b",
      "batch/trainer-10",
      "vision/resnet",
      "batch/trainer-2",
      "llm-serving/embeddings",
    ]);
    expect(names(sortRows(rows, (r) => r.cost, "ascending"))).toEqual([
      "llm-serving/embeddings",
      "vision/resnet",
      "batch/trainer-2",
      "batch/trainer-10",
      "llm-serving/vllm-llama3-70b",
    ]);
  });

  test("rows without a value (null or NaN) come last either way, so 'no data' never reads as cheapest or costliest", () => {
    expect(names(sortRows(rows, (r) => r.per1k, "ascending"))).toEqual(["vision/resnet", "batch/trainer-10", "llm-serving/vllm-llama3-70b", "llm-serving/embeddings", "batch/trainer-2"]);
    expect(names(sortRows(rows, (r) => r.per1k, "descending"))).toEqual(["llm-serving/vllm-llama3-70b", "batch/trainer-10", "vision/resnet", "llm-serving/embeddings", "batch/trainer-2"]);
  });

  test("names sort as a person reads them: trainer-2 before trainer-10", () => {
    expect(names(sortRows(rows, (r) => r.name, "ascending"))).toEqual([
      "batch/trainer-2",
      "batch/trainer-10",
      "llm-serving/embeddings",
      "llm-serving/vllm-llama3-70b",
      "vision/resnet",
    ]);
  });

  test("leaves the input as it was", () => {
    const before = names(rows);
    sortRows(rows, (r) => r.cost, "ascending");
    expect(names(rows)).toEqual(before);
  });
});

describe("nextSort", () => {
  test("the sorted column flips; another column starts at its natural direction", () => {
    expect(nextSort({ column: "cost", direction: "descending" }, "cost", "descending")).toEqual({ column: "cost", direction: "ascending" });
    expect(nextSort({ column: "cost", direction: "ascending" }, "cost", "descending")).toEqual({ column: "cost", direction: "descending" });
    expect(nextSort({ column: "cost", direction: "ascending" }, "name", "ascending")).toEqual({ column: "name", direction: "ascending" });
    expect(nextSort({ column: "name", direction: "ascending" }, "gpuHours", "descending")).toEqual({ column: "gpuHours", direction: "descending" });
  });
});
