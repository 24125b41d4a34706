/**
 * Registers the drift dashboard: the serializer that restores panels after a window reload and
 * the open() a command calls. The panel code loads on first use, so activation pays only for
 * this file.
 */
import * as vscode from "vscode";
import { DriftPanelState, driftContract } from "../../shared/protocol/drift";
import type { DriftDashboardDeps, DriftPanel } from "./driftPanel";
import { WebviewPanelRegistry } from "./webviewPanelHost";

export type { DriftCheckProgress, DriftDashboardDeps, DriftLoadResult } from "./driftPanel";

export interface DriftDashboard extends vscode.Disposable {
  /** Reveals the service's drift dashboard, or opens one. */
  open(state: DriftPanelState): Promise<void>;
  /** A check of the service ended elsewhere (the Run Drift Check command, a row action): its open dashboard loads again. */
  refresh(service: string): void;
}

/** One dashboard per service: its manifest says where the data and the history are. */
export function driftPanelKey(service: string): string {
  return JSON.stringify([driftContract.viewType, service]);
}

export function registerDriftDashboard(extension: Pick<vscode.ExtensionContext, "extensionUri">, deps: DriftDashboardDeps): DriftDashboard {
  const services = { ...deps, extensionUri: extension.extensionUri };
  const registry = new WebviewPanelRegistry<DriftPanel>();
  let module: Promise<typeof import("./driftPanel")> | undefined;
  const load = (): Promise<typeof import("./driftPanel")> => (module ??= import("./driftPanel"));
  const track = (key: string, panel: DriftPanel): DriftPanel => {
    panel.onDidDispose(() => registry.remove(key, panel));
    return panel;
  };

  const serializer = vscode.window.registerWebviewPanelSerializer(driftContract.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = DriftPanelState.safeParse(state);
      if (!parsed.success) {
        deps.log.warn("Closed a restored drift dashboard whose saved state is missing or of an older shape.");
        panel.dispose();
        return;
      }
      const { DriftPanel } = await load();
      const key = driftPanelKey(parsed.data.service);
      const restored = new DriftPanel(services, panel, parsed.data);
      if (registry.adopt(key, restored)) track(key, restored);
      else restored.dispose();
    },
  });

  return {
    async open(state: DriftPanelState): Promise<void> {
      const key = driftPanelKey(state.service);
      const existing = registry.get(key);
      if (existing) {
        existing.retarget(state);
        existing.reveal();
        return;
      }
      const { DriftPanel } = await load();
      registry.openOrReveal(key, () => track(key, DriftPanel.create(services, state)));
    },
    refresh(service: string): void {
      registry.get(driftPanelKey(service))?.refresh();
    },
    dispose(): void {
      serializer.dispose();
      registry.dispose();
    },
  };
}
