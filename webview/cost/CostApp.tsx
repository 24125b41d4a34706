/**
 * The cost dashboard: totals and daily bars, the top cost drivers, GPU utilisation and idle cost
 * per pool, cost per 1K inferences over time, and which figures rest on defaults or estimates.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { CostAggregate, CostFromWebview, CostPanelState, CostReport, CostToWebview, CostWindowPreset } from "../../src/shared/protocol/cost";
import { usePaintTracker } from "../common/usePaintTracker";
import { useThemeColors } from "../common/themeColors";
import type { WebviewBridge } from "../common/webviewBridge";
import { CostDriversTable } from "./CostDriversTable";
import { CostHeader } from "./CostHeader";
import { CostTiles } from "./CostTiles";
import { DailyCostPanel } from "./DailyCostPanel";
import { Per1kPanel } from "./Per1kPanel";
import { defaultPer1kService, per1kColumns } from "./per1kChoice";
import { PoolsPanel } from "./PoolsPanel";
import { PricesAndEstimates } from "./PricesAndEstimates";

export type CostBridge = WebviewBridge<CostFromWebview, CostToWebview, CostPanelState>;

type CostError = Extract<CostToWebview, { type: "error" }>;

/** The charts a report draws: the daily bars when it has days, the per-1K chart when its service has values. */
function chartsOf(report: CostReport, per1kService: string | undefined): string[] {
  const ids: string[] = [];
  if (report.daily.length > 0) ids.push("daily");
  const s = report.per1k.find((x) => x.service === per1kService);
  if (s && per1kColumns(s).ys[0]?.some((v) => Number.isFinite(v))) ids.push("per1k");
  return ids;
}

/** Every row lacks request counts: the source has none (or there is no metrics source). */
function noRequestCounts(report: CostReport): boolean {
  return report.rows.length > 0 && report.rows.every((r) => r.requests === null);
}

export function CostApp({ bridge }: { readonly bridge: CostBridge }): React.JSX.Element {
  const [saved] = useState(() => bridge.getState());
  const [context, setContext] = useState<string | undefined>(saved?.context);
  const [costWindow, setCostWindow] = useState<CostWindowPreset>(saved?.window ?? "7d");
  const [aggregate, setAggregate] = useState<CostAggregate>(saved?.aggregate ?? "service");
  const [report, setReport] = useState<CostReport | undefined>(undefined);
  const [error, setError] = useState<CostError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [per1kService, setPer1kService] = useState<string | undefined>(undefined);
  const { received, painted } = usePaintTracker();
  const colors = useThemeColors();
  const per1kKept = useRef<string | undefined>(undefined);

  useEffect(
    () =>
      bridge.listen((message) => {
        switch (message.type) {
          case "loading":
            setLoading(true);
            setContext(message.context);
            setCostWindow(message.window);
            setAggregate(message.aggregate);
            bridge.setState({ context: message.context, window: message.window, aggregate: message.aggregate });
            return;
          case "report": {
            const r = message.report;
            const service = defaultPer1kService(r, per1kKept.current);
            per1kKept.current = service;
            received(chartsOf(r, service));
            setPer1kService(service);
            setReport(r);
            setCostWindow(message.window);
            setAggregate(r.aggregate);
            setError(undefined);
            setLoading(false);
            return;
          }
          case "error":
            setError(message);
            setReport(undefined);
            setLoading(false);
            return;
        }
      }),
    [bridge, received],
  );

  useEffect(() => bridge.post({ type: "ready" }), [bridge]);

  const onDailyPainted = useCallback(() => painted("daily"), [painted]);
  const onPer1kPainted = useCallback(() => painted("per1k"), [painted]);
  const onOpenService = useCallback((service: string) => bridge.post({ type: "openService", service }), [bridge]);
  const refresh = (): void => {
    setLoading(true);
    bridge.post({ type: "refresh" });
  };
  const connectMetrics = (): void => {
    setLoading(true);
    bridge.post({ type: "connectMetrics" });
  };

  const remember = (next: Partial<CostPanelState>): void => {
    if (context) bridge.setState({ context, window: costWindow, aggregate, ...next });
  };

  return (
    <main className="dashboard cost-dashboard" data-testid="cost-dashboard" aria-busy={loading}>
      <CostHeader
        context={context}
        report={report}
        window={costWindow}
        aggregate={aggregate}
        loading={loading}
        onWindow={(w) => {
          setCostWindow(w);
          setLoading(true);
          remember({ window: w });
          bridge.post({ type: "setWindow", window: w });
        }}
        onAggregate={(a) => {
          setAggregate(a);
          setLoading(true);
          remember({ aggregate: a });
          bridge.post({ type: "setAggregate", aggregate: a });
        }}
        onRefresh={refresh}
        onExport={(by) => bridge.post({ type: "exportShowback", by })}
      />
      {error && (
        <div className="unavailable cost-error" data-testid="cost-error" role="alert">
          <p>{error.message}</p>
          {error.detail && <pre className="panel-status-detail">{error.detail}</pre>}
          <div className="notice-actions">
            <VscodeButton icon="refresh" onClick={refresh} data-testid="retry">
              Try again
            </VscodeButton>
            <VscodeButton secondary icon="plug" onClick={connectMetrics} data-testid="connect-metrics">
              Connect Metrics…
            </VscodeButton>
          </div>
        </div>
      )}
      {!report && !error && loading && (
        <p className="cost-placeholder" role="status" data-testid="cost-loading">
          Computing the cost report: node prices, pod requests and usage over the window…
        </p>
      )}
      {report && noRequestCounts(report) && (
        <div className="unavailable" data-testid="no-metrics" role="status">
          <p>
            No request counts{report.estimates.some((e) => e.code === "no-usage") ? " or usage" : ""}: costs follow pod requests, and there is no cost per 1K inferences. Connect a
            Prometheus or Azure Monitor source for usage, GPU utilisation and request counts.
          </p>
          <VscodeButton secondary icon="plug" onClick={connectMetrics} data-testid="connect-metrics">
            Connect Metrics…
          </VscodeButton>
        </div>
      )}
      {report && report.nodes.length === 0 && report.rows.length === 0 ? (
        <div className="unavailable" data-testid="cost-empty" role="status">
          <p>No nodes in {context ?? "this context"} during this window, so there is nothing to cost.</p>
        </div>
      ) : (
        report && (
          <>
            <CostTiles report={report} />
            <div className="panels">
              <DailyCostPanel report={report} colors={colors} onPainted={onDailyPainted} />
              <Per1kPanel
                report={report}
                service={per1kService}
                colors={colors}
                onService={(s) => {
                  per1kKept.current = s;
                  setPer1kService(s);
                }}
                onOpenService={onOpenService}
                onPainted={onPer1kPainted}
              />
              <CostDriversTable report={report} onOpenService={onOpenService} />
              <PoolsPanel report={report} />
              <PricesAndEstimates report={report} />
            </div>
          </>
        )
      )}
    </main>
  );
}
