import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { KubeConfig, V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import { Option } from "commander";
import * as z from "zod";
import type { CostReportRequest } from "../core/cost/costReport";
import type { OpenCostService } from "../core/cost/openCostAllocation";
import type { PriceBook } from "../core/cost/priceBook";
import { KubeApiError } from "../core/kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../core/kube/client/resourceTypes";
import { isDns1123Label, isQualifiedName } from "../core/kube/objects/dns1123";
import { pendingGpuPods } from "../core/kube/gpu/pendingGpuPods";
import type { MetricsSource } from "../core/metrics/metricsSource";
import { listAll } from "../core/policy/clusterCapacity";
import { CostAggregate } from "../shared/protocol/cost";
import { parseRange } from "../core/durationText";
import { connectCliContext, ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { checkBudgets, costManifestFiles, readCostBudgets, type CostBudget } from "./costBudgets";
import { costCsv, costTable } from "./costOutput";
import { authFromEnv, SourceFlag, sourceFor } from "./metricsCommand";

/** The pricing file read when --pricing is not given and one sits in the folder aiplat runs in. */
export const defaultPricingFile = "pricing.yaml";

const maxWindowDays = 31;

/** --opencost: find OpenCost in the cluster (auto), never use it (off), or the service to read. */
type OpenCostFlag = { readonly kind: "auto" } | { readonly kind: "off" } | { readonly kind: "service"; readonly namespace: string; readonly service: string; readonly port: number | string; readonly pathPrefix?: string };

const OpenCostFlag = z.string().transform((text, ctx): OpenCostFlag => {
  if (text === "auto" || text === "off") return { kind: text };
  const m = /^service:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/model)?$/.exec(text);
  if (m) {
    const port = m[5] ?? "";
    return { kind: "service", namespace: m[1] ?? "", service: m[3] ?? "", port: /^\d+$/.test(port) ? Number(port) : port, ...(m[7] ? { pathPrefix: m[7] } : {}) };
  }
  ctx.addIssue({ code: "custom", message: `--opencost ${text}: expected auto, off, or service:<namespace>/<service>:<port> (add /model for the UI's port 9090), e.g. service:opencost/opencost:9003` });
  return z.NEVER;
});

const CostOptions = z
  .object({
    window: z.string().transform((t, ctx) => {
      const ms = parseRange(t);
      if (ms === undefined || ms < 3_600_000 || ms > maxWindowDays * 86_400_000) ctx.addIssue({ code: "custom", message: `--window ${t}: expected a duration from 1h to ${maxWindowDays}d, such as 1d, 7d or 30d` });
      return { text: t, seconds: Math.round((ms ?? 0) / 1000) };
    }),
    aggregate: CostAggregate,
    namespace: z
      .string()
      .superRefine((n, ctx) => {
        if (!isDns1123Label(n)) ctx.addIssue({ code: "custom", message: `--namespace ${n}: not a DNS-1123 label (lowercase letters, digits and '-', at most 63)` });
      })
      .optional(),
    teamLabel: z.string().superRefine((k, ctx) => {
      if (!isQualifiedName(k)) ctx.addIssue({ code: "custom", message: `--team-label ${k}: not a label key such as team or example.com/team` });
    }),
    pricing: z.string().min(1, "--pricing needs a file path").optional(),
    source: SourceFlag.optional(),
    opencost: OpenCostFlag,
    check: z.boolean().default(false),
    context: z.string().min(1, "--context needs a name").optional(),
    kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
    output: z.enum(["table", "json", "csv"]),
  })
  .refine((o) => !o.check || o.aggregate === "service", { message: "--check compares each service's cost per 1K with its budget; drop --aggregate (or use --aggregate service)" });
type CostOptions = z.infer<typeof CostOptions>;

/**
 * `aiplat cost`: what the cluster's services (or namespaces, teams, pools, GPU products) cost over
 * a window, from the same core as the editor's cost dashboard. With --check it is a CI gate: exit
 * 1 when a service's cost per 1K inferences exceeds its manifest's cost.budgetPer1k.
 */
export function registerCostCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("cost")
    .description("print what each service (namespace, team, node pool, GPU) cost over a window, its cost per 1K inferences and the idle GPU cost; --check exits 1 when a service exceeds its manifest's cost.budgetPer1k")
    .argument("[manifests...]", "with --check: the service manifests whose budgets to check (default: aiplatform.yaml in the current folder)")
    .option("--window <duration>", "the window, e.g. 1d, 7d, 30d (1h to 31d)", "7d")
    .addOption(new Option("--aggregate <by>", "one row per").choices(CostAggregate.options).default("service"))
    .option("-n, --namespace <name>", "only the rows of this namespace (idle cost stays the whole cluster's)")
    .option("--team-label <key>", "the pod or namespace label naming a team, for --aggregate team", "team")
    .option("--pricing <file>", `prices overriding the shipped Azure price book (default: ${defaultPricingFile} in the current folder, if there is one)`)
    .option("--source <source>", "the metrics source, as aiplat metrics takes it (default: detect Prometheus in the cluster; without one, costs follow requests only)")
    .option("--opencost <where>", "auto: read OpenCost's allocation API when the cluster runs OpenCost; off: always the price-book model; or service:<namespace>/<service>:<port>", "auto")
    .option("--check", "exit 1 when a service's cost per 1K inferences exceeds its manifest's cost.budgetPer1k")
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json", "csv"]).default("table"))
    .action(async (manifests: string[], raw: unknown) => {
      const opts = CostOptions.parse(raw);
      if (manifests.length > 0 && !opts.check) {
        io.err("aiplat: manifests are read for their budgets with --check; add --check\n");
        setExitCode(ExitCode.usage);
        return;
      }
      setExitCode(await cost(manifests, opts, io));
    });
}

/** The price book: the shipped one, overridden by --pricing or ./pricing.yaml. */
async function priceBookFor(opts: CostOptions, io: CliIo): Promise<{ ok: true; book: PriceBook } | { ok: false; message: string }> {
  const { createPriceBook } = await import("../core/cost/priceBook");
  const file = opts.pricing !== undefined ? path.resolve(io.cwd, opts.pricing) : path.join(io.cwd, defaultPricingFile);
  if (opts.pricing === undefined && !existsSync(file)) return { ok: true, book: createPriceBook() };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { ok: false, message: `cannot read ${opts.pricing ?? file} (${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))})` };
  }
  return { ok: true, book: createPriceBook({ pricingFile: { path: path.relative(io.cwd, file) || file, text } }) };
}

interface ClusterObjects {
  readonly nodes: V1Node[];
  readonly pods: V1Pod[];
  readonly namespaces: V1Namespace[];
}

/** Nodes and pods of the whole cluster (idle cost needs every pod on a node); namespaces only for their team labels. */
async function listCluster(kc: KubeConfig, io: CliIo, context: string): Promise<{ ok: true; objects: ClusterObjects } | { ok: false; message: string }> {
  try {
    const [nodes, pods] = await Promise.all([listAll<V1Node>(kc, collectionPath(ResourceTypes.nodes), io.signal), listAll<V1Pod>(kc, collectionPath(ResourceTypes.pods), io.signal)]);
    let namespaces: V1Namespace[] = [];
    try {
      namespaces = await listAll<V1Namespace>(kc, collectionPath(ResourceTypes.namespaces), io.signal);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.statusCode === 403)) throw e;
      io.err(`aiplat: warning: may not list namespaces in ${context}; team labels are read from pods only\n`);
    }
    return { ok: true, objects: { nodes, pods, namespaces } };
  } catch (e) {
    const forbidden = e instanceof KubeApiError && e.statusCode === 403;
    return {
      ok: false,
      message: forbidden
        ? `cost needs to list nodes and pods in all namespaces of ${context} (${e.message}); ask for a ClusterRole with list on nodes and pods`
        : `cannot read nodes and pods from ${context}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** The OpenCost service to read, if any: the one --opencost names, else the one found in the cluster. */
async function openCostFor(flag: OpenCostFlag, kc: KubeConfig, io: CliIo): Promise<OpenCostService | undefined> {
  if (flag.kind === "off") return undefined;
  if (flag.kind === "service") {
    const { kind: _, ...service } = flag;
    return service;
  }
  const { detectOpenCost } = await import("../core/cost/openCostAllocation");
  try {
    const [found] = await detectOpenCost(kc, io.signal);
    if (!found) return undefined;
    const { by: _, ...service } = found;
    return service;
  } catch (e) {
    io.err(`aiplat: warning: cannot look for OpenCost in the cluster (${e instanceof Error ? e.message : String(e)}); using the price-book model\n`);
    return undefined;
  }
}

async function cost(manifests: readonly string[], opts: CostOptions, io: CliIo): Promise<number> {
  const auth = authFromEnv(io.env);
  if (!auth.ok) {
    io.err(`aiplat: error: ${auth.message}\n`);
    return ExitCode.usage;
  }
  // Budgets first: a gate with an unreadable manifest fails before any cluster call.
  let budgets: readonly CostBudget[] = [];
  if (opts.check) {
    const files = costManifestFiles(manifests, io.cwd);
    if (files.length === 0) {
      io.err("aiplat: error: --check needs service manifests: name them (aiplat cost --check path/to/aiplatform.yaml …) or run in a folder with aiplatform.yaml\n");
      return ExitCode.usage;
    }
    const read = await readCostBudgets(files, io.cwd);
    if (!read.ok) {
      for (const p of read.problems) io.err(`aiplat: error: ${p}\n`);
      return ExitCode.failed;
    }
    budgets = read.budgets;
    if (budgets.length === 0) io.err(`aiplat: warning: no cost.budgetPer1k in ${read.files.join(", ")}; nothing to check\n`);
  }
  const priced = await priceBookFor(opts, io);
  if (!priced.ok) {
    io.err(`aiplat: error: ${priced.message}\n`);
    return ExitCode.failed;
  }
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const context = cluster.context.name;
  const listed = await listCluster(cluster.kc, io, context);
  if (!listed.ok) {
    io.err(`aiplat: error: ${listed.message}\n`);
    return ExitCode.failed;
  }
  // No metrics source is not fatal: costs follow requests and the report marks it; a named one that fails is.
  let metrics: MetricsSource | undefined;
  const chosen = await sourceFor(opts.source, auth.auth, cluster.kc, io);
  if (chosen.ok) metrics = chosen.source;
  else if (opts.source !== undefined) {
    io.err(`aiplat: error: ${chosen.message}\n`);
    return ExitCode.failed;
  } else io.err(`aiplat: warning: ${chosen.message}; costs follow requests only, without usage or cost per 1K\n`);

  const openCost = await openCostFor(opts.opencost, cluster.kc, io);
  // The cost model loads with this command only, not with every aiplat run.
  const [{ computeCostReport }, { describeCostErrorForTerminal }] = await Promise.all([import("../core/cost/costReport"), import("./costErrors")]);
  const now = Math.floor(Date.now() / 1000);
  const request: CostReportRequest = {
    context,
    window: { start: now - opts.window.seconds, end: now, duration: opts.window.text },
    aggregate: opts.aggregate,
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    teamLabel: opts.teamLabel,
    ...listed.objects,
    ...(metrics ? { metrics } : {}),
    ...(openCost ? { openCost: { kubeConfig: cluster.kc, ...openCost } } : {}),
    book: priced.book,
    budgets: new Map(budgets.map((b) => [b.service, b.budgetPer1k])),
    pending: pendingGpuPods(listed.objects.pods),
    now,
    ...(io.signal ? { signal: io.signal } : {}),
  };
  let result = await computeCostReport(request);
  // A Prometheus found in the cluster but failing: say so and price requests, as without one; a --source that fails is an error.
  if (!result.ok && result.error.kind === "metrics" && opts.source === undefined) {
    io.err(`aiplat: warning: ${describeCostErrorForTerminal(result.error, metrics?.kind)}\naiplat: warning: costs follow requests only, without usage or cost per 1K\n`);
    const { metrics: _, ...withoutMetrics } = request;
    result = await computeCostReport(withoutMetrics);
  }
  if (!result.ok) {
    io.err(`aiplat: error: ${describeCostErrorForTerminal(result.error, metrics?.kind)}\n`);
    return ExitCode.failed;
  }
  const report = result.report;
  for (const mark of report.estimates.filter((e) => e.code === "price-book-error")) io.err(`aiplat: warning: ${mark.subject}${mark.detail ? `: ${mark.detail}` : ""} (ignored)\n`);
  io.out(opts.output === "json" ? `${JSON.stringify(report, null, 2)}\n` : opts.output === "csv" ? costCsv(report) : costTable(report));
  if (!opts.check) return ExitCode.ok;
  const verdict = checkBudgets(report, budgets, opts.namespace);
  // The verdict goes to stderr beside json or csv, so stdout stays one document.
  const say = opts.output === "table" ? io.out : io.err;
  if (opts.output === "table") say("\n");
  for (const line of verdict.lines) say(`${line}\n`);
  return verdict.over > 0 ? ExitCode.failed : ExitCode.ok;
}
