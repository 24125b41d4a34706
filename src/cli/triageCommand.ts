import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { readAuditLog } from "../core/audit/auditLog";
import { manifestFileNames } from "../core/manifest/manifestFileName";
import { readManifestFile } from "../core/manifest/readManifestFile";
import { builtInRunbookRelativePath, type Runbooks } from "../core/triage/runbookLinks";
import { serviceRunbookPath, type ManifestText } from "../core/triage/serviceRunbookPath";
import { defaultTriageLookback, parseTriageLookback } from "../core/triage/triageLookback";
import type { TriageInput, TriageReport, TriageWorkloadRef } from "../core/triage/triageReport";
import { connectCliContext, ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { auditFileOf, auditLogFlag, auditLogFlagHelp, workloadRefFlag } from "./cliFlags";
import { authFromEnv, findTarget, SourceFlag, sourceFor } from "./metricsCommand";
import { MetricsAuthEnv } from "./metricsErrors";
import { describeIncidentFileError, triageJson, triageSummary } from "./triageOutput";

const TriageOptions = z.object({
  since: z.string().transform((t, ctx) => {
    const lookback = parseTriageLookback(t);
    if (!lookback.ok) ctx.addIssue({ code: "custom", message: `--since ${t}: ${lookback.problem}` });
    return lookback.ok ? lookback.seconds : 0;
  }),
  output: z.enum(["md", "json"]),
  kind: z.enum(["auto", "deployment", "inferenceservice"]),
  source: SourceFlag.optional(),
  context: z.string().min(1, "--context needs a name").optional(),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  auditLog: auditLogFlag.optional(),
  manifest: z.string().min(1, "--manifest needs a path").optional(),
  // commander's --no-report: true unless it is given.
  report: z.boolean(),
});
type TriageOptions = z.infer<typeof TriageOptions>;

/**
 * `aiplat triage <namespace>/<name>`: what changed, what the pods say and the metrics around each
 * change; platform or code, the suspect and the one mitigation command; an incident report under
 * .aiplatform/incidents/. Exits 0 when the report is made, incident or not: it is a report, not a gate.
 */
export function registerTriageCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("triage")
    .description("find what broke a service (platform or code), the suspect change and the mitigation, and write an incident report to .aiplatform/incidents/")
    .argument("<namespace/name>", "the Deployment or InferenceService, e.g. llm-serving/vllm-llama3-70b")
    .option("--since <duration>", "how far back changes and events count, e.g. 30m, 2h, 1d (the latest change before it counts too)", defaultTriageLookback)
    .addOption(new Option("-o, --output <format>", "what to print: the report's markdown, or JSON (the triage report and reportPath)").choices(["md", "json"]).default("md"))
    .addOption(new Option("--kind <kind>", "what the name is").choices(["auto", "deployment", "inferenceservice"]).default("auto"))
    .option(
      "--source <source>",
      `the metrics: a Prometheus URL, service:<namespace>/<service>:<port>, or azure-prometheus:<query endpoint> (default: detect Prometheus in the cluster). Credentials: ${MetricsAuthEnv.token}, or ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password}`,
    )
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .option("--audit-log <file>", `the audit log whose records explain the changes (${auditLogFlagHelp})`)
    .option("--manifest <file>", "the service's aiplatform.yaml, whose runbook.md the report links (default: one here or in a folder below naming the service)")
    .option("--no-report", "print only; write no incident report")
    .action(async (targetText: string, raw: unknown) => {
      const target = workloadRefFlag.parse(targetText);
      const opts = TriageOptions.parse(raw);
      setExitCode(await triage(target, opts, io));
    });
}

async function triage(ref: { namespace: string; name: string }, opts: TriageOptions, io: CliIo): Promise<number> {
  const auth = authFromEnv(io.env);
  if (!auth.ok) {
    io.err(`aiplat: error: ${auth.message}\n`);
    return ExitCode.usage;
  }
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const signal = io.signal ?? new AbortController().signal;

  // The workload's kind and runtime come from the cluster; an explicit --kind still triages when
  // it cannot be read (403), so the report can say what it could not see.
  const found = await findTarget(cluster.kc, cluster.context.name, ref, opts.kind, signal);
  if (!found.ok && opts.kind === "auto") {
    io.err(`aiplat: error: ${found.message}\n`);
    return ExitCode.failed;
  }
  const workload: TriageWorkloadRef = { ...ref, kind: found.ok ? found.target.kind : opts.kind === "inferenceservice" ? "InferenceService" : "Deployment" };
  let metrics: TriageInput["metrics"];
  if (!found.ok) metrics = { unavailable: found.message };
  else {
    const source = await sourceFor(opts.source, auth.auth, cluster.kc, io);
    metrics = source.ok ? { source: source.source, target: found.target } : { unavailable: source.message };
  }

  const auditFile = auditFileOf(io, opts.auditLog);
  const log = await readAuditLog(auditFile);
  const auditRecords: TriageInput["auditRecords"] = log.ok ? log.records : { unavailable: log.error.kind === "missing" ? `no audit log at ${auditFile}` : log.error.message };

  let report: TriageReport;
  try {
    // Triage's core and the report writer are lazy bundles the editor shares (dist/lazy/triage-core.js, incident-report.js).
    const { triageWorkload } = await import("../core/triage/triageWorkload");
    report = await triageWorkload({ kc: cluster.kc, context: cluster.context, workload, sinceSeconds: opts.since, now: new Date(), metrics, auditRecords, signal });
  } catch (err) {
    if (signal.aborted) {
      io.err("aiplat: interrupted; no report was written\n");
      return ExitCode.failed;
    }
    throw err;
  }

  const { renderIncidentMarkdown, writeIncidentReport } = await import("../core/triage/incidentFile");
  const runbooks = await runbooksFor(io, opts.manifest, { ...workload, context: cluster.context.name });
  const markdownOptions = { runbooks, ...(log.ok ? { auditFile } : {}) };
  let reportPath: string | null = null;
  let markdown: string;
  let code: number = ExitCode.ok;
  if (opts.report) {
    const written = await writeIncidentReport(io.cwd, report, markdownOptions);
    if (written.ok) {
      reportPath = written.relativePath;
      markdown = written.markdown;
    } else {
      io.err(`aiplat: error: ${describeIncidentFileError(written.error)}\n`);
      markdown = renderIncidentMarkdown(report, { ...markdownOptions, reportFile: path.join(io.cwd, "incident.md") });
      code = ExitCode.failed;
    }
  } else {
    // Printed only: links as seen from the folder aiplat runs in.
    markdown = renderIncidentMarkdown(report, { ...markdownOptions, reportFile: path.join(io.cwd, "incident.md") });
  }
  io.err(triageSummary(report, reportPath));
  io.out(opts.output === "json" ? `${JSON.stringify(triageJson(report, reportPath), null, 2)}\n` : markdown);
  return code;
}

/** The service's runbook.md when a manifest names the workload (--manifest, else here or one folder down), and the built-in one. */
async function runbooksFor(io: CliIo, manifest: string | undefined, workload: TriageWorkloadRef & { readonly context: string }): Promise<Runbooks> {
  // main.ts's templates/ sits beside media/ in the package and in the repository alike.
  const builtIn = path.resolve(io.templatesDir, "..", ...builtInRunbookRelativePath.split("/"));
  const candidates = manifest ? [path.resolve(io.cwd, manifest)] : await nearbyManifests(io.cwd);
  const manifests: ManifestText[] = [];
  for (const file of candidates) {
    const read = await readManifestFile(file);
    if (read.ok) manifests.push({ file, text: read.text });
  }
  const runbook = serviceRunbookPath(manifests, workload);
  if (!runbook || !existsSync(runbook)) return { builtIn };
  try {
    return { builtIn, service: { path: runbook, text: await readFile(runbook, "utf8") } };
  } catch {
    return { builtIn };
  }
}

async function nearbyManifests(dir: string): Promise<string[]> {
  const here = manifestFileNames.map((f) => path.join(dir, f));
  let below: string[] = [];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    below = entries.filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules").flatMap((e) => manifestFileNames.map((f) => path.join(dir, e.name, f)));
  } catch {
    // An unreadable folder has no manifests to offer.
  }
  return [...here, ...below].filter((f) => existsSync(f)).slice(0, 200);
}
