/**
 * The pure parts of server-side apply: reading field-manager conflicts out of the API server's
 * 409 message, in the format of apimachinery's managedfields conflict.go (getConflictMessage,
 * printManager), and the noise a diff leaves out.
 */
import { describe, expect, test } from "vitest";
import { toComparableYaml } from "../../../../../src/core/kube/rollout/comparableYaml";
import { comparableObject, explainConflicts, parseApplyConflicts } from "../../../../../src/core/kube/rollout/serverSideApply";

describe("parseApplyConflicts", () => {
  test.each([
    {
      what: "one conflict with an Update manager",
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      conflicts: [{ manager: "kubectl-client-side-apply", field: ".spec.replicas" }],
    },
    {
      what: "one conflict with an Apply manager (no apiVersion printed)",
      message: 'Apply failed with 1 conflict: conflict with "helm": .spec.template.spec.containers[name="server"].image',
      conflicts: [{ manager: "helm", field: '.spec.template.spec.containers[name="server"].image' }],
    },
    {
      what: "several conflicts, grouped by sorted manager, one with a time and a subresource",
      message:
        'Apply failed with 3 conflicts: conflicts with "kubectl-edit" using apps/v1 at 2025-01-02T03:04:05Z:\n- .spec.replicas\n- .metadata.labels.team\nconflicts with "vpa-recommender" with subresource "scale" using autoscaling/v1:\n- .spec.replicas',
      conflicts: [
        { manager: "kubectl-edit", field: ".spec.replicas" },
        { manager: "kubectl-edit", field: ".metadata.labels.team" },
        { manager: "vpa-recommender", field: ".spec.replicas" },
      ],
    },
    { what: "an optimistic-concurrency conflict, which names no manager", message: 'Operation cannot be fulfilled on deployments.apps "chat": the object has been modified', conflicts: [] },
  ])("$what", ({ message, conflicts }) => {
    expect(parseApplyConflicts(message)).toEqual(conflicts);
  });
});

test("explainConflicts says which fields which manager owns and both ways out", () => {
  expect(
    explainConflicts([
      { manager: "kubectl-edit", field: ".spec.replicas" },
      { manager: "kubectl-edit", field: ".metadata.labels.team" },
      { manager: "hpa", field: ".spec.template" },
    ]),
  ).toBe(
    'another field manager changed .spec.replicas, .metadata.labels.team (owned by "kubectl-edit"); .spec.template (owned by "hpa"). Apply with force to take the fields over, or remove them from the manifest to leave them to their owner.',
  );
});

describe("comparableObject and toComparableYaml", () => {
  const live = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "chat",
      namespace: "ml",
      uid: "0b7e",
      resourceVersion: "42",
      generation: 3,
      creationTimestamp: "2025-01-01T00:00:00Z",
      selfLink: "/apis/apps/v1/namespaces/ml/deployments/chat",
      managedFields: [{ manager: "ai-platform-ops" }],
      labels: { app: "chat" },
      annotations: { "deployment.kubernetes.io/revision": "3", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
    },
    spec: { replicas: 2 },
    status: { replicas: 2 },
  };

  test("drops what the server writes and keeps what a person wrote, without touching the input", () => {
    expect(comparableObject(live)).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "chat", namespace: "ml", labels: { app: "chat" } }, spec: { replicas: 2 } });
    expect(live.metadata.resourceVersion).toBe("42");
  });

  test("keeps annotations of one's own", () => {
    const annotated = { ...live, metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, owner: "llm-team" } } };
    expect(comparableObject(annotated).metadata).toEqual({ name: "chat", namespace: "ml", labels: { app: "chat" }, annotations: { owner: "llm-team" } });
  });

  test("the YAML keeps the object's key order and does not fold long lines", () => {
    const long = "x".repeat(200);
    expect(toComparableYaml({ ...live, spec: { replicas: 2, note: long } })).toBe(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: chat\n  namespace: ml\n  labels:\n    app: chat\nspec:\n  replicas: 2\n  note: ${long}\n`,
    );
  });
});
