import { describe, expect, it } from "vitest";
import { DisposableStore } from "../../../src/editor/disposableStore";

describe("DisposableStore", () => {
  const tracked = (log: string[], name: string, fail = false) => ({
    dispose: () => {
      log.push(name);
      if (fail) throw new Error(`${name} failed`);
    },
  });

  it("disposes everything once, newest first", () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked(log, "a"));
    store.addAll([tracked(log, "b"), tracked(log, "c")]);
    store.dispose();
    store.dispose();
    expect(log).toEqual(["c", "b", "a"]);
  });

  it("disposes at once what is added after the end, so nothing leaks", () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    store.add(tracked(log, "late"));
    expect(log).toEqual(["late"]);
  });

  it("keeps disposing past a failure and reports it", () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked(log, "a"));
    store.add(tracked(log, "b", true));
    expect(() => store.dispose()).toThrow("b failed");
    expect(log).toEqual(["b", "a"]);
  });

  it("clear() empties the store and leaves it usable", () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked(log, "a"));
    store.clear();
    store.add(tracked(log, "b"));
    expect(log).toEqual(["a"]);
    store.dispose();
    expect(log).toEqual(["a", "b"]);
  });
});
