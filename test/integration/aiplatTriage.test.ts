/**
 * `aiplat triage` in-process against the demo sandbox: its HTTPS API server through the kubeconfig
 * file (as a terminal user runs it) and a real Prometheus over three days of backfilled history. The
 * demo incident (llm-serving/vllm-llama3-70b, revision 2, two days old) must print code, revision 2
 * and the rollback command as JSON, and leave an incident report under .aiplatform/incidents/ with
 * the charts, the audit record and the service's runbook linked; the GPU-starved workload is
 * platform. Exit 0 in both: triage is a report, not a gate.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../src/cli/aiplat";
import { appendAuditRecord, readAuditLog } from "../../src/core/audit/auditLog";
import { demoIncidentRevision } from "../../sandbox/demoIncident";
import { runAiplat } from "../unit/cli/runAiplat";
import { kubectlCli } from "./kubectlCli";
import { startSandboxFixture, type SandboxFixture } from "./sandboxFixture";

let sandbox: SandboxFixture;
let prometheus: string;

beforeAll(async () => {
  sandbox = await startSandboxFixture({ scenario: "demo", metrics: { backfillDays: 3, scrapeInterval: "2s" } });
  prometheus = sandbox.metrics!.prometheus.url;
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
});

const { namespace, deployment } = demoIncidentRevision;

interface TriageJson {
  readonly classification: string;
  readonly slo: { readonly p95LatencyMs: number; readonly errorRate: number; readonly origin: string } | null;
  readonly suspect: { readonly revision: number | string | null; readonly changedAt: string | null; readonly evidence: string[] } | null;
  readonly mitigation: { readonly action: string; readonly revision?: number; readonly command: string };
  readonly reportPath: string | null;
}

function triage(cwd: string, args: string[]): ReturnType<typeof runAiplat> {
  return runAiplat(["triage", ...args, "--source", prometheus], { cwd, env: { KUBECONFIG: sandbox.kubeconfigFile, HOME: sandbox.dir } });
}

/** A folder holding the service as the scaffold leaves it: aiplatform.yaml naming the workload, and its runbook. */
function serviceFolder(cwd: string): string {
  const dir = path.join(cwd, deployment);
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, "aiplatform.yaml"),
    [
      "apiVersion: aiplatform.dev/v1",
      "kind: InferenceServiceManifest",
      `name: ${deployment}`,
      "runtime: vllm",
      "model: {storageUri: 'hf://meta-llama/Meta-Llama-3-70B-Instruct'}",
      "image: vllm/vllm-openai:v0.6.4",
      "port: 8000",
      "resources: {cpu: '8', memory: 64Gi}",
      `environments: {dev: {context: sandbox, namespace: ${namespace}}}`,
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(dir, "runbook.md"), `# ${deployment} runbook\n\n## Triage\n\n### latency-regression\n\nRoll back first, then profile.\n`);
  return dir;
}

describe("aiplat triage of the demo incident", () => {
  test("-o json: code, revision 2 as the suspect, roll back to revision 1; the report is written with charts, audit and runbook links", async () => {
    const cwd = mkdtempSync(path.join(sandbox.dir, "ws-"));
    serviceFolder(cwd);
    // Someone deployed revision 2 through aiplat: its record explains the change.
    const auditFile = path.join(cwd, ".aiplatform", "audit.jsonl");
    const appended = await appendAuditRecord(
      auditFile,
      {
        actor: { kubeUser: "alice", osUser: "alice", gitUser: { name: "Alice" } },
        cluster: "sandbox",
        context: "sandbox",
        namespace,
        object: { apiVersion: "apps/v1", kind: "Deployment", name: deployment },
        action: "deploy",
        reason: "vLLM 0.6.4",
        revisionBefore: "1",
        revisionAfter: "2",
        outcome: "succeeded",
      },
      { key: null },
    );
    expect(appended.ok).toBe(true);

    const r = await triage(cwd, [`${namespace}/${deployment}`, "-o", "json"]);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.out) as TriageJson;
    expect(json.classification).toBe("code");
    expect(json.suspect?.revision).toBe(2);
    expect(json.suspect?.evidence.length).toBeGreaterThan(0);
    expect(json.mitigation).toMatchObject({ action: "rollback", revision: 1 });
    expect(json.mitigation.command).toMatch(/^aiplat rollback llm-serving\/vllm-llama3-70b --to-revision 1 --context 'sandbox' --reason ".+" --wait$/);
    expect(r.err).toContain(`aiplat: mitigation: roll back to revision 1: ${json.mitigation.command}`);

    expect(json.reportPath).toMatch(/^\.aiplatform\/incidents\/\d{8}T\d{6}Z-vllm-llama3-70b\.md$/);
    expect(readdirSync(path.join(cwd, ".aiplatform", "incidents"))).toEqual([path.basename(json.reportPath ?? "")]);
    const report = readFileSync(path.join(cwd, json.reportPath ?? ""), "utf8");
    expect(report).toContain("as a **code** problem");
    expect((report.match(/^<svg /gm) ?? []).length).toBe(3);
    expect(report).toContain(">revision 2</text>");
    expect(report).toContain("](../audit.jsonl#L1)");
    expect(report).toContain("[latency-regression](../../vllm-llama3-70b/runbook.md#latency-regression) (the service's runbook)");
    // app-errors has no section in this service's runbook: the built-in one, copied into the workspace.
    expect(report).toContain("[app-errors](../runbooks/triage-runbook.md#app-errors) (built-in runbook)");
    expect(readFileSync(path.join(cwd, ".aiplatform", "runbooks", "triage-runbook.md"), "utf8")).toContain("### app-errors");
    expect(report).toContain(json.mitigation.command);
  }, 90_000);

  test("-o md prints the report it wrote; --no-report prints it and writes nothing", async () => {
    const cwd = mkdtempSync(path.join(sandbox.dir, "ws-"));
    const r = await triage(cwd, [`${namespace}/${deployment}`]);
    expect(r.code).toBe(ExitCode.ok);
    const written = /aiplat: incident report: (\S+)/.exec(r.err)?.[1] ?? "";
    expect(readFileSync(path.join(cwd, written), "utf8")).toBe(r.out);

    const bare = mkdtempSync(path.join(sandbox.dir, "ws-"));
    const printed = await triage(bare, [`${namespace}/${deployment}`, "--no-report"]);
    expect(printed.code).toBe(ExitCode.ok);
    expect(printed.out).toMatch(/^# Incident: llm-serving\/vllm-llama3-70b, /);
    expect(readdirSync(bare)).toEqual([]);
  }, 90_000);
});

describe("aiplat triage of the GPU-starved demo workload", () => {
  test("platform, exit 0, with the scale-up the cluster cannot do for us spelled out", async () => {
    const cwd = mkdtempSync(path.join(sandbox.dir, "ws-"));
    const r = await triage(cwd, ["llm-serving/vllm-mixtral-8x7b", "-o", "json"]);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.out) as TriageJson;
    expect(json.classification).toBe("platform");
    expect(json.mitigation.action).toBe("scale-up");
    const report = readFileSync(path.join(cwd, json.reportPath ?? ""), "utf8");
    expect(report).toContain("as a **platform** problem: GPU starvation");
    expect(report).toContain("Insufficient nvidia.com/gpu");
    expect(report).toContain("not a change AI Platform Ops makes");
  }, 90_000);
});

describe("aiplat triage judges against the SLO the workload was deployed with", () => {
  test("the aiplatform.dev/slo annotation (as aiplat deploy writes it) sets the objectives, as in the Deployments tree", async () => {
    const { kubectl } = kubectlCli(() => sandbox.kubectlEnv);
    await kubectl("-n", namespace, "annotate", "deployment", deployment, `aiplatform.dev/slo={"p95LatencyMs":5000,"errorRate":0.05}`);
    const cwd = mkdtempSync(path.join(sandbox.dir, "ws-"));
    const r = await triage(cwd, [`${namespace}/${deployment}`, "-o", "json", "--no-report"]);
    expect(r.code).toBe(ExitCode.ok);
    const json = JSON.parse(r.out) as TriageJson;
    expect(json.slo).toMatchObject({ p95LatencyMs: 5000, errorRate: 0.05, origin: "manifest slo + tier-1 default" });
    // 3 % errors are within a 5 % objective; the p95 still doubled after the deploy.
    expect(json.classification).toBe("code");
    expect(json.suspect?.revision).toBe(2);
  }, 90_000);
});

/** Words of a command line as a POSIX shell splits them, for the quoting our commands use ('…' and "…" without escapes). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

describe("from triage to mitigation at the terminal", () => {
  test("aiplat rollback --incident records the rollback in the report and carries the incident and its detection time in the audit record", async () => {
    const cwd = mkdtempSync(path.join(sandbox.dir, "ws-"));
    const triaged = await triage(cwd, [`${namespace}/${deployment}`, "-o", "json"]);
    const json = JSON.parse(triaged.out) as TriageJson & { readonly generatedAt: string };
    const reportPath = json.reportPath ?? "";
    const env = { KUBECONFIG: sandbox.kubeconfigFile, HOME: sandbox.dir };
    // The report's recommended command, run as printed (without --wait: the sandbox's rollout is not what is tested here).
    const printed = /```sh\n(aiplat rollback .+)\n```/.exec(readFileSync(path.join(cwd, reportPath), "utf8"))?.[1] ?? "";
    expect(printed).toContain(`--incident ${reportPath}`);
    const r = await runAiplat(shellWords(printed).slice(1).filter((a) => a !== "--wait"), { cwd, env });
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);

    const log = await readAuditLog(path.join(cwd, ".aiplatform", "audit.jsonl"));
    if (!log.ok) throw new Error(log.error.message);
    const [record] = log.records;
    expect(record).toMatchObject({ seq: 1, action: "rollback", outcome: "succeeded", incident: reportPath, detectedAt: json.generatedAt });

    const report = readFileSync(path.join(cwd, reportPath), "utf8");
    expect(report).not.toContain("_Not yet.");
    expect(report).toMatch(/^- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: roll back to revision 1 by .+, succeeded; \[audit #1\]\(\.\.\/audit\.jsonl#L1\)$/m);
    expect(report).toMatch(/^Time to mitigate: \d+ s from detection to the first successful mitigation\.$/m);
    expect(report).toMatch(/^\| [^|]+ \| \*\*mitigation\*\*: roll back to revision 1 \| revision 1 \|/m);

    const bad = await runAiplat(["rollback", `${namespace}/${deployment}`, "--reason", "x", "--incident", "nope.md"], { cwd, env });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.err).toContain("--incident nope.md: no such file");
  }, 90_000);
});
