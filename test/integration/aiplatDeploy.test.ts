/**
 * `aiplat deploy` in-process against the sandbox with its controllers on, as CI would run it:
 * scaffold → deploy --wait → Healthy; the same again → nothing to deploy; --dry-run and a wrong
 * --confirm write nothing; a bad image → exit 1 with the rollback command, which brings it back;
 * Ctrl-C during --wait leaves the cluster as it is and records "cancelled"; an unknown context,
 * a cluster that does not answer and a read-only context are refused before anything is sent.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, type V1Deployment } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { ExitCode, runCli } from "../../src/cli/aiplat";
import { readAuditLog } from "../../src/core/audit/auditLog";
import { verifyAuditLog } from "../../src/core/audit/auditVerify";
import { classifyWorkloadHealth } from "../../src/core/kube/workloads/workloadHealth";
import { runAiplat, templatesDir } from "../unit/cli/runAiplat";

// The demo cluster with fast clocks: its A100s are all taken, its A10s free.
const sandbox = useSandbox({ scenario: "demo", controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] } });
const auditFile = () => path.join(sandbox.dir, ".aiplatform", "audit.jsonl");
const manifestFile = () => path.join(sandbox.dir, "chat", "aiplatform.yaml");

const aiplat = (args: string[], env: Record<string, string> = {}) => runAiplat(args, { cwd: sandbox.dir, env: { KUBECONFIG: sandbox.kubeconfigFile, ...env } });
const deploy = (...args: string[]) => aiplat(["deploy", "chat/aiplatform.yaml", "--env", "dev", ...args]);

const apps = () => sandbox.kc.makeApiClient(AppsV1Api);
const read = (): Promise<V1Deployment> => apps().readNamespacedDeployment({ namespace: "ml-dev", name: "chat" });
const image = async () => (await read()).spec?.template.spec?.containers[0]?.image;
const records = async () => {
  const r = await readAuditLog(auditFile());
  return r.ok ? r.records : [];
};

async function health(): Promise<string> {
  const deployment = await read();
  const replicaSets = (await apps().listNamespacedReplicaSet({ namespace: "ml-dev" })).items;
  const pods = (await sandbox.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "ml-dev" })).items;
  return classifyWorkloadHealth({ deployment, replicaSets, pods, events: [], now: Date.now() }).health;
}

/** What a deploy writes; the controllers keep writing status, so resourceVersion is no witness. */
async function written() {
  const d = await read();
  return { generation: d.metadata?.generation, annotations: d.metadata?.annotations, template: d.spec?.template, records: (await records()).length };
}

function setImage(to: string): void {
  const text = readFileSync(manifestFile(), "utf8");
  writeFileSync(manifestFile(), text.replace(/^image: .*$/m, `image: ${to}`));
}

/** A printed command line, split as a shell would (double-quoted words kept whole). */
const shellWords = (line: string): string[] => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");

describe("aiplat deploy against the sandbox", () => {
  test("scaffold → deploy --wait: applied, rolled out, Healthy, recorded once with its change-cause", { timeout: 90_000 }, async () => {
    const made = await aiplat(["scaffold", "--template", "vllm", "--name", "chat", "--out", "chat", "--set", "resources.gpu.type=NVIDIA-A10"]);
    expect(made.code).toBe(ExitCode.ok);
    const r = await deploy("--wait", "--yes", "--reason", "first deploy");
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toContain("  deployment/chat created\n");
    expect(r.out).toMatch(/chat is rolled out to dev \(revision 1\)\n$/);
    expect(await health()).toBe("Healthy");
    expect((await read()).metadata?.annotations?.["kubernetes.io/change-cause"]).toMatch(/first deploy/);
    // The scaffold, then the deploy: delivery metrics time a newcomer's lead time between the two.
    expect(await verifyAuditLog({ file: auditFile() })).toMatchObject({ ok: true, records: 2 });
    expect(await records()).toMatchObject([{ action: "scaffold", outcome: "succeeded", namespace: "ml-dev", object: { kind: "Deployment", name: "chat" } }, { action: "deploy", outcome: "succeeded", context: "sandbox", namespace: "ml-dev", object: { kind: "Deployment", name: "chat" }, reason: "first deploy", revisionAfter: "1" }]);
  });

  test("the same manifest again: nothing to deploy, exit 0, nothing recorded", async () => {
    const before = await written();
    const r = await deploy("--wait", "--yes", "-o", "json");
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.out)).toMatchObject({ service: "chat", environment: "dev", context: "sandbox", namespace: "ml-dev", outcome: "unchanged", revisionBefore: "1", rollback: null });
    expect(await written()).toEqual(before);
  });

  test("--dry-run says what would change and writes nothing", async () => {
    setImage("vllm/vllm-openai:v0.6.4");
    const before = await written();
    const r = await deploy("--dry-run", "-o", "json");
    expect(r.code).toBe(ExitCode.ok);
    const report = JSON.parse(r.out) as { objects: unknown[]; diffDigest: string };
    expect(report).toMatchObject({ outcome: "dry-run", revisionBefore: "1", revisionAfter: null });
    expect(report.objects).toContainEqual({ kind: "Deployment", namespace: "ml-dev", name: "chat", action: "configured" });
    expect(report.diffDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await written()).toEqual(before);
  });

  test("a wrong --confirm writes nothing", async () => {
    const before = await written();
    const r = await deploy("--confirm", "chta", "--wait");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe("aiplat: error: --confirm chta does not match the service name chat; nothing was deployed\n");
    expect(await written()).toEqual(before);
  });

  test("an image that cannot be pulled: exit 1, the rollback command printed; running it brings chat back Healthy", { timeout: 120_000 }, async () => {
    setImage("vllm/vllm-openai:does-not-exist");
    const r = await deploy("--wait", "--yes", "--reason", "try a nightly image");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/aiplat: error: the rollout of chat failed: .*(ImagePullBackOff|ErrImagePull)/);
    const printed = r.err.split("\n").find((l) => l.trim().startsWith("aiplat rollback"))?.trim() ?? "";
    expect(printed).toBe('aiplat rollback ml-dev/chat --context sandbox --reason "roll back the failed deploy of chat" --wait');
    expect(await image()).toBe("vllm/vllm-openai:does-not-exist");
    expect((await records()).at(-1)).toMatchObject({ action: "deploy", outcome: "failed", reason: "try a nightly image", revisionBefore: "1", revisionAfter: "2" });

    const rolledBack = await aiplat(shellWords(printed).slice(1));
    expect(rolledBack.code).toBe(ExitCode.ok);
    expect(await image()).toBe("vllm/vllm-openai:v0.6.3");
    expect(await health()).toBe("Healthy");
    expect((await records()).at(-1)).toMatchObject({ action: "rollback", outcome: "succeeded" });
    expect(await verifyAuditLog({ file: auditFile() })).toMatchObject({ ok: true, records: 4 });
  });

  test("Ctrl-C during --wait: exit 1, the applied change left as it is, recorded as cancelled", { timeout: 60_000 }, async () => {
    setImage("vllm/vllm-openai:rc1-does-not-exist");
    const interrupt = new AbortController();
    let err = "";
    const code = await runCli(["deploy", "chat/aiplatform.yaml", "--env", "dev", "--wait", "--yes", "--reason", "try rc1"], {
      out: (t) => {
        // The first rollout status line: the apply is done and the wait has begun.
        if (t.startsWith("Waiting for")) interrupt.abort();
      },
      err: (t) => (err += t),
      env: { KUBECONFIG: sandbox.kubeconfigFile },
      cwd: sandbox.dir,
      templatesDir,
      signal: interrupt.signal,
    });
    expect(interrupt.signal.aborted).toBe(true);
    expect(code).toBe(ExitCode.failed);
    expect(err).toContain("stopped following the rollout of chat; the change was applied and the rollout continues in the cluster");
    expect(err).not.toContain("aiplat rollback");
    expect(await image()).toBe("vllm/vllm-openai:rc1-does-not-exist");
    expect((await records()).at(-1)).toMatchObject({ action: "deploy", outcome: "cancelled", reason: "try rc1" });
    expect(await verifyAuditLog({ file: auditFile() })).toMatchObject({ ok: true, records: 5 });
  });
});

describe("aiplat deploy --timeout", () => {
  test("a rollout that outlasts --timeout: exit 1, outcome timedOut in JSON, with the rollback command; recorded as failed", { timeout: 60_000 }, async () => {
    setImage("vllm/vllm-openai:rc2-does-not-exist");
    const r = await deploy("--wait", "--timeout", "2s", "--yes", "--reason", "try rc2", "-o", "json");
    expect(r.code).toBe(ExitCode.failed);
    const report = JSON.parse(r.out) as Record<string, unknown>;
    expect(report).toMatchObject({ outcome: "timedOut", rollback: 'aiplat rollback ml-dev/chat --context sandbox --reason "roll back the failed deploy of chat" --wait' });
    expect(r.err).toContain("To roll back, run:");
    expect(await image()).toBe("vllm/vllm-openai:rc2-does-not-exist");
    expect((await records()).at(-1)).toMatchObject({ action: "deploy", outcome: "failed", reason: "try rc2" });
  });
});

describe("aiplat deploy refuses before anything is sent", () => {
  test("an environment whose kube context is not in the kubeconfig", async () => {
    const before = await written();
    const r = await aiplat(["deploy", "chat/aiplatform.yaml", "--env", "prod", "--reason", "v4", "--confirm", "chat"]);
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain('aiplat: error: environment prod deploys with kube context "prod", which is not in the kubeconfig');
    expect(await written()).toEqual(before);
  });

  test("a context whose server does not answer: a clear message, exit 1", async () => {
    const down = sandbox.server.kubeconfig().replace(/server: .*/, "server: https://127.0.0.1:9");
    writeFileSync(path.join(sandbox.dir, "down.kubeconfig"), down);
    const r = await aiplat(["deploy", "chat/aiplatform.yaml", "--env", "dev", "--yes", "--kubeconfig", "down.kubeconfig"]);
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/^aiplat: error: cannot reach the cluster of context sandbox: .*; nothing was changed\. Is the cluster up, and are you on its network \(VPN\)\?\n$/);
  });

  test("a read-only context is refused, saying how to unlock it; unlocked, the plan goes through", async () => {
    const before = await written();
    const r = await aiplat(["deploy", "chat/aiplatform.yaml", "--env", "dev", "--yes", "--wait"], { AIPLAT_READONLY_CONTEXTS: "sand*" });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe('aiplat: error: context sandbox is read-only (it matches "sand*" in AIPLAT_READONLY_CONTEXTS); nothing was changed. To deploy there, unlock it for this shell session: export AIPLAT_UNLOCK_CONTEXTS=sandbox\n');
    expect(await written()).toEqual(before);
    const unlocked = await aiplat(["deploy", "chat/aiplatform.yaml", "--env", "dev", "--dry-run"], { AIPLAT_READONLY_CONTEXTS: "sand*", AIPLAT_UNLOCK_CONTEXTS: "sandbox" });
    expect(unlocked.code).toBe(ExitCode.ok);
  });
});
