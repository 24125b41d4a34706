import { describe, expect, test } from "vitest";
import { applyMergePatch, type Json } from "../../../../../sandbox/patch";
import type { InferenceService } from "../../../../../src/core/kube/objects/inferenceService";
import {
  canaryState,
  deploymentMode,
  mergePatchBetween,
  planInferenceServiceRollback,
  previousPredictorAnnotation,
} from "../../../../../src/core/kube/rollout/inferenceServiceRollout";
import { inferenceService } from "../kubeObjects";

// Modes follow KServe's GetDeploymentMode (status, then annotation, legacy names normalised);
// canary rollback and promotion follow kserve.github.io "Canary Rollout Strategy": 0% pins traffic
// to the last rolled-out revision, removing canaryTrafficPercent promotes the newest one.

type Predictor = NonNullable<NonNullable<InferenceService["spec"]>["predictor"]>;
type PredictorStatus = NonNullable<NonNullable<NonNullable<InferenceService["status"]>["components"]>["predictor"]>;

const model = (uri: string): Predictor => ({ model: { modelFormat: { name: "sklearn" }, storageUri: uri } });

function isvc(opts: { annotations?: Record<string, string>; predictor?: Predictor; status?: PredictorStatus; statusMode?: string } = {}): InferenceService {
  const base = inferenceService("iris", { predictor: opts.predictor ?? model("gs://models/iris/2"), ...(opts.annotations ? { annotations: opts.annotations } : {}) });
  return {
    ...base,
    status: { ...base.status, ...(opts.statusMode ? { deploymentMode: opts.statusMode } : {}), ...(opts.status ? { components: { predictor: opts.status } } : {}) },
  };
}

/** The canary example of the KServe docs: revision 2 at 10%, revision 1 rolled out with 90%. */
const canarySplit: PredictorStatus = {
  latestCreatedRevision: "iris-predictor-00002",
  latestReadyRevision: "iris-predictor-00002",
  latestRolledoutRevision: "iris-predictor-00001",
  previousRolledoutRevision: "iris-predictor-00001",
  traffic: [
    { tag: "latest", revisionName: "iris-predictor-00002", percent: 10, latestRevision: true },
    { tag: "prev", revisionName: "iris-predictor-00001", percent: 90, latestRevision: false },
  ],
};
const rolledOut: PredictorStatus = {
  latestCreatedRevision: "iris-predictor-00002",
  latestReadyRevision: "iris-predictor-00002",
  latestRolledoutRevision: "iris-predictor-00002",
  previousRolledoutRevision: "iris-predictor-00001",
  traffic: [{ revisionName: "iris-predictor-00002", percent: 100, latestRevision: true }],
};

describe("deploymentMode follows KServe's GetDeploymentMode", () => {
  test.each([
    { name: "no annotation: the pre-0.16 default, Knative (Serverless)", opts: {}, expected: "Knative" },
    { name: "RawDeployment (legacy name)", opts: { annotations: { "serving.kserve.io/deploymentMode": "RawDeployment" } }, expected: "Standard" },
    { name: "Standard", opts: { annotations: { "serving.kserve.io/deploymentMode": "Standard" } }, expected: "Standard" },
    { name: "Serverless (legacy name)", opts: { annotations: { "serving.kserve.io/deploymentMode": "Serverless" } }, expected: "Knative" },
    { name: "ModelMesh", opts: { annotations: { "serving.kserve.io/deploymentMode": "ModelMesh" } }, expected: "ModelMesh" },
    { name: "an unknown value falls back to the default", opts: { annotations: { "serving.kserve.io/deploymentMode": "raw" } }, expected: "Knative" },
    { name: "status wins over the annotation", opts: { annotations: { "serving.kserve.io/deploymentMode": "Serverless" }, statusMode: "Standard" }, expected: "Standard" },
  ])("$name", ({ opts, expected }) => {
    expect(deploymentMode(isvc(opts))).toBe(expected);
  });
});

describe("canaryState", () => {
  test("a canary at 10%: the newest revision, the rolled-out one, and the split", () => {
    expect(canaryState(isvc({ predictor: { ...model("gs://models/iris/2"), canaryTrafficPercent: 10 }, status: canarySplit }))).toEqual({
      mode: "Knative",
      canaryPercent: 10,
      latestRevision: "iris-predictor-00002",
      previousRevision: "iris-predictor-00001",
      rolledOutRevision: "iris-predictor-00001",
      traffic: [
        { revision: "iris-predictor-00002", percent: 10, latest: true, tag: "latest" },
        { revision: "iris-predictor-00001", percent: 90, latest: false, tag: "prev" },
      ],
      canaryRunning: true,
    });
  });

  test("Knative omits percent for a 0% share; it reads as 0", () => {
    const status = { ...canarySplit, traffic: [{ tag: "latest", revisionName: "iris-predictor-00002", latestRevision: true }, { tag: "prev", revisionName: "iris-predictor-00001", percent: 100 }] };
    expect(canaryState(isvc({ predictor: { ...model("x"), canaryTrafficPercent: 0 }, status })).traffic.map((t) => [t.revision, t.percent, t.latest])).toEqual([
      ["iris-predictor-00002", 0, true],
      ["iris-predictor-00001", 100, false],
    ]);
  });

  test("no canary once promoted, nor without a canaryTrafficPercent", () => {
    expect(canaryState(isvc({ status: rolledOut })).canaryRunning).toBe(false);
    expect(canaryState(isvc({ predictor: { ...model("x"), canaryTrafficPercent: 10 }, status: rolledOut })).canaryRunning).toBe(false);
    expect(canaryState(isvc()).canaryRunning).toBe(false);
  });
});

describe("planInferenceServiceRollback", () => {
  const previous = model("gs://models/iris/1");
  const recorded = { [previousPredictorAnnotation]: JSON.stringify({ ...previous, canaryTrafficPercent: 30 }) };
  test.each([
    {
      name: "Knative with a canary running: traffic back to the rolled-out revision",
      input: isvc({ predictor: { ...model("gs://models/iris/2"), canaryTrafficPercent: 10 }, status: canarySplit, annotations: recorded }),
      expected: { kind: "canary-rollback", canaryPercent: 10, canaryRevision: "iris-predictor-00002", toRevision: "iris-predictor-00001" },
    },
    {
      name: "Knative with the canary already at 0%: nothing to do",
      input: isvc({ predictor: { ...model("gs://models/iris/2"), canaryTrafficPercent: 0 }, status: canarySplit }),
      expected: { kind: "skip", message: "skipped rollback (the canary iris-predictor-00002 already has 0% of traffic; iris-predictor-00001 has it all)" },
    },
    {
      name: "Knative without a canary: the recorded predictor, given all the traffic",
      input: isvc({ status: rolledOut, annotations: recorded }),
      expected: { kind: "restore-predictor", predictor: previous },
    },
    {
      name: "Standard: the recorded predictor, never a canary (KServe has none in this mode)",
      input: isvc({ predictor: { ...model("gs://models/iris/2"), canaryTrafficPercent: 10 }, status: canarySplit, annotations: { ...recorded, "serving.kserve.io/deploymentMode": "RawDeployment" } }),
      expected: { kind: "restore-predictor", predictor: previous },
    },
    {
      name: "Standard without a recorded predictor",
      input: isvc({ annotations: { "serving.kserve.io/deploymentMode": "Standard" } }),
      expected: { kind: "error", message: "cannot roll back iris: no previous predictor is recorded (the aiplatform.dev/previous-predictor annotation is written by each deploy); redeploy the earlier version instead" },
    },
    {
      name: "Knative, no canary, nothing recorded",
      input: isvc({ status: rolledOut }),
      expected: { kind: "error", message: "cannot roll back iris: no canary is running and no previous predictor is recorded (the aiplatform.dev/previous-predictor annotation is written by each deploy); redeploy the earlier version instead" },
    },
    {
      name: "a recorded predictor that is not JSON",
      input: isvc({ annotations: { [previousPredictorAnnotation]: "{model:" } }),
      expected: { kind: "error", message: "the aiplatform.dev/previous-predictor annotation of iris is not valid JSON; redeploy the earlier version instead" },
    },
    {
      name: "a recorded predictor that is not an object",
      input: isvc({ annotations: { [previousPredictorAnnotation]: "[1]" } }),
      expected: { kind: "error", message: "the aiplatform.dev/previous-predictor annotation of iris does not hold a predictor spec; redeploy the earlier version instead" },
    },
    {
      name: "the recorded predictor is the one running",
      input: isvc({ predictor: previous, annotations: { [previousPredictorAnnotation]: JSON.stringify(previous) } }),
      expected: { kind: "skip", message: "skipped rollback (the predictor already matches the one recorded in aiplatform.dev/previous-predictor)" },
    },
    {
      name: "ModelMesh is not rolled back here",
      input: isvc({ annotations: { ...recorded, "serving.kserve.io/deploymentMode": "ModelMesh" } }),
      expected: { kind: "error", message: "iris is served by ModelMesh, which places models itself; roll it back by redeploying the earlier model" },
    },
  ])("$name", ({ input, expected }) => {
    expect(planInferenceServiceRollback(input)).toEqual(expected);
  });
});

describe("mergePatchBetween makes the RFC 7386 merge patch that turns one object into the other", () => {
  const cases: { name: string; from: Json; to: Json; patch: Json }[] = [
    {
      name: "a changed nested value, a removed field, an added one",
      from: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://2", runtime: "kserve-sklearnserver" }, canaryTrafficPercent: 10 },
      to: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://1" }, minReplicas: 2 },
      patch: { canaryTrafficPercent: null, model: { runtime: null, storageUri: "gs://1" }, minReplicas: 2 },
    },
    { name: "lists replace whole", from: { containers: [{ name: "a", image: "x:1" }, { name: "b" }] }, to: { containers: [{ name: "a", image: "x:0" }] }, patch: { containers: [{ name: "a", image: "x:0" }] } },
    { name: "equal objects need no patch", from: { model: { storageUri: "gs://1" } }, to: { model: { storageUri: "gs://1" } }, patch: {} },
    { name: "an object replaced by a scalar", from: { resources: { limits: { cpu: "1" } } }, to: { resources: "none" }, patch: { resources: "none" } },
  ];
  test.each(cases)("$name", ({ from, to, patch }) => {
    expect(mergePatchBetween(from, to)).toEqual(patch);
    // Applied by the sandbox API server's own RFC 7386 implementation, it gives the target.
    expect(applyMergePatch(structuredClone(from), mergePatchBetween(from, to) as Json)).toEqual(to);
  });
});
