/**
 * `aiplat triage` without a cluster to talk to: its command line (exit 2 for bad flags and no
 * kubeconfig), what it says on stderr whatever -o is, and a cluster that does not answer: with
 * --kind the report is still written and names what could not be seen. The sandbox runs in
 * test/integration/aiplatTriage.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { describeIncidentFileError, triageJson, triageSummary } from "../../../src/cli/triageOutput";
import { demoIncidentReport, gpuStarvedReport } from "../core/triage/incidentReportFixture";
import { runAiplat } from "./runAiplat";

const work = mkdtempSync(path.join(tmpdir(), "aiplat-triage-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A kubeconfig whose server refuses connections (port 1 on loopback). */
function deadClusterKubeconfig(): string {
  const file = path.join(work, "dead.yaml");
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: dead",
      "clusters: [{name: dead, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: dead, context: {cluster: dead, user: u}}]",
      "",
    ].join("\n"),
  );
  return file;
}

describe("aiplat triage: the command line", () => {
  test.each([
    [["triage", "llm-serving"], "llm-serving: expected <namespace>/<name>"],
    [["triage", "ml/x", "--since", "two hours"], "--since two hours: expected a duration up to 30d"],
    [["triage", "ml/x", "--since", "31d"], "--since 31d: expected a duration up to 30d"],
    [["triage", "ml/x", "-o", "yaml"], "Allowed choices are md, json"],
    [["triage", "ml/x", "--kind", "pod"], "Allowed choices are auto, deployment, inferenceservice"],
    [["triage", "ml/x", "--source", "ftp://prom"], "--source ftp://prom: expected an http(s) URL"],
  ])("%j is a usage error (exit 2) saying %s", async (args, says) => {
    const r = await runAiplat(args, { cwd: work });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(r.out).toBe("");
  });

  test("with no kubeconfig anywhere: says where it looked, exit 2, no report", async () => {
    const cwd = mkdtempSync(path.join(work, "cwd-"));
    const nowhere = path.join(work, "does-not-exist.yaml");
    const r = await runAiplat(["triage", "ml/web"], { cwd, env: { KUBECONFIG: nowhere, HOME: cwd } });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.err).toContain(`No kubeconfig found (looked for ${nowhere})`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("the help names every flag", async () => {
    const r = await runAiplat(["triage", "--help"]);
    for (const flag of ["--since", "-o, --output", "--kind", "--source", "--context", "--kubeconfig", "--audit-log", "--manifest", "--no-report"]) expect(r.out).toContain(flag);
  });
});

describe("aiplat triage against a cluster that does not answer", () => {
  test("without --kind it cannot tell what the name is: exit 1, nothing written", async () => {
    const cwd = mkdtempSync(path.join(work, "cwd-"));
    const r = await runAiplat(["triage", "ml/web", "--kubeconfig", deadClusterKubeconfig()], { cwd, env: { HOME: cwd } });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("cannot read ml/web from context dead");
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("with --kind it still reports, undetermined, and says what it could not see", async () => {
    const cwd = mkdtempSync(path.join(work, "cwd-"));
    const r = await runAiplat(["triage", "ml/web", "--kind", "deployment", "--kubeconfig", deadClusterKubeconfig(), "-o", "json"], { cwd, env: { HOME: cwd } });
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.out) as { classification: string; reportPath: string; blindSpots: { what: string }[]; mitigation: { action: string; command: string } };
    expect(json.classification).toBe("unknown");
    expect(json.mitigation.action).toBe("none");
    expect(json.blindSpots.map((b) => b.what)).toEqual(expect.arrayContaining(["metrics", "audit-log", "pods"]));
    expect(json.reportPath).toMatch(/^\.aiplatform\/incidents\/\d{8}T\d{6}Z-web\.md$/);
    const report = readFileSync(path.join(cwd, json.reportPath), "utf8");
    expect(report).toContain("## Blind spots");
    expect(report).toContain("- **Audit log**: no audit log at");
    expect(r.err).toContain(`aiplat: incident report: ${json.reportPath}`);
  });

  test("--no-report prints the markdown and writes nothing", async () => {
    const cwd = mkdtempSync(path.join(work, "cwd-"));
    const r = await runAiplat(["triage", "ml/web", "--kind", "deployment", "--kubeconfig", deadClusterKubeconfig(), "--no-report"], { cwd, env: { HOME: cwd } });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out.split("\n")[0]).toMatch(/^# Incident: ml\/web, /);
    expect(r.err).not.toContain("incident report:");
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("what aiplat triage says", () => {
  test("on stderr: the verdict, the suspect, the one command, and the report's path", () => {
    expect(triageSummary(demoIncidentReport(), ".aiplatform/incidents/20261201T063000Z-vllm-llama3-70b.md")).toBe(
      [
        "aiplat: triage of llm-serving/vllm-llama3-70b: code: latency regression after a deploy",
        "aiplat: suspect: revision 2, changed 2026-11-29T06:30:00.000Z",
        `aiplat: mitigation: roll back to revision 1: aiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'sandbox' --reason "triage: latency regression after revision 2" --wait --incident .aiplatform/incidents/20261201T063000Z-vllm-llama3-70b.md`,
        "aiplat: incident report: .aiplatform/incidents/20261201T063000Z-vllm-llama3-70b.md",
        "",
      ].join("\n"),
    );
    // Without a report there is nothing for --incident to name.
    expect(triageSummary(demoIncidentReport(), null)).toContain(`--reason "triage: latency regression after revision 2" --wait\n`);
    expect(triageSummary(gpuStarvedReport(), null)).toContain("platform: GPU starvation");
    expect(triageSummary(gpuStarvedReport(), null)).toContain("could not see: metrics");
  });

  test("-o json: the report with classification, suspect {revision, changedAt, evidence} and mitigation {action, revision, command}, plus reportPath", () => {
    const json = JSON.parse(JSON.stringify(triageJson(demoIncidentReport(), null))) as Record<string, unknown>;
    expect(json).toMatchObject({
      classification: "code",
      suspect: { revision: 2, changedAt: "2026-11-29T06:30:00.000Z", evidence: expect.any(Array) as unknown },
      mitigation: { action: "rollback", revision: 1, command: expect.stringContaining("--to-revision 1") as unknown },
      reportPath: null,
    });
  });

  test("a report that cannot be written says where and what to do", () => {
    expect(describeIncidentFileError({ kind: "outside-folder", dir: "/w/.aiplatform/incidents", resolved: "/tmp/x" })).toContain("leads outside this folder (to /tmp/x)");
    expect(describeIncidentFileError({ kind: "io", path: "/w/.aiplatform/incidents/a.md", code: "EACCES", message: "permission denied" })).toContain("pass --no-report");
  });
});
