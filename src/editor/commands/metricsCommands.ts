import * as vscode from "vscode";
import { detectPrometheus, type DetectedPrometheus } from "../../core/metrics/prometheusDiscovery";
import type { MetricsSourceSetting } from "../../core/metrics/metricsSettings";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import { azureMlOnlineEndpointNamespace } from "../../core/metrics/queryCatalog";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId, SettingKey } from "../contributionIds";
import { explainNotConnected } from "../explain";
import { withAbortSignal } from "../lifecycle";
import { runConnectMetricsWizard, type TestOutcome } from "../metrics/connectMetricsWizard";
import type { MetricsConnection } from "../metrics/metricsConnection";
import { describeProbe, probePrometheus } from "../metrics/metricsProbe";
import { azureManagementScope, createMetricsSourceFromPlan } from "../metrics/metricsSourceFactory";
import { encodeStoredSecret, originOf, planMetricsSource, secretStorageKey, withMetricsSource } from "../metrics/metricsSourceResolution";
import { MicrosoftSessionCredential } from "../metrics/microsoftCredential";
import { showUserMessage, type CommandRunner } from "./commandRunner";

export interface MetricsCommandDeps {
  readonly connection: ClusterConnection;
  readonly metrics: MetricsConnection;
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
}

/** Connect Metrics…: detect or enter a source for the selected context, test it, save it. */
export function registerMetricsCommands(runner: CommandRunner, deps: MetricsCommandDeps): vscode.Disposable[] {
  return [runner.register(CommandId.connectMetrics, () => connectMetrics(deps))];
}

async function connectMetrics(deps: MetricsCommandDeps): Promise<MetricsSourceSetting | undefined> {
  const context = deps.metrics.contextName;
  if (context === undefined) {
    void showUserMessage(explainNotConnected());
    return undefined;
  }
  const state = deps.connection.state;
  const kc = state.kind !== "none" && state.context.name === context ? deps.connection.kubeConfig : undefined;
  let detected: readonly DetectedPrometheus[] | undefined;
  if (kc) {
    const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Looking for Prometheus in ${context}…`, cancellable: true }, (_p, token) =>
      withAbortSignal(token, async (signal) => {
        try {
          return await detectPrometheus(kc, { signal });
        } catch (e) {
          if (signal.aborted) return "cancelled" as const;
          deps.log.warn(`Connect Metrics: could not look for Prometheus in ${context}: ${e instanceof Error ? e.message : String(e)}`);
          return [];
        }
      }),
    );
    if (found === "cancelled") return undefined;
    detected = found;
    for (const d of found) deps.log.info(`Connect Metrics: ${d.flavor} at ${d.namespace}/${d.service}:${d.port}: ${d.ok ? `answers${d.version ? ` (Prometheus ${d.version})` : ""}` : d.error.kind}`);
  }

  const test = async (entry: MetricsSourceSetting, secret: string | undefined): Promise<TestOutcome | undefined> =>
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Testing the metrics source…", cancellable: true }, (_p, token) =>
      withAbortSignal(token, async (signal) => {
        const outcome = await testEntry(entry, secret, kc, detected, signal);
        return signal.aborted ? undefined : outcome;
      }),
    );
  const answers = await runConnectMetricsWizard({ context, detected, test, workspaceOpen: (vscode.workspace.workspaceFolders?.length ?? 0) > 0 });
  if (!answers?.entry || answers.target === undefined) return undefined;

  const entry = answers.entry;
  const secretKey = entry.auth?.secretKey;
  if (secretKey !== undefined && answers.secret !== undefined && entry.url) {
    await deps.secrets.store(secretStorageKey(secretKey), encodeStoredSecret({ origin: originOf(entry.url), value: answers.secret }));
  }
  const config = vscode.workspace.getConfiguration();
  const inspected = config.inspect<unknown>(SettingKey.metricsSources);
  const existing = answers.target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
  await config.update(SettingKey.metricsSources, withMetricsSource(existing, entry), answers.target);
  deps.log.info(`Connect Metrics: saved the ${entry.kind} source for ${context} in ${answers.target === vscode.ConfigurationTarget.Global ? "user" : "workspace"} settings. ${answers.report}`);
  void vscode.window.showInformationMessage(`Metrics for ${context}: ${answers.report}`);
  return entry;
}

async function testEntry(
  entry: MetricsSourceSetting,
  secret: string | undefined,
  kc: ClusterConnection["kubeConfig"],
  detected: readonly DetectedPrometheus[] | undefined,
  signal: AbortSignal,
): Promise<TestOutcome> {
  const now = Math.floor(Date.now() / 1000);
  const found = entry.service ? detected?.find((d) => d.ok && d.namespace === entry.service?.namespace && d.service === entry.service.name) : undefined;
  let source: MetricsSource;
  if (found?.ok) {
    source = found.source;
  } else {
    const planned = planMetricsSource(entry, { kubeConfig: kc, secret: secret !== undefined && entry.url ? { origin: originOf(entry.url), value: secret } : undefined });
    if (!planned.ok) return { ok: false, error: planned.problem };
    // The first sign-in happens here, so this credential may ask; the background ones never do.
    const built = await createMetricsSourceFromPlan(planned.plan, (tenantId) => new MicrosoftSessionCredential(vscode.authentication, { tenantId, interactive: true }));
    if (!built.ok) return { ok: false, error: built.problem };
    source = built.source;
  }
  if (entry.kind === "azure-monitor") return testAzureMonitor(entry, source, now, signal);
  const probe = await probePrometheus(source, { now, signal });
  return probe.ok ? { ok: true, report: describeProbe(probe) } : { ok: false, error: probe.error };
}

async function testAzureMonitor(entry: MetricsSourceSetting, source: MetricsSource, now: number, signal: AbortSignal): Promise<TestOutcome> {
  const resourceUri = entry.azure?.resourceId;
  if (resourceUri === undefined) {
    try {
      const credential = new MicrosoftSessionCredential(vscode.authentication, { tenantId: entry.azure?.tenantId, interactive: true });
      await credential.getToken(azureManagementScope);
      return { ok: true, report: `${source.description}: signed in to Microsoft; no resource was queried.` };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  const r = await source.queryInstant({ kind: "azure-monitor", resourceUri, metricNamespace: azureMlOnlineEndpointNamespace, metricName: "RequestsPerMinute", aggregation: "total" }, now, signal);
  return r.ok ? { ok: true, report: `${source.description}: RequestsPerMinute of ${resourceUri.split("/").pop() ?? resourceUri} answered (${r.value.length} series).` } : { ok: false, error: r.error };
}
