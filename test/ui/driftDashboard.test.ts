/**
 * The drift check and its dashboard in code-server, on the demo service's datasets (sandbox/drift):
 * Run Drift Check from the palette, then the notification's Open Drift Dashboard. The features the
 * dashboard shows as drifted are exactly those the demo's generator shifted.
 */
import * as path from "node:path";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { driftDemoFeatures, driftDemoPrediction, driftDemoPredictionDrifts, driftDemoShiftedFeatures, driftDemoTarget } from "../../sandbox/drift/driftDemo";
import { writeDriftDemo } from "../../sandbox/drift/driftDemoFiles";
import type { Workbench } from "../harness/workbench";
import { clickNotificationButton } from "./shipFlow";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { openAiPlatformContainer, runCommand } from "./workbenchActions";

let session: SandboxWorkbench | undefined;
let wb: Workbench;

/** The dashboard's document: VS Code hosts a webview in an iframe whose #active-frame holds the page. */
function dashboard(page: Page): FrameLocator {
  return page.locator("iframe.webview.ready").last().contentFrame().locator("iframe#active-frame").contentFrame();
}

beforeAll(async () => {
  session = await openSandboxWorkbench({ trusted: true });
  wb = session.wb;
  // Written after the workbench opened, as a person would copy a service folder in: the commands look for manifests when run.
  await writeDriftDemo(path.join(wb.workspace, "fraud-xgboost"));
  await wb.page.setViewportSize({ width: 1600, height: 1200 });
  // The palette lists our commands once the workbench has read the extension's contributions: its
  // activity bar icon shows that moment, as it does to a person.
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
});

describe("the drift check on the demo service", () => {
  test("Run Drift Check, then its dashboard shows exactly the shifted features as drifted", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("drift-dashboard")}`);
    });
    const page = wb.page;
    await runCommand(page, "AI Platform: Run Drift Check");
    // The check's notification says what it found and offers the dashboard.
    const drifted = driftDemoShiftedFeatures.length;
    await clickNotificationButton(page, new RegExp(`fraud-xgboost: ${drifted} of ${driftDemoFeatures.length} features drifted`), "Open Drift Dashboard", 120_000);

    const frame = dashboard(page);
    await expect.poll(() => frame.locator("body").getAttribute("data-painted", { timeout: 1_000 }).catch(() => null), { timeout: 60_000, message: "the drift dashboard never painted" }).not.toBeNull();
    const rows = frame.getByTestId("drift-feature-row");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(driftDemoFeatures.length + 2);

    const shown: { name: string | null; role: string | null; drifted: boolean }[] = [];
    for (const row of await rows.all()) {
      shown.push({ name: await row.getAttribute("data-name"), role: await row.getAttribute("data-role"), drifted: (await row.getAttribute("data-drifted")) === "true" });
    }
    const featureRows = shown.filter((r) => r.role === "feature");
    expect(featureRows.filter((r) => r.drifted).map((r) => r.name).sort()).toEqual([...driftDemoShiftedFeatures].sort());
    expect(featureRows.map((r) => r.name).sort()).toEqual([...driftDemoFeatures].sort());
    expect(shown.find((r) => r.role === "target")).toMatchObject({ name: driftDemoTarget, drifted: driftDemoPredictionDrifts.target });
    expect(shown.find((r) => r.role === "prediction")).toMatchObject({ name: driftDemoPrediction, drifted: driftDemoPredictionDrifts.prediction });
    // Sorted by severity: the drifted features come first.
    expect(shown.slice(0, drifted).every((r) => r.drifted)).toBe(true);
    // The summary says the same, in words a person reads.
    expect(await frame.getByTestId("drift-count").getAttribute("data-drifted")).toBe(String(drifted));
  });
});
