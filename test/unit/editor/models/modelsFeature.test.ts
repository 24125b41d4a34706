import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { WorkloadIndex } from "../../../../src/core/kube/workloads/workloadIndex";
import type { ModelRegistry, ModelVersion, RegisteredModel, SearchOptions } from "../../../../src/core/registry/modelRegistry";
import type { ClusterConnection } from "../../../../src/editor/clusterConnection";
import type { KubeContextModel } from "../../../../src/editor/kubeContextModel";
import type { ReadOnlyContexts } from "../../../../src/editor/readOnlyContexts";
import { FakeEventEmitter, fakeTreeVscode } from "../views/fakeTreeVscode";

/** The slice of VS Code the feature touches: a tree view that can be shown and hidden, focus, settings. */
const visibility = new FakeEventEmitter<unknown>();
const windowState = new FakeEventEmitter<{ focused: boolean }>();
const configChanged = new FakeEventEmitter<{ affectsConfiguration(key: string): boolean }>();
const view = { visible: false, message: undefined as string | undefined, description: undefined as string | undefined, selection: [] as unknown[], onDidChangeVisibility: visibility.event, dispose: () => undefined };
let settings: Record<string, unknown> = {};
vi.mock("vscode", () => ({
  ...fakeTreeVscode,
  window: {
    createTreeView: () => view,
    withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
    onDidChangeWindowState: windowState.event,
  },
  workspace: {
    isTrusted: true,
    onDidChangeConfiguration: configChanged.event,
    onDidGrantWorkspaceTrust: () => ({ dispose: () => undefined }),
    getConfiguration: () => ({ inspect: (key: string) => ({ globalValue: settings[key] }), get: (key: string) => settings[key] }),
  },
  commands: { executeCommand: () => Promise.resolve(), registerCommand: () => ({ dispose: () => undefined }) },
  authentication: {},
  CancellationError: class extends Error {},
}));

/** What the registry was asked, in order; answered from two models. */
const asked: string[] = [];
const models: RegisteredModel[] = ["fraud-xgboost", "llama3-70b-chat"].map((name) => ({ name, latestVersions: [], tags: [], aliases: [] }));
const llamaV4: ModelVersion = { name: "llama3-70b-chat", version: "4", tags: [], aliases: [] };
/** While set, the registry answers only once it settles: a slow first page. */
let slowRegistry: Promise<void> | undefined;
const fakeRegistry: ModelRegistry = {
  displayUrl: "http://127.0.0.1:5000",
  kind: "mlflow",
  notes: () => [],
  searchRegisteredModels: async (o?: SearchOptions) => {
    asked.push(`models ${o?.filter ?? "*"}`);
    await slowRegistry;
    return { ok: true, value: { items: o?.filter ? models.filter((m) => m.name.includes("llama")) : models } };
  },
  searchModelVersions: () => {
    asked.push("versions");
    return Promise.resolve({ ok: true, value: { items: [llamaV4] } });
  },
} as unknown as ModelRegistry;
vi.mock("../../../../src/core/registry/mlflowRegistry", () => ({ createMlflowRegistry: () => fakeRegistry }));
let picked: unknown;
vi.mock("../../../../src/editor/models/modelsFilterPick", () => ({ pickModelsFilter: () => Promise.resolve(picked) }));

const { registerModelsFeature } = await import("../../../../src/editor/models/modelsFeature");
const { CommandRunner } = await import("../../../../src/editor/commands/commandRunner");

const none = () => ({ dispose: () => undefined });

function start(connection: ClusterConnection = { model: undefined, onDidChangeModel: none, onDidChangeModelData: none } as unknown as ClusterConnection) {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const log = { warn: vi.fn(), info: vi.fn(), error: vi.fn() } as never;
  const runner = new CommandRunner({ log, readOnly: {} as ReadOnlyContexts }, (id, callback) => {
    handlers.set(id, callback as (...args: unknown[]) => unknown);
    return { dispose: () => handlers.delete(id) };
  });
  const model = { state: { kind: "ready", selected: { name: "kind-sandbox" } }, onDidChange: none } as unknown as KubeContextModel;
  const secrets = { get: () => Promise.resolve(undefined), store: () => Promise.resolve(), onDidChange: none } as unknown as import("vscode").SecretStorage;
  const feature = registerModelsFeature({ extension: { secrets, globalStorageUri: { fsPath: storage } as never }, model, connection, runner, log });
  const show = (visible: boolean) => {
    view.visible = visible;
    visibility.fire({ visible });
  };
  return { feature, handlers, show };
}

let storage = "";
beforeEach(() => {
  storage = mkdtempSync(path.join(tmpdir(), "aiplat-models-"));
  vi.useFakeTimers();
  asked.length = 0;
  slowRegistry = undefined;
  view.visible = false;
  view.message = undefined;
  settings = { "aiPlatform.models.registries": [{ context: "kind-*", kind: "mlflow", trackingUri: "http://127.0.0.1:5000" }], "aiPlatform.models.pollSeconds": 60 };
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(storage, { recursive: true, force: true });
});

describe("the Models view's polling", () => {
  test("asks the registry only while the view is visible: on showing, every pollSeconds, and on focus; never while hidden", async () => {
    const { feature, show } = start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(asked).toEqual([]);
    expect((await feature.models.currentRegistry()).kind).toBe("ready");

    show(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toEqual(["models *"]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(asked).toHaveLength(2);

    show(false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    windowState.fire({ focused: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toHaveLength(2);

    show(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(20_000);
    windowState.fire({ focused: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toHaveLength(4);
    for (const d of feature.disposables) d.dispose();
  });

  test("Filter Models… lists only what matches and says so above the tree; Clear lists everything again", async () => {
    const { feature, handlers, show } = start();
    show(true);
    await vi.advanceTimersByTimeAsync(100);
    picked = { kind: "filter", text: "llama" };
    await handlers.get("aiPlatform.filterModels")?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(asked.at(-1)).toBe("models name ILIKE '%llama%'");
    expect(view.message).toBe("Filter: llama");

    await handlers.get("aiPlatform.clearModelFilter")?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(asked.at(-1)).toBe("models *");
    expect(view.message).toBeUndefined();
    for (const d of feature.disposables) d.dispose();
  });

  test("a workload naming a model that appears while the first read is still out is resolved when it ends, not a poll later", async () => {
    const data = new FakeEventEmitter<{ workloads: { size: number } }>();
    const connection = { model: undefined as unknown, onDidChangeModel: none, onDidChangeModelData: data.event };
    let answer = (): void => undefined;
    slowRegistry = new Promise<void>((resolve) => (answer = resolve));
    const { feature, show } = start(connection as unknown as ClusterConnection);
    show(true);
    await vi.advanceTimersByTimeAsync(100);
    // The catalog's first page is asked; nothing on the cluster names a model yet, so no scan.
    expect(asked).toEqual(["models *"]);

    // The cluster syncs while that page is still out: vllm-llama3-70b names llama3-70b-chat v4.
    const deployment = { metadata: { name: "vllm-llama3-70b", namespace: "llm-serving", annotations: { "aiplatform.dev/model": "models:/llama3-70b-chat/4" } } };
    const workload = { id: "Deployment/llm-serving/vllm-llama3-70b", kind: "Deployment", namespace: "llm-serving", name: "vllm-llama3-70b", deployment };
    connection.model = { workloads: { all: () => [{ workload, health: { health: "Healthy" } }] } as unknown as WorkloadIndex };
    data.fire({ workloads: { size: 1 } });
    await vi.advanceTimersByTimeAsync(300);
    expect(feature.models.servedBy("llama3-70b-chat", "4")).toEqual([]);

    answer();
    slowRegistry = undefined;
    await vi.advanceTimersByTimeAsync(100);
    expect(asked).toContain("versions");
    expect(feature.models.servedBy("llama3-70b-chat", "4")).toEqual([{ workloadId: workload.id, kind: "Deployment", namespace: "llm-serving", name: "vllm-llama3-70b" }]);
    for (const d of feature.disposables) d.dispose();
  });
});
