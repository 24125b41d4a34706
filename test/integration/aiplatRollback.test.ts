/**
 * `aiplat rollback` in-process against the sandbox with its controllers on: flags checked before
 * anything is sent, a Deployment rolled back as kubectl rollout undo does (dry run, skip, wait,
 * JSON), refusals with exit code 1, and a KServe canary pinned to 0%.
 */
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, type V1Deployment, setHeaderOptions } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { oneNodeScenario } from "./oneNodeScenario";
import { ExitCode } from "../../src/cli/aiplat";
import { readAuditLog } from "../../src/core/audit/auditLog";
import { verifyAuditLog } from "../../src/core/audit/auditVerify";
import { runAiplat } from "../unit/cli/runAiplat";
import { eventually } from "./eventually";

const scenario = oneNodeScenario(["ml"], { cpu: "16", memory: "64Gi" });

let apps: AppsV1Api;
let custom: CustomObjectsApi;
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const image = (tag: string): string => `aiplatform.azurecr.io/sentiment:${tag}`;

const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [10, 30] } });
beforeAll(async () => {
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  custom = sandbox.kc.makeApiClient(CustomObjectsApi);

  await apps.createNamespacedDeployment({
    namespace: "ml",
    body: {
      metadata: { name: "web", annotations: { "kubernetes.io/change-cause": "first release" } },
      spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: image("1.0") }] } } },
    },
  });
  await settled("1");
  await apps.patchNamespacedDeployment(
    { namespace: "ml", name: "web", body: { metadata: { annotations: { "kubernetes.io/change-cause": "image 2.0" } }, spec: { template: { spec: { containers: [{ name: "app", image: image("2.0") }] } } } } },
    merge,
  );
  await settled("2");
});

const read = (): Promise<V1Deployment> => apps.readNamespacedDeployment({ namespace: "ml", name: "web" });
/** What a rollback writes; the controllers keep writing status, so resourceVersion is no witness. */
const unchanged = async () => {
  const d = await read();
  return { generation: d.metadata?.generation, annotations: d.metadata?.annotations, template: d.spec?.template };
};

async function settled(revision: string): Promise<V1Deployment> {
  let last: V1Deployment | undefined;
  await eventually(async () => {
    const d = await read();
    last = d;
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe(revision);
    expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
    expect([d.status?.replicas, d.status?.updatedReplicas, d.status?.availableReplicas]).toEqual([d.spec?.replicas, d.spec?.replicas, d.spec?.replicas]);
  }, 15_000);
  return last as V1Deployment;
}

// The audit log goes to .aiplatform/audit.jsonl under the caller's folder: a temporary one here.
const aiplat = (...args: string[]) => runAiplat(["rollback", ...args], { env: { KUBECONFIG: sandbox.kubeconfigFile }, cwd: sandbox.dir });

describe("aiplat rollback: the command line", () => {
  test.each([
    { args: ["ml/web"], says: "error: required option '--reason <text>' not specified" },
    { args: ["ml/web", "--reason", "  "], says: "--reason must say why you roll back" },
    { args: ["web", "--reason", "x"], says: "web: expected <namespace>/<name>" },
    { args: ["ml/web/extra", "--reason", "x"], says: "expected <namespace>/<name>" },
    { args: ["ML/web", "--reason", "x"], says: 'namespace "ML" is not a DNS-1123 label' },
    { args: ["ml/Web_1", "--reason", "x"], says: 'name "Web_1" is not a DNS-1123 subdomain' },
    { args: ["ml/web", "--reason", "x", "--to-revision", "-2"], says: "--to-revision must be a revision from the rollout history, or 0 for the previous one" },
    { args: ["ml/web", "--reason", "x", "--to-revision", "1.5"], says: "--to-revision must be a revision from the rollout history, or 0 for the previous one" },
    { args: ["ml/web", "--reason", "x", "--timeout", "10m"], says: "--timeout is how long --wait waits; add --wait" },
    { args: ["ml/web", "--reason", "x", "--wait", "--timeout", "soon"], says: "--timeout soon: expected a duration such as 90s, 10m or 1h" },
    { args: ["ml/web", "--reason", "x", "--kind", "statefulset"], says: "Allowed choices are deployment, inferenceservice" },
    { args: ["ml/iris", "--reason", "x", "--kind", "inferenceservice", "--to-revision", "2"], says: "--to-revision is for Deployments" },
    { args: ["ml/web", "--reason", "x", "--dry-run", "--wait"], says: "--wait has nothing to follow with --dry-run" },
    { args: ["ml/web", "--reason", "x", "-o", "yaml"], says: "Allowed choices are text, json" },
  ])("$args: exit 2, saying why, before anything is sent", async ({ args, says }) => {
    const before = await unchanged();
    const r = await aiplat(...args);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(await unchanged()).toEqual(before);
  });

  test("--help says the reason is required, and how long --wait waits", async () => {
    const r = await aiplat("--help");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/--reason <text>\s+why you roll back \(required\)/);
    expect(r.out).toMatch(/--timeout <duration>\s+with --wait: how long to wait, e\.g\. 90s, 10m, or 0 for\s+ever \(default 10m\)/);
  });
});

describe("aiplat rollback of a Deployment", () => {
  test("--dry-run: says what would change and keeps nothing", async () => {
    const before = await unchanged();
    const r = await aiplat("ml/web", "--reason", "5xx after 2.0", "--dry-run");
    expect(r).toEqual({ code: 0, err: "", out: `deployment.apps/web rolled back (server dry run): revision 2 → 1\n  image app: ${image("2.0")} → ${image("1.0")}\n` });
    expect(await unchanged()).toEqual(before);
  });

  test("--wait: rolls back to the previous revision, prints each new rollout status until it is done", async () => {
    const r = await aiplat("ml/web", "--reason", "5xx after 2.0", "--wait", "--kubeconfig", sandbox.kubeconfigFile);
    expect(r.code).toBe(ExitCode.ok);
    const lines = r.out.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["deployment.apps/web rolled back: revision 2 → 1", `  image app: ${image("2.0")} → ${image("1.0")}`]);
    expect(lines.at(-1)).toBe('deployment "web" successfully rolled out');
    for (const line of lines.slice(2, -1)) expect(line).toMatch(/^Waiting for deployment/);
    expect(lines.slice(2).every((line, i, all) => i === 0 || line !== all[i - 1])).toBe(true);
    const d = await settled("3");
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(image("1.0"));
    expect(d.metadata?.annotations?.["kubernetes.io/change-cause"]).toMatch(/^aiplat rollback: 5xx after 2\.0 \(by /);
    // Recorded three times: the audit log, the annotations (above) and an Event on the Deployment.
    const audit = await verifyAuditLog({ file: path.join(sandbox.dir, ".aiplatform", "audit.jsonl") });
    expect(audit.ok).toBe(true);
    const log = await readAuditLog(path.join(sandbox.dir, ".aiplatform", "audit.jsonl"));
    expect(log.ok && log.records.at(-1)).toMatchObject({ action: "rollback", outcome: "succeeded", reason: "5xx after 2.0", namespace: "ml", object: { kind: "Deployment", name: "web" }, revisionBefore: "2", revisionAfter: "1" });
    const events = await sandbox.kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: "ml", fieldSelector: "involvedObject.name=web,reason=AiPlatformRollback" });
    expect(events.items.map((e) => e.message).join("\n")).toMatch(/rolled back Deployment ml\/web.*5xx after 2\.0/s);
  });

  test("a revision that already runs: kubectl's skip message, exit 0", async () => {
    const r = await aiplat("ml/web", "--reason", "again", "--to-revision", "3");
    expect(r).toEqual({ code: 0, err: "", out: "deployment.apps/web skipped rollback (current template already matches revision 3)\n" });
  });

  test("-o json: what changed, machine-readable", async () => {
    const r = await aiplat("ml/web", "--reason", "back to 2.0", "--to-revision", "2", "-o", "json");
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.out)).toMatchObject({
      kind: "deployment",
      namespace: "ml",
      name: "web",
      reason: "back to 2.0",
      outcome: "rolled-back",
      fromRevision: "3",
      toRevision: "2",
      dryRun: false,
      details: [{ what: "image app", before: image("1.0"), after: image("2.0") }],
    });
    await settled("4");
  });

  test("--to-revision 0 is the previous revision, as kubectl rollout undo --to-revision=0", async () => {
    const r = await aiplat("ml/web", "--reason", "back one", "--to-revision", "0", "--dry-run");
    expect(r).toEqual({ code: 0, err: "", out: `deployment.apps/web rolled back (server dry run): revision 4 → 3\n  image app: ${image("2.0")} → ${image("1.0")}\n` });
  });

  test.each([
    { name: "a revision not in history", args: ["ml/web", "--to-revision", "9"], says: "aiplat: error: unable to find specified revision 9 in history\n" },
    { name: "a Deployment that does not exist", args: ["ml/nope"], says: "aiplat: error: deployments nope no longer exists.\n" },
    { name: "a context not in the kubeconfig", args: ["ml/web", "--context", "prod"], says: 'aiplat: error: context "prod" is not in the kubeconfig (aiplat contexts lists them)\n' },
  ])("refuses $name: exit 1", async ({ args, says }) => {
    const r = await aiplat(...args, "--reason", "x");
    expect(r).toMatchObject({ code: ExitCode.failed, out: "", err: says });
  });

  test("a paused Deployment: kubectl's refusal, exit 1", async () => {
    await apps.patchNamespacedDeployment({ namespace: "ml", name: "web", body: { spec: { paused: true } } }, merge);
    try {
      const r = await aiplat("ml/web", "--reason", "x");
      expect(r).toMatchObject({ code: ExitCode.failed, err: "aiplat: error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n" });
    } finally {
      await apps.patchNamespacedDeployment({ namespace: "ml", name: "web", body: { spec: { paused: null } } }, merge);
    }
  });
});

describe("aiplat rollback --kind inferenceservice", () => {
  const group = { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices" };
  type Traffic = { status?: { components?: { predictor?: { traffic?: { revisionName: string; percent?: number }[] } } } };
  const traffic = async () =>
    ((await custom.getNamespacedCustomObject({ ...group, name: "iris" })) as Traffic).status?.components?.predictor?.traffic?.map((t) => [t.revisionName, t.percent ?? 0]);

  test("a canary goes to 0% and all traffic to the previous revision; --wait follows until it is Ready", async () => {
    await custom.createNamespacedCustomObject({
      ...group,
      body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris" }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://models/iris/1" } } } },
    });
    await eventually(async () => expect(await traffic()).toEqual([["iris-predictor-00001", 100]]), 10_000);
    await custom.patchNamespacedCustomObject({ ...group, name: "iris", body: { spec: { predictor: { canaryTrafficPercent: 20, model: { storageUri: "gs://models/iris/2" } } } } }, merge);
    await eventually(async () => expect(await traffic()).toHaveLength(2), 10_000);

    const r = await aiplat("ml/iris", "--kind", "inferenceservice", "--reason", "canary 5xx", "--wait");
    expect(r.code).toBe(ExitCode.ok);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("inferenceservice.serving.kserve.io/iris rolled back: canary iris-predictor-00002 20% → 0%, all traffic to iris-predictor-00001");
    expect(lines).toContain("  canaryTrafficPercent: 20 → 0");
    expect(lines.at(-1)).toBe('inferenceservice "iris" successfully rolled out (traffic: iris-predictor-00002 0%, iris-predictor-00001 100%)');
    expect(await traffic()).toEqual([
      ["iris-predictor-00002", 0],
      ["iris-predictor-00001", 100],
    ]);

    const again = await aiplat("ml/iris", "--kind", "inferenceservice", "--reason", "canary 5xx");
    expect(again).toEqual({ code: 0, err: "", out: "inferenceservice.serving.kserve.io/iris skipped rollback (the canary iris-predictor-00002 already has 0% of traffic; iris-predictor-00001 has it all)\n" });
  });
});

describe("aiplat rollback on a read-only context", () => {
  const auditLines = async (): Promise<number> => {
    const log = await readAuditLog(path.join(sandbox.dir, ".aiplatform", "audit.jsonl"));
    return log.ok ? log.records.length : 0;
  };
  const withEnv = (env: Record<string, string>, ...args: string[]) => runAiplat(["rollback", ...args], { env: { KUBECONFIG: sandbox.kubeconfigFile, ...env }, cwd: sandbox.dir });

  test("refuses, says how to unlock it for the session, exit 1, nothing written", async () => {
    const context = sandbox.kc.getCurrentContext();
    const before = await unchanged();
    const records = await auditLines();
    const r = await withEnv({ AIPLAT_READONLY_CONTEXTS: "staging,*sandbox*,prod-*" }, "ml/web", "--reason", "x");
    const pattern = ["staging", "*sandbox*", "prod-*"].find((p) => new RegExp(`^${p.replace(/\*/g, ".*")}$`).test(context));
    // The sandbox's context is named after it; the test means nothing if no pattern matched.
    expect(pattern).toBeDefined();
    expect(r).toEqual({
      code: ExitCode.failed,
      out: "",
      err: `aiplat: error: context ${context} is read-only (it matches "${pattern}" in AIPLAT_READONLY_CONTEXTS); nothing was changed. To roll back there, unlock it for this shell session: export AIPLAT_UNLOCK_CONTEXTS=${context}\n`,
    });
    expect(await unchanged()).toEqual(before);
    expect(await auditLines()).toBe(records);
  });

  test("a server dry run, which changes nothing, is allowed; so is everything once the context is unlocked", async () => {
    const context = sandbox.kc.getCurrentContext();
    const dry = await withEnv({ AIPLAT_READONLY_CONTEXTS: "*" }, "ml/web", "--reason", "x", "--dry-run");
    expect(dry.code).toBe(ExitCode.ok);
    expect(dry.out).toMatch(/^deployment\.apps\/web rolled back \(server dry run\)/);
    // Revision 4 already runs: kubectl's skip, reached only past the read-only check.
    const unlocked = await withEnv({ AIPLAT_READONLY_CONTEXTS: "*", AIPLAT_UNLOCK_CONTEXTS: `other,${context}` }, "ml/web", "--reason", "x", "--to-revision", "4");
    expect(unlocked).toEqual({ code: 0, err: "", out: "deployment.apps/web skipped rollback (current template already matches revision 4)\n" });
  });

  test("a pattern that cannot be a context name is a usage error", async () => {
    const r = await withEnv({ AIPLAT_READONLY_CONTEXTS: "prod cluster" }, "ml/web", "--reason", "x");
    expect(r).toMatchObject({ code: ExitCode.usage, err: "aiplat: error: AIPLAT_READONLY_CONTEXTS: no spaces or commas in a pattern\n" });
  });
});

describe("aiplat rollback --wait on an InferenceService whose rollout fails", () => {
  const group = { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices" };
  // The sandbox's registry lacks every image whose tag contains "does-not-exist": the new predictor pod cannot pull.
  const predictor = (version: string, runtimeVersion?: string) => ({ model: { modelFormat: { name: "sklearn" }, storageUri: `gs://models/flaky/${version}`, ...(runtimeVersion ? { runtimeVersion } : {}) } });
  type Status = { status?: { conditions?: { type: string; status: string }[]; components?: { predictor?: { latestReadyRevision?: string } } } };

  beforeAll(async () => {
    await custom.createNamespacedCustomObject({
      ...group,
      body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "flaky" }, spec: { predictor: predictor("1") } },
    });
    await eventually(async () => {
      const isvc = (await custom.getNamespacedCustomObject({ ...group, name: "flaky" })) as Status;
      expect(isvc.status?.components?.predictor?.latestReadyRevision).toBe("flaky-predictor-00001");
    }, 10_000);
  });

  /** Records a predictor whose image cannot be pulled as the one before: rolling back restores it. */
  const recordBadPrevious = (runtimeVersion: string) =>
    custom.patchNamespacedCustomObject({ ...group, name: "flaky", body: { metadata: { annotations: { "aiplatform.dev/previous-predictor": JSON.stringify(predictor("0", runtimeVersion)) } } } }, merge);

  test("new predictor pods that cannot pull their image: exit 1, saying why, recorded as failed", async () => {
    await recordBadPrevious("does-not-exist-1");
    const r = await aiplat("ml/flaky", "--kind", "inferenceservice", "--reason", "back to 0", "--wait", "--timeout", "2m");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out.split("\n")[0]).toBe("inferenceservice.serving.kserve.io/flaky rolled back: predictor restored from aiplatform.dev/previous-predictor");
    expect(r.err).toMatch(/^aiplat: error: the rollout after the rollback failed: the new pods have not started for \d+ s: .*(ImagePullBackOff|ErrImagePull)/);
    const log = await readAuditLog(path.join(sandbox.dir, ".aiplatform", "audit.jsonl"));
    expect(log.ok && log.records.at(-1)).toMatchObject({ action: "rollback", outcome: "failed", object: { kind: "InferenceService", name: "flaky" } });
  });

  test("--timeout shorter than that: exit 1 once it passes, with kubectl's words and the last status", async () => {
    await recordBadPrevious("does-not-exist-2");
    const r = await aiplat("ml/flaky", "--kind", "inferenceservice", "--reason", "back again", "--wait", "--timeout", "2s");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/^aiplat: error: the rollout after the rollback did not finish in time: timed out waiting for the condition: Waiting for inferenceservice "flaky"/);
  });
});
