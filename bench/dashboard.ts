/**
 * The `dashboard` scenario: the latency dashboard's cost to draw, to open and to ship.
 *   renderMs          4 series × 40,000 points in one panel of the production latency webview in
 *                     Chromium (our CSP, a stub acquireVsCodeApi): window.postMessage of a view →
 *                     its `aiplat:view-painted` mark; median over `renderViews` views after one
 *                     warm-up view, whose time is `renderColdMs` (target < 150). `renderFrameMs`
 *                     runs on to the next frame produced after the mark, in case Chromium
 *                     rasterises the canvas only with that frame
 *   openToPaintMs     code-server, demo sandbox with its real Prometheus and 7 days of backfill:
 *                     the Deployments row's Open Latency Dashboard clicked → the first chart
 *                     painted in the webview, at the dashboard's default range (6 h); median of
 *                     `openRuns`, the panel closed between runs (target < 1000). The first run,
 *                     `openToPaintColdMs`, also waits for the workbench to register its webview
 *                     service worker, once per window (about 2.4 s of it in code-server)
 *   openToPaint7dMs   the same panel, "Last 7 days" chosen → the 7-day view painted. The command
 *                     always opens at the default range, so the 7-day figure starts at the range
 *                     change: the host's query and the webview's paint, as for the open
 *   webviewKB         dist/webview/latency.js + latency.css, each gzipped (level 9), summed. The
 *                     codicon font and stylesheet are not counted: they are VS Code's icon set,
 *                     shared by every dashboard and cached by the webview; `codiconKB` shows them
 *   hostBundleDeltaKB dist/extension.js (production) minus the same file built from 93884d6,
 *                     the last commit before issue 9, with that commit's scripts/build.ts in a
 *                     temporary git worktree (target < 150)
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type { FrameLocator, Page } from "playwright-core";
import { sandboxPrometheusService } from "../sandbox/metrics/sandboxMetrics";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { webviewHtml } from "../src/editor/panels/webviewHtml";
import { repoRoot } from "../scripts/vsix";
import { launchBrowser } from "../test/harness/browser";
import { openTestWorkbench } from "../test/harness/workbench";
import { expandNamespace, waitForClusterSynced, workloadRow } from "../test/ui/shipFlow";
import { openAiPlatformContainer } from "../test/ui/workbenchActions";
import { median } from "./benchStats";

const run = promisify(execFile);

/** The commit before "Dependencies for metrics and dashboards", the first of issue 9. */
const beforeIssue9 = "93884d6";

export const dashboardPoints = { series: 4, perSeries: 40_000 } as const;
const renderViews = 7;
const openRuns = 5;

const round = (x: number): number => Math.round(x * 10) / 10;
const gzipKB = async (file: string): Promise<number> => gzipSync(await readFile(file), { level: 9 }).length / 1024;

/** The origin the page's bundles come from; Playwright answers it, so the CSP names a real source as webview.cspSource does. */
const webviewOrigin = "https://webview.bench.invalid";

/** The page the panel host renders, with a stub acquireVsCodeApi in a script carrying the CSP's nonce. */
function benchPageHtml(nonce: string): string {
  const html = webviewHtml({
    cspSource: webviewOrigin,
    scriptUri: `${webviewOrigin}/latency.js`,
    styleUri: `${webviewOrigin}/latency.css`,
    codiconUri: `${webviewOrigin}/codicon.css`,
    title: "Latency bench",
    nonce,
  });
  const stub = `<script nonce="${nonce}">
window.__fromWebview = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__fromWebview.push(m), getState: () => undefined, setState: () => undefined });
</script>`;
  return html.replace('<div id="root"></div>', `<div id="root"></div>\n${stub}`);
}

/**
 * Runs in the page (plain JavaScript: the bench compiles without the DOM's types). Builds view
 * number `seq`, 4 × 40k points, posts it as the host would, and resolves with post → painted mark
 * and post → the next frame produced after it, in ms.
 */
const postViewInPage = `async ({ seq, series, perSeries }) => {
  const end = Math.floor(Date.now() / 1000);
  const span = 7 * 86400;
  const step = span / perSeries;
  const names = ["p50", "p90", "p95", "p99"];
  const base = [180, 260, 320, 540];
  const columns = names.slice(0, series).map((name, k) => {
    const timestamps = new Float64Array(perSeries);
    const values = new Float64Array(perSeries);
    for (let i = 0; i < perSeries; i++) {
      timestamps[i] = end - span + i * step;
      // A daily cycle, noise and a step up two days ago: every view differs and the line is busy.
      values[i] = base[k] * (1 + 0.25 * Math.sin((2 * Math.PI * i * step) / 86400) + 0.1 * Math.random() + (i > perSeries * 0.7 ? 0.8 : 0)) + seq;
    }
    return { name, timestamps, values };
  });
  const view = {
    service: { context: "bench", namespace: "llm-serving", kind: "Deployment", name: "vllm-llama3-70b" },
    source: "Prometheus (bench)",
    runtime: "vLLM",
    range: { spec: { preset: "7d" }, start: end - span, end, step },
    panels: [{ id: "latency", title: "Latency", unit: "ms", series: columns, queries: [], threshold: { value: 2000, label: "SLO p95 2 s" }, status: { kind: "ok" } }],
    markers: [{ time: end - 2 * 86400, kind: "deploy", revision: 2, image: "vllm/vllm-openai:v0.6.3", origin: "rollout history" }],
    slo: null,
    regression: null,
    refreshedAt: end,
  };
  const painted = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.body.dataset.painted === String(seq)) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-painted"] });
  });
  const started = performance.now();
  window.postMessage({ type: "view", view }, "*");
  await painted;
  const mark = performance.getEntriesByName("aiplat:view-painted:" + seq, "mark")[0];
  if (!mark) throw new Error("view " + seq + " painted without its mark");
  if (document.body.dataset.chartsPainted !== "1") throw new Error("view " + seq + " painted " + document.body.dataset.chartsPainted + " charts, not 1");
  // The canvas may be rasterised with the next frame: wait for that frame to be produced too.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return { painted: mark.startTime - started, frame: performance.now() - started };
}`;

function postView(page: Page, seq: number): Promise<{ painted: number; frame: number }> {
  return page.evaluate<{ painted: number; frame: number }>(`(${postViewInPage})(${JSON.stringify({ seq, ...dashboardPoints })})`);
}

async function renderBench(): Promise<{ renderMs: number; renderColdMs: number; renderFrameMs: number; renderRunsMs: number[] }> {
  const bundles = path.join(repoRoot, "dist/webview");
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const nonce = "benchbenchbenchbenchbenchbench12";
    const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".ttf": "font/ttf" };
    await page.route(`${webviewOrigin}/**`, async (route) => {
      const name = new URL(route.request().url()).pathname.slice(1);
      if (name === "index.html") return route.fulfill({ contentType: "text/html", body: benchPageHtml(nonce) });
      if (!/^[\w.-]+$/.test(name)) return route.fulfill({ status: 404 });
      const body = await readFile(path.join(bundles, name)).catch(() => undefined);
      return body ? route.fulfill({ contentType: types[path.extname(name)] ?? "application/octet-stream", body }) : route.fulfill({ status: 404 });
    });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${webviewOrigin}/index.html`);
    // The app posts "ready" once it listens for the host.
    await page.waitForFunction(`window.__fromWebview.some((m) => m.type === "ready")`, undefined, { timeout: 30_000 });
    const cold = await postView(page, 1);
    console.error(`[bench] dashboard: warm-up view painted in ${round(cold.painted)} ms (frame ${round(cold.frame)} ms)`);
    const runs: { painted: number; frame: number }[] = [];
    for (let i = 0; i < renderViews; i++) {
      const r = await postView(page, i + 2);
      runs.push(r);
      console.error(`[bench] dashboard: view ${i + 2} painted in ${round(r.painted)} ms (frame ${round(r.frame)} ms)`);
    }
    if (problems.some((p) => /Content Security Policy|Dropped a message/i.test(p))) throw new Error(`the webview complained: ${problems.join("; ")}`);
    return {
      renderMs: round(median(runs.map((r) => r.painted))),
      renderColdMs: round(cold.painted),
      renderFrameMs: round(median(runs.map((r) => r.frame))),
      renderRunsMs: runs.map((r) => round(r.painted)),
    };
  } finally {
    await browser.close();
  }
}

async function webviewSize(): Promise<{ webviewKB: number; codiconKB: number }> {
  const dir = path.join(repoRoot, "dist/webview");
  const webviewKB = (await gzipKB(path.join(dir, "latency.js"))) + (await gzipKB(path.join(dir, "latency.css")));
  const codiconKB = (await gzipKB(path.join(dir, "codicon.css"))) + (await gzipKB(path.join(dir, "codicon.ttf")));
  return { webviewKB: round(webviewKB), codiconKB: round(codiconKB) };
}

/** dist/extension.js of `commit`, built by that commit's own scripts/build.ts --production with this checkout's node_modules. */
async function hostBundleSizeAt(commit: string): Promise<number> {
  const tree = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-bench-before-")), "tree");
  await run("git", ["worktree", "add", "--detach", tree, commit], { cwd: repoRoot });
  try {
    await symlink(path.join(repoRoot, "node_modules"), path.join(tree, "node_modules"), "dir");
    await run(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/build.ts", "--production"], { cwd: tree, maxBuffer: 1 << 26 });
    return (await stat(path.join(tree, "dist/extension.js"))).size;
  } finally {
    await run("git", ["worktree", "remove", "--force", tree], { cwd: repoRoot }).catch((e: unknown) => console.error(`[bench] dashboard: could not remove the worktree ${tree}: ${(e as Error).message}`));
    await rm(path.dirname(tree), { recursive: true, force: true });
  }
}

async function hostBundleDelta(): Promise<{ hostBundleKB: number; hostBundleBeforeKB: number; hostBundleDeltaKB: number }> {
  const now = (await stat(path.join(repoRoot, "dist/extension.js"))).size;
  const before = await hostBundleSizeAt(beforeIssue9);
  return { hostBundleKB: round(now / 1024), hostBundleBeforeKB: round(before / 1024), hostBundleDeltaKB: round((now - before) / 1024) };
}

/** The dashboard's document: code-server's webview iframe, then the frame the webview's HTML lives in. */
function dashboardFrame(page: Page): FrameLocator {
  return page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
}

async function paintedAtLeast(frame: FrameLocator, seq: number, timeout: number): Promise<void> {
  await frame.locator(`body[data-painted]`).waitFor({ state: "attached", timeout });
  const body = frame.locator("body");
  const deadline = Date.now() + timeout;
  for (;;) {
    const painted = Number(await body.getAttribute("data-painted", { timeout }));
    if (painted >= seq) break;
    if (Date.now() > deadline) throw new Error(`the dashboard did not paint view ${seq}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const charts = Number(await body.getAttribute("data-charts-painted"));
  if (!(charts > 0)) throw new Error(`the dashboard painted view ${seq} without a chart (data-charts-painted=${charts}): is Prometheus answering?`);
}

async function openBench(vsix: string): Promise<{ openToPaintMs: number; openToPaintColdMs: number; openToPaint7dMs: number; openRunsMs: number[]; open7dRunsMs: number[] }> {
  const { server } = await startSandbox({ scenario: "demo", metrics: true });
  const kubeconfigDir = await mkdtemp(path.join(tmpdir(), "aiplat-dashboard-"));
  const kubeconfig = path.join(kubeconfigDir, "config");
  await writeFile(kubeconfig, server.kubeconfig());
  const { namespace, name, port } = sandboxPrometheusService;
  const settings = { "aiPlatform.metrics.sources": [{ context: "sandbox", kind: "prometheus", service: { namespace, name, port } }] };
  const wb = await openTestWorkbench({ trusted: true, vsix, env: { KUBECONFIG: kubeconfig }, workspaceFiles: { ".vscode/settings.json": JSON.stringify(settings, null, 2) } }).catch(async (e: unknown) => {
    await server.stop();
    await rm(kubeconfigDir, { recursive: true, force: true });
    throw e;
  });
  const page = wb.page;
  try {
    await openAiPlatformContainer(page);
    await waitForClusterSynced(page);
    await expandNamespace(page, "llm-serving");
    const row = workloadRow(page, "vllm-llama3-70b");
    await row.waitFor({ state: "visible", timeout: 30_000 });
    const open: number[] = [];
    const open7d: number[] = [];
    for (let i = 0; i < openRuns; i++) {
      await row.hover();
      const action = row.locator('.action-label[aria-label^="Open Latency Dashboard"]');
      await action.waitFor({ state: "visible", timeout: 10_000 });
      const started = performance.now();
      await action.click();
      const frame = dashboardFrame(page);
      await paintedAtLeast(frame, 1, 60_000);
      open.push(performance.now() - started);

      // Chosen as a person chooses it; the clock starts at the click on "Last 7 days".
      const before = Number(await frame.locator("body").getAttribute("data-painted"));
      await frame.getByTestId("range-select").click();
      const option = frame.getByRole("option", { name: "Last 7 days" });
      await option.waitFor({ state: "visible", timeout: 10_000 });
      const started7d = performance.now();
      await option.click();
      await paintedAtLeast(frame, before + 1, 60_000);
      open7d.push(performance.now() - started7d);
      console.error(`[bench] dashboard: open run ${i + 1}/${openRuns}: first chart in ${round(open[i] ?? 0)} ms, 7 d view in ${round(open7d[i] ?? 0)} ms`);

      await page.locator(".editor-group-container .tab.active .tab-actions .action-label").click();
      await page.locator("iframe.webview.ready").waitFor({ state: "detached", timeout: 10_000 });
    }
    // The first open in a window also waits for the workbench to register its webview service worker (about 2.4 s in code-server, measured from the frames' navigation timing), once per window.
    return { openToPaintMs: round(median(open)), openToPaintColdMs: round(open[0] ?? 0), openToPaint7dMs: round(median(open7d)), openRunsMs: open.map(round), open7dRunsMs: open7d.map(round) };
  } catch (err) {
    console.error(`[bench] dashboard failed; evidence in ${await wb.saveEvidence("bench-dashboard")}`);
    throw err;
  } finally {
    await wb.close();
    await server.stop();
    await rm(kubeconfigDir, { recursive: true, force: true });
  }
}

/** Needs the production build in dist/ (the VSIX's build) and code-server installed. */
export async function dashboardBench(vsix: string, vscodeVersion: string): Promise<Record<string, unknown>> {
  const size = await webviewSize();
  const host = await hostBundleDelta();
  const render = await renderBench();
  const open = await openBench(vsix);
  return {
    bench: "dashboard",
    renderMs: render.renderMs,
    renderColdMs: render.renderColdMs,
    renderFrameMs: render.renderFrameMs,
    openToPaintMs: open.openToPaintMs,
    openToPaintColdMs: open.openToPaintColdMs,
    openToPaint7dMs: open.openToPaint7dMs,
    webviewKB: size.webviewKB,
    hostBundleDeltaKB: host.hostBundleDeltaKB,
    points: dashboardPoints.series * dashboardPoints.perSeries,
    series: dashboardPoints.series,
    renderRunsMs: render.renderRunsMs,
    openRunsMs: open.openRunsMs,
    open7dRunsMs: open.open7dRunsMs,
    codiconKB: size.codiconKB,
    hostBundleKB: host.hostBundleKB,
    hostBundleBeforeKB: host.hostBundleBeforeKB,
    vscode: vscodeVersion,
  };
}
