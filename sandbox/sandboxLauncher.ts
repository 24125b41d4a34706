/** Starts a sandbox API server seeded with a scenario: the one call tests, scripts and the CLI make. */
import * as path from "node:path";
import { SandboxApiServer, type SandboxApiServerOptions } from "./apiServer";
import { type SandboxAzure, startSandboxAzure } from "./azure/sandboxAzure";
import { demoIncidentAtMs } from "./demoIncident";
import { type SandboxMlflow, type SandboxMlflowOptions, startSandboxMlflow } from "./mlflow/sandboxMlflow";
import { type SandboxMetrics, type SandboxMetricsOptions, startSandboxMetrics } from "./metrics/sandboxMetrics";
import { type SandboxOpenCost, type SandboxOpenCostOptions, startSandboxOpenCost } from "./opencost/sandboxOpenCost";
import { type Scenario, loadScenario, readScenario, scenariosDir } from "./scenario";

export interface StartSandboxOptions extends Omit<SandboxApiServerOptions, "seed"> {
  /** A scenario under sandbox/scenarios/ by name ("demo"), a YAML file path, or a scenario object. */
  scenario?: string | Scenario;
  /**
   * Runs the exporters, a backfilled real Prometheus scraping them, and the service proxy to it
   * (server.stop() stops them). Off by default: it needs Debian's prometheus and a few seconds.
   */
  metrics?: boolean | SandboxMetricsOptions;
  /**
   * Runs the Azure fakes (Entra ID, ARM metrics and, with metrics, managed Prometheus in front of
   * the sandbox's Prometheus) under the API server's CA; server.stop() stops them. Off by default.
   */
  azure?: boolean;
  /**
   * Runs a fake OpenCost as the Service opencost/opencost (port 9003) behind the service proxy.
   * Off by default, so the demo's cost comes from the product's own model.
   */
  opencost?: boolean | SandboxOpenCostOptions;
  /**
   * Runs the fake MLflow registry (the demo seed unless `seed`) on its own port; server.stop()
   * stops it. `https: true` serves it under the API server's CA (endpoints.json then names
   * ca.pem). Off by default.
   */
  mlflow?: boolean | SandboxMlflowLaunchOptions;
}

export type SandboxMlflowLaunchOptions = Omit<SandboxMlflowOptions, "tls"> & { https?: boolean };

export interface StartedSandbox {
  server: SandboxApiServer;
  scenario: Scenario;
  metrics?: SandboxMetrics;
  azure?: SandboxAzure;
  opencost?: SandboxOpenCost;
  mlflow?: SandboxMlflow;
}

export function scenarioFile(name: string): string {
  return name.endsWith(".yaml") || name.endsWith(".yml") ? path.resolve(name) : path.join(scenariosDir, `${name}.yaml`);
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<StartedSandbox> {
  const { scenario: wanted = "demo", metrics: metricsOption, azure: azureOption, opencost: openCostOption, mlflow: mlflowOption, ...serverOptions } = options;
  const scenario = typeof wanted === "string" ? await readScenario(scenarioFile(wanted)) : wanted;
  const server = await SandboxApiServer.start({ ...serverOptions, seed: (store, logs) => loadScenario(store, logs, scenario) });
  const started: StartedSandbox = { server, scenario };
  try {
    if (metricsOption) {
      const metrics = await startSandboxMetrics(server, metricsOption === true ? {} : metricsOption);
      server.addStopHook(() => metrics.stop());
      started.metrics = metrics;
    }
    if (openCostOption) {
      const opencost = await startSandboxOpenCost(server, openCostOption === true ? {} : openCostOption);
      server.addStopHook(() => opencost.stop());
      started.opencost = opencost;
    }
    if (mlflowOption) {
      const { https, ...mlflowOptions } = mlflowOption === true ? {} : mlflowOption;
      const mlflow = await startSandboxMlflow({ ...mlflowOptions, ...(https ? { tls: server.tlsCertificates } : {}) });
      server.addStopHook(() => mlflow.stop());
      started.mlflow = mlflow;
    }
    if (azureOption) {
      // The fake online endpoint turns slow when the demo's bad revision rolled out, as its pods' metrics do.
      const incidentAtMs = demoIncidentAtMs(server.store);
      const azure = await startSandboxAzure({
        certificates: server.tlsCertificates,
        ...(started.metrics ? { prometheusUrl: started.metrics.prometheus.url } : {}),
        ...(incidentAtMs !== undefined ? { incidentAtMs } : {}),
      });
      server.addStopHook(() => azure.stop());
      started.azure = azure;
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return started;
}
