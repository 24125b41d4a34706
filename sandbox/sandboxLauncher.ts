/** Starts a sandbox API server seeded with a scenario: the one call tests, scripts and the CLI make. */
import * as path from "node:path";
import { SandboxApiServer, type SandboxApiServerOptions } from "./apiServer";
import { type Scenario, loadScenario, readScenario, scenariosDir } from "./scenario";

export interface StartSandboxOptions extends Omit<SandboxApiServerOptions, "seed"> {
  /** A scenario under sandbox/scenarios/ by name ("demo"), a YAML file path, or a scenario object. */
  scenario?: string | Scenario;
}

export function scenarioFile(name: string): string {
  return name.endsWith(".yaml") || name.endsWith(".yml") ? path.resolve(name) : path.join(scenariosDir, `${name}.yaml`);
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<{ server: SandboxApiServer; scenario: Scenario }> {
  const { scenario: wanted = "demo", ...serverOptions } = options;
  const scenario = typeof wanted === "string" ? await readScenario(scenarioFile(wanted)) : wanted;
  const server = await SandboxApiServer.start({ ...serverOptions, seed: (store, logs) => loadScenario(store, logs, scenario) });
  return { server, scenario };
}
