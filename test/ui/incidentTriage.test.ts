/**
 * The demo incident in code-server, on the sandbox with its controllers and real Prometheus:
 * from the Deployments row showing the regression, Triage Service → the report opens → the
 * mitigation's button → Roll Back's confirmation → Healthy, in at most three actions. The
 * report on disk, the audit record and the cluster then say what happened.
 */
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { AppsV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { Workbench } from "../harness/workbench";
import { incidentService, incidentWorkspaceSettings, mitigateIncident, parkGpuStarvedWorkload, waitForRegressionInTree } from "./incidentFlow";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { openAiPlatformContainer } from "./workbenchActions";

let session: SandboxWorkbench | undefined;
let wb: Workbench;

beforeAll(async () => {
  session = await openSandboxWorkbench({
    trusted: true,
    sandbox: { metrics: true, controllers: true },
    workspaceFiles: { ".vscode/settings.json": JSON.stringify(incidentWorkspaceSettings, null, 2) },
  });
  wb = session.wb;
  await parkGpuStarvedWorkload(session.server.kubeconfig());
  await wb.page.setViewportSize({ width: 1600, height: 1200 });
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
});

describe("incident triage on the demo incident", () => {
  test("Triage → report → mitigation → Healthy in three actions, with the report and the audit record written", { timeout: 300_000 }, async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("incident-triage")}`);
    });
    const page = wb.page;
    await waitForRegressionInTree(page);
    const run = await mitigateIncident(page, performance.now());
    expect(run.actions).toBeLessThanOrEqual(3);
    // What triage concluded, in the notification: code, the deploy of revision 2.
    expect(run.notice).toMatch(/^Code: /);
    expect(run.notice).toContain(`after revision ${incidentService.suspectRevision}`);

    // The cluster: the Deployment runs revision 1's template again (as a new revision, as kubectl does).
    const kc = new KubeConfig();
    kc.loadFromString(session!.server.kubeconfig());
    const d = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: incidentService.namespace, name: incidentService.name });
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(d.spec?.template.metadata?.annotations?.["sandbox.aiplatform.dev/latency-factor"]).toBeUndefined();

    // The report: under .aiplatform/incidents/, naming the suspect and the mitigation taken.
    const dir = path.join(wb.workspace, ".aiplatform", "incidents");
    const [file] = (await readdir(dir)).filter((f) => f.endsWith(`-${incidentService.name}.md`));
    expect(file).toBeDefined();
    const report = await readFile(path.join(dir, file!), "utf8");
    expect(report).toMatch(/revision 2/);
    expect(report).toContain("<svg");
    await expect.poll(async () => readFile(path.join(dir, file!), "utf8"), { timeout: 30_000 }).toMatch(/taken/i);

    // The audit record of the rollback names the incident and when the regression was detected.
    const lines = (await readFile(path.join(wb.workspace, ".aiplatform", "audit.jsonl"), "utf8")).trim().split("\n");
    const rollback = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r["action"] === "rollback");
    expect(rollback?.["outcome"]).toBe("succeeded");
    expect(rollback?.["incident"]).toBe(`.aiplatform/incidents/${file!}`);
    expect(typeof rollback?.["detectedAt"]).toBe("string");
  });
});
