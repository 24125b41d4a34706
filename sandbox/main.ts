/**
 * npm run sandbox [-- --port N --scenario NAME|FILE --kubeconfig FILE --no-controllers --no-metrics]:
 * serves a scenario on 127.0.0.1 with the simulated controllers running and a real Prometheus
 * scraping its exporters, writes a kubeconfig and .sandbox/endpoints.json, and runs until Ctrl-C.
 */
import { rm } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type SandboxApiServer } from "./apiServer";
import { writeSandboxEndpoints } from "./endpoints";
import { writeKubeconfig } from "./kubeconfig";
import { type SandboxMetrics } from "./metrics/sandboxMetrics";
import { type Scenario } from "./scenario";
import { scenarioFile, startSandbox } from "./sandboxLauncher";

const repoRoot = path.resolve(__dirname, "..");

const Flags = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  scenario: z.string().min(1),
  kubeconfig: z.string().min(1),
  controllers: z.boolean(),
  metrics: z.boolean(),
  backfillDays: z.coerce.number().int().min(0).max(90),
});

/** Prometheus logs a lot; show its warnings and errors and the backfill summary only. */
const metricsLog = (line: string): void => {
  if (/level=(warn|error)|^\[metrics\]/.test(line)) console.log(line);
};

const usage = `usage: npm run sandbox -- [--port N] [--scenario NAME|FILE] [--kubeconfig FILE] [--no-controllers] [--no-metrics] [--backfill-days N]
  --port        port on 127.0.0.1 (default 6443; 0 picks a free one)
  --scenario    a scenario under sandbox/scenarios/ or a YAML file (default demo)
  --kubeconfig  where to write the kubeconfig (default .sandbox/kubeconfig)
  --no-controllers  serve the scenario as written, with no scheduler, kubelets or controllers
  --no-metrics      no exporters and no Prometheus (Prometheus needs Debian's prometheus package)
  --backfill-days   days of metrics history written before Prometheus starts (default 7; 0 for none)`;

function fail(message: string): never {
  console.error(`sandbox: ${message}\n${usage}`);
  process.exit(2);
}

function readFlags(argv: string[]): z.infer<typeof Flags> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        scenario: { type: "string" },
        kubeconfig: { type: "string" },
        "no-controllers": { type: "boolean" },
        "no-metrics": { type: "boolean" },
        "backfill-days": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const parsed = Flags.safeParse({
    port: values.port ?? "6443",
    scenario: values.scenario ?? "demo",
    kubeconfig: values.kubeconfig ?? path.join(repoRoot, ".sandbox", "kubeconfig"),
    controllers: values["no-controllers"] !== true,
    metrics: values["no-metrics"] !== true,
    backfillDays: values["backfill-days"] ?? "7",
  });
  if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2));
  let server: SandboxApiServer;
  let scenario: Scenario;
  let metrics: SandboxMetrics | undefined;
  const sandboxDir = path.join(repoRoot, ".sandbox");
  try {
    ({ server, scenario, metrics } = await startSandbox({
      port: flags.port,
      scenario: flags.scenario,
      controllers: flags.controllers,
      ...(flags.metrics
        ? { metrics: { backfillDays: flags.backfillDays, dir: path.join(sandboxDir, `prometheus-${process.pid}`), log: metricsLog } }
        : {}),
    }));
  } catch (e) {
    fail(`cannot start the sandbox (scenario ${scenarioFile(flags.scenario)}, port ${flags.port}): ${(e as Error).message}`);
  }
  const kubeconfig = path.resolve(flags.kubeconfig);
  await writeKubeconfig(kubeconfig, { server: server.url, caCert: server.caCert, token: server.token });
  const endpointsFile = path.join(sandboxDir, "endpoints.json");
  await writeSandboxEndpoints(endpointsFile, {
    apiServer: server.url,
    kubeconfig,
    ...(metrics ? { prometheus: { url: metrics.prometheus.url, serviceProxy: metrics.serviceProxy } } : {}),
  });
  console.log(`Sandbox cluster "${scenario.name ?? flags.scenario}" serving on ${server.url}`);
  console.log(`Kubeconfig: ${kubeconfig}`);
  if (metrics) console.log(`Prometheus: ${metrics.prometheus.url} (in the cluster: service ${metrics.serviceProxy}, through the API server's service proxy)`);
  console.log(`Endpoints: ${endpointsFile}`);
  console.log(flags.controllers ? "Controllers, scheduler and kubelets are running (--no-controllers to serve the scenario as written)." : "No controllers: objects change only when you change them.");
  console.log(`Try:  KUBECONFIG=${kubeconfig} kubectl get pods -A`);
  console.log("Ctrl-C stops it.");
  // endpoints.json describes a running sandbox: it goes when the sandbox does.
  const shutdown = (): void => {
    void server
      .stop()
      .then(() => rm(endpointsFile, { force: true }))
      .then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

void main();
