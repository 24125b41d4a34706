/** The service at a glance, Run Check with its progress, the manifest, and refresh. */
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import VscodeProgressBar from "@vscode-elements/react-elements/dist/components/VscodeProgressBar.js";
import VscodeProgressRing from "@vscode-elements/react-elements/dist/components/VscodeProgressRing.js";
import type { DriftResult } from "../../src/shared/protocol/drift";
import { formatTime } from "../common/valueFormat";

export interface CheckProgress {
  readonly percent: number;
  readonly message: string;
}

export interface DriftHeaderProps {
  readonly service: string | undefined;
  readonly manifest: string | undefined;
  readonly latest: DriftResult | null | undefined;
  readonly loading: boolean;
  readonly progress: CheckProgress | undefined;
  readonly onRunCheck: () => void;
  readonly onOpenManifest: () => void;
  readonly onRefresh: () => void;
}

export function DriftHeader(p: DriftHeaderProps): React.JSX.Element {
  const checking = p.progress !== undefined;
  return (
    <header className="dashboard-header" data-testid="drift-header">
      <div className="dashboard-title">
        <h1>Drift{p.service ? ` · ${p.service}` : ""}</h1>
        {p.manifest && (
          <span className="dashboard-subtitle" data-testid="drift-manifest">
            {p.manifest}
          </span>
        )}
      </div>
      <div className="dashboard-controls">
        <VscodeButton icon="play" disabled={checking} onClick={p.onRunCheck} data-testid="run-check" title="Compare the current data with the reference (monitoring.drift in the manifest)">
          {checking ? "Checking…" : "Run Check"}
        </VscodeButton>
        <VscodeButton secondary icon="go-to-file" onClick={p.onOpenManifest} data-testid="open-manifest" title="Open the manifest's monitoring.drift">
          Open Manifest
        </VscodeButton>
        <VscodeButton secondary icon="refresh" disabled={checking} onClick={p.onRefresh} data-testid="refresh-button" aria-label="Load the results again">
          Refresh
        </VscodeButton>
        <span className="refresh-indicator" data-testid="refresh-indicator" data-state={p.loading ? "loading" : "idle"} aria-live="polite">
          {p.loading && !checking ? <VscodeProgressRing className="refresh-ring" aria-label="Loading" /> : null}
          {p.loading && !checking ? "Loading…" : p.latest ? `Checked ${formatTime(Date.parse(p.latest.checkedAt) / 1000)}` : ""}
        </span>
      </div>
      {p.progress && (
        <div className="drift-progress" data-testid="check-progress" data-percent={String(Math.round(p.progress.percent))} role="status" aria-live="polite">
          <VscodeProgressBar value={p.progress.percent} max={100} aria-label="Drift check progress" />
          <span>
            {Math.round(p.progress.percent)} % · {p.progress.message}
          </span>
        </div>
      )}
    </header>
  );
}
