/**
 * Roll Back as a triage mitigation, through the real command module: the workload and revision
 * come preselected, the confirmation modal is the only question (the third action from a
 * regression), and the rollback carries when the regression was detected and the incident report.
 * A plain Roll Back still asks for the revision and the reason. VS Code and the rollout follower
 * are faked; the revisions come from real ReplicaSet shapes through core's deploymentRevisions.
 */
import type { V1Deployment, V1ReplicaSet } from "@kubernetes/client-node";
import { beforeEach, describe, expect, test, vi } from "vitest";

const shown = { modals: [] as { text: string; detail: string }[], inputs: 0, picks: 0, warnings: [] as string[] };
let modalAnswer: string | undefined = "Roll Back";
vi.mock("vscode", () => ({
  window: {
    showWarningMessage: (text: string, options?: { modal?: boolean; detail?: string }) => {
      if (options?.modal) {
        shown.modals.push({ text, detail: options.detail ?? "" });
        return Promise.resolve(modalAnswer);
      }
      shown.warnings.push(text);
      return Promise.resolve(undefined);
    },
    showInformationMessage: () => Promise.resolve(undefined),
    showErrorMessage: () => Promise.resolve(undefined),
    showInputBox: () => {
      shown.inputs++;
      return Promise.resolve("typed reason");
    },
    showQuickPick: (items: readonly { revision?: number; current?: boolean }[]) => {
      shown.picks++;
      return Promise.resolve(items.find((i) => !i.current));
    },
  },
  workspace: { findFiles: () => Promise.resolve([]) },
  commands: { executeCommand: () => Promise.resolve(undefined) },
  ThemeIcon: class {},
  ThemeColor: class {},
}));

const { registerRollbackCommands, RollbackMitigation } = await import("../../../../src/editor/commands/rollbackCommand");

const uid = "d-uid";
function replicaSet(name: string, revision: number, image: string, created: string): V1ReplicaSet {
  return {
    metadata: { name, namespace: "llm-serving", uid: `${name}-uid`, creationTimestamp: new Date(created), annotations: { "deployment.kubernetes.io/revision": String(revision) }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b", uid, controller: true }] },
    spec: { selector: {}, template: { metadata: { labels: { app: "vllm" } }, spec: { containers: [{ name: "vllm", image }] } } },
  };
}
const rs1 = replicaSet("vllm-llama3-70b-aaaaa", 1, "vllm/vllm-openai:v0.6.2", "2026-11-20T00:00:00Z");
const rs2 = replicaSet("vllm-llama3-70b-bbbbb", 2, "vllm/vllm-openai:v0.6.3", "2026-11-29T07:00:00Z");
const deployment: V1Deployment = {
  metadata: { name: "vllm-llama3-70b", namespace: "llm-serving", uid, annotations: { "deployment.kubernetes.io/revision": "2" } },
  spec: { selector: {}, template: { metadata: { labels: { app: "vllm" } }, spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.6.3" }] } } },
};
const workload = { kind: "Deployment" as const, namespace: "llm-serving", name: "vllm-llama3-70b", id: "Deployment/llm-serving/vllm-llama3-70b", deployment, inferenceService: undefined, qualifications: [] };

const rollBacks: unknown[] = [];
const handlers = new Map<string, (arg?: unknown) => unknown>();
function register(): void {
  const runner = {
    registerRowCommand: (id: string, schema: { safeParse: (v: unknown) => { success: boolean; data?: unknown } }, handler: (arg: unknown) => unknown) => {
      // As CommandRunner does: an argument that does not parse is dropped.
      handlers.set(id, (arg?: unknown) => {
        if (arg === undefined) return handler(undefined);
        const parsed = schema.safeParse(arg);
        return parsed.success ? handler(parsed.data) : "dropped";
      });
      return { dispose: () => undefined };
    },
  };
  const connection = {
    state: { kind: "ready", context: { name: "sandbox", cluster: "sandbox", user: "admin" } },
    kubeConfig: {},
    model: {
      workloads: {
        workload: (id: string) => (id === workload.id ? workload : undefined),
        replicaSetsOf: () => [rs1, rs2],
        revisionOf: () => undefined,
        all: () => [],
      },
    },
  };
  const rollouts = {
    rollBack: (_target: unknown, ref: unknown, opts: unknown) => {
      rollBacks.push({ ref, opts });
      return Promise.resolve(true);
    },
  };
  registerRollbackCommands(runner as never, { connection, rollouts, trail: {}, log: { error: vi.fn(), info: vi.fn() } } as never);
}

const mitigation = {
  type: "mitigation",
  workloadId: workload.id,
  toRevision: 1,
  detectedAt: "2026-12-01T07:00:00.000Z",
  incident: ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md",
  reason: "Mitigation: p95 latency regression after revision 2 (.aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md)",
};

beforeEach(() => {
  shown.modals.length = 0;
  shown.warnings.length = 0;
  shown.inputs = 0;
  shown.picks = 0;
  rollBacks.length = 0;
  modalAnswer = "Roll Back";
  handlers.clear();
  register();
});

describe("Roll Back as a mitigation", () => {
  test("one question, the confirmation, which says what is recorded; then the rollback to the recommended revision with detectedAt and the incident", async () => {
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.(mitigation)).toBe(true);
    expect(shown.picks).toBe(0);
    expect(shown.inputs).toBe(0);
    expect(shown.modals).toHaveLength(1);
    expect(shown.modals[0]?.text).toBe("Roll back vllm-llama3-70b to revision 1?");
    expect(shown.modals[0]?.detail).toContain("Now: revision 2, vllm/vllm-openai:v0.6.3.");
    expect(shown.modals[0]?.detail).toContain("Then: vllm/vllm-openai:v0.6.2.");
    expect(shown.modals[0]?.detail).toContain(`Recorded as a mitigation of ${mitigation.incident}: "${mitigation.reason}".`);
    expect(rollBacks).toEqual([
      { ref: { kind: "Deployment", namespace: "llm-serving", name: "vllm-llama3-70b" }, opts: { reason: mitigation.reason, toRevision: 1, detectedAt: mitigation.detectedAt, incident: mitigation.incident } },
    ]);
  });

  test("declining the confirmation rolls nothing back", async () => {
    modalAnswer = undefined;
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.(mitigation)).toBe(false);
    expect(rollBacks).toEqual([]);
  });

  test("a recommendation gone stale (the revision is now current, or gone) is said, not acted on", async () => {
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.({ ...mitigation, toRevision: 2 })).toBe(false);
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.({ ...mitigation, toRevision: 7 })).toBe(false);
    expect(shown.warnings).toEqual([
      "Revision 2 of vllm-llama3-70b is what it runs now: the recommended rollback no longer applies. Triage it again.",
      "Revision 7 of vllm-llama3-70b is no longer in its rollout history: the recommended rollback no longer applies. Triage it again.",
    ]);
    expect(shown.modals).toEqual([]);
    expect(rollBacks).toEqual([]);
  });

  test("a forged argument (a multi-line reason) does not parse, so the command drops it", async () => {
    expect(RollbackMitigation.safeParse({ ...mitigation, reason: "a\nb" }).success).toBe(false);
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.({ ...mitigation, reason: "a\nb" })).toBe("dropped");
    expect(rollBacks).toEqual([]);
  });

  test("a plain Roll Back from a row still asks for the revision and the reason", async () => {
    expect(await handlers.get("aiPlatform.rollbackWorkload")?.({ type: "workload", id: workload.id })).toBe(true);
    expect(shown.picks).toBe(1);
    expect(shown.inputs).toBe(1);
    expect(rollBacks).toEqual([{ ref: { kind: "Deployment", namespace: "llm-serving", name: "vllm-llama3-70b" }, opts: { reason: "typed reason", toRevision: 1 } }]);
  });
});
