import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type AuditRecord, auditRecordHash, genesisHash } from "../../../src/core/audit/auditRecord";
import { DeliveryReport } from "../../../src/shared/protocol/delivery";
import { parseCsv } from "../parseCsv";
import { runAiplat } from "./runAiplat";

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "aiplat-report-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const ago = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

type Entry = Pick<AuditRecord, "action" | "ts"> & Partial<AuditRecord>;

/** A hash-chained log on disk, as the extension and aiplat write it. */
function writeLog(entries: readonly Entry[], file = path.join(work, ".aiplatform", "audit.jsonl")): string {
  let prevHash = genesisHash;
  const lines = entries.map((e, i) => {
    const content = {
      v: 1,
      seq: i + 1,
      actor: { kubeUser: "alice", osUser: "alice" },
      cluster: "https://prod.example:6443",
      context: "prod",
      namespace: "llm-serving",
      object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b" },
      outcome: "succeeded",
      ...e,
      prevHash,
    };
    prevHash = auditRecordHash(content);
    return JSON.stringify({ ...content, hash: prevHash });
  });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const reranker = { namespace: "search", object: { apiVersion: "apps/v1", kind: "Deployment", name: "reranker" } };

// vllm: 3 deploys, the second rolled back 40 min after triage detected its regression 30 min in; 1 failed attempt.
const log: Entry[] = [
  { action: "scaffold", ts: ago(500) },
  { action: "deploy", ts: ago(490), revisionAfter: "1" },
  { action: "deploy", ts: ago(300), revisionAfter: "2" },
  { action: "rollback", ts: ago(299), revisionAfter: "3", detectedAt: ago(299 + 40 / 60) },
  { action: "deploy", ts: ago(200), outcome: "failed" },
  { action: "deploy", ts: ago(100), revisionAfter: "4" },
  { action: "deploy", ts: ago(90), ...reranker },
];

describe("aiplat report delivery", () => {
  test("-o json: the report's figures, per service and team, with the blind spot of reading no cluster", async () => {
    writeLog(log);
    const run = await runAiplat(["report", "delivery", "-o", "json"], { cwd: work });
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out) as DeliveryReport & { sources: unknown };
    expect(DeliveryReport.safeParse(json).success).toBe(true);
    expect(json.sources).toEqual({ auditLog: path.join(".aiplatform", "audit.jsonl"), auditRecords: 7, context: null });
    const vllm = json.services.find((s) => s.service.name === "vllm-llama3-70b");
    expect(vllm?.deploys).toEqual({ succeeded: 3, byOthers: 0, failed: 1, cancelled: 0 });
    expect(vllm?.changeFailure).toEqual({ judged: 3, failed: 1, rate: 1 / 3, pending: 0 });
    expect(vllm?.deploymentSuccess).toEqual({ attempted: 4, succeeded: 3, rate: 0.75 });
    expect(vllm?.timeToMitigate).toMatchObject({ count: 1, withoutDetection: 0 });
    expect(vllm?.timeToMitigate.medianSeconds).toBeCloseTo(40 * 60, 0);
    expect(vllm?.leadTime).toMatchObject({ count: 1, pending: 0 });
    expect(vllm?.leadTime.medianSeconds).toBeCloseTo(10 * 3600, 0);
    expect(json.teams).toEqual([expect.objectContaining({ team: "unassigned", services: 2 })]);
    expect(json.total.deploys.succeeded).toBe(4);
    expect(json.blindSpots).toEqual([{ kind: "no-rollout-history" }]);
    expect(json.hotfixPattern).toBe("hot-?fix|revert");
  });

  test("the table names the teams, their services, the missed targets and what it could not see", async () => {
    writeLog(log);
    const run = await runAiplat(["report", "delivery"], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.out).toContain("targets   change failure rate < 15 % (initial), < 10 % (mature) · deployment success > 95 %");
    const vllmLine = run.out.split("\n").find((l) => l.includes("llm-serving/vllm-llama3-70b"));
    expect(vllmLine).toMatch(/33\.3 % \(1\/3\)/);
    expect(vllmLine).toMatch(/75 % \(3\/4\)/);
    expect(vllmLine).toMatch(/40 min \/ 40 min/);
    expect(vllmLine).toMatch(/CFR ≥ 15 %, success ≤ 95 %/);
    expect(run.out).toContain("note: no cluster read (pass --context)");
  });

  test("--service and --team narrow the rows; a manifest's owner names the team", async () => {
    writeLog(log);
    writeFileSync(
      path.join(work, "aiplatform.yaml"),
      [
        "apiVersion: aiplatform.dev/v1",
        "kind: InferenceServiceManifest",
        "name: reranker",
        "owner: search-team",
        "runtime: python",
        "model: { storageUri: 'hf://acme/reranker' }",
        "image: registry.example/reranker:1.3.1",
        "environments:",
        "  prod: { context: prod, namespace: search }",
        "",
      ].join("\n"),
    );
    const team = JSON.parse((await runAiplat(["report", "delivery", "--team", "search-team", "-o", "json"], { cwd: work })).out) as DeliveryReport;
    expect(team.services.map((s) => [s.service.name, s.team, s.teamOrigin])).toEqual([["reranker", "search-team", "manifest-owner"]]);
    const one = JSON.parse((await runAiplat(["report", "delivery", "--service", "llm-serving/vllm-llama3-70b", "-o", "json"], { cwd: work })).out) as DeliveryReport;
    expect(one.services.map((s) => s.service.name)).toEqual(["vllm-llama3-70b"]);
  });

  test("-o csv: RFC 4180, one line per service, team and total, unrounded; notes on stderr", async () => {
    writeLog(log);
    const run = await runAiplat(["report", "delivery", "-o", "csv"], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.out).toContain("\r\n");
    const [head, ...rows] = parseCsv(run.out);
    const records = rows.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i]])));
    expect(records.map((r) => [r["scope"], r["name"] || r["team"]])).toEqual([
      ["service", "vllm-llama3-70b"],
      ["service", "reranker"],
      ["team", "unassigned"],
      ["total", ""],
    ]);
    expect(Number(records[0]?.["changeFailureRate"])).toBe(1 / 3);
    expect(records[0]?.["deploymentSuccessRate"]).toBe("0.75");
    expect(run.err).toContain("aiplat: note: no cluster read");
  });

  test("a missing audit log is a report with nothing in it, saying so; bad flags exit 2", async () => {
    const missing = await runAiplat(["report", "delivery", "-o", "json"], { cwd: work });
    expect(missing.code).toBe(0);
    const json = JSON.parse(missing.out) as DeliveryReport;
    expect(json.services).toEqual([]);
    expect(json.blindSpots).toContainEqual({ kind: "audit-log-missing", file: path.join(".aiplatform", "audit.jsonl") });
    expect((await runAiplat(["report", "delivery", "--since", "2y"], { cwd: work })).code).toBe(2);
    expect((await runAiplat(["report", "delivery", "--service", "no-slash"], { cwd: work })).code).toBe(2);
    expect((await runAiplat(["report", "delivery", "-o", "xml"], { cwd: work })).code).toBe(2);
  });
});
