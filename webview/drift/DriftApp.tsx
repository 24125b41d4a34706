/**
 * The drift dashboard of one service: the latest check's verdict, every feature most severe first,
 * the chosen feature's histograms, CDFs and history with deploy markers, and the monitoring
 * coverage of production services. States that are not a result say what they are: loading, no
 * check yet, an error, a partial result, no history.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { DriftFromWebview, DriftPanelState, DriftToWebview, DriftView } from "../../src/shared/protocol/drift";
import { useThemeColors } from "../common/themeColors";
import { usePaintTracker } from "../common/usePaintTracker";
import type { WebviewBridge } from "../common/webviewBridge";
import { CoveragePanel } from "./CoveragePanel";
import { type CheckProgress, DriftHeader } from "./DriftHeader";
import { DriftSummary } from "./DriftSummary";
import { FeatureDetail, featureCharts } from "./FeatureDetail";
import { FeatureTable } from "./FeatureTable";
import { type FeatureFilter, type FeatureRow, featureRows } from "./featureRows";
import { HistoryPanel, historyChartable } from "./HistoryPanel";

export type DriftBridge = WebviewBridge<DriftFromWebview, DriftToWebview, DriftPanelState>;

type DriftError = Extract<DriftToWebview, { type: "error" }>;

/** The row to show: the one chosen before if the new result still has it, else the most severe. */
export function chooseRow(rows: readonly FeatureRow[], kept: string | undefined): FeatureRow | undefined {
  return rows.find((r) => r.key === kept) ?? rows[0];
}

/** The charts a view draws for its chosen row, for the paint signal. */
function chartsOf(view: DriftView, row: FeatureRow | undefined): string[] {
  if (!row) return [];
  return [...featureCharts(row.feature), ...(historyChartable(view.history, row) ? ["history"] : [])];
}

export function DriftApp({ bridge }: { readonly bridge: DriftBridge }): React.JSX.Element {
  const [saved] = useState(() => bridge.getState());
  const [service, setService] = useState<string | undefined>(saved?.service);
  const [manifest, setManifest] = useState<string | undefined>(saved?.manifest);
  const [view, setView] = useState<DriftView | undefined>(undefined);
  const [error, setError] = useState<DriftError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [progress, setProgress] = useState<CheckProgress | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState<FeatureFilter>({ text: "", driftedOnly: false });
  const selectedKept = useRef<string | undefined>(undefined);
  const { received, painted } = usePaintTracker();
  const colors = useThemeColors();

  useEffect(
    () =>
      bridge.listen((message) => {
        switch (message.type) {
          case "loading":
            setLoading(true);
            setService(message.service);
            if (message.manifest) {
              setManifest(message.manifest);
              bridge.setState({ service: message.service, manifest: message.manifest });
            }
            return;
          case "view": {
            const latest = message.view.latest;
            const row = latest ? chooseRow(featureRows(latest), selectedKept.current) : undefined;
            selectedKept.current = row?.key;
            received(chartsOf(message.view, row));
            setSelected(row?.key);
            setService(message.service);
            setView(message.view);
            setError(undefined);
            setLoading(false);
            // A check still running is re-announced by the host right after the view.
            setProgress(undefined);
            return;
          }
          case "progress":
            setProgress({ percent: message.percent, message: message.message });
            return;
          case "error":
            setError(message);
            setView(undefined);
            setLoading(false);
            setProgress(undefined);
            return;
        }
      }),
    [bridge, received],
  );

  useEffect(() => bridge.post({ type: "ready" }), [bridge]);

  const latest = view?.latest ?? null;
  const rows = useMemo(() => (latest ? featureRows(latest) : []), [latest]);
  const row = rows.find((r) => r.key === selected);
  const onSelect = useCallback((key: string) => {
    selectedKept.current = key;
    setSelected(key);
  }, []);
  const refresh = (): void => {
    setLoading(true);
    bridge.post({ type: "refresh" });
  };
  const runCheck = (): void => {
    setProgress({ percent: 0, message: "Starting the drift check…" });
    bridge.post({ type: "runCheck" });
  };
  const openManifest = (): void => bridge.post({ type: "openManifest" });
  const onHistogramOrEcdf = useCallback((id: "histogram" | "ecdf") => painted(id), [painted]);
  const onHistoryPainted = useCallback(() => painted("history"), [painted]);

  return (
    <main className="dashboard drift-dashboard" data-testid="drift-dashboard" aria-busy={loading} data-state={error ? "error" : !view ? "loading" : !latest ? "empty" : latest.partial ? "partial" : "result"}>
      <DriftHeader service={service} manifest={manifest} latest={latest} loading={loading} progress={progress} onRunCheck={runCheck} onOpenManifest={openManifest} onRefresh={refresh} />
      {error && (
        <div className="unavailable drift-error" data-testid="drift-error" role="alert">
          <p>{error.message}</p>
          {error.detail && <pre className="panel-status-detail">{error.detail}</pre>}
          <div className="notice-actions">
            <VscodeButton icon="refresh" onClick={refresh} data-testid="retry">
              Try again
            </VscodeButton>
            <VscodeButton secondary icon="go-to-file" onClick={openManifest} data-testid="error-open-manifest">
              Open Manifest
            </VscodeButton>
          </div>
        </div>
      )}
      {!view && !error && loading && (
        <p className="drift-placeholder" role="status" data-testid="drift-loading">
          Loading the latest drift check, its history and monitoring coverage…
        </p>
      )}
      {view && !latest && (
        <div className="unavailable" data-testid="drift-empty" role="status">
          <p>
            No drift check has run for {service ?? "this service"} yet. Run Check compares the current data with the reference named in the manifest's monitoring.drift, and
            keeps the result under .aiplatform/drift/ so its history builds up.
          </p>
          <div className="notice-actions">
            <VscodeButton icon="play" disabled={progress !== undefined} onClick={runCheck} data-testid="empty-run-check">
              Run Check
            </VscodeButton>
            <VscodeButton secondary icon="go-to-file" onClick={openManifest} data-testid="empty-open-manifest">
              Open Manifest
            </VscodeButton>
          </div>
        </div>
      )}
      {latest?.partial && (
        <div className="regression-banner drift-partial" data-testid="drift-partial" role="alert">
          <strong>Partial result.</strong> {latest.partial.reason} The figures below cover only what was read and compared.
        </div>
      )}
      {view && latest && <DriftSummary result={latest} rows={rows} />}
      {view && (
        <div className="panels">
          {latest && <FeatureTable rows={rows} selected={selected} onSelect={onSelect} filter={filter} onFilter={setFilter} />}
          {row && <FeatureDetail row={row} colors={colors} onPainted={onHistogramOrEcdf} />}
          {row && service && <HistoryPanel service={service} row={row} history={view.history} markers={view.markers} colors={colors} onPainted={onHistoryPainted} />}
          <CoveragePanel coverage={view.coverage} />
        </div>
      )}
    </main>
  );
}
