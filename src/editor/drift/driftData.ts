/**
 * What the drift dashboard shows for a service: its kept results (the newest whole, the rest as
 * history points), the deploys of its workload in the selected cluster as markers on the history
 * chart, and the monitoring coverage of the workspace's manifests and the cluster's production
 * workloads. Loaded with the first dashboard.
 */
import * as vscode from "vscode";
import { readAuditLog } from "../../core/audit/auditLog";
import { readDriftHistory, toHistoryPoint } from "../../core/drift/driftHistory";
import { coverageWorkloadOf, monitoringCoverage } from "../../core/drift/monitoringCoverage";
import { deploymentRevisions } from "../../core/kube/rollout/rolloutUndo";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import { changeMarkers } from "../../core/metrics/changeMarkers";
import type { DriftPanelState, DriftView } from "../../shared/protocol/drift";
import type { ChangeMarker } from "../../shared/protocol/latency";
import type { ClusterConnection } from "../clusterConnection";
import { describeDriftHistoryError, describeDriftHistoryWarning } from "./driftErrorText";
import { manifestsForWorkload, type WorkspaceManifest } from "./driftServiceOf";
import { findWorkspaceManifests, readWorkspaceManifest } from "./workspaceManifests";

export interface DriftDataServices {
  readonly connection: ClusterConnection;
  /** The audit log file, for deploys made through this extension (who, why). */
  readonly auditFile: () => string;
  readonly log: vscode.LogOutputChannel;
  /** What was logged about skipped history files, so a bad file is logged once, not on every load. */
  readonly logged: Set<string>;
}

export type DriftLoad = { ok: true; view: DriftView } | { ok: false; message: string; detail?: string };

/** Markers reach back this far before the oldest kept check, so the deploy that started a drift shows. */
const markerLeadSeconds = 7 * 86_400;

const shownPath = (file: string): string => vscode.workspace.asRelativePath(file, true);

function logOnce(deps: DriftDataServices, line: string): void {
  if (deps.logged.has(line)) return;
  deps.logged.add(line);
  deps.log.warn(line);
}

export async function loadDriftView(deps: DriftDataServices, state: DriftPanelState, signal: AbortSignal): Promise<DriftLoad> {
  const uri = vscode.Uri.file(state.manifest);
  const target = await readWorkspaceManifest(uri);
  if (!target) {
    return { ok: false, message: `${shownPath(state.manifest)} is gone or is no longer a valid service manifest, so ${state.service}'s drift data cannot be found.`, detail: "Fix the manifest (its problems are in the Problems view) and try again." };
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return { ok: false, message: `${shownPath(state.manifest)} is outside the workspace folders; drift history is kept in the manifest's workspace folder.` };
  const read = await readDriftHistory(folder.uri.fsPath, state.service, { signal });
  if (!read.ok) return { ok: false, message: `${state.service}'s drift history cannot be read: ${describeDriftHistoryError(read.error, shownPath)}` };
  for (const w of read.history.warnings) logOnce(deps, `Drift dashboard for ${state.service}: ${describeDriftHistoryWarning(w, shownPath)}`);
  signal.throwIfAborted();
  const results = read.history.results;
  const now = Math.floor(Date.now() / 1000);
  const oldest = results[0] ? Date.parse(results[0].checkedAt) / 1000 : now;
  const [markers, coverage] = await Promise.all([deployMarkers(deps, target, oldest - markerLeadSeconds, now), workspaceCoverage(deps)]);
  signal.throwIfAborted();
  return { ok: true, view: { latest: results[results.length - 1] ?? null, history: results.map(toHistoryPoint), markers, coverage } };
}

/** The service's workload in the selected context, if the cluster runs one deployed from this manifest. */
function workloadOfManifest(connection: ClusterConnection, target: WorkspaceManifest): { context: string; workload: Workload } | undefined {
  const state = connection.state;
  const index = connection.model?.workloads;
  if (state.kind === "none" || !index) return undefined;
  const context = state.context.name;
  for (const { workload } of index.all()) {
    const meta = workload.inferenceService?.metadata ?? workload.deployment?.metadata;
    if (manifestsForWorkload([target], { context, namespace: workload.namespace, name: workload.name, labels: meta?.labels }).length > 0) return { context, workload };
  }
  return undefined;
}

async function deployMarkers(deps: DriftDataServices, target: WorkspaceManifest, start: number, end: number): Promise<ChangeMarker[]> {
  const found = workloadOfManifest(deps.connection, target);
  const index = deps.connection.model?.workloads;
  if (!found || !index) return [];
  const { context, workload: w } = found;
  const audit = await readAuditLog(deps.auditFile());
  return changeMarkers({
    workload: { context, namespace: w.namespace, kind: w.kind, name: w.name },
    revisions: w.deployment ? deploymentRevisions(w.deployment, index.replicaSetsOf(w)) : [],
    audit: audit.ok ? audit.records : [],
    start,
    end,
  }).slice(-1000);
}

async function workspaceCoverage(deps: DriftDataServices): Promise<DriftView["coverage"]> {
  const { manifests } = await findWorkspaceManifests();
  const state = deps.connection.state;
  const index = deps.connection.model?.workloads;
  const workloads = state.kind !== "none" && index ? index.all().map(({ workload }) => coverageWorkloadOf(state.context.name, workload)) : [];
  const coverage = monitoringCoverage({ manifests, workloads });
  // The contract holds at most 5000 rows; the shares are computed over all of them.
  return { ...coverage, services: coverage.services.slice(0, 5000) };
}
