/**
 * Editor and CLI agree: from the same sandbox state, planDeploy gives the same server-side diff
 * whether it is fed the way the editor feeds it (the document's text, the kubeconfig the
 * aiPlatform.kubeconfigPaths setting loads, the workspace folder's actor) or the way aiplat does
 * (a parsed manifest, --kubeconfig relative to the caller's folder); and a deploy writes an audit
 * record with the same fields and the same annotations on the object whichever surface ran it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { ExitCode, loadCliKubeconfig } from "../../src/cli/aiplat";
import { resolveActor } from "../../src/core/audit/auditActor";
import { readAuditLog } from "../../src/core/audit/auditLog";
import type { AuditRecord } from "../../src/core/audit/auditRecord";
import { applyDeploy } from "../../src/core/deploy/applyDeploy";
import { planDeploy, type DeployInput, type DeployPlan } from "../../src/core/deploy/planDeploy";
import { kubeconfigSearchPath, loadKubeconfig } from "../../src/core/kube/client/kubeconfig";
import { parseManifest } from "../../src/core/manifest/parseManifest";
import { scaffoldService } from "../../src/core/scaffold/scaffoldService";
import { runAiplat } from "../unit/cli/runAiplat";

const templatesDir = path.resolve(__dirname, "../../templates");
const sandbox = useSandbox({ scenario: "demo", controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] } });
const manifestFile = () => path.join(sandbox.dir, "agree", "aiplatform.yaml");
const noLocks = { patterns: [], unlocked: new Set<string>() };
const fast = { pollIntervalMs: 50, degradedAfterMs: 1_000 };

beforeAll(async () => {
  const made = await scaffoldService({ templatesDir, templateId: "vllm", name: "agree", outDir: path.join(sandbox.dir, "agree"), set: ["resources.gpu.type=NVIDIA-A10"] });
  if (!made.ok) throw new Error(JSON.stringify(made.error));
});

function setImage(to: string): void {
  writeFileSync(manifestFile(), readFileSync(manifestFile(), "utf8").replace(/^image: .*$/m, `image: ${to}`));
}

/** As the editor's deploy command builds it: the document's text, the setting's kubeconfig, the workspace folder. */
async function editorInput(auditFile: string): Promise<DeployInput> {
  const loaded = await loadKubeconfig(kubeconfigSearchPath({ configured: [sandbox.kubeconfigFile], env: {} }));
  if (!loaded.ok) throw new Error("kubeconfig");
  return { manifest: readFileSync(manifestFile(), "utf8"), env: "dev", kubeconfig: loaded, readOnly: noLocks, auditFile, actorFor: (c) => resolveActor({ kubeUser: c.user, cwd: sandbox.dir }) };
}

/** As `aiplat deploy` builds it: a parsed manifest, --kubeconfig relative to the caller's folder. */
async function cliInput(auditFile: string): Promise<DeployInput> {
  const loaded = await loadCliKubeconfig("kubeconfig", { cwd: sandbox.dir, env: {} });
  if (!loaded.ok) throw new Error("kubeconfig");
  const parsed = parseManifest(readFileSync(manifestFile(), "utf8"));
  if (!parsed.ok) throw new Error("manifest");
  return { manifest: parsed.manifest, env: "dev", kubeconfig: loaded, readOnly: noLocks, auditFile, actorFor: (c) => resolveActor({ kubeUser: c.user, cwd: sandbox.dir }) };
}

async function plan(input: DeployInput): Promise<DeployPlan> {
  const planned = await planDeploy(input, new AbortController().signal);
  if (!planned.ok) throw new Error(JSON.stringify(planned.error));
  return planned.plan;
}

const lastRecord = async (file: string): Promise<AuditRecord> => {
  const read = await readAuditLog(file);
  if (!read.ok) throw new Error(read.error.message);
  const last = read.records.at(-1);
  if (!last) throw new Error("no record");
  return last;
};
const ourAnnotations = async (): Promise<string[]> => {
  const d = await sandbox.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: "ml-dev", name: "agree" });
  return Object.keys(d.metadata?.annotations ?? {}).sort();
};

describe("the editor's and aiplat's inputs to the one pipeline", () => {
  test("the same plan from the same state: the same server-side diff, digests and per-object actions", { timeout: 60_000 }, async () => {
    const first = await applyDeploy(await plan(await editorInput(path.join(sandbox.dir, "setup.jsonl"))), { reason: "first", readOnly: noLocks, auditFile: path.join(sandbox.dir, "setup.jsonl"), signal: new AbortController().signal, wait: true, track: fast });
    expect(first).toMatchObject({ kind: "followed", rollout: { outcome: "complete" } });

    setImage("vllm/vllm-openai:v0.6.4");
    const fromEditor = await plan(await editorInput(path.join(sandbox.dir, "editor.jsonl")));
    const fromCli = await plan(await cliInput(path.join(sandbox.dir, "cli.jsonl")));
    expect(fromEditor.diff.unchanged).toBe(false);
    expect(fromCli.diff).toEqual(fromEditor.diff);
    expect(fromCli.dryRun.map((o) => [o.ref, o.action])).toEqual(fromEditor.dryRun.map((o) => [o.ref, o.action]));
    expect([fromCli.workload, fromCli.auditObject, fromCli.revisionBefore, fromCli.actor]).toEqual([fromEditor.workload, fromEditor.auditObject, fromEditor.revisionBefore, fromEditor.actor]);
    // Only the Deployment's image changed, as kubectl diff would show it.
    expect(fromEditor.diff.desiredText).toContain("image: vllm/vllm-openai:v0.6.4");
    expect(fromEditor.diff.liveText).toContain("image: vllm/vllm-openai:v0.6.3");
  });

  test("a deploy from each surface writes a record with the same fields, and the same annotations on the object", { timeout: 60_000 }, async () => {
    const editorLog = path.join(sandbox.dir, "editor.jsonl");
    const viaEditor = await applyDeploy(await plan(await editorInput(editorLog)), { reason: "ship it", readOnly: noLocks, auditFile: editorLog, signal: new AbortController().signal, wait: true, track: fast });
    expect(viaEditor).toMatchObject({ kind: "followed", rollout: { outcome: "complete" } });
    const editorAnnotations = await ourAnnotations();
    const fromEditor = await lastRecord(editorLog);

    setImage("vllm/vllm-openai:v0.6.5");
    const viaCli = await runAiplat(["deploy", "agree/aiplatform.yaml", "--env", "dev", "--wait", "--yes", "--reason", "ship it", "--kubeconfig", "kubeconfig", "--audit-log", "cli.jsonl"], { cwd: sandbox.dir, env: {} });
    expect(viaCli.code).toBe(ExitCode.ok);
    const fromCli = await lastRecord(path.join(sandbox.dir, "cli.jsonl"));

    expect(Object.keys(fromCli).sort()).toEqual(Object.keys(fromEditor).sort());
    const same = (r: AuditRecord) => ({ actor: r.actor, cluster: r.cluster, context: r.context, namespace: r.namespace, object: r.object, action: r.action, reason: r.reason, outcome: r.outcome });
    expect(same(fromCli)).toEqual(same(fromEditor));
    expect([fromEditor.revisionBefore, fromEditor.revisionAfter, fromCli.revisionBefore, fromCli.revisionAfter]).toEqual(["1", "2", "2", "3"]);
    expect(await ourAnnotations()).toEqual(editorAnnotations);
  });
});
