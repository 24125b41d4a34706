/** The latency dashboard: header, regression banner, and one panel per chart the host sent. */
import { useCallback, useEffect, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { DeliveryReport } from "../../src/shared/protocol/delivery";
import type { LatencyFromWebview, LatencyPanelState, LatencyToWebview, LatencyView, RangeSpec, ServiceRef } from "../../src/shared/protocol/latency";
import { ChartPanel, chartable } from "../common/ChartPanel";
import { usePaintTracker } from "../common/usePaintTracker";
import { useThemeColors } from "../common/themeColors";
import type { WebviewBridge } from "../common/webviewBridge";
import { DeliverySection } from "./DeliverySection";
import { LatencyHeader } from "./LatencyHeader";
import { RegressionBanner } from "./RegressionBanner";

export type LatencyBridge = WebviewBridge<LatencyFromWebview, LatencyToWebview, LatencyPanelState>;

/**
 * The plot width of one chart in CSS pixels, so the host's step is no finer than a pixel: a chart
 * drawn already says it; before that it follows from the panel grid in dashboard.css (16 px page
 * margins and gaps, 480 px minimum columns, panel padding and the y axis).
 */
function widthPx(): number {
  const over = document.querySelector<HTMLElement>(".uplot .u-over");
  const measured = over?.clientWidth ?? 0;
  if (measured > 0) return Math.min(16_384, measured);
  const page = document.documentElement.clientWidth - 32;
  const columns = Math.max(1, Math.floor((page + 16) / (480 + 16)));
  return Math.max(100, Math.min(16_384, Math.round((page - 16 * (columns - 1)) / columns - 26 - 70)));
}

type Unavailable = Extract<LatencyToWebview, { type: "unavailable" }>;

const sameService = (a: ServiceRef, b: ServiceRef): boolean => a.context === b.context && a.namespace === b.namespace && a.kind === b.kind && a.name === b.name;

export function LatencyApp({ bridge }: { readonly bridge: LatencyBridge }): React.JSX.Element {
  const [saved] = useState(() => bridge.getState());
  const [service, setService] = useState<ServiceRef | undefined>(saved?.service);
  const [range, setRange] = useState<RangeSpec>(saved?.range ?? { preset: "6h" });
  const [view, setView] = useState<LatencyView | undefined>(undefined);
  const [unavailable, setUnavailable] = useState<Unavailable | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [delivery, setDelivery] = useState<{ service: ServiceRef; report: DeliveryReport } | undefined>(undefined);
  const { received, painted: onPainted } = usePaintTracker();
  const colors = useThemeColors();

  useEffect(
    () =>
      bridge.listen((message) => {
        switch (message.type) {
          case "loading":
            setLoading(true);
            setRange(message.range);
            if (message.service) {
              setService(message.service);
              bridge.setState({ service: message.service, range: message.range });
            }
            return;
          case "view": {
            const v = message.view;
            received(v.panels.filter(chartable).map((p) => p.id));
            setView(v);
            setService(v.service);
            setRange(v.range.spec);
            setUnavailable(undefined);
            setLoading(false);
            bridge.setState({ service: v.service, range: v.range.spec });
            return;
          }
          case "unavailable":
            setUnavailable(message);
            setView(undefined);
            setLoading(false);
            return;
          case "delivery":
            setDelivery({ service: message.service, report: message.report });
            return;
        }
      }),
    [bridge, received],
  );

  useEffect(() => bridge.post({ type: "ready", widthPx: widthPx() }), [bridge]);

  const onOpenRevision = useCallback((revision: number) => bridge.post({ type: "openRevision", revision }), [bridge]);

  const changeRange = (next: RangeSpec): void => {
    setRange(next);
    setLoading(true);
    if (service) bridge.setState({ service, range: next });
    bridge.post({ type: "setRange", range: next, widthPx: widthPx() });
  };

  return (
    <main className="dashboard" data-testid="latency-dashboard" aria-busy={loading}>
      <LatencyHeader
        service={service}
        view={view}
        range={range}
        loading={loading}
        onRange={changeRange}
        onRefresh={() => {
          setLoading(true);
          bridge.post({ type: "refresh", widthPx: widthPx() });
        }}
        onExport={() => bridge.post({ type: "exportCsv" })}
      />
      {view?.regression?.regressed && <RegressionBanner regression={view.regression} />}
      {unavailable && (
        <div className="unavailable" data-testid="unavailable" role="status">
          <p>{unavailable.message}</p>
          {unavailable.action === "connectMetrics" && (
            <VscodeButton icon="plug" onClick={() => bridge.post({ type: "connectMetrics" })} data-testid="connect-metrics">
              Connect Metrics…
            </VscodeButton>
          )}
        </div>
      )}
      {view && (
        <div className="panels">
          {view.panels.map((panel) => (
            <ChartPanel
              key={panel.id}
              panel={panel}
              source={view.source}
              markers={view.markers}
              colors={colors}
              syncKey="aiplat-latency"
              onOpenRevision={onOpenRevision}
              onPainted={onPainted}
            />
          ))}
        </div>
      )}
      {delivery && (!service || sameService(delivery.service, service)) && <DeliverySection report={delivery.report} colors={colors} />}
    </main>
  );
}
