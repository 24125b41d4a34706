/**
 * The audit chain anchored in the cluster, against the sandbox through the real client libraries
 * and kubectl: every recorded change leaves its record's seq and hash on the object and its Event,
 * and `aiplat audit verify --live` catches what the file alone cannot (the last record deleted,
 * the tail rewritten and re-hashed, head file and all).
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../src/cli/aiplat";
import { writeAuditHead } from "../../src/core/audit/auditHead";
import { defaultAuditPath } from "../../src/core/audit/auditLog";
import type { AuditRecord } from "../../src/core/audit/auditRecord";
import { type ClusterChange, recordClusterChange } from "../../src/core/audit/recordChange";
import { kubeconfigSearchPath, loadKubeconfig } from "../../src/core/kube/client/kubeconfig";
import { runAiplat } from "../unit/cli/runAiplat";
import { dropLast, rewriteFrom } from "../unit/core/audit/auditTamper";
import { kubectlCli } from "./kubectlCli";
import { oneNodeScenario } from "./oneNodeScenario";
import { useSandbox } from "./sandboxFixture";

const mlToken = "ml-only-token";
const sandbox = useSandbox({ scenario: oneNodeScenario(["default", "ml"], { cpu: "16", memory: "64Gi" }), controllers: { msPerSecond: 10, podStartDelayMs: [10, 30] }, namespaceTokens: { [mlToken]: "ml" } });
const { kubectl } = kubectlCli(() => sandbox.kubectlEnv);

const actor = { kubeUser: "alice", gitUser: { name: "Alice Example" }, osUser: "alice" };
let apps: AppsV1Api;
let core: CoreV1Api;
/** The workspace whose log recorded the five changes; each test tampers with a copy. */
let workspace: string;
let records: AuditRecord[];
let webBefore: V1Deployment;
let context: ClusterChange["context"];

function deployment(name: string): V1Deployment {
  return {
    metadata: { name, namespace: "ml" },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: `aiplatform.azurecr.io/${name}:1.0` }] } } },
  };
}

beforeAll(async () => {
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  core = sandbox.kc.makeApiClient(CoreV1Api);
  await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("web") });
  await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("api") });
  webBefore = await apps.readNamespacedDeployment({ namespace: "ml", name: "web" });

  workspace = path.join(sandbox.dir, "ws");
  const file = defaultAuditPath(workspace);
  const loaded = await loadKubeconfig(kubeconfigSearchPath({ configured: [sandbox.kubeconfigFile], env: {} }));
  if (!loaded.ok) throw new Error("kubeconfig");
  context = loaded.contexts.find((c) => c.name === loaded.currentContext)!;
  const change = (object: ClusterChange["object"], action: ClusterChange["action"], reason: string): ClusterChange => ({ kc: sandbox.kc, context, actor, object, action, reason, outcome: "succeeded" });
  const web = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "web" };
  const api = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "api" };
  const node = { apiVersion: "v1", kind: "Node", namespace: undefined, name: "cpu-0" };
  for (const c of [change(web, "scale", "more traffic"), change(api, "scale", "more traffic"), change(node, "cordon", "disk pressure"), change(web, "scale", "less traffic"), change(api, "scale", "less traffic")]) {
    const recorded = await recordClusterChange(file, c);
    expect(recorded.warnings).toEqual([]);
    expect(recorded.audit.ok).toBe(true);
  }
  records = readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as AuditRecord);
});

const logId = (): string => records[0]!.hash.slice(0, 12);
const anchorOf = (seq: number): string => `${seq}:${records[seq - 1]!.hash}`;

/** A copy of the workspace, tampered with by `edit`, the head file made to agree as a careful tamperer would. */
let copies = 0;
function tamperedCopy(edit: (text: string) => string): { dir: string; file: string } {
  const dir = path.join(sandbox.dir, `copy-${++copies}`);
  cpSync(workspace, dir, { recursive: true });
  const file = defaultAuditPath(dir);
  const text = edit(readFileSync(file, "utf8"));
  writeFileSync(file, text);
  return { dir, file };
}
async function fixHead(file: string): Promise<void> {
  const last = JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n").pop()!) as AuditRecord;
  await writeAuditHead(file, { seq: last.seq, hash: last.hash });
}
const aiplat = (cwd: string, ...args: string[]) => runAiplat(["audit", "verify", ...args], { env: { KUBECONFIG: sandbox.kubeconfigFile }, cwd });

describe("anchors written with every change", () => {
  test("each object carries its newest record's seq and hash and the log's id, as kubectl shows them", async () => {
    const annotation = (kind: string, name: string, key: string, ns: string[] = ["-n", "ml"]) => kubectl("get", kind, name, ...ns, "-o", `jsonpath={.metadata.annotations.${key.replace(/\./g, "\\.")}}`);
    expect(await annotation("deployment", "web", "aiplatform.dev/audit-head")).toBe(anchorOf(4));
    expect(await annotation("deployment", "api", "aiplatform.dev/audit-head")).toBe(anchorOf(5));
    expect(await annotation("node", "cpu-0", "aiplatform.dev/audit-head", [])).toBe(anchorOf(3));
    expect(await annotation("deployment", "web", "aiplatform.dev/audit-log")).toBe(logId());
  });

  test("each change's Event carries its record's anchor in its annotations and at the end of its message", async () => {
    const events = await core.listNamespacedEvent({ namespace: "ml", fieldSelector: "reportingComponent=ai-platform-ops" });
    const bySeq = new Map(events.items.map((e) => [Number(e.metadata?.annotations?.["aiplatform.dev/audit-head"]?.split(":")[0]), e]));
    expect([...bySeq.keys()].sort()).toEqual([1, 2, 4, 5]);
    const fifth = bySeq.get(5)!;
    expect(fifth.metadata?.annotations).toEqual({ "aiplatform.dev/audit-head": anchorOf(5), "aiplatform.dev/audit-log": logId() });
    expect(fifth.message).toBe(`alice (Alice Example) scaled Deployment ml/api. Reason: less traffic [audit ${logId()} #5 ${records[4]!.hash.slice(0, 12)}]`);
    // The Node's Event lives in default, as kubectl puts cluster-scoped objects' events.
    const nodeEvents = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "reportingComponent=ai-platform-ops" });
    expect(nodeEvents.items.map((e) => e.metadata?.annotations?.["aiplatform.dev/audit-head"])).toEqual([anchorOf(3)]);
  });

  test("an InferenceService's anchor rides on its Event only: KServe copies its annotations into the revision template", async () => {
    const custom = sandbox.kc.makeApiClient(CustomObjectsApi);
    const group = { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices" };
    await custom.createNamespacedCustomObject({ ...group, body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris" }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://models/iris/1" } } } } });
    const file = defaultAuditPath(path.join(sandbox.dir, "isvc-ws"));
    const recorded = await recordClusterChange(file, { kc: sandbox.kc, context, actor, object: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", namespace: "ml", name: "iris" }, action: "promote", reason: "canary good", outcome: "succeeded" });
    expect(recorded.warnings).toEqual([]);
    const isvc = (await custom.getNamespacedCustomObject({ ...group, name: "iris" })) as { metadata: { annotations?: Record<string, string> } };
    expect(isvc.metadata.annotations?.["aiplatform.dev/audit-head"]).toBeUndefined();
    const record = JSON.parse(readFileSync(file, "utf8")) as AuditRecord;
    const events = await core.listNamespacedEvent({ namespace: "ml", fieldSelector: "involvedObject.name=iris,reportingComponent=ai-platform-ops" });
    expect(events.items.map((e) => e.metadata?.annotations?.["aiplatform.dev/audit-head"])).toEqual([`1:${record.hash}`]);
  });

  test("the anchor is metadata only: the Deployment's generation and pod template did not change", async () => {
    const web = await apps.readNamespacedDeployment({ namespace: "ml", name: "web" });
    expect(web.metadata?.generation).toBe(webBefore.metadata?.generation);
    expect(web.spec?.template).toEqual(webBefore.spec?.template);
  });
});

describe("aiplat audit verify --live", () => {
  test("the untouched file agrees with every anchor", async () => {
    const r = await aiplat(workspace, "--live");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toBe("");
    expect(r.out).toContain(`context sandbox: 8 anchor(s) of log ${logId()} checked (newest witnessed record: seq 5); all agree with the file\n`);
  });

  test("the last record deleted (head file fixed): plain verify passes, --live names seq 5 and the objects that saw it", async () => {
    const { dir, file } = tamperedCopy((t) => dropLast(t, 1));
    await fixHead(file);
    expect((await aiplat(dir)).code).toBe(ExitCode.ok);

    const r = await aiplat(dir, "--live");
    expect(r.code).toBe(ExitCode.failed);
    const eventName = (await core.listNamespacedEvent({ namespace: "ml", fieldSelector: "reportingComponent=ai-platform-ops" })).items.find((e) => e.metadata?.annotations?.["aiplatform.dev/audit-head"] === anchorOf(5))!.metadata.name!;
    const short = records[4]!.hash.slice(0, 12);
    expect(r.err).toBe(`aiplat: record 5 was cut from the end of the file (it ends at seq 4); the cluster saw seq 5 (${short}) on Deployment ml/api, seq 5 (${short}) on Event ml/${eventName} about Deployment ml/api\n`);
  });

  test("the tail rewritten and re-hashed from seq 4 (head file fixed): plain verify passes, --live says rewritten from seq 4", async () => {
    const { dir, file } = tamperedCopy((t) => rewriteFrom(t, 4, (rec) => (rec.reason = "routine")));
    await fixHead(file);
    expect((await aiplat(dir)).code).toBe(ExitCode.ok);

    const r = await aiplat(dir, "--live");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/^aiplat: the file was rewritten from seq 4 at the latest: the cluster holds other hashes for seq 4 \([0-9a-f]{12}\) on Deployment ml\/web, /);
  });

  test("-o json names the finding, the missing seqs and the witnesses", async () => {
    const { dir, file } = tamperedCopy((t) => dropLast(t, 2));
    await fixHead(file);
    const r = await aiplat(dir, "--live", "-o", "json");
    expect(r.code).toBe(ExitCode.failed);
    const doc = JSON.parse(r.out) as { ok: boolean; findings: { kind: string; missing: unknown; witnesses: { kind: string; name: string; seq: number }[] }[] };
    expect(doc.ok).toBe(false);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ kind: "cut", missing: { from: 4, to: 5 } });
    expect(doc.findings[0]!.witnesses.filter((w) => w.kind !== "Event").map((w) => `${w.kind}/${w.name}#${w.seq}`)).toEqual(["Deployment/web#4", "Deployment/api#5"]);
  });

  test("a user who may read only ml: -n ml is checked, the Nodes it may not list are said, not fatal", async () => {
    const kubeconfig = path.join(sandbox.dir, "ml-only.kubeconfig");
    writeFileSync(kubeconfig, sandbox.server.kubeconfig({ token: mlToken }));
    const r = await runAiplat(["audit", "verify", "--live", "-n", "ml"], { env: { KUBECONFIG: kubeconfig }, cwd: workspace });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toContain("aiplat: warning: cannot list nodes (forbidden): their anchors were not checked\n");
    expect(r.out).toContain(`6 anchor(s) of log ${logId()} checked`);
  });
});
