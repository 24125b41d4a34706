/**
 * npm run sandbox [-- --port N --scenario NAME|FILE --kubeconfig FILE --no-controllers --no-metrics --opencost --no-mlflow --mlflow-auth basic|bearer]:
 * serves a scenario on 127.0.0.1 with the simulated controllers running, a real Prometheus
 * scraping its exporters and the Azure fakes (Entra ID, ARM metrics, managed Prometheus), writes a
 * kubeconfig, .sandbox/endpoints.json and .sandbox/ca.pem, and runs until Ctrl-C. A fake MLflow
 * model registry with the demo's models runs too (--no-mlflow leaves it out).
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as z from "zod";
import { type SandboxEndpoints, removeSandboxEndpoints, writeRunningSandboxEndpoints } from "./endpoints";
import { writeKubeconfig } from "./kubeconfig";
import type { MlflowAuth } from "./mlflow/mlflowServer";
import { type SandboxMlflowLaunchOptions, type StartedSandbox, scenarioFile, startSandbox } from "./sandboxLauncher";

const repoRoot = path.resolve(__dirname, "..");

const Flags = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  scenario: z.string().min(1),
  kubeconfig: z.string().min(1),
  controllers: z.boolean(),
  metrics: z.boolean(),
  backfillDays: z.coerce.number().int().min(0).max(90),
  opencost: z.boolean(),
  mlflow: z.boolean(),
  mlflowAuth: z.enum(["none", "basic", "bearer"], "none, basic or bearer"),
});

/** Prometheus logs a lot; show its warnings and errors and the backfill summary only. */
const metricsLog = (line: string): void => {
  if (/level=(warn|error)|^\[metrics\]/.test(line)) console.log(line);
};

const usage = `usage: npm run sandbox -- [--port N] [--scenario NAME|FILE] [--kubeconfig FILE] [--no-controllers] [--no-metrics] [--backfill-days N] [--opencost] [--no-mlflow] [--mlflow-auth none|basic|bearer]
  --port        port on 127.0.0.1 (default 6443; 0 picks a free one)
  --scenario    a scenario under sandbox/scenarios/ or a YAML file (default demo)
  --kubeconfig  where to write the kubeconfig (default .sandbox/kubeconfig)
  --no-controllers  serve the scenario as written, with no scheduler, kubelets or controllers
  --no-metrics      no exporters, no Prometheus (it needs Debian's prometheus package) and no Azure fakes
  --backfill-days   days of metrics history written before Prometheus starts (default 7; 0 for none)
  --no-mlflow       no fake MLflow model registry (on by default, with the demo's registered models)
  --mlflow-auth     none (default), basic or bearer: the fake registry asks for credentials (printed to endpoints.json)
  --opencost        also serve a fake OpenCost as service opencost/opencost:9003 (off: cost comes from our own model)`;

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
        opencost: { type: "boolean" },
        "no-mlflow": { type: "boolean" },
        "mlflow-auth": { type: "string" },
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
    opencost: values.opencost === true,
    mlflow: values["no-mlflow"] !== true,
    mlflowAuth: values["mlflow-auth"] ?? "none",
  });
  if (!parsed.success) fail(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

/** How to reach the Azure fakes; the client secret stays in endpoints.json (0600), never on the terminal. */
function azureHelp(azure: NonNullable<SandboxEndpoints["azure"]>, endpointsFile: string, kubeconfig: string): string {
  const lines = [
    `Azure (fake, under the sandbox's CA ${azure.caFile}):`,
    `  Entra ID token endpoint  ${azure.authorityHost}  tenant ${azure.tenantId}, client ${azure.clientId} (secret: azure.clientSecret in ${endpointsFile})`,
    `  ARM metrics              ${azure.armEndpoint}  subscription ${azure.subscriptionId}`,
    `  online endpoint          ${azure.resources.onlineEndpoint} (deployments ${azure.resources.onlineEndpointDeployments.join(", ")})`,
    `  AKS cluster              ${azure.resources.aksCluster}`,
  ];
  if (azure.managedPrometheusUrl) lines.push(`  managed Prometheus       ${azure.managedPrometheusUrl}  (in front of the sandbox's Prometheus)`);
  lines.push(
    "  SDKs: ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } });",
    "        MonitorClient(credential, subscriptionId, { endpoint: armEndpoint, tlsOptions: { ca } })",
  );
  if (azure.managedPrometheusUrl) {
    // aiplat's azure-prometheus: source takes DefaultAzureCredential from the usual AZURE_* variables; for an
    // authority host that is not a Microsoft cloud's it turns MSAL's instance discovery off.
    lines.push(
      "  aiplat against managed Prometheus (DefaultAzureCredential with the fake app's secret):",
      `    export NODE_EXTRA_CA_CERTS=${azure.caFile} KUBECONFIG=${kubeconfig} AZURE_AUTHORITY_HOST=${azure.authorityHost}`,
      `    export AZURE_TENANT_ID=${azure.tenantId} AZURE_CLIENT_ID=${azure.clientId} AZURE_CLIENT_SECRET=$(jq -r .azure.clientSecret ${endpointsFile})`,
      `    aiplat metrics llm-serving/vllm-llama3-70b --source azure-prometheus:${azure.managedPrometheusUrl}`,
    );
  }
  return lines.join("\n");
}

/** Fresh sandbox-only credentials per run: they open nothing but this fake, and land in endpoints.json (0600). */
function sandboxMlflowAuth(kind: "none" | "basic" | "bearer"): MlflowAuth | undefined {
  if (kind === "basic") return { kind, username: "sandbox", password: randomBytes(12).toString("base64url") };
  if (kind === "bearer") return { kind, token: randomBytes(24).toString("base64url") };
  return undefined;
}

function mlflowOptions(auth: MlflowAuth | undefined): SandboxMlflowLaunchOptions {
  return auth ? { auth } : {};
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2));
  let started: StartedSandbox;
  const sandboxDir = path.join(repoRoot, ".sandbox");
  try {
    started = await startSandbox({
      port: flags.port,
      scenario: flags.scenario,
      controllers: flags.controllers,
      ...(flags.metrics
        ? { metrics: { backfillDays: flags.backfillDays, dir: path.join(sandboxDir, `prometheus-${process.pid}`), log: metricsLog }, azure: true }
        : {}),
      ...(flags.opencost ? { opencost: true } : {}),
      ...(flags.mlflow ? { mlflow: mlflowOptions(sandboxMlflowAuth(flags.mlflowAuth)) } : {}),
    });
  } catch (e) {
    fail(`cannot start the sandbox (scenario ${scenarioFile(flags.scenario)}, port ${flags.port}): ${(e as Error).message}`);
  }
  const { server, scenario, metrics } = started;
  const kubeconfig = path.resolve(flags.kubeconfig);
  await writeKubeconfig(kubeconfig, { server: server.url, caCert: server.caCert, token: server.token });
  const { file: endpointsFile, endpoints } = await writeRunningSandboxEndpoints(sandboxDir, started, kubeconfig);
  console.log(`Sandbox cluster "${scenario.name ?? flags.scenario}" serving on ${server.url}`);
  console.log(`Kubeconfig: ${kubeconfig}`);
  if (metrics) console.log(`Prometheus: ${metrics.prometheus.url} (in the cluster: service ${metrics.serviceProxy}, through the API server's service proxy)`);
  if (started.opencost) console.log(`OpenCost (fake): ${started.opencost.url} (in the cluster: service ${started.opencost.serviceProxy}, through the API server's service proxy)`);
  if (endpoints.azure) console.log(azureHelp(endpoints.azure, endpointsFile, kubeconfig));
  if (endpoints.mlflow) {
    const auth = endpoints.mlflow.auth ? ` (${endpoints.mlflow.auth.kind} auth: the credentials are in ${endpointsFile})` : "";
    console.log(`MLflow registry (fake): MLFLOW_TRACKING_URI=${endpoints.mlflow.trackingUri}${auth}; try  MLFLOW_TRACKING_URI=${endpoints.mlflow.trackingUri} KUBECONFIG=${kubeconfig} npx aiplat models served`);
  }
  console.log(`Endpoints: ${endpointsFile}`);
  console.log(flags.controllers ? "Controllers, scheduler and kubelets are running (--no-controllers to serve the scenario as written)." : "No controllers: objects change only when you change them.");
  console.log(`Try:  KUBECONFIG=${kubeconfig} kubectl get pods -A`);
  console.log("Ctrl-C stops it.");
  const shutdown = (): void => {
    void server
      .stop()
      .then(() => removeSandboxEndpoints(sandboxDir))
      .then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

void main();
