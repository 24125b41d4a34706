/**
 * Runbook links: every failure class has a section in the runbook the scaffold writes and in the
 * built-in one, under an anchor that both GitHub's and VS Code's slugging produce (checked against
 * markdown-it's rendering for the headings, and GitHub's documented slug rules); the service's
 * runbook wins where it has the section; the runbook is found beside the manifest that deploys
 * the workload.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { describeScaffoldErrorForTerminal } from "../../../../src/cli/scaffoldCommand";
import { planScaffold } from "../../../../src/core/scaffold/planScaffold";
import { loadTemplate } from "../../../../src/core/scaffold/templateCatalog";
import { builtInRunbookPath, headingSlug, markdownAnchors, runbookLinks } from "../../../../src/core/triage/runbookLinks";
import { serviceRunbookPath } from "../../../../src/core/triage/serviceRunbookPath";
import { failureClasses } from "../../../../src/core/triage/triageReport";
import { demoIncidentReport } from "./incidentReportFixture";

const root = path.resolve(__dirname, "../../../..");
const templatesDir = path.join(root, "templates");
const now = new Date("2026-12-01T06:00:00Z");

async function scaffolded(id: string, set: string[] = [], name = "llama3-chat"): Promise<{ runbook: string; manifest: string }> {
  const t = await loadTemplate(templatesDir, id);
  if (!t.ok) throw new Error(describeScaffoldErrorForTerminal(t.error));
  const p = planScaffold(t.value, { name, set, now });
  if (!p.ok) throw new Error(describeScaffoldErrorForTerminal(p.error));
  const file = (name: string): string => p.files.find((f) => f.path === name)?.content ?? "";
  return { runbook: file("runbook.md"), manifest: file("aiplatform.yaml") };
}

describe("headingSlug", () => {
  // GitHub's rule (github-slugger): lower case, drop punctuation but hyphens and underscores, spaces to hyphens.
  test.each([
    ["Hello World", "hello-world"],
    ["image-pull", "image-pull"],
    ["When triage names a failure class", "when-triage-names-a-failure-class"],
    ["Roll back: `kubectl rollout undo`", "roll-back-kubectl-rollout-undo"],
    ["snake_case & more!", "snake_case--more"],
    ["Ünïcode Straße", "ünïcode-straße"],
  ])("%s → %s", (heading, slug) => expect(headingSlug(heading)).toBe(slug));
});

describe("markdownAnchors", () => {
  test("headings (repeats numbered as on GitHub) and explicit anchors, not headings inside code fences", () => {
    const text = ["# Runbook", "## oom", "```sh", "# oom-in-a-comment", "```", "### oom", '<a id="custom-anchor"></a>', "~~~", "## fenced", "~~~"].join("\n");
    expect([...markdownAnchors(text)].sort()).toEqual(["custom-anchor", "oom", "oom-1", "runbook"]);
  });
});

describe("runbook sections for every failure class", () => {
  test.each([["vllm"], ["python"], ["triton"], ["kserve"]])("the runbook the %s scaffold writes has one per class, with its own context in the commands", async (id) => {
    const { runbook } = await scaffolded(id);
    const anchors = markdownAnchors(runbook);
    for (const c of failureClasses) expect(anchors, c).toContain(c);
    expect(runbook).toContain("kubectl --context 'sandbox' -n ml-dev logs <pod> --previous");
  });

  test("the built-in runbook has one per class too", () => {
    const anchors = markdownAnchors(readFileSync(builtInRunbookPath(root), "utf8"));
    for (const c of failureClasses) expect(anchors, c).toContain(c);
  });
});

describe("runbookLinks", () => {
  const builtIn = "/ext/media/runbooks/triage-runbook.md";

  test("one link per class found, in the findings' order, to the service's runbook where it has the section", () => {
    const service = { path: "/ws/llama/runbook.md", text: "# llama\n\n## Triage\n\n### latency-regression\n\nroll back\n" };
    expect(runbookLinks(demoIncidentReport(), { service, builtIn })).toEqual([
      { class: "latency-regression", file: "/ws/llama/runbook.md", anchor: "latency-regression", origin: "service" },
      { class: "app-errors", file: builtIn, anchor: "app-errors", origin: "built-in" },
    ]);
  });

  test("without a service runbook (or one scaffolded before these sections), the built-in one", async () => {
    expect(runbookLinks(demoIncidentReport(), { builtIn }).map((l) => l.origin)).toEqual(["built-in", "built-in"]);
    const old = { path: "/ws/x/runbook.md", text: "# x runbook\n\n## Roll back\n\n## Escalation\n" };
    expect(runbookLinks(demoIncidentReport(), { service: old, builtIn }).map((l) => l.file)).toEqual([builtIn, builtIn]);
    const { runbook } = await scaffolded("vllm");
    expect(runbookLinks(demoIncidentReport(), { service: { path: "/ws/llama3-chat/runbook.md", text: runbook }, builtIn }).every((l) => l.origin === "service")).toBe(true);
  });
});

describe("serviceRunbookPath", () => {
  test("the runbook beside the manifest whose name and environment namespace are the workload's; the context breaks a tie", async () => {
    const { manifest } = await scaffolded("vllm");
    const other = manifest.replace(/context: sandbox/g, "context: prod-cluster");
    const manifests = [
      { file: "/ws/broken/aiplatform.yaml", text: "name: [" },
      { file: "/ws/prod/llama3-chat/aiplatform.yaml", text: other },
      { file: "/ws/llama3-chat/aiplatform.yaml", text: manifest },
    ];
    const workload = { kind: "Deployment", namespace: "ml-dev", name: "llama3-chat" } as const;
    expect(serviceRunbookPath(manifests, { ...workload, context: "sandbox" })).toBe(path.join("/ws/llama3-chat", "runbook.md"));
    expect(serviceRunbookPath(manifests, { ...workload, context: "prod-cluster" })).toBe(path.join("/ws/prod/llama3-chat", "runbook.md"));
    expect(serviceRunbookPath(manifests, { ...workload, name: "other" })).toBeUndefined();
    expect(serviceRunbookPath(manifests, { ...workload, namespace: "elsewhere" })).toBeUndefined();
    // A vLLM Deployment's manifest is not an InferenceService's.
    expect(serviceRunbookPath(manifests, { ...workload, kind: "InferenceService" })).toBeUndefined();
  });
});
