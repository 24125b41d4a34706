import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { KeyedDebounce } from "../../../../src/editor/manifest/keyedDebounce";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("KeyedDebounce: one timer per manifest", () => {
  test("editing two manifests in quick succession validates both (one shared timer dropped the first)", () => {
    const validated: string[] = [];
    const d = new KeyedDebounce<string>(200);
    d.schedule("file:///a/aiplatform.yaml", () => validated.push("a"));
    vi.advanceTimersByTime(50);
    d.schedule("file:///b/aiplatform.yaml", () => validated.push("b"));
    vi.advanceTimersByTime(200);
    expect(validated.sort()).toEqual(["a", "b"]);
  });

  test("a burst of edits to one manifest validates it once, with the last text", () => {
    const validated: number[] = [];
    const d = new KeyedDebounce<string>(200);
    for (let i = 1; i <= 5; i++) {
      d.schedule("a", () => validated.push(i));
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(200);
    expect(validated).toEqual([5]);
    expect(d.pending).toBe(0);
  });

  test("closing a document drops its pending validation; dispose drops them all", () => {
    const validated: string[] = [];
    const d = new KeyedDebounce<string>(200);
    d.schedule("a", () => validated.push("a"));
    d.schedule("b", () => validated.push("b"));
    d.schedule("c", () => validated.push("c"));
    d.cancel("a");
    expect(d.pending).toBe(2);
    d.dispose();
    vi.advanceTimersByTime(1000);
    expect(validated).toEqual([]);
    expect(d.pending).toBe(0);
  });
});
