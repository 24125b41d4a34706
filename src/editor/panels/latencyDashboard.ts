/**
 * Registers the latency dashboard: the serializer that restores panels after a window reload and
 * the open() a command calls. The panel code itself loads on first use, so activation pays only
 * for this file.
 */
import * as vscode from "vscode";
import { LatencyPanelState, latencyContract, type RangeSpec, type ServiceRef } from "../../shared/protocol/latency";
import type { LatencyPanel, LatencyPanelServices, WidthMemory } from "./latencyPanel";
import { WebviewPanelRegistry } from "./webviewPanelHost";

export type { LatencyData, LatencyPanelServices } from "./latencyPanel";

export interface LatencyDashboard extends vscode.Disposable {
  /** Reveals the service's dashboard, or opens one (at `range`, 6 h by default). */
  open(service: ServiceRef, range?: RangeSpec): Promise<void>;
}

export function latencyPanelKey(s: ServiceRef): string {
  return JSON.stringify([latencyContract.viewType, s.context, s.namespace, s.kind, s.name]);
}

export function registerLatencyDashboard(services: LatencyPanelServices): LatencyDashboard {
  const registry = new WebviewPanelRegistry<LatencyPanel>();
  // Until a webview says how wide its charts are: a typical editor column.
  const width: WidthMemory = { px: 1200 };
  let module: Promise<typeof import("./latencyPanel")> | undefined;
  const load = (): Promise<typeof import("./latencyPanel")> => (module ??= import("./latencyPanel"));
  const track = (key: string, panel: LatencyPanel): LatencyPanel => {
    panel.onDidDispose(() => registry.remove(key, panel));
    return panel;
  };

  const serializer = vscode.window.registerWebviewPanelSerializer(latencyContract.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = LatencyPanelState.safeParse(state);
      if (!parsed.success) {
        services.log.warn("Closed a restored latency dashboard whose saved state is missing or of an older shape.");
        panel.dispose();
        return;
      }
      const { LatencyPanel } = await load();
      const key = latencyPanelKey(parsed.data.service);
      const restored = new LatencyPanel(services, panel, parsed.data.service, parsed.data.range, width);
      if (registry.adopt(key, restored)) track(key, restored);
      else restored.dispose();
    },
  });

  return {
    async open(service: ServiceRef, range: RangeSpec = { preset: "6h" }): Promise<void> {
      const key = latencyPanelKey(service);
      const existing = registry.get(key);
      if (existing) {
        existing.reveal();
        return;
      }
      const { LatencyPanel } = await load();
      registry.openOrReveal(key, () => track(key, LatencyPanel.create(services, service, range, width)));
    },
    dispose(): void {
      serializer.dispose();
      registry.dispose();
    },
  };
}
