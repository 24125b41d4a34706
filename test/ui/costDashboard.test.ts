/**
 * The cost dashboard in code-server, on the demo sandbox with its real Prometheus: opened from
 * the palette, its top cost driver and that driver's cost per 1K inferences are what
 * `aiplat cost -o json` says for the same cluster and window.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { CostReport } from "../../src/shared/protocol/cost";
import type { Workbench } from "../harness/workbench";
import { runAiplat } from "../unit/cli/runAiplat";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { openAiPlatformContainer, runCommand, viewPane } from "./workbenchActions";

const workspaceSettings = {
  "aiPlatform.metrics.sources": [{ context: "sandbox", kind: "prometheus", service: { namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: 9090 } }],
};

let session: SandboxWorkbench | undefined;
let wb: Workbench;
let kubeconfig: string;

/** The dashboard's document: VS Code hosts a webview in an iframe whose #active-frame holds the page. */
function dashboard(page: Page): FrameLocator {
  return page.locator("iframe.webview.ready").last().contentFrame().locator("iframe#active-frame").contentFrame();
}

/** "$2.77", "$0.0077", "$1,307" → the number a person reads. */
const money = (text: string): number => Number.parseFloat(text.replace(/[^0-9.]/g, ""));

beforeAll(async () => {
  session = await openSandboxWorkbench({
    trusted: true,
    sandbox: { metrics: { backfillDays: 1 } },
    workspaceFiles: { ".vscode/settings.json": JSON.stringify(workspaceSettings, null, 2) },
  });
  wb = session.wb;
  kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-cost-ui-")), "config");
  await writeFile(kubeconfig, session.server.kubeconfig({}));
  await wb.page.setViewportSize({ width: 1600, height: 1200 });
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
});

describe("the cost dashboard on the demo sandbox", () => {
  test("its top cost driver and cost per 1K inferences are what `aiplat cost -o json` reports", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("cost-dashboard")}`);
    });
    const page = wb.page;
    // The cluster is connected once the Deployments view lists the demo's services.
    await viewPane(page, "Deployments").locator(".monaco-list-row").first().waitFor({ state: "visible", timeout: 60_000 });
    await runCommand(page, "AI Platform: Open Cost Dashboard");
    await page.locator(".tabs-container .tab", { hasText: "Cost: sandbox" }).waitFor({ state: "visible", timeout: 15_000 });

    const frame = dashboard(page);
    await expect.poll(() => frame.locator("body").getAttribute("data-painted", { timeout: 1_000 }).catch(() => null), { timeout: 120_000, message: "the cost dashboard never painted" }).not.toBeNull();
    const top = frame.getByTestId("cost-driver-row").first();
    await top.waitFor({ state: "visible", timeout: 10_000 });
    const shownName = (await top.locator('[data-column="name"]').innerText()).trim();
    const per1kCell = top.locator('[data-column="costPer1k"]');
    const shownPer1k = await per1kCell.innerText();
    const per1kValue = Number(await per1kCell.getAttribute("data-value"));

    const cli = await runAiplat(["cost", "--window", "7d", "--aggregate", "service", "-o", "json"], { env: { KUBECONFIG: kubeconfig } });
    expect(cli.code, cli.err).toBe(0);
    const report = CostReport.parse(JSON.parse(cli.out));
    const [first] = report.rows;
    if (!first || first.costPer1k === null) throw new Error(`aiplat cost has no top row with a cost per 1K: ${JSON.stringify(report.rows.slice(0, 3))}`);

    // The same service leads both, at the same cost per 1K (the two reports are seconds apart).
    expect(shownName.startsWith(first.name), `${shownName} vs ${first.name}`).toBe(true);
    expect(Math.abs(per1kValue - first.costPer1k) / first.costPer1k).toBeLessThan(0.02);
    expect(Math.abs(money(shownPer1k) - first.costPer1k) / first.costPer1k).toBeLessThan(0.02);
    // The demo's story, as the table shows it: the LLM that idles on its GPUs costs far more per
    // request than the busy Triton ensemble.
    const per1kOf = async (service: string): Promise<number> => Number(await frame.locator(`[data-testid="cost-driver-row"][data-name="${service}"] [data-column="costPer1k"]`).getAttribute("data-value"));
    expect(await per1kOf("llm-serving/vllm-llama3-70b")).toBeGreaterThan(10 * (await per1kOf("triton/triton-ensemble")));
  });
});
