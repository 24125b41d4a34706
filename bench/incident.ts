/**
 * The `incident` scenario: the demo incident (llm-serving/vllm-llama3-70b, revision 2 doubled p95
 * and raised errors) in code-server against the sandbox with its controllers and real Prometheus,
 * driven through the UI as the UI test drives it (test/ui/incidentFlow.ts).
 *   actionsToMitigate   clicks from the regression in the tree to a rollback under way (target ≤ 3)
 *   triageMs            Triage Service clicked → the incident report on screen (target < 5,000)
 *   detectToHealthyMs   the regression visible in the tree → the row Healthy after the rollback (target < 60,000)
 *   triageCoreMs        triageWorkload alone against the same sandbox, median of 5, for the record
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { openTestWorkbench } from "../test/harness/workbench";
import { incidentWorkspaceSettings, mitigateIncident, parkGpuStarvedWorkload, waitForRegressionInTree } from "../test/ui/incidentFlow";
import { openAiPlatformContainer } from "../test/ui/workbenchActions";
import { median } from "./benchStats";
import { triageCoreRuns } from "./incidentCore";

const round = (x: number): number => Math.round(x);

export async function incidentBench(vsix: string): Promise<Record<string, unknown>> {
  const { server, metrics } = await startSandbox({ scenario: "demo", controllers: true, metrics: true });
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-incident-"));
  const kubeconfig = path.join(dir, "config");
  await writeFile(kubeconfig, server.kubeconfig());
  try {
    const core = await triageCoreRuns(kubeconfig, metrics, 5);
    await parkGpuStarvedWorkload(server.kubeconfig());
    const wb = await openTestWorkbench({ trusted: true, vsix, env: { KUBECONFIG: kubeconfig }, workspaceFiles: { ".vscode/settings.json": JSON.stringify(incidentWorkspaceSettings, null, 2) } });
    try {
      await wb.page.setViewportSize({ width: 1600, height: 1200 });
      await openAiPlatformContainer(wb.page);
      await waitForRegressionInTree(wb.page);
      const run = await mitigateIncident(wb.page, performance.now());
      console.error(`[bench] incident: ${run.notice}`);
      return {
        bench: "incident",
        actionsToMitigate: run.actions,
        triageMs: round(run.triageMs),
        detectToHealthyMs: round(run.detectToHealthyMs),
        triageCoreMs: round(median(core.ms)),
        triageCoreRunsMs: core.ms.map(round),
        classification: core.classification,
        suspectRevision: core.suspectRevision,
      };
    } catch (err) {
      console.error(`[bench] incident failed; evidence in ${await wb.saveEvidence("bench-incident")}`);
      throw err;
    } finally {
      await wb.close();
    }
  } finally {
    await server.stop();
  }
}
