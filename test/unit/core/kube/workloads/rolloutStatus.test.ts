import { describe, expect, test } from "vitest";
import { deploymentRolloutStatus } from "../../../../../src/core/kube/workloads/rolloutStatus";
import { deployment, deploymentCondition } from "../kubeObjects";

// Expected states and messages are those of kubectl's DeploymentStatusViewer
// (kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go).
describe("deploymentRolloutStatus matches kubectl rollout status", () => {
  test.each([
    {
      name: "complete: generation observed, all updated, none old, all available",
      d: deployment("vllm", { replicas: 3 }),
      expected: { state: "complete", message: 'deployment "vllm" successfully rolled out' },
    },
    {
      name: "spec change not yet observed by the controller",
      d: deployment("vllm", { generation: 4, status: { observedGeneration: 3 } }),
      expected: { state: "waiting", stage: "notObserved", message: "Waiting for deployment spec update to be observed..." },
    },
    {
      name: "progress deadline exceeded is checked before replica counts",
      d: deployment("vllm", {
        replicas: 3,
        status: { updatedReplicas: 1, availableReplicas: 2 },
        conditions: [deploymentCondition("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "vllm-5f6b" has timed out progressing.')],
      }),
      expected: { state: "timedOut", message: 'deployment "vllm" exceeded its progress deadline' },
    },
    {
      name: "new replicas still being created",
      d: deployment("vllm", { replicas: 3, status: { replicas: 4, updatedReplicas: 1, availableReplicas: 3 } }),
      expected: { state: "waiting", stage: "updating", message: 'Waiting for deployment "vllm" rollout to finish: 1 out of 3 new replicas have been updated...' },
    },
    {
      name: "old replicas pending termination",
      d: deployment("vllm", { replicas: 3, status: { replicas: 4, updatedReplicas: 3, availableReplicas: 3 } }),
      expected: { state: "waiting", stage: "terminatingOld", message: 'Waiting for deployment "vllm" rollout to finish: 1 old replicas are pending termination...' },
    },
    {
      name: "updated replicas not yet available",
      d: deployment("vllm", { replicas: 3, status: { replicas: 3, updatedReplicas: 3, availableReplicas: 1 } }),
      expected: { state: "waiting", stage: "becomingAvailable", message: 'Waiting for deployment "vllm" rollout to finish: 1 of 3 updated replicas are available...' },
    },
    {
      name: "scaled to zero with nothing left is complete",
      d: deployment("vllm", { replicas: 0 }),
      expected: { state: "complete", message: 'deployment "vllm" successfully rolled out' },
    },
  ])("$name", ({ d, expected }) => {
    expect(deploymentRolloutStatus(d)).toEqual(expected);
  });
});
