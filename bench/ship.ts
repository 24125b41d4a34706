/**
 * The `ship` scenario: the newcomer path in code-server against the demo sandbox with its
 * controllers at their default delays, driven through the UI as the UI test drives it.
 *   wizardPrompts           prompts answered in New Inference Service… (target ≤ 6)
 *   deployPrompts           prompts answered to deploy from the CodeLens (confirm, reason)
 *   scaffoldToHealthyMs     the wizard opened → the tree shows the new service Healthy
 *   badDeployToRecoveredMs  a broken image deployed → Degraded shown → Roll Back → Healthy (target < 60,000)
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { openTestWorkbench } from "../test/harness/workbench";
import { answerInput, clickNotificationButton, deployFromCodeLens, expandNamespace, scaffoldVllmService, waitForClusterSynced, workloadRow } from "../test/ui/shipFlow";
import { openAiPlatformContainer } from "../test/ui/workbenchActions";

const round = (x: number): number => Math.round(x);

export async function shipBench(vsix: string): Promise<Record<string, unknown>> {
  const { server } = await startSandbox({ scenario: "demo", controllers: true });
  const kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-ship-")), "config");
  await writeFile(kubeconfig, server.kubeconfig());
  const wb = await openTestWorkbench({ trusted: true, vsix, env: { KUBECONFIG: kubeconfig } });
  const name = "llama3-chat";
  try {
    await wb.page.setViewportSize({ width: 1400, height: 1200 });
    await openAiPlatformContainer(wb.page);
    // The cluster view must be synced before the wizard can count free GPUs.
    await waitForClusterSynced(wb.page);

    const started = performance.now();
    const wizardPrompts = await scaffoldVllmService(wb.page, name);
    const deployPrompts = await deployFromCodeLens(wb.page, "dev", "first deploy");
    await expandNamespace(wb.page, "ml-dev");
    await workloadRow(wb.page, name, "Healthy").waitFor({ state: "visible", timeout: 180_000 });
    const scaffoldToHealthyMs = performance.now() - started;
    console.error(`[bench] ship: scaffold → Healthy in ${round(scaffoldToHealthyMs)} ms`);

    const file = path.join(wb.workspace, name, "aiplatform.yaml");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace(/^image: .*$/m, "image: vllm/vllm-openai:does-not-exist"));
    // Let the editor pick up the file before the lens is clicked.
    await wb.page.waitForTimeout(1_000);
    const badStarted = performance.now();
    await deployFromCodeLens(wb.page, "dev", "try a nightly image");
    await workloadRow(wb.page, name, "Degraded").waitFor({ state: "visible", timeout: 120_000 });
    const degradedMs = performance.now() - badStarted;
    await clickNotificationButton(wb.page, `Rollout of ${name} failed`, "Roll Back", 120_000);
    await answerInput(wb.page, /^Why roll back/);
    await workloadRow(wb.page, name, "Healthy").waitFor({ state: "visible", timeout: 180_000 });
    const badDeployToRecoveredMs = performance.now() - badStarted;
    return {
      bench: "ship",
      wizardPrompts,
      deployPrompts,
      scaffoldToHealthyMs: round(scaffoldToHealthyMs),
      badDeployToRecoveredMs: round(badDeployToRecoveredMs),
      degradedShownMs: round(degradedMs),
    };
  } catch (err) {
    console.error(`[bench] ship failed; evidence in ${await wb.saveEvidence("bench-ship")}`);
    throw err;
  } finally {
    await wb.close();
    await server.stop();
  }
}
