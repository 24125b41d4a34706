import { describe, expect, test } from "vitest";
import { displayWidth, modelListRow, modelsTable, oneLine, servedTable, terminalSafe, type ServedRow } from "../../../src/cli/modelsOutput";
import type { ModelVersion, RegisteredModel } from "../../../src/core/registry/modelRegistry";

const version = (v: string, extra: Partial<ModelVersion> = {}): ModelVersion => ({ name: "m", version: v, tags: [], aliases: [], ...extra });

describe("registry text in a terminal", () => {
  test.each([
    ["clear screen", "a\x1b[2Jb", "a\uFFFD[2Jb"],
    ["OSC 8 hyperlink", "\x1b]8;;https://attacker.example\x07click\x1b]8;;\x07", "\uFFFD]8;;https://attacker.example\uFFFDclick\uFFFD]8;;\uFFFD"],
    ["C1 CSI", "a\u009b31mb", "a\uFFFD31mb"],
    // Trojan Source (CVE-2021-42574): a right-to-left override reorders what a person reads.
    ["bidi override", "safe\u202Eexe.txt", "safe\uFFFDexe.txt"],
    ["plain Unicode stays", "übersetzer-de-en-説明 → ok", "übersetzer-de-en-説明 → ok"],
  ])("%s", (_, text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });

  test("a description is cut to its first line and the width given", () => {
    expect(oneLine("short")).toBe("short");
    expect(oneLine("first\nsecond")).toBe("first…");
    expect(oneLine("x".repeat(100_000), 10)).toBe(`${"x".repeat(9)}…`);
    expect(oneLine("x".repeat(10), 10)).toBe("x".repeat(10));
    expect(oneLine(undefined)).toBe("");
  });

  test("CJK characters take two columns, so the table still lines up", () => {
    expect(displayWidth("説明")).toBe(4);
    expect(displayWidth("über")).toBe(4);
    const table = modelsTable([
      { name: "übersetzer-説明", latestVersion: "2", aliases: {}, lastUpdated: null },
      { name: "plain-name-xxxxx", latestVersion: "1", aliases: {}, lastUpdated: null },
    ]);
    const [, a, b] = table.split("\n");
    // "übersetzer-説明" is 15 columns wide, "plain-name-xxxxx" 16: the LATEST column starts at the same column.
    expect(displayWidth(a!.slice(0, a!.indexOf("2")))).toBe(displayWidth(b!.slice(0, b!.indexOf("1"))));
  });
});

describe("a registered model's row", () => {
  const model: RegisteredModel = {
    name: "fraud",
    lastUpdatedTimestamp: 0,
    latestVersions: [version("9", { currentStage: "Archived" }), version("10", { currentStage: "None" }), version("2", { currentStage: "Production" })],
    tags: [],
    aliases: [{ alias: "champion", version: "2" }],
  };

  test("the latest version compares as a number (10 after 9), aliases as a map, the time as ISO 8601", () => {
    expect(modelListRow(model)).toEqual({ name: "fraud", latestVersion: "10", aliases: { champion: "2" }, lastUpdated: "1970-01-01T00:00:00.000Z" });
  });

  test("served-by appears only when a cluster was read, and 0 is a count", () => {
    expect(modelListRow(model, 0).servedBy).toBe(0);
    expect("servedBy" in modelListRow(model)).toBe(false);
    expect(modelsTable([modelListRow(model)])).not.toContain("SERVED BY");
    expect(modelsTable([modelListRow(model, 0)])).toContain("SERVED BY");
  });
});

describe("the served table", () => {
  const row = (name: string, extra: Partial<ServedRow>): ServedRow => ({ kind: "Deployment", namespace: "ml", name, health: "Healthy", reference: null, via: null, model: null, version: null, alias: null, inRegistry: null, missing: null, approved: null, ...extra });

  test("an alias reference shows the version it resolved to and the alias; an unregistered one its own heading", () => {
    const text = servedTable(
      [
        row("chat", { reference: "models:/llama@champion", via: "annotation", model: "llama", version: "3", alias: "champion", inRegistry: true, approved: true }),
        row("rerank", { reference: "models:/reranker/2", via: "annotation", model: "reranker", inRegistry: false, missing: { kind: "no-such-model", name: "reranker" }, health: "Degraded" }),
        row("plain", {}),
      ],
      "alias champion",
    );
    const lines = text.split("\n");
    expect(lines[1]).toMatch(/^ml\/chat\s+Healthy\s+llama v3 \(@champion\)\s+yes\s+models:\/llama@champion$/);
    expect(lines[2]).toMatch(/^ml\/rerank\s+Degraded\s+NOT IN REGISTRY\s+models:\/reranker\/2$/);
    expect(lines[3]).toMatch(/^ml\/plain\s+Healthy\s+\(no model reference\)$/);
    expect(text).toContain("\napproved: alias champion\n\nserving, not in the registry (1):\n  ml/rerank: models:/reranker/2 (from annotation): no registered model named reranker\n");
  });
});
