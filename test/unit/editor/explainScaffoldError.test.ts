import { describe, expect, test } from "vitest";
import { describeScaffoldErrorForTerminal } from "../../../src/cli/scaffoldCommand";
import type { ScaffoldError } from "../../../src/core/scaffold/scaffoldError";
import { explainScaffoldError } from "../../../src/editor/explain";

/** One kind per scaffold failure; each surface words it in its own terms. */
const every: readonly ScaffoldError[] = [
  { kind: "unknown-template", templateId: "vlm", known: ["kserve", "python", "triton", "vllm"] },
  { kind: "invalid-template", templateId: "evil", message: "runbook.md is written twice" },
  { kind: "invalid-name", name: "Llama", reason: "lower-case letters" },
  { kind: "invalid-set", entry: "resources.gpu.count=x", key: "resources.gpu.count", reason: "not a number" },
  { kind: "invalid-manifest", issues: ["resources.cpu: must not be negative"] },
  { kind: "target-exists", dir: "/w/llama3-chat", reason: "not-empty" },
  { kind: "target-exists", dir: "/w/llama3-chat", reason: "symlink" },
  { kind: "outside-target", path: "../x", dir: "/w/llama3-chat" },
  { kind: "io", path: "/w/llama3-chat", message: "EACCES" },
];

describe("scaffold errors are worded by the surface", () => {
  test.each(every)("editor: $kind speaks of folders and the wizard, never of flags", (e) => {
    const m = explainScaffoldError(e);
    expect(m.text).not.toMatch(/--[a-z]/);
    expect(m.text).not.toMatch(/aiplat /);
    expect(m.text.length).toBeGreaterThan(20);
  });

  test("editor: a taken folder asks for another folder or name", () => {
    expect(explainScaffoldError({ kind: "target-exists", dir: "/w/llama3-chat", reason: "not-empty" }).text).toBe(
      "The folder /w/llama3-chat already exists and is not empty; nothing was written. Choose another parent folder or name, or move the existing folder away first.",
    );
  });

  test("editor: failures the person cannot fix in the wizard offer Show Log", () => {
    for (const e of every.filter((x) => x.kind === "io" || x.kind === "invalid-template" || x.kind === "outside-target")) {
      expect(explainScaffoldError(e).actions.map((a) => a.title)).toContain("Show Log");
    }
  });

  test("terminal: a taken directory names --out, and --set errors name --set", () => {
    expect(describeScaffoldErrorForTerminal({ kind: "target-exists", dir: "/w/llama3-chat", reason: "not-empty" })).toBe(
      "/w/llama3-chat already exists and is not empty; nothing was written. Choose another --out directory, or move the existing one away first.",
    );
    expect(describeScaffoldErrorForTerminal({ kind: "invalid-set", entry: "a=b", key: "a", reason: "unknown key" })).toMatch(/^--set "a=b": unknown key\./);
  });
});
