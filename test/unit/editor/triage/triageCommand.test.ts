/**
 * Triage Service from a Deployments row, through the real command module with VS Code faked and
 * core's triage replaced by the demo incident's report: the report is written under the
 * workspace's .aiplatform/incidents/ and opened beside; the notification offers Roll Back to the
 * previous revision; its button runs Roll Back with the incident (whose confirmation is the third
 * action), and the rollback the audit log then holds is written into the report.
 */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import type { TriageInput } from "../../../../src/core/triage/triageReport";
import { triageReport } from "./triageReportFixture";

let ws = "";
const executed: { command: string; args: unknown[] }[] = [];
const notifications: string[] = [];
/** What the person clicks in the next notification. */
let click: ((buttons: string[]) => string | undefined) | undefined;
let onRollback: ((arg: unknown) => Promise<unknown>) | undefined;
const settings: Record<string, unknown> = {};

vi.mock("vscode", () => ({
  ProgressLocation: { Notification: 15 },
  ViewColumn: { Beside: -2 },
  Uri: { file: (fsPath: string) => ({ fsPath, scheme: "file" }) },
  window: {
    withProgress: (_o: unknown, task: (p: { report: () => void }, t: { isCancellationRequested: boolean; onCancellationRequested: () => { dispose: () => void } }) => Promise<unknown>) =>
      task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) }),
    showWarningMessage: (text: string, ...buttons: string[]) => {
      notifications.push(text);
      return Promise.resolve(click?.(buttons));
    },
    showInformationMessage: (text: string) => {
      notifications.push(text);
      return Promise.resolve(undefined);
    },
    showErrorMessage: (text: string) => {
      notifications.push(text);
      return Promise.resolve(undefined);
    },
  },
  workspace: {
    get workspaceFolders() {
      return [{ uri: { fsPath: ws } }];
    },
    findFiles: () => Promise.resolve([]),
    getConfiguration: () => ({ get: (key: string) => settings[key] }),
  },
  commands: {
    executeCommand: (command: string, ...args: unknown[]) => {
      executed.push({ command, args });
      return command === "aiPlatform.rollbackWorkload" && onRollback ? onRollback(args[0]) : Promise.resolve(undefined);
    },
  },
  env: { clipboard: { writeText: () => Promise.resolve() } },
}));

let given: TriageInput | undefined;
vi.mock("../../../../src/core/triage/triageWorkload", () => ({
  triageWorkload: (input: TriageInput) => {
    given = input;
    return Promise.resolve(triageReport());
  },
}));

const { registerTriageCommands } = await import("../../../../src/editor/triage/triageCommand");

beforeAll(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "triage-command-"));
});
afterAll(() => rm(ws, { recursive: true, force: true }));

const workload = { kind: "Deployment" as const, namespace: "llm-serving", name: "vllm-llama3-70b", id: "Deployment/llm-serving/vllm-llama3-70b", deployment: { metadata: { name: "vllm-llama3-70b", namespace: "llm-serving" } }, inferenceService: undefined, qualifications: [] };
const context = { name: "sandbox", cluster: "sandbox", user: "admin" };

function commands(auditFile: string, log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }): Map<string, (arg?: unknown) => Promise<unknown>> {
  const handlers = new Map<string, (arg?: unknown) => Promise<unknown>>();
  const runner = {
    registerRowCommand: (id: string, _schema: unknown, handler: (arg: unknown) => Promise<unknown>) => {
      handlers.set(id, handler);
      return { dispose: () => undefined };
    },
  };
  const deps = {
    connection: { state: { kind: "ready", context }, kubeConfig: {}, model: { workloads: { workload: (id: string) => (id === workload.id ? workload : undefined), all: () => [] } } },
    metrics: { state: () => Promise.resolve({ kind: "none", context: "sandbox" }) },
    trail: { file: auditFile },
    log,
    extensionPath: "/ext",
  };
  registerTriageCommands(runner as never, deps as never);
  return handlers;
}

describe("Triage Service in the editor", () => {
  test("row → report beside → Roll Back to revision 1 from the notification → the mitigation in the report", async () => {
    const auditFile = path.join(ws, ".aiplatform", "audit.jsonl");
    let actions = 1; // the Triage click
    click = (buttons) => {
      actions++; // the notification's button
      return buttons[0];
    };
    // Roll Back as the real command ends when its confirmation is accepted: a rollback record naming the incident.
    onRollback = async (arg) => {
      actions++; // the confirmation modal
      const a = arg as { detectedAt: string; incident: string; reason: string };
      await appendAuditRecord(auditFile, {
        actor: { kubeUser: "admin", osUser: "alice" },
        cluster: "https://sandbox:6443",
        context: "sandbox",
        namespace: "llm-serving",
        object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b" },
        action: "rollback",
        reason: a.reason,
        outcome: "succeeded",
        detectedAt: a.detectedAt,
        incident: a.incident,
      });
      return true;
    };

    const outcome = (await commands(auditFile).get("aiPlatform.triageService")?.({ type: "workload", id: workload.id })) as { file: string } | undefined;

    expect(given?.workload).toEqual({ kind: "Deployment", namespace: "llm-serving", name: "vllm-llama3-70b" });
    expect(given?.sinceSeconds).toBe(7200);
    // No metrics source and no audit log yet: triage is told why, and reports them as blind spots.
    expect(given?.metrics).toEqual({ unavailable: "no metrics source is connected for sandbox (Connect Metrics… sets one up)" });
    expect("unavailable" in (given?.auditRecords ?? [])).toBe(true);

    const relative = ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md";
    expect(outcome?.file).toBe(path.join(ws, relative));
    expect(await readdir(path.join(ws, ".aiplatform", "incidents"))).toEqual(["20261201T070000Z-vllm-llama3-70b.md"]);
    expect(executed[0]).toEqual({ command: "markdown.showPreviewToSide", args: [{ fsPath: path.join(ws, relative), scheme: "file" }] });
    expect(notifications[0]).toMatch(/^Code: p95 latency regression after revision 2 .* Roll back to revision 1\?$/);

    await vi.waitFor(async () => expect(await readFile(path.join(ws, relative), "utf8")).toMatch(/^- .*alice.*succeeded/m));
    expect(executed[1]).toEqual({
      command: "aiPlatform.rollbackWorkload",
      args: [{ type: "mitigation", workloadId: workload.id, toRevision: 1, detectedAt: "2026-12-01T07:00:00.000Z", incident: relative, reason: `Mitigation: p95 latency regression after revision 2 (${relative})` }],
    });
    expect(actions).toBe(3);
  });

  test("Open Runbook without a service runbook in the workspace opens the built-in one shipped with the extension", async () => {
    executed.length = 0;
    const file = await commands(path.join(ws, "audit.jsonl")).get("aiPlatform.openRunbook")?.({ type: "workload", id: workload.id });
    expect(file).toBe(path.join("/ext", "media", "runbooks", "triage-runbook.md"));
    expect(executed).toEqual([{ command: "markdown.showPreview", args: [{ fsPath: file, scheme: "file" }] }]);
  });

  test("aiPlatform.triage.lookback sets how far back triage reads; a value that is not a duration is named in the log and 2h is used", async () => {
    click = () => undefined;
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    settings["aiPlatform.triage.lookback"] = "1d";
    await commands(path.join(ws, "audit.jsonl"), log).get("aiPlatform.triageService")?.({ type: "workload", id: workload.id });
    expect(given?.sinceSeconds).toBe(86_400);
    expect(log.warn).not.toHaveBeenCalled();

    settings["aiPlatform.triage.lookback"] = "two days";
    await commands(path.join(ws, "audit.jsonl"), log).get("aiPlatform.triageService")?.({ type: "workload", id: workload.id });
    expect(given?.sinceSeconds).toBe(7200);
    expect(log.warn).toHaveBeenCalledWith('Setting aiPlatform.triage.lookback "two days": expected a duration up to 30d, such as 30m, 2h or 1d; looking back 2h.');
    delete settings["aiPlatform.triage.lookback"];
  });
});
