/**
 * The cost dashboard's open → paint on the 1k-node / 10k-pod scale cluster (sandbox/scaleScenario.ts),
 * in code-server: "AI Platform: Open Cost Dashboard" chosen in the palette (the clock starts at
 * Enter) → the webview's body[data-painted] (every chart drawn; webview/common/paintSignal.ts).
 * The report is the default one, 7 days by service, computed from the extension's live cache. The
 * scale cluster has no Prometheus, so this is the cluster side of the work (10k pods through the
 * model) plus the webview; the demo's Prometheus queries are timed by `aiplat cost` in tests.
 *   openToPaintMs      median of the warm opens, Enter → the page's own "painted" mark (every chart
 *                      drawn), both on the wall clock (target < 1000)
 *   openToPaintColdMs  the same for the first open in the window, which also loads the panel and
 *                      model bundles and waits for the workbench's webview service worker
 *   openToPaintDetectedMs  Enter → Playwright seeing body[data-painted] in the nested frame, which
 *                      adds its polling of the frame (the latency bench's way of measuring)
 *   pageLoadedMs / reportReceivedMs / renderMs  where the warm opens' time goes
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { scaleScenario } from "../sandbox/scaleScenario";
import { openTestWorkbench } from "../test/harness/workbench";
import { waitForClusterSynced } from "../test/ui/shipFlow";
import { openAiPlatformContainer, quickPickRows } from "../test/ui/workbenchActions";
import { median } from "./benchStats";
import { costScale } from "./cost";

const openRuns = 5;
const round = (x: number): number => Math.round(x * 10) / 10;

export async function costOpenBench(vsix: string): Promise<{ openToPaintMs: number; openToPaintColdMs: number; openToPaintDetectedMs: number; openRunsMs: number[]; openDetectedRunsMs: number[]; pageLoadedMs: number; reportReceivedMs: number; renderMs: number }> {
  const { server } = await startSandbox({ scenario: scaleScenario({ nodes: costScale.nodes, deployments: costScale.deployments, pods: costScale.pods }) });
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-cost-bench-"));
  const kubeconfig = path.join(dir, "config");
  await writeFile(kubeconfig, server.kubeconfig());
  const wb = await openTestWorkbench({ trusted: true, vsix, env: { KUBECONFIG: kubeconfig } }).catch(async (e: unknown) => {
    await server.stop();
    throw e;
  });
  const page = wb.page;
  try {
    await openAiPlatformContainer(page);
    await waitForClusterSynced(page);
    const runs: number[] = [];
    const split: { toPage: number; toReport: number; render: number; painted: number }[] = [];
    for (let i = 0; i < openRuns; i++) {
      await page.locator(".monaco-workbench").click({ position: { x: 700, y: 450 } });
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: 10_000 });
      await input.fill(">AI Platform: Open Cost Dashboard");
      await quickPickRows(page).filter({ hasText: "Open Cost Dashboard" }).first().waitFor({ state: "visible", timeout: 10_000 });
      const started = performance.now();
      const startedAt = Date.now();
      await input.press("Enter");
      const frame = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
      await frame.locator("body[data-painted]").waitFor({ state: "attached", timeout: 120_000 });
      runs.push(performance.now() - started);
      // Where the time went: the webview's own marks (webview/common/paintSignal.ts), on the wall clock.
      // The page function stays free of named helpers: tsx would wrap them in a __name the page lacks.
      const entries = await frame.locator("body").evaluate(() => {
        const p = (globalThis as unknown as { performance: { timeOrigin: number; getEntriesByType(t: string): { name: string; startTime: number }[] } }).performance;
        return { origin: p.timeOrigin, marks: p.getEntriesByType("mark").map((e) => ({ name: e.name, startTime: e.startTime })) };
      });
      const at = (prefix: string): number | undefined => {
        const m = entries.marks.find((e) => e.name.startsWith(prefix));
        return m ? entries.origin + m.startTime : undefined;
      };
      const marks = { loaded: entries.origin, received: at("aiplat:view-received:"), painted: at("aiplat:view-painted:") };
      if (marks.received !== undefined && marks.painted !== undefined) {
        split.push({ toPage: marks.loaded - startedAt, toReport: marks.received - startedAt, render: marks.painted - marks.received, painted: marks.painted - startedAt });
      }
      const rows = await frame.getByTestId("cost-driver-row").count();
      const last = split.at(-1);
      console.error(`[bench] cost dashboard: open run ${i + 1}/${openRuns}: painted in ${round(runs[i] ?? 0)} ms (page loaded at ${round(last?.toPage ?? NaN)}, report at ${round(last?.toReport ?? NaN)}, drawn ${round(last?.render ?? NaN)} later), ${rows} driver rows on its first page`);
      await page.locator(".editor-group-container .tab.active .tab-actions .action-label").click();
      await page.locator("iframe.webview.ready").waitFor({ state: "detached", timeout: 10_000 });
    }
    const warm = split.slice(1);
    return {
      openToPaintMs: round(median(warm.map((s) => s.painted))),
      openToPaintColdMs: round(split[0]?.painted ?? NaN),
      openToPaintDetectedMs: round(median(runs.slice(1))),
      openRunsMs: split.map((s) => round(s.painted)),
      openDetectedRunsMs: runs.map(round),
      pageLoadedMs: round(median(warm.map((s) => s.toPage))),
      reportReceivedMs: round(median(warm.map((s) => s.toReport))),
      renderMs: round(median(warm.map((s) => s.render))),
    };
  } catch (err) {
    console.error(`[bench] cost dashboard failed; evidence in ${await wb.saveEvidence("bench-cost")}`);
    throw err;
  } finally {
    await wb.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
