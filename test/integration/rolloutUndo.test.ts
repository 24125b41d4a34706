/**
 * Our rollback against the sandbox with its controllers on. For Deployments, the cross-check:
 * two identical histories in two namespaces, our undoDeployment on one and Debian's
 * `kubectl rollout undo` on the other, then the same patch sent, the same messages, and the same
 * template, annotations and history once the controllers settle. For KServe: a canary pinned to
 * 0% sends all traffic to the previous revision, promotion gives it to the new one, and a
 * Standard-mode service gets its previous predictor back through the InferenceService alone.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AppsV1Api, CustomObjectsApi, PatchStrategy, type V1Deployment, setHeaderOptions } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { oneNodeScenario } from "./oneNodeScenario";
import {
  canaryState,
  planInferenceServiceRollback,
  previousPredictorAnnotation,
  promoteInferenceServiceCanary,
  readInferenceService,
  rollbackInferenceService,
} from "../../src/core/kube/rollout/inferenceServiceRollout";
import { deploymentRevisions, readDeploymentHistory, undoDeployment, type UndoResult } from "../../src/core/kube/rollout/rolloutUndo";
import { eventually } from "./eventually";

const scenario = oneNodeScenario(["ours", "theirs", "ml"], { cpu: "16", memory: "64Gi" });

let apps: AppsV1Api;
let custom: CustomObjectsApi;
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const run = promisify(execFile);

const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [10, 30] } });
beforeAll(() => {
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  custom = sandbox.kc.makeApiClient(CustomObjectsApi);
});

/** Debian's kubectl, asynchronously (the sandbox runs in this process), keeping both streams and the exit code. */
async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("kubectl", args, { env: sandbox.kubectlEnv, encoding: "utf8", timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** The JSON patch kubectl sent, from its -v=8 request log. */
function patchSentBy(stderr: string): unknown {
  const line = stderr.split("\n").find((l) => l.includes('"Request Body" body="[{'));
  if (!line) throw new Error(`no patch body in kubectl's log:\n${stderr}`);
  const quoted = line.slice(line.indexOf("body=") + "body=".length).trim();
  return JSON.parse(JSON.parse(quoted) as string);
}

/**
 * apimachinery's semantic equality. kubectl marshals Go structs, so its patch carries
 * `creationTimestamp: null` and `resources: {}` that a real API server drops on decoding and the
 * sandbox keeps; nil and empty are the same value to Kubernetes, and to this comparison.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])] as const)
        .filter(([, v]) => v !== undefined && v !== null && !(typeof v === "object" && Object.keys(v).length === 0)),
    );
  }
  return value;
}

const image = (tag: string): string => `aiplatform.azurecr.io/sentiment:${tag}`;
const container = (tag: string, modelVersion: string) => ({ name: "app", image: image(tag), env: [{ name: "MODEL_VERSION", value: modelVersion }], resources: { requests: { cpu: "100m" } } });

function webDeployment(namespace: string, name: string): V1Deployment {
  return {
    metadata: { name, namespace, annotations: { "kubernetes.io/change-cause": "first release" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [container("1.0", "1")] } },
    },
  };
}

const read = (namespace: string, name = "web"): Promise<V1Deployment> => apps.readNamespacedDeployment({ namespace, name });

/** Rolled out at `revision`: the controller saw the spec, every replica updated and available. */
async function settled(namespace: string, revision: string, name = "web"): Promise<V1Deployment> {
  let last: V1Deployment | undefined;
  await eventually(async () => {
    const d = await read(namespace, name);
    last = d;
    const s = d.status;
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe(revision);
    expect(s?.observedGeneration).toBe(d.metadata?.generation);
    expect([s?.replicas, s?.updatedReplicas, s?.availableReplicas]).toEqual([d.spec?.replicas, d.spec?.replicas, d.spec?.replicas]);
  }, 15_000);
  return last as V1Deployment;
}

/** Both namespaces get the same edits, one at a time, each rolled out before the next. */
async function bothNamespaces(edit: (namespace: string) => Promise<unknown>, revision: string, name = "web"): Promise<void> {
  for (const namespace of ["ours", "theirs"]) {
    await edit(namespace);
    await settled(namespace, revision, name);
  }
}

/** What must match after both rollbacks: the template, the annotations, the history. */
async function snapshot(namespace: string): Promise<{ template: unknown; annotations: unknown; history: string; paused: boolean }> {
  const d = await read(namespace);
  const history = (await kubectl("rollout", "history", "deploy/web", "-n", namespace)).stdout.replace(`-n ${namespace}`, "");
  return { template: canonical(d.spec?.template), annotations: d.metadata?.annotations, history, paused: d.spec?.paused ?? false };
}

async function expectSameState(revision: string): Promise<void> {
  await settled("ours", revision);
  await settled("theirs", revision);
  expect(await snapshot("ours")).toEqual(await snapshot("theirs"));
}

const ourUndo = (opts: { toRevision?: number } = {}): Promise<UndoResult> => undoDeployment(sandbox.kc, "ours", "web", opts);

describe("undoDeployment against kubectl rollout undo (the cross-check)", () => {
  beforeAll(async () => {
    // Revision 1: image 1.0, model 1. Revision 2: image 2.0 with a new change-cause, in one
    // write so both controllers see the same thing. Revision 3: only MODEL_VERSION changes (the
    // change-cause is inherited), then an annotation that no ReplicaSet of an older revision has.
    await bothNamespaces((ns) => apps.createNamespacedDeployment({ namespace: ns, body: webDeployment(ns, "web") }), "1");
    await bothNamespaces(
      (ns) =>
        apps.patchNamespacedDeployment(
          { namespace: ns, name: "web", body: { metadata: { annotations: { "kubernetes.io/change-cause": "image 2.0" } }, spec: { template: { spec: { containers: [container("2.0", "1")] } } } } },
          merge,
        ),
      "2",
    );
    await bothNamespaces((ns) => apps.patchNamespacedDeployment({ namespace: ns, name: "web", body: { spec: { template: { spec: { containers: [container("2.0", "2")] } } } } }, merge), "3");
    await bothNamespaces((ns) => apps.patchNamespacedDeployment({ namespace: ns, name: "web", body: { metadata: { annotations: { team: "search" } } } }, merge), "3");
    expect(await snapshot("ours")).toEqual(await snapshot("theirs"));
  });

  test("rollout history: our revision listing is kubectl's, newest first, with change-cause and model version", async () => {
    const history = await readDeploymentHistory(sandbox.kc, "ours", "web");
    if (!history.ok) throw new Error(JSON.stringify(history.error));
    const revisions = deploymentRevisions(history.deployment, history.replicaSets);
    const listed = (await kubectl("rollout", "history", "deploy/web", "-n", "theirs")).stdout
      .trim()
      .split("\n")
      .slice(2)
      .map((l) => l.trim().split(/\s{2,}/));
    expect([...revisions].reverse().map((r) => [String(r.revision), r.changeCause ?? "<none>"])).toEqual(listed);
    expect(revisions.map((r) => [r.revision, r.images, r.modelVersion, r.current])).toEqual([
      [3, [image("2.0")], "2", true],
      [2, [image("2.0")], "1", false],
      [1, [image("1.0")], "1", false],
    ]);
  });

  test("undo to the previous revision: the same patch, then the same Deployment", async () => {
    const ours = await ourUndo();
    const theirs = await kubectl("rollout", "undo", "deploy/web", "-n", "theirs", "-v=8");
    expect(theirs.stdout).toBe("deployment.apps/web rolled back\n");
    if (!ours.ok || ours.skipped) throw new Error(ours.message);
    expect({ message: ours.message, from: ours.fromRevision, to: ours.toRevision }).toEqual({ message: "rolled back", from: "3", to: "2" });
    expect(canonical(ours.patch)).toEqual(canonical(patchSentBy(theirs.stderr)));
    await expectSameState("4");
    expect((await read("ours")).spec?.template.spec?.containers[0]?.env).toEqual([{ name: "MODEL_VERSION", value: "1" }]);
    // Revision 2's ReplicaSet had no "team": kubectl's annotation rule drops it, so do we.
    expect((await read("ours")).metadata?.annotations?.["team"]).toBeUndefined();
  });

  test("undo --to-revision=1", async () => {
    const ours = await ourUndo({ toRevision: 1 });
    const theirs = await kubectl("rollout", "undo", "deploy/web", "-n", "theirs", "--to-revision=1", "-v=8");
    expect(theirs.code).toBe(0);
    if (!ours.ok || ours.skipped) throw new Error(ours.message);
    expect(canonical(ours.patch)).toEqual(canonical(patchSentBy(theirs.stderr)));
    await expectSameState("5");
    const d = await read("ours");
    expect([d.spec?.template.spec?.containers[0]?.image, d.metadata?.annotations?.["kubernetes.io/change-cause"]]).toEqual([image("1.0"), "first release"]);
  });

  test("a template that already matches: both skip with the same words and change nothing", async () => {
    const generation = (await read("ours")).metadata?.generation;
    const ours = await ourUndo({ toRevision: 5 });
    const theirs = await kubectl("rollout", "undo", "deploy/web", "-n", "theirs", "--to-revision=5");
    expect(ours).toEqual({ ok: true, skipped: true, revision: "5", message: "skipped rollback (current template already matches revision 5)" });
    expect(theirs.stdout).toBe(`deployment.apps/web ${ours.message}\n`);
    expect((await read("ours")).metadata?.generation).toBe(generation);
    await expectSameState("5");
  });

  test.each([
    { name: "a revision that is not in history", toRevision: 42, args: ["--to-revision=42"] },
    { name: "a revision that is not in history, asked while paused", toRevision: 42, args: ["--to-revision=42"], paused: true },
    { name: "a paused deployment", toRevision: 0, args: [], paused: true },
  ])("both refuse with kubectl's words: $name", async ({ toRevision, args, paused }) => {
    if (paused) for (const ns of ["ours", "theirs"]) await kubectl("rollout", "pause", "deploy/web", "-n", ns);
    try {
      const ours = await ourUndo({ toRevision });
      const theirs = await kubectl("rollout", "undo", "deploy/web", "-n", "theirs", ...args);
      expect(theirs.code).toBe(1);
      expect(ours.ok).toBe(false);
      expect(`error: ${ours.message}\n`).toBe(theirs.stderr);
      expect(await snapshot("ours")).toEqual(await snapshot("theirs"));
    } finally {
      if (paused) for (const ns of ["ours", "theirs"]) await kubectl("rollout", "resume", "deploy/web", "-n", ns);
    }
  });

  test("both refuse a Deployment with one revision", async () => {
    await bothNamespaces((ns) => apps.createNamespacedDeployment({ namespace: ns, body: webDeployment(ns, "solo") }), "1", "solo");
    const ours = await undoDeployment(sandbox.kc, "ours", "solo");
    const theirs = await kubectl("rollout", "undo", "deploy/solo", "-n", "theirs");
    expect(`error: ${ours.message}\n`).toBe(theirs.stderr);
    expect(ours.message).toBe('no rollout history found for deployment "solo"');
  });

  test("our change-cause is the one divergence, and a server dry run keeps nothing", async () => {
    const before = await snapshot("ours");
    const dry = await undoDeployment(sandbox.kc, "ours", "web", { dryRun: true, extraAnnotations: { "kubernetes.io/change-cause": "aiplat rollback: test" } });
    expect(dry).toMatchObject({ ok: true, skipped: false, dryRun: true, message: "rolled back (server dry run)" });
    expect(await snapshot("ours")).toEqual(before);
    const real = await undoDeployment(sandbox.kc, "ours", "web", { extraAnnotations: { "kubernetes.io/change-cause": "aiplat rollback: 5xx on 1.0" } });
    expect(real).toMatchObject({ ok: true, skipped: false, fromRevision: "5", toRevision: "4" });
    const after = await settled("ours", "6");
    expect(after.metadata?.annotations?.["kubernetes.io/change-cause"]).toBe("aiplat rollback: 5xx on 1.0");
    // The controller copies it to the ReplicaSet, so the history says why revision 6 exists.
    expect((await kubectl("rollout", "history", "deploy/web", "-n", "ours")).stdout).toMatch(/^6\s+aiplat rollback: 5xx on 1\.0$/m);
  });
});

interface Isvc {
  spec?: { predictor?: { canaryTrafficPercent?: number; model?: { storageUri?: string } } };
  metadata?: { annotations?: Record<string, string> };
}

describe("KServe rollback in the sandbox", () => {
  const group = { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices" };
  const isvc = async (name: string) => {
    const r = await readInferenceService(sandbox.kc, "ml", name);
    if (!r.ok) throw new Error(r.message);
    return r.isvc;
  };
  const create = (name: string, storageUri: string, annotations?: Record<string, string>) =>
    custom.createNamespacedCustomObject({
      ...group,
      body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri } } } },
    });
  const patch = (name: string, body: object) => custom.patchNamespacedCustomObject({ ...group, name, body }, merge);

  test("a canary pinned to 0% sends all traffic to the previous revision; promoting gives it to the new one", async () => {
    await create("iris", "gs://models/iris/1");
    await eventually(async () => expect(canaryState(await isvc("iris")).traffic).toEqual([{ revision: "iris-predictor-00001", percent: 100, latest: true, tag: undefined }]), 10_000);
    await patch("iris", { spec: { predictor: { canaryTrafficPercent: 20, model: { storageUri: "gs://models/iris/2" } } } });
    await eventually(async () => expect(canaryState(await isvc("iris")).traffic.map((t) => [t.revision, t.percent])).toEqual([["iris-predictor-00002", 20], ["iris-predictor-00001", 80]]), 10_000);

    const result = await rollbackInferenceService(sandbox.kc, "ml", "iris");
    expect(result).toMatchObject({ ok: true, skipped: false, action: "canary-rollback", fromRevision: "iris-predictor-00002", toRevision: "iris-predictor-00001" });
    await eventually(async () => {
      const state = canaryState(await isvc("iris"));
      expect(state.canaryPercent).toBe(0);
      expect(state.traffic.map((t) => [t.revision, t.percent])).toEqual([["iris-predictor-00002", 0], ["iris-predictor-00001", 100]]);
    }, 10_000);
    expect(planInferenceServiceRollback(await isvc("iris")).kind).toBe("skip");

    expect(await promoteInferenceServiceCanary(sandbox.kc, "ml", "iris")).toEqual({ ok: true });
    await eventually(async () => {
      const state = canaryState(await isvc("iris"));
      expect(state.canaryPercent).toBeUndefined();
      expect(state.traffic.map((t) => [t.revision, t.percent])).toEqual([["iris-predictor-00002", 100]]);
      expect([state.rolledOutRevision, state.previousRevision]).toEqual(["iris-predictor-00002", "iris-predictor-00001"]);
    }, 10_000);
  });

  test("Standard mode: the recorded predictor comes back through the InferenceService, and a second rollback returns", async () => {
    const storageUri = async (): Promise<string | undefined> =>
      (await apps.readNamespacedDeployment({ namespace: "ml", name: "fraud-predictor" })).spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "STORAGE_URI")?.value;
    await create("fraud", "gs://models/fraud/1", { "serving.kserve.io/deploymentMode": "RawDeployment" });
    await eventually(async () => expect(await storageUri()).toBe("gs://models/fraud/1"), 10_000);
    // What our deploy does: the new predictor, and the one it replaces in the annotation.
    const v1 = ((await custom.getNamespacedCustomObject({ ...group, name: "fraud" })) as Isvc).spec?.predictor;
    await patch("fraud", { metadata: { annotations: { [previousPredictorAnnotation]: JSON.stringify(v1) } }, spec: { predictor: { model: { storageUri: "gs://models/fraud/2" } } } });
    await eventually(async () => expect(await storageUri()).toBe("gs://models/fraud/2"), 10_000);
    const generated = await apps.readNamespacedDeployment({ namespace: "ml", name: "fraud-predictor" });

    const result = await rollbackInferenceService(sandbox.kc, "ml", "fraud", { annotations: { "kubernetes.io/change-cause": "aiplat rollback: bad model" } });
    expect(result).toMatchObject({ ok: true, skipped: false, action: "restore-predictor" });
    await eventually(async () => expect(await storageUri()).toBe("gs://models/fraud/1"), 10_000);
    const after = (await custom.getNamespacedCustomObject({ ...group, name: "fraud" })) as Isvc;
    expect(after.spec?.predictor?.model?.storageUri).toBe("gs://models/fraud/1");
    expect(JSON.parse(after.metadata?.annotations?.[previousPredictorAnnotation] ?? "{}")).toMatchObject({ model: { storageUri: "gs://models/fraud/2" } });
    expect(after.metadata?.annotations?.["kubernetes.io/change-cause"]).toBe("aiplat rollback: bad model");
    // KServe's controller rewrote its Deployment (same object, a later generation); we only edited the InferenceService.
    const regenerated = await apps.readNamespacedDeployment({ namespace: "ml", name: "fraud-predictor" });
    expect(regenerated.metadata?.uid).toBe(generated.metadata?.uid);

    expect(await rollbackInferenceService(sandbox.kc, "ml", "fraud")).toMatchObject({ ok: true, skipped: false, action: "restore-predictor" });
    await eventually(async () => expect(await storageUri()).toBe("gs://models/fraud/2"), 10_000);
  });
});
