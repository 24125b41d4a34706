/**
 * The incident report as a reader's markdown renderer sees it: markdown-it (the parser VS Code's
 * preview is built on, shipped here with @vscode/vsce) with HTML on, as in the preview. Tables
 * must come out as tables with every row's cells in place, the charts as SVG (not escaped text),
 * and text from the cluster must not turn into markup or links. Then the file: where it goes,
 * that it never overwrites, and how a mitigation taken later lands in it.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { incidentFileName, readIncidentDetectedAt, recordMitigationTaken, writeIncidentReport } from "../../../../src/core/triage/incidentFile";
import { renderIncidentMarkdown, type IncidentMarkdownOptions } from "../../../../src/core/triage/incidentMarkdown";
import { codeSpan } from "../../../../src/core/triage/markdownText";
import { demoIncidentReport, deployedAt, gpuStarvedReport } from "./incidentReportFixture";

interface Token {
  readonly type: string;
  readonly tag: string;
  readonly content: string;
  readonly attrs: [string, string][] | null;
  readonly children: Token[] | null;
}
interface MarkdownIt {
  parse(src: string, env: object): Token[];
  render(src: string): string;
}
const MarkdownItCtor = createRequire(import.meta.url)("markdown-it") as new (opts: object) => MarkdownIt;
const md = new MarkdownItCtor({ html: true });

const work = mkdtempSync(path.join(tmpdir(), "aiplat-incident-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const builtIn = "/opt/aiplat/media/runbooks/triage-runbook.md";
const options = (extra: Partial<IncidentMarkdownOptions> = {}): IncidentMarkdownOptions => ({ runbooks: { builtIn }, auditFile: path.join(work, ".aiplatform", "audit.jsonl"), reportFile: path.join(work, ".aiplatform", "incidents", "r.md"), ...extra });

/** Each table's body rows as cell texts (inline content as written, before rendering). */
function tables(src: string): string[][][] {
  const tokens = md.parse(src, {});
  const out: string[][][] = [];
  let rows: string[][] | undefined;
  let row: string[] | undefined;
  let inBody = false;
  for (const t of tokens) {
    if (t.type === "table_open") rows = [];
    else if (t.type === "table_close" && rows) {
      out.push(rows);
      rows = undefined;
    } else if (t.type === "tbody_open") inBody = true;
    else if (t.type === "tbody_close") inBody = false;
    else if (t.type === "tr_open" && inBody) row = [];
    else if (t.type === "tr_close" && row && rows) {
      rows.push(row);
      row = undefined;
    } else if (t.type === "inline" && row) row.push(t.content);
  }
  return out;
}

function links(src: string): string[] {
  return md
    .parse(src, {})
    .flatMap((t) => t.children ?? [])
    .filter((t) => t.type === "link_open")
    .map((t) => t.attrs?.find(([k]) => k === "href")?.[1] ?? "");
}

describe("renderIncidentMarkdown", () => {
  const text = renderIncidentMarkdown(demoIncidentReport(), options());
  const html = md.render(text);

  test("a title, the facts, then the sections a postmortem needs, in order", () => {
    expect(text.split("\n")[0]).toBe("# Incident: llm-serving/vllm-llama3-70b, 2026-12-01 06:30:00 UTC");
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(["Summary", "Suspect", "Timeline", "Charts", "Before and after each change", "Findings", "Mitigation", "Blind spots", "Runbook", "Audit records"]);
    expect(text).toContain("as a **code** problem: latency regression after a deploy");
    expect(text).toContain("p95 latency 431 ms → 872 ms (+102 %), errors 0.2 % → 3 % after revision 2 (2026-11-29 06:30:00 UTC, 2 d before triage)");
    expect(text).toContain("Recommended mitigation: roll back to revision 1.");
  });

  test("the timeline is a table of every change, the detection, oldest first; the suspect is marked and its audit record linked", () => {
    const timeline = tables(text)[1] ?? [];
    expect(timeline.map((r) => r.length)).toEqual([6, 6, 6]);
    expect(timeline.map((r) => r[0])).toEqual(["2026-10-30 06:30:00 UTC", "2026-11-29 06:30:00 UTC", "2026-12-01 06:30:00 UTC"]);
    expect(timeline[1]?.[1]).toContain("**suspect**");
    expect(timeline[2]?.[1]).toBe("**detected**");
    // The change reason's "|" stays inside its cell.
    expect(timeline[1]?.[4]).toBe("bump vLLM | enable prefix caching; image vllm/vllm-openai:v0.6.4");
    expect(links(text)).toContain("../audit.jsonl#L7");
  });

  test("the charts are inline SVG the renderer passes through, the change marked on each", () => {
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toContain("&lt;svg");
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
    for (const svg of svgs) expect(svg).toContain(">revision 2</text>");
  });

  test("the comparisons table carries both windows' numbers and the verdicts; the tests are stated", () => {
    const [row] = tables(text)[2] ?? [];
    expect(row).toEqual([
      "2026-11-29 06:30:00 UTC deploy revision 2",
      "60 min",
      "431 ms → 872 ms (+102 %)",
      "0.2 % → 3 %",
      "21,600 (6/s) / 21,480 (5.97/s)",
      "**regressed**, significant",
      "**regressed**, significant, p < 0.001",
    ]);
    expect(text).toContain("- order-statistic 95 % CI of the p95 (n ≥ 1,825)");
    expect(text).toContain("- one-sided two-proportion z-test, α 0.05");
  });

  test("a change with no figures on either side (no traffic yet) is left out of the comparisons", () => {
    const none = { p95Ms: null, errorRatio: null, rps: null, requests: null, p95LowerMs: null, p95UpperMs: null };
    const verdict = { regressed: null, significant: null, test: "t" };
    const empty = { changeAt: deployedAt, kind: "deploy", revision: 1, windowSeconds: 360, before: none, after: none, p95Change: null, latency: verdict, errors: verdict, underpowered: true } as const;
    const out = renderIncidentMarkdown(demoIncidentReport({ comparisons: [empty] }), options());
    expect(out).toContain("No before/after comparisons: no change in the window had metrics around it.");
    const mixed = renderIncidentMarkdown(demoIncidentReport({ comparisons: [empty, ...demoIncidentReport().comparisons] }), options());
    expect(tables(mixed)[2]?.length).toBe(1);
  });

  test("each failure class links to its runbook section: the service's when it has it, else the built-in one", () => {
    const service = { path: path.join(work, "svc", "runbook.md"), text: "# svc\n\n### latency-regression\n\nroll back\n" };
    const withService = renderIncidentMarkdown(demoIncidentReport(), options({ runbooks: { builtIn, service } }));
    const hrefs = links(withService);
    expect(hrefs).toContain("../../svc/runbook.md#latency-regression");
    expect(hrefs).toContain(`${path.relative(path.join(work, ".aiplatform", "incidents"), "/opt/aiplat/media/runbooks/triage-runbook.md")}#app-errors`);
    expect(hrefs).not.toContain("../../svc/runbook.md#app-errors");
  });

  test("the recommended mitigation is one command; someone else's tool is said to be unaudited", () => {
    expect(text).toContain("```sh\naiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'sandbox'");
    const gpu = renderIncidentMarkdown(gpuStarvedReport(), options());
    expect(gpu).toContain("as a **platform** problem: GPU starvation");
    expect(gpu).toContain("Scale node pool a100pool up to 5 nodes.\n\n```sh\naz aks nodepool scale --resource-group <resource-group> --cluster-name <cluster> --name a100pool --node-count 5\n```");
    expect(gpu).toContain("your cloud CLI's, and not in the audit log. Fill in the `<…>` placeholders");
    expect(md.render(gpu)).toContain("<code>&lt;…&gt;</code> placeholders");
    expect(gpu).toContain("No charts: triage had no metrics");
    expect(gpu).toContain("- **Metrics**: the source had no data for the service (query `sum(rate(vllm:e2e_request_latency_seconds_count[5m]))`)");
  });

  test("text from the cluster stays text: no HTML, no links, no broken table", () => {
    const hostile = `<img src=x onerror=alert(1)> [click](javascript:alert(1)) | *bold* \`tick\` &amp;`;
    const report = demoIncidentReport({
      findings: [{ class: "crash-loop", side: "code", pods: ["p`1"], evidence: [{ kind: "event", reason: "BackOff", object: "pod/p", message: hostile, count: 3, at: deployedAt, fact: hostile }] }],
      changes: [{ at: deployedAt, kind: "warning-event", origin: "events", reason: hostile, actor: hostile }],
    });
    const out = renderIncidentMarkdown(report, options());
    const rendered = md.render(out);
    expect(rendered).not.toMatch(/<img/);
    expect(rendered).not.toMatch(/href="javascript/);
    expect(rendered).not.toMatch(/<em>bold<\/em>/);
    expect(tables(out)[1]?.map((r) => r.length)).toEqual([6, 6]);
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(md.render(codeSpan("`x`"))).toContain("<code>`x`</code>");
  });
});

describe("writeIncidentReport", () => {
  test("writes .aiplatform/incidents/<UTC time>-<service>.md inside the folder, links relative to it", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const result = await writeIncidentReport(dir, demoIncidentReport(), { runbooks: { builtIn }, auditFile: path.join(dir, ".aiplatform", "audit.jsonl") });
    expect(result.ok && result.relativePath).toBe(".aiplatform/incidents/20261201T063000Z-vllm-llama3-70b.md");
    if (!result.ok) return;
    const written = readFileSync(result.file, "utf8");
    expect(written).toBe(result.markdown);
    // The recommended rollback names this report, so running it from the folder records the mitigation here.
    expect(written).toContain("--wait --incident .aiplatform/incidents/20261201T063000Z-vllm-llama3-70b.md\n```");
    expect(links(written)).toContain("../audit.jsonl#L7");
    expect(incidentFileName("2026-12-01T06:30:00.999Z", "x")).toBe("20261201T063000Z-x.md");
  });

  test("never overwrites: a second report of the same second gets -2, and no temporary file is left", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const first = await writeIncidentReport(dir, demoIncidentReport(), { runbooks: { builtIn } });
    const second = await writeIncidentReport(dir, gpuStarvedReport(), { runbooks: { builtIn } });
    const third = await writeIncidentReport(dir, demoIncidentReport(), { runbooks: { builtIn } });
    expect([first, second, third].map((r) => r.ok && path.basename(r.file))).toEqual(["20261201T063000Z-vllm-llama3-70b.md", "20261201T063000Z-vllm-mixtral-8x7b.md", "20261201T063000Z-vllm-llama3-70b-2.md"]);
    expect(readdirSync(path.join(dir, ".aiplatform", "incidents")).sort()).toEqual(["20261201T063000Z-vllm-llama3-70b-2.md", "20261201T063000Z-vllm-llama3-70b.md", "20261201T063000Z-vllm-mixtral-8x7b.md"]);
    expect(first.ok && readFileSync(first.file, "utf8")).toContain("vllm-llama3-70b, 2026-12-01");
  });

  test("links the built-in runbook through a workspace copy it writes once and never replaces", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const shipped = path.resolve(__dirname, "../../../../media/runbooks/triage-runbook.md");
    const copy = path.join(dir, ".aiplatform", "runbooks", "triage-runbook.md");
    const first = await writeIncidentReport(dir, gpuStarvedReport(), { runbooks: { builtIn: shipped } });
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(shipped, "utf8"));
    expect(first.ok && links(first.markdown)).toContain("../runbooks/triage-runbook.md#gpu-starvation");
    writeFileSync(copy, "# Our runbook\n\n### gpu-starvation\n\nPage #gpu-capacity.\n");
    await writeIncidentReport(dir, gpuStarvedReport(), { runbooks: { builtIn: shipped } });
    expect(readFileSync(copy, "utf8")).toContain("Page #gpu-capacity.");
  });

  test("refuses an incidents folder that is a link out of the workspace", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const elsewhere = mkdtempSync(path.join(work, "elsewhere-"));
    mkdirSync(path.join(dir, ".aiplatform"));
    symlinkSync(elsewhere, path.join(dir, ".aiplatform", "incidents"));
    const result = await writeIncidentReport(dir, demoIncidentReport(), { runbooks: { builtIn } });
    expect(!result.ok && result.error.kind).toBe("outside-folder");
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe("recordMitigationTaken", () => {
  test("fills in the Taken section and the timeline's last row, keeps everyone's notes, and says the time to mitigate", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const auditFile = path.join(dir, ".aiplatform", "audit.jsonl");
    const written = await writeIncidentReport(dir, demoIncidentReport(), { runbooks: { builtIn }, auditFile });
    if (!written.ok) throw new Error(written.error.kind);
    writeFileSync(written.file, readFileSync(written.file, "utf8") + "\n## Notes\n\nOn-call paged at 06:29.\n");

    // What aiplat rollback --incident puts on its audit record: when the incident was detected.
    expect(await readIncidentDetectedAt(written.file)).toEqual({ ok: true, detectedAt: "2026-12-01T06:30:00.000Z" });
    const taken = { action: "rollback", revision: 1, at: "2026-12-01T06:31:10Z", outcome: "succeeded", by: "dev@example.com", auditSeq: 9 } as const;
    expect(await recordMitigationTaken(written.file, taken, { auditFile })).toEqual({ ok: true, recorded: true });
    const text = readFileSync(written.file, "utf8");
    expect(text).toContain("- 2026-12-01 06:31:10 UTC: roll back to revision 1 by dev@example.com, succeeded; [audit #9](../audit.jsonl#L9)");
    expect(text).toContain("Time to mitigate: 70 s from detection to the first successful mitigation.");
    expect(text).not.toContain("_Not yet.");
    expect(text).toContain("On-call paged at 06:29.");
    const timeline = tables(text)[1] ?? [];
    expect(timeline.at(-1)?.[0]).toBe("2026-12-01 06:31:10 UTC");
    expect(timeline.at(-1)?.[1]).toBe("**mitigation**: roll back to revision 1");
    expect(timeline.every((r) => r.length === 6)).toBe(true);

    // The same audit record again changes nothing; a later one is added below the first.
    expect(await recordMitigationTaken(written.file, taken, { auditFile })).toEqual({ ok: true, recorded: false });
    await recordMitigationTaken(written.file, { ...taken, action: "scale-up", at: "2026-12-01T06:40:00Z", auditSeq: 10, revision: undefined }, { auditFile });
    const after = readFileSync(written.file, "utf8");
    expect(after.match(/audit #9\]/g)?.length).toBe(2); // its timeline row and its Taken item, not repeated
    expect(after).toContain("- 2026-12-01 06:40:00 UTC: add capacity (scale up) by dev@example.com, succeeded");
    expect(after).toContain("Time to mitigate: 70 s");
    expect(tables(after)[1]?.length).toBe(5);
  });

  test("a report whose section was deleted gets it back at the end; a missing report is said", async () => {
    const dir = mkdtempSync(path.join(work, "ws-"));
    const file = path.join(dir, "old.md");
    writeFileSync(file, "# Incident\n\nnotes\n");
    expect(await recordMitigationTaken(file, { action: "rollback", at: "2026-12-01T06:31:10Z", outcome: "failed", by: "me", detail: "timed out" })).toEqual({ ok: true, recorded: true });
    expect(readFileSync(file, "utf8")).toContain("## Mitigation taken\n\n<!-- aiplat:mitigation-taken -->\n- 2026-12-01 06:31:10 UTC: roll back to the previous revision by me, failed (timed out)\n<!-- /aiplat:mitigation-taken -->");
    const missing = await recordMitigationTaken(path.join(dir, "nope.md"), { action: "rollback", at: "2026-12-01T06:31:10Z", outcome: "succeeded", by: "me" });
    expect(!missing.ok && missing.error.kind).toBe("not-found");
  });
});
