/**
 * Registers the cost dashboard: the serializer that restores panels after a window reload and
 * the open() a command calls. The panel code loads on first use, so activation pays only for
 * this file.
 */
import * as vscode from "vscode";
import { CostPanelState, costContract, type CostAggregate, type CostWindowPreset } from "../../shared/protocol/cost";
import type { CostDashboardDeps, CostPanel } from "./costPanel";
import { WebviewPanelRegistry } from "./webviewPanelHost";

export type { CostDashboardDeps, CostLoadResult } from "./costPanel";

export interface CostDashboard extends vscode.Disposable {
  /** Reveals the kube context's cost dashboard, or opens one (7 days by service unless told). */
  open(context: string, opts?: { window?: CostWindowPreset; aggregate?: CostAggregate }): Promise<void>;
}

/** One dashboard per kube context: it shows the whole cluster, and the pickers choose the rest. */
export function costPanelKey(context: string): string {
  return JSON.stringify([costContract.viewType, context]);
}

export function registerCostDashboard(extension: Pick<vscode.ExtensionContext, "extensionUri">, deps: CostDashboardDeps): CostDashboard {
  const services = { ...deps, extensionUri: extension.extensionUri };
  const registry = new WebviewPanelRegistry<CostPanel>();
  let module: Promise<typeof import("./costPanel")> | undefined;
  const load = (): Promise<typeof import("./costPanel")> => (module ??= import("./costPanel"));
  const track = (key: string, panel: CostPanel): CostPanel => {
    panel.onDidDispose(() => registry.remove(key, panel));
    return panel;
  };

  const serializer = vscode.window.registerWebviewPanelSerializer(costContract.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = CostPanelState.safeParse(state);
      if (!parsed.success) {
        deps.log.warn("Closed a restored cost dashboard whose saved state is missing or of an older shape.");
        panel.dispose();
        return;
      }
      const { CostPanel } = await load();
      const key = costPanelKey(parsed.data.context);
      const restored = new CostPanel(services, panel, parsed.data);
      if (registry.adopt(key, restored)) track(key, restored);
      else restored.dispose();
    },
  });

  return {
    async open(context: string, opts = {}): Promise<void> {
      const key = costPanelKey(context);
      const existing = registry.get(key);
      if (existing) {
        existing.reveal();
        return;
      }
      const { CostPanel } = await load();
      const state: CostPanelState = { context, window: opts.window ?? "7d", aggregate: opts.aggregate ?? "service" };
      registry.openOrReveal(key, () => track(key, CostPanel.create(services, state)));
    },
    dispose(): void {
      serializer.dispose();
      registry.dispose();
    },
  };
}
