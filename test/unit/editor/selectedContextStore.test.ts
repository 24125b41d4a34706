import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { SelectedContextStore } from "../../../src/editor/selectedContextStore";

describe("SelectedContextStore", () => {
  test("remembers the last choice across instances, in a folder it creates", async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-store-")), "globalStorage", "ext");
    await new SelectedContextStore(dir).write("aks-ml-prod");
    await new SelectedContextStore(dir).write("staging-eastus");
    expect(await new SelectedContextStore(dir).read()).toBe("staging-eastus");
    expect(await readdir(dir)).toEqual(["selected-context.json"]);
  });

  test.each([
    ["no file yet", undefined],
    ["a half-written file", '{"selectedContext": "aks'],
    ["a file of the wrong shape", '{"selectedContext": 42}'],
  ])("reads nothing from %s", async (_name, content) => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-store-"));
    if (content !== undefined) await writeFile(path.join(dir, "selected-context.json"), content);
    expect(await new SelectedContextStore(dir).read()).toBeUndefined();
  });

  test("remembers a namespace per context, and forgets it when set back to all", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-store-"));
    const store = new SelectedContextStore(dir);
    await store.write("aks-ml-prod");
    await store.setNamespace("aks-ml-prod", "ml-serving");
    await store.setNamespace("kind-gpu-lab", "default");
    const again = new SelectedContextStore(dir);
    expect(await again.read()).toBe("aks-ml-prod");
    expect(await again.namespaceOf("aks-ml-prod")).toBe("ml-serving");
    await again.setNamespace("aks-ml-prod", undefined);
    expect(await again.namespaceOf("aks-ml-prod")).toBeUndefined();
    expect(await again.namespaceOf("kind-gpu-lab")).toBe("default");
  });
});
