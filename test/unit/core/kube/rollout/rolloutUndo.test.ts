import type { V1Container, V1Deployment, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { deploymentRevisions, planDeploymentUndo } from "../../../../../src/core/kube/rollout/rolloutUndo";

// Expected plans, messages and patches are kubectl's: DeploymentRollbacker and deploymentRevision in
// kubernetes/kubectl pkg/polymorphichelpers/rollback.go, and what Debian's kubectl 1.32 printed and
// sent (-v=8) against the sandbox for the same objects (test/integration/rolloutUndo.test.ts repeats
// that comparison live).

const uid = "uid-web";
const image = (tag: string): string => `aiplatform.azurecr.io/sentiment:${tag}`;
const containers = (tag: string, env?: Record<string, string>): V1Container[] => [
  { name: "app", image: image(tag), ...(env ? { env: Object.entries(env).map(([name, value]) => ({ name, value })) } : {}) },
];

function deployment(tag: string, opts: { revision?: string; annotations?: Record<string, string>; paused?: boolean; env?: Record<string, string>; templateLabels?: Record<string, string> } = {}): V1Deployment {
  return {
    metadata: { name: "web", namespace: "ml", uid, annotations: { "deployment.kubernetes.io/revision": opts.revision ?? "3", ...opts.annotations } },
    spec: {
      selector: { matchLabels: { app: "web" } },
      ...(opts.paused ? { paused: true } : {}),
      template: { metadata: { labels: { app: "web", ...opts.templateLabels } }, spec: { containers: containers(tag, opts.env) } },
    },
  };
}

function replicaSet(
  hash: string,
  revision: string | undefined,
  tag: string,
  opts: { created?: string; annotations?: Record<string, string>; owner?: { uid: string; controller?: boolean } | null; env?: Record<string, string>; labels?: Record<string, string>; initImage?: string; replicas?: number; ready?: number } = {},
): V1ReplicaSet {
  const owner = opts.owner === undefined ? { uid, controller: true } : opts.owner;
  return {
    metadata: {
      name: `web-${hash}`,
      namespace: "ml",
      uid: `uid-rs-${hash}`,
      creationTimestamp: (opts.created ?? "2025-06-01T10:00:00Z") as unknown as Date,
      labels: { app: "web", "pod-template-hash": hash },
      annotations: {
        ...(revision === undefined ? {} : { "deployment.kubernetes.io/revision": revision }),
        "deployment.kubernetes.io/desired-replicas": "2",
        "deployment.kubernetes.io/max-replicas": "3",
        ...opts.annotations,
      },
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: owner.uid, ...(owner.controller === false ? {} : { controller: true }) }] } : {}),
    },
    spec: {
      replicas: opts.replicas ?? 0,
      selector: { matchLabels: { app: "web", "pod-template-hash": hash } },
      template: {
        metadata: { labels: { app: "web", "pod-template-hash": hash, ...opts.labels } },
        spec: { containers: containers(tag, opts.env), ...(opts.initImage ? { initContainers: [{ name: "fetch-model", image: opts.initImage }] } : {}) },
      },
    },
    status: { replicas: opts.replicas ?? 0, readyReplicas: opts.ready ?? opts.replicas ?? 0 },
  };
}

/** Three revisions: 1.0, 2.0, then 2.0 with a new MODEL_VERSION; the Deployment runs revision 3. */
const history = [
  replicaSet("aaa111", "1", "1.0", { created: "2025-06-01T10:00:00Z", annotations: { "kubernetes.io/change-cause": "first release" } }),
  replicaSet("bbb222", "2", "2.0", { created: "2025-06-01T11:00:00Z", annotations: { "kubernetes.io/change-cause": "image 2.0" } }),
  replicaSet("ccc333", "3", "2.0", { created: "2025-06-01T11:30:00Z", env: { MODEL_VERSION: "7" }, annotations: { "kubernetes.io/change-cause": "model 7" }, replicas: 2 }),
];
const current = deployment("2.0", { env: { MODEL_VERSION: "7" }, annotations: { "kubernetes.io/change-cause": "model 7" } });

const templateOf = (rs: V1ReplicaSet | undefined) => {
  const t = structuredClone(rs?.spec?.template ?? {});
  delete t.metadata?.labels?.["pod-template-hash"];
  return t;
};

describe("planDeploymentUndo follows kubectl rollout undo", () => {
  test.each([
    {
      name: "no --to-revision: the previous revision (second-highest), hash label stripped",
      toRevision: 0,
      expected: { kind: "patch", fromRevision: 3, toRevision: 2, template: templateOf(history[1]) },
    },
    {
      name: "--to-revision=1",
      toRevision: 1,
      expected: { kind: "patch", fromRevision: 3, toRevision: 1, template: templateOf(history[0]) },
    },
    {
      name: "--to-revision of a revision that is not in history",
      toRevision: 7,
      expected: { kind: "error", message: "unable to find specified revision 7 in history" },
    },
    {
      name: "a negative revision is not in history either",
      toRevision: -1,
      expected: { kind: "error", message: "unable to find specified revision -1 in history" },
    },
    {
      name: "--to-revision of the running revision: skipped, named as asked",
      toRevision: 3,
      expected: { kind: "skip", revision: 3, message: "skipped rollback (current template already matches revision 3)" },
    },
  ])("$name", ({ toRevision, expected }) => {
    expect(planDeploymentUndo(current, history, toRevision)).toMatchObject(expected);
  });

  test.each([
    { name: "only one revision", d: deployment("1.0", { revision: "1" }), sets: [history[0]!], message: 'no rollout history found for deployment "web"' },
    { name: "no ReplicaSets at all", d: deployment("1.0", { revision: "1" }), sets: [], message: 'no rollout history found for deployment "web"' },
    {
      name: "paused, with a revision to go to",
      d: deployment("2.0", { paused: true, env: { MODEL_VERSION: "7" } }),
      sets: history,
      message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    },
  ])("refuses: $name", ({ d, sets, message }) => {
    expect(planDeploymentUndo(d, sets)).toEqual({ kind: "error", message });
  });

  test("the revision is looked up before the paused check, as kubectl does it", () => {
    const paused = deployment("2.0", { paused: true });
    expect(planDeploymentUndo(paused, history, 9)).toEqual({ kind: "error", message: "unable to find specified revision 9 in history" });
    expect(planDeploymentUndo(deployment("1.0", { paused: true, revision: "1" }), [history[0]!])).toEqual({ kind: "error", message: 'no rollout history found for deployment "web"' });
  });

  test("skips when the previous revision's template equals the current one, ignoring the hash label and nil-versus-empty maps", () => {
    // Two ReplicaSets with one template can happen after a cluster upgrade changed the hash (kubernetes#40415).
    const twins = [replicaSet("old111", "4", "3.0"), replicaSet("new222", "5", "3.0", { created: "2025-06-01T12:00:00Z" })];
    const d = deployment("3.0", { revision: "5" });
    d.spec!.template.metadata!.annotations = {};
    expect(planDeploymentUndo(d, twins)).toEqual({ kind: "skip", revision: 4, message: "skipped rollback (current template already matches revision 0)" });
  });

  test("the patch is kubectl's: replace /spec/template, replace /metadata/annotations", () => {
    // Observed with kubectl 1.32 -v=8: the Deployment carried extra=x and change-cause "second"
    // (revision 2); revision 1's ReplicaSet carried foo=bar and change-cause "first".
    const d = deployment("2", { revision: "2", annotations: { extra: "x", foo: "bar", "kubernetes.io/change-cause": "second", "kubectl.kubernetes.io/last-applied-configuration": "{}" } });
    const sets = [
      replicaSet("5b8dc68749", "1", "1", { annotations: { foo: "bar", "kubernetes.io/change-cause": "first", "deployment.kubernetes.io/revision-history": "0" } }),
      replicaSet("67d8478444", "2", "2", { created: "2025-06-01T11:00:00Z", annotations: { extra: "x", foo: "bar", "kubernetes.io/change-cause": "second" } }),
    ];
    const plan = planDeploymentUndo(d, sets);
    expect(plan).toEqual({
      kind: "patch",
      fromRevision: 2,
      toRevision: 1,
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: image("1") }] } },
      patch: [
        { op: "replace", path: "/spec/template", value: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: image("1") }] } } },
        {
          op: "replace",
          path: "/metadata/annotations",
          // The Deployment keeps its revision and last-applied; everything else comes from the ReplicaSet:
          // extra=x is dropped, change-cause goes back to "first", the ReplicaSet's bookkeeping is not copied.
          value: { "deployment.kubernetes.io/revision": "2", foo: "bar", "kubectl.kubernetes.io/last-applied-configuration": "{}", "kubernetes.io/change-cause": "first" },
        },
      ],
    });
  });

  test("a target without change-cause removes the Deployment's change-cause", () => {
    const sets = [replicaSet("aaa111", "1", "1.0"), replicaSet("bbb222", "2", "2.0", { created: "2025-06-01T11:00:00Z" })];
    const plan = planDeploymentUndo(deployment("2.0", { revision: "2", annotations: { "kubernetes.io/change-cause": "image 2.0" } }), sets);
    expect(plan.kind === "patch" && plan.patch[1]?.value).toEqual({ "deployment.kubernetes.io/revision": "2" });
  });

  test("extra annotations (our change-cause and audit) are merged in, but never the revision bookkeeping", () => {
    const plan = planDeploymentUndo(current, history, 1, { "kubernetes.io/change-cause": "rollback: 5xx after 2.0", "aiplatform.dev/rollback-reason": "5xx", "deployment.kubernetes.io/revision": "99" });
    expect(plan.kind === "patch" && plan.patch[1]?.value).toEqual({
      "aiplatform.dev/rollback-reason": "5xx",
      "deployment.kubernetes.io/revision": "3",
      "kubernetes.io/change-cause": "rollback: 5xx after 2.0",
    });
  });

  test("only ReplicaSets the Deployment controls count: not another Deployment's, not orphans, not non-controller owners", () => {
    const strangers = [
      replicaSet("zzz999", "9", "9.0", { owner: { uid: "uid-other" } }),
      replicaSet("yyy888", "8", "8.0", { owner: null }),
      replicaSet("xxx777", "7", "7.0", { owner: { uid, controller: false } }),
    ];
    expect(planDeploymentUndo(current, [...strangers, ...history])).toMatchObject({ kind: "patch", toRevision: 2 });
    expect(planDeploymentUndo(current, [...strangers, ...history], 9)).toEqual({ kind: "error", message: "unable to find specified revision 9 in history" });
  });

  test("a ReplicaSet without a revision is revision 0; one whose revision is not a number is left out", () => {
    const sets = [replicaSet("nnn000", undefined, "0.9"), replicaSet("bad000", "x1", "0.8", { created: "2025-06-01T09:00:00Z" }), replicaSet("aaa111", "1", "1.0", { created: "2025-06-01T12:00:00Z" })];
    const d = deployment("1.0", { revision: "1" });
    expect(planDeploymentUndo(d, sets)).toMatchObject({ kind: "patch", toRevision: 0, template: templateOf(sets[0]) });
  });
});

describe("deploymentRevisions lists kubectl rollout history, newest first", () => {
  test("revision, images, model version, created, change-cause, replicas and the current one", () => {
    const sets = [
      replicaSet("aaa111", "1", "1.0", { labels: { "aiplatform.dev/model-version": "2025-05" }, env: { MODEL_VERSION: "ignored" }, annotations: { "kubernetes.io/change-cause": "first release" } }),
      replicaSet("bbb222", "2", "2.0", { created: "2025-06-01T11:00:00Z", initImage: "busybox:1.36" }),
      replicaSet("ccc333", "3", "2.0", { created: "2025-06-01T11:30:00Z", env: { MODEL_VERSION: "7" }, annotations: { "kubernetes.io/change-cause": "model 7" }, replicas: 2, ready: 1 }),
      replicaSet("zzz999", "4", "9.0", { owner: { uid: "uid-other" } }),
    ];
    expect(deploymentRevisions(current, sets)).toEqual([
      { revision: 3, replicaSet: "web-ccc333", images: [image("2.0")], modelVersion: "7", created: new Date("2025-06-01T11:30:00Z"), changeCause: "model 7", replicas: 2, readyReplicas: 1, current: true },
      { revision: 2, replicaSet: "web-bbb222", images: [image("2.0"), "busybox:1.36"], modelVersion: undefined, created: new Date("2025-06-01T11:00:00Z"), changeCause: undefined, replicas: 0, readyReplicas: 0, current: false },
      { revision: 1, replicaSet: "web-aaa111", images: [image("1.0")], modelVersion: "2025-05", created: new Date("2025-06-01T10:00:00Z"), changeCause: "first release", replicas: 0, readyReplicas: 0, current: false },
    ]);
  });

  test("nothing is current while a paused Deployment's edited template has no ReplicaSet yet", () => {
    expect(deploymentRevisions(deployment("4.0", { paused: true }), history).map((r) => r.current)).toEqual([false, false, false]);
  });
});
