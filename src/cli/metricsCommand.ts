import * as path from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import type { KubeConfig, V1Deployment } from "@kubernetes/client-node";
import { Option } from "commander";
import * as z from "zod";
import { getJson, KubeApiError } from "../core/kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../core/kube/client/resourceTypes";
import { InferenceService } from "../core/kube/objects/inferenceService";
import type { MetricsError, MetricsSource } from "../core/metrics/metricsSource";
import { metricsTargetOfDeployment, metricsTargetOfInferenceService, runtimeLabel, type MetricsTarget } from "../core/metrics/metricsTarget";
import { createPrometheusSource, type PrometheusAuth } from "../core/metrics/prometheusSource";
import { detectPrometheus } from "../core/metrics/prometheusDiscovery";
import { readServiceMetrics, type ServiceMetricsSnapshot } from "../core/metrics/serviceMetrics";
import { resolveSlo, sloSpecOfAnnotations } from "../core/metrics/sloTargets";
import { parseRange } from "../core/durationText";
import { connectCliContext, ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { workloadRefFlag } from "./cliFlags";
import { describeMetricsErrorForTerminal, MetricsAuthEnv } from "./metricsErrors";

const azurePrometheusScope = "https://prometheus.monitor.azure.com/.default";


/** Where the metrics come from, as --source names it. */
export type SourceFlag =
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "service"; readonly namespace: string; readonly service: string; readonly port: string | number }
  | { readonly kind: "azure-prometheus"; readonly url: string };

const httpUrl = (text: string): boolean => {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.username === "" && u.password === "";
  } catch {
    return false;
  }
};

/** --source: a URL, service:<namespace>/<service>:<port>, or azure-prometheus:<https query endpoint>. */
export const SourceFlag = z.string().transform((text, ctx): SourceFlag => {
  if (text.startsWith("azure-prometheus:")) {
    const url = text.slice("azure-prometheus:".length);
    if (httpUrl(url) && url.startsWith("https:")) return { kind: "azure-prometheus", url };
    ctx.addIssue({ code: "custom", message: `--source ${text}: azure-prometheus: needs the workspace's https query endpoint, e.g. azure-prometheus:https://<workspace>.<region>.prometheus.monitor.azure.com` });
    return z.NEVER;
  }
  const service = /^service:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(text);
  if (service) {
    const port = service[5] ?? "";
    return { kind: "service", namespace: service[1] ?? "", service: service[3] ?? "", port: /^\d+$/.test(port) ? Number(port) : port };
  }
  if (text.startsWith("service:")) {
    ctx.addIssue({ code: "custom", message: `--source ${text}: expected service:<namespace>/<service>:<port>, e.g. service:monitoring/kube-prometheus-stack-prometheus:9090` });
    return z.NEVER;
  }
  if (httpUrl(text)) return { kind: "url", url: text };
  ctx.addIssue({ code: "custom", message: `--source ${text}: expected an http(s) URL without credentials in it, service:<namespace>/<service>:<port>, or azure-prometheus:<URL>` });
  return z.NEVER;
});

const MetricsOptions = z.object({
  range: z.string().transform((t, ctx) => {
    const ms = parseRange(t);
    if (ms === undefined || ms > 32 * 86_400_000) ctx.addIssue({ code: "custom", message: `--range ${t}: expected a duration up to 32d, such as 1h, 6h, 24h or 7d` });
    return Math.round((ms ?? 0) / 1000);
  }),
  source: SourceFlag.optional(),
  kind: z.enum(["auto", "deployment", "inferenceservice"]),
  context: z.string().min(1, "--context needs a name").optional(),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  output: z.enum(["table", "json"]),
});
type MetricsOptions = z.infer<typeof MetricsOptions>;

/**
 * `aiplat metrics <namespace>/<name>`: the service's current p50/p95/p99, error ratio, RPS and SLO
 * (status, budget, burn rates) from the same core as the Deployments tree. Exits 1 when the SLO
 * burns at the fast rate, so a pipeline can gate on it.
 */
export function registerMetricsCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("metrics")
    .description("print a service's current latency (p50/p95/p99), error rate, RPS and SLO burn from Prometheus or Azure Monitor (exit 1 on a fast burn)")
    .argument("<namespace/name>", "the Deployment or InferenceService, e.g. ml/sentiment")
    .option("--range <duration>", "the window the figures cover, e.g. 5m, 1h, 6h, 7d", "5m")
    .option(
      "--source <source>",
      `a Prometheus URL, service:<namespace>/<service>:<port> (through the API server's service proxy), or azure-prometheus:<query endpoint> (DefaultAzureCredential); default: detect Prometheus in the cluster. Credentials: ${MetricsAuthEnv.token}, or ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password}`,
    )
    .addOption(new Option("--kind <kind>", "what the name is").choices(["auto", "deployment", "inferenceservice"]).default("auto"))
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (targetText: string, raw: unknown) => {
      const target = workloadRefFlag.parse(targetText);
      const opts = MetricsOptions.parse(raw);
      setExitCode(await metrics(target, opts, io));
    });
}

type Auth = { readonly ok: true; readonly auth: PrometheusAuth } | { readonly ok: false; readonly message: string };

/** Credentials from the environment; a half-given pair is a usage error, never a silent anonymous query. */
export function authFromEnv(env: CliIo["env"]): Auth {
  const token = env[MetricsAuthEnv.token];
  const username = env[MetricsAuthEnv.username];
  const password = env[MetricsAuthEnv.password];
  if (token && (username || password)) return { ok: false, message: `set either ${MetricsAuthEnv.token} or ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password}, not both` };
  if (token) return { ok: true, auth: { kind: "bearer", token } };
  if (username !== undefined || password !== undefined) {
    if (!username || password === undefined) return { ok: false, message: `basic auth needs both ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password}` };
    return { ok: true, auth: { kind: "basic", username, password } };
  }
  return { ok: true, auth: { kind: "none" } };
}

async function metrics(target: { namespace: string; name: string }, opts: MetricsOptions, io: CliIo): Promise<number> {
  const auth = authFromEnv(io.env);
  if (!auth.ok) {
    io.err(`aiplat: error: ${auth.message}\n`);
    return ExitCode.usage;
  }
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const signal = io.signal;
  const found = await findTarget(cluster.kc, cluster.context.name, target, opts.kind, signal);
  if (!found.ok) {
    io.err(`aiplat: error: ${found.message}\n`);
    return ExitCode.failed;
  }
  const source = await sourceFor(opts.source, auth.auth, cluster.kc, io);
  if (!source.ok) {
    io.err(`aiplat: error: ${source.message}\n`);
    return ExitCode.failed;
  }
  const now = Math.floor(Date.now() / 1000);
  const windowSeconds = opts.range;
  const result = await readServiceMetrics(source.source, found.target, { now, windowSeconds, ...(signal ? { signal } : {}) });
  if (!result.ok) {
    io.err(`aiplat: error: ${describeMetricsErrorForTerminal(result.error, source.source.kind)}\n`);
    if (opts.output === "json") io.out(`${JSON.stringify(errorReport(found.target, source.source, result.error), null, 2)}\n`);
    return ExitCode.failed;
  }
  const snapshot = result.value;
  // Some figures failed while others came back: say which and why; those print as "no data".
  for (const [key, error] of Object.entries(snapshot.failures)) io.err(`aiplat: warning: ${key}: ${describeMetricsErrorForTerminal(error, source.source.kind)}\n`);
  io.out(opts.output === "json" ? `${JSON.stringify(jsonReport(found.target, source.source, windowSeconds, now, snapshot), null, 2)}\n` : table(found.target, source.source, windowSeconds, snapshot));
  return snapshot.slo.status === "fast-burn" ? ExitCode.failed : ExitCode.ok;
}


export type Found = { readonly ok: true; readonly target: MetricsTarget } | { readonly ok: false; readonly message: string };

/**
 * The workload decides the runtime (which metric names) and the SLO tier: a Deployment, else a
 * KServe InferenceService of that name, unless --kind says which. `aiplat triage` finds its workload the same way.
 */
export async function findTarget(kc: KubeConfig, context: string, ref: { namespace: string; name: string }, kind: MetricsOptions["kind"], signal: AbortSignal | undefined): Promise<Found> {
  const get = async (type: typeof ResourceTypes.deployments | typeof ResourceTypes.inferenceServices): Promise<unknown> => {
    try {
      return await getJson(kc, `${collectionPath(type, ref.namespace)}/${encodeURIComponent(ref.name)}`, signal);
    } catch (e) {
      // No KServe CRD answers 404 as well: the name is simply not an InferenceService there.
      if (e instanceof KubeApiError && e.statusCode === 404) return undefined;
      throw e;
    }
  };
  try {
    if (kind !== "inferenceservice") {
      const d = (await get(ResourceTypes.deployments)) as V1Deployment | undefined;
      if (d) {
        // The objectives the workload was deployed with (aiplatform.dev/slo), as the Deployments tree reads them.
        return { ok: true, target: metricsTargetOfDeployment(context, d, (runtime) => resolveSlo(sloSpecOfAnnotations(d.metadata?.annotations), runtime)) };
      }
    }
    if (kind !== "deployment") {
      const raw = await get(ResourceTypes.inferenceServices);
      const isvc = raw === undefined ? undefined : InferenceService.safeParse(raw);
      if (isvc?.success) {
        const isvcData = isvc.data;
        return { ok: true, target: metricsTargetOfInferenceService(context, isvcData, (runtime) => resolveSlo(sloSpecOfAnnotations(isvcData.metadata?.annotations), runtime)) };
      }
    }
  } catch (e) {
    return { ok: false, message: `cannot read ${ref.namespace}/${ref.name} from context ${context}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const what = kind === "deployment" ? "Deployment" : kind === "inferenceservice" ? "InferenceService" : "Deployment or InferenceService";
  return { ok: false, message: `no ${what} ${ref.name} in namespace ${ref.namespace} of context ${context}${kind === "auto" ? "" : " (see --kind)"}` };
}

/**
 * AZURE_AUTHORITY_HOST naming a host that is none of @azure/identity's AzureAuthorityHosts (Azure
 * Stack Hub, AD FS, a private cloud, the sandbox's Entra ID): MSAL would first ask
 * login.microsoftonline.com to vouch for it and fail, so its instance discovery is turned off,
 * as MSAL documents for such authorities.
 */
function privateAuthority(authorityHost: string | undefined, microsoftHosts: Readonly<Record<string, string>>): boolean {
  if (!authorityHost) return false;
  try {
    const host = new URL(authorityHost).hostname.toLowerCase();
    return !Object.values(microsoftHosts).some((known) => new URL(known).hostname === host);
  } catch {
    return false;
  }
}

/** DefaultAzureCredential as aiplat uses it (metrics, cost, models on Azure ML). */
export async function cliAzureCredential(env: CliIo["env"]): Promise<TokenCredential> {
  // Loaded only here: the Azure SDK and MSAL are heavy, and only Azure sources need them.
  const { AzureAuthorityHosts, DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential(privateAuthority(env["AZURE_AUTHORITY_HOST"], AzureAuthorityHosts) ? { disableInstanceDiscovery: true } : {});
}

type SourceChoice = { readonly ok: true; readonly source: MetricsSource } | { readonly ok: false; readonly message: string };

/** The source --source names, else the Prometheus found in the cluster; `aiplat metrics` and `aiplat cost` choose alike. */
export async function sourceFor(flag: SourceFlag | undefined, auth: PrometheusAuth, kc: KubeConfig, io: CliIo): Promise<SourceChoice> {
  if (flag?.kind === "url") return { ok: true, source: createPrometheusSource({ endpoint: { kind: "url", url: flag.url }, auth }) };
  if (flag?.kind === "azure-prometheus") {
    if (auth.kind !== "none") return { ok: false, message: `azure-prometheus: takes an Entra ID token from DefaultAzureCredential; unset ${MetricsAuthEnv.token}, ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password}` };
    const credential = await cliAzureCredential(io.env);
    return { ok: true, source: createPrometheusSource({ endpoint: { kind: "url", url: flag.url }, auth: { kind: "token-credential", credential, scope: azurePrometheusScope }, kind: "azure-managed-prometheus" }) };
  }
  if (auth.kind !== "none") {
    return { ok: false, message: `a Prometheus reached through the API server's service proxy takes the kubeconfig's credentials; ${MetricsAuthEnv.token}, ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password} apply to --source <URL> only` };
  }
  if (flag?.kind === "service") {
    return { ok: true, source: createPrometheusSource({ endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: flag.namespace, service: flag.service, port: flag.port }, auth }) };
  }
  let found;
  try {
    found = await detectPrometheus(kc, io.signal ? { signal: io.signal } : {});
  } catch (e) {
    return { ok: false, message: `cannot look for Prometheus in the cluster: ${e instanceof Error ? e.message : String(e)}; pass --source` };
  }
  const usable = found.find((d) => d.ok);
  if (!usable) {
    const tried = found.map((d) => `${d.namespace}/${d.service}:${d.port}${d.ok ? "" : ` (${describeMetricsErrorForTerminal(d.error)})`}`);
    return {
      ok: false,
      message: `no Prometheus found in the cluster${tried.length ? `; tried ${tried.join(", ")}` : " (looked for the kube-prometheus-stack, prometheus-operator and Prometheus chart services)"}; pass --source`,
    };
  }
  return { ok: true, source: usable.source };
}

const round = (x: number | null, digits: number): number | null => (x === null || !Number.isFinite(x) ? x : Number(x.toFixed(digits)));

/** `-o json`: every field always present, null when the source had no data. */
function jsonReport(target: MetricsTarget, source: MetricsSource, windowSeconds: number, now: number, s: ServiceMetricsSnapshot): object {
  return {
    context: target.context,
    namespace: target.namespace,
    name: target.name,
    kind: target.kind,
    runtime: target.runtime,
    source: source.description,
    windowSeconds,
    time: now,
    p50Ms: round(s.p50Ms, 3),
    p95Ms: round(s.p95Ms, 3),
    p99Ms: round(s.p99Ms, 3),
    errorRatio: round(s.errorRatio, 6),
    rps: round(s.rps, 3),
    slo: {
      status: s.slo.status,
      summary: s.slo.summary,
      origin: s.slo.origin,
      availabilityTarget: s.slo.availabilityTarget,
      latencyP95TargetMs: s.slo.latencyP95TargetMs ?? null,
      errorRateTarget: s.slo.errorRateTarget ?? null,
      errorBudgetRemaining: s.slo.errorBudgetRemaining,
      burnRates: Object.fromEntries(s.slo.burnRates.map((b) => [b.window, b.rate])),
    },
    queries: s.queries,
    notes: s.notes,
  };
}

function errorReport(target: MetricsTarget, source: MetricsSource, error: MetricsError): object {
  return { context: target.context, namespace: target.namespace, name: target.name, kind: target.kind, source: source.description, error: { ...error } };
}

const ms = (x: number | null): string => (x === null || !Number.isFinite(x) ? "no data" : x >= 10 ? `${Math.round(x)} ms` : `${Number(x.toPrecision(2))} ms`);
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? "no data" : `${Number((x * 100).toPrecision(3))} %`);
const perSecond = (x: number | null): string => (x === null || !Number.isFinite(x) ? "no data" : `${Number(x.toPrecision(3))}/s`);

/** The figures one per line, the SLO last: what a person scans for in a terminal. */
function table(target: MetricsTarget, source: MetricsSource, windowSeconds: number, s: ServiceMetricsSnapshot): string {
  const slo = s.slo;
  const objectives = [`${pct(slo.availabilityTarget)} availability`, slo.latencyP95TargetMs !== undefined ? `p95 ≤ ${ms(slo.latencyP95TargetMs)}` : undefined, slo.errorRateTarget !== undefined ? `errors ≤ ${pct(slo.errorRateTarget)}` : undefined]
    .filter(Boolean)
    .join(", ");
  const rows: [string, string][] = [
    ["service", `${target.namespace}/${target.name} (${target.kind}, ${runtimeLabel[target.runtime]}) in ${target.context}`],
    ["source", source.description],
    ["window", `last ${formatSeconds(windowSeconds)}`],
    ["p50", ms(s.p50Ms)],
    ["p95", ms(s.p95Ms)],
    ["p99", ms(s.p99Ms)],
    ["errors", pct(s.errorRatio)],
    ["rps", perSecond(s.rps)],
    ["SLO", `${slo.status}: ${slo.summary}`],
    ["objectives", `${objectives} (${slo.origin})`],
    ["budget", slo.errorBudgetRemaining === null ? "no data" : `${pct(slo.errorBudgetRemaining)} of the 30-day error budget left`],
    ["burn", slo.burnRates.map((b) => `${b.window} ${b.rate === null ? "–" : `${Number(b.rate.toFixed(1))}×`}`).join("  ")],
    // Approximations the runtime forces (Triton without summaries: a mean, not a percentile).
    ...Object.entries(s.notes).map(([key, note]): [string, string] => ["note", `${key}: ${note}`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
}

function formatSeconds(s: number): string {
  return s % 86_400 === 0 ? `${s / 86_400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}
