/** Starts a sandbox API server seeded with a scenario: the one call tests, scripts and the CLI make. */
import * as path from "node:path";
import { SandboxApiServer, type SandboxApiServerOptions } from "./apiServer";
import { type SandboxMetrics, type SandboxMetricsOptions, startSandboxMetrics } from "./metrics/sandboxMetrics";
import { type Scenario, loadScenario, readScenario, scenariosDir } from "./scenario";

export interface StartSandboxOptions extends Omit<SandboxApiServerOptions, "seed"> {
  /** A scenario under sandbox/scenarios/ by name ("demo"), a YAML file path, or a scenario object. */
  scenario?: string | Scenario;
  /**
   * Runs the exporters, a backfilled real Prometheus scraping them, and the service proxy to it
   * (server.stop() stops them). Off by default: it needs Debian's prometheus and a few seconds.
   */
  metrics?: boolean | SandboxMetricsOptions;
}

export function scenarioFile(name: string): string {
  return name.endsWith(".yaml") || name.endsWith(".yml") ? path.resolve(name) : path.join(scenariosDir, `${name}.yaml`);
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<{ server: SandboxApiServer; scenario: Scenario; metrics?: SandboxMetrics }> {
  const { scenario: wanted = "demo", metrics: metricsOption, ...serverOptions } = options;
  const scenario = typeof wanted === "string" ? await readScenario(scenarioFile(wanted)) : wanted;
  const server = await SandboxApiServer.start({ ...serverOptions, seed: (store, logs) => loadScenario(store, logs, scenario) });
  if (!metricsOption) return { server, scenario };
  let metrics: SandboxMetrics;
  try {
    metrics = await startSandboxMetrics(server, metricsOption === true ? {} : metricsOption);
  } catch (e) {
    await server.stop();
    throw e;
  }
  server.addStopHook(() => metrics.stop());
  return { server, scenario, metrics };
}
