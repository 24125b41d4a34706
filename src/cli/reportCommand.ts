import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { readAuditLog } from "../core/audit/auditLog";
import { parseManifest } from "../core/manifest/parseManifest";
import { readManifestFile } from "../core/manifest/readManifestFile";
import type { DeliveryBlindSpot } from "../shared/protocol/delivery";
import { parseRange } from "../core/durationText";
import { connectCliContext, ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { auditFileOf, auditLogFlag, auditLogFlagHelp, workloadRefFlag } from "./cliFlags";
import { costManifestFiles } from "./costBudgets";

const maxSinceDays = 365;

const DeliveryOptions = z.object({
  since: z.string().transform((t, ctx) => {
    const ms = parseRange(t);
    if (ms === undefined || ms < 86_400_000 || ms > maxSinceDays * 86_400_000) ctx.addIssue({ code: "custom", message: `--since ${t}: expected a duration from 1d to ${maxSinceDays}d, such as 7d, 30d or 90d` });
    return ms ?? 0;
  }),
  service: workloadRefFlag.optional(),
  team: z.string().trim().min(1, "--team needs a name").max(200).optional(),
  auditLog: auditLogFlag.optional(),
  context: z.string().min(1, "--context needs a name").optional(),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  output: z.enum(["table", "json", "csv"]),
});
type DeliveryOptions = z.infer<typeof DeliveryOptions>;

/**
 * `aiplat report delivery`: deployment frequency, change failure rate, deployment success, time
 * to mitigate and newcomer lead time per service and team, from the audit log, and with
 * --context from the cluster's rollout history (deploys made without aiplat) and team labels.
 */
export function registerReportCommand({ program, io, setExitCode }: CliCommandHost): void {
  const report = program.command("report").description("reports over the audit log and the cluster: delivery metrics");
  report
    .command("delivery")
    .description("deploys per week, change failure rate, deployment success, time to mitigate and newcomer lead time, per service and team")
    .argument("[manifests...]", "service manifests whose owner names a team when the namespace has no team label (default: aiplatform.yaml in the current folder)")
    .option("--since <duration>", `the window, ending now: 1d to ${maxSinceDays}d`, "30d")
    .option("--service <namespace/name>", "only this service")
    .option("--team <name>", "only this team's services")
    .option("--audit-log <file>", auditLogFlagHelp)
    .option("--context <name>", "also read this cluster: rollout history (deploys made without aiplat) and namespace team labels; without it, the audit log only")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json", "csv"]).default("table"))
    .action(async (manifests: string[], raw: unknown) => {
      const opts = DeliveryOptions.parse(raw);
      setExitCode(await delivery(manifests, opts, io));
    });
}

async function manifestOwners(named: readonly string[], io: CliIo): Promise<{ namespace: string; name: string; owner: string }[]> {
  const { manifestOwnersOf } = await import("../core/delivery/serviceTeam");
  const owners: { namespace: string; name: string; owner: string }[] = [];
  for (const file of costManifestFiles(named, io.cwd)) {
    const shown = path.relative(io.cwd, file) || file;
    const read = await readManifestFile(file);
    const parsed = read.ok ? parseManifest(read.text) : undefined;
    if (!read.ok || !parsed?.ok) {
      // Teams are a grouping: a manifest that cannot be read leaves its services unassigned, it does not stop the report.
      io.err(`aiplat: warning: ${read.ok ? `${shown} is not a valid service manifest (aiplat check ${shown} says where)` : read.message}; its owner is not used as a team\n`);
      continue;
    }
    owners.push(...manifestOwnersOf(parsed.manifest));
  }
  return owners;
}

async function delivery(manifests: readonly string[], opts: DeliveryOptions, io: CliIo): Promise<number> {
  const auditFile = auditFileOf(io, opts.auditLog);
  const shownAudit = path.relative(io.cwd, auditFile) || auditFile;
  const blindSpots: DeliveryBlindSpot[] = [];
  const log = await readAuditLog(auditFile);
  if (!log.ok && log.error.kind === "unreadable") {
    io.err(`aiplat: error: ${log.error.message}\n`);
    return ExitCode.failed;
  }
  if (!log.ok) blindSpots.push({ kind: "audit-log-missing", file: shownAudit });
  else if (log.problems.length > 0) blindSpots.push({ kind: "audit-log-problems", file: shownAudit, lines: log.problems.length });
  const audit = log.ok ? log.records : [];
  const owners = await manifestOwners(manifests, io);
  const [{ computeDeliveryReport }, { serviceTimelines }, { deliveryCsv, deliveryTable, describeBlindSpot }] = await Promise.all([
    import("../core/delivery/deliveryReport"),
    import("../core/delivery/deliveryTimeline"),
    import("./deliveryOutput"),
  ]);

  let cluster: Awaited<ReturnType<typeof import("../core/delivery/deliveryCluster").readDeliveryCluster>> | undefined;
  if (opts.context !== undefined) {
    const connected = await connectCliContext(opts, io);
    if (!connected) return ExitCode.failed;
    const services = serviceTimelines(audit, []).map((t) => t.service);
    // A --service the log does not name may still have a history (deployed by others).
    if (opts.service && !services.some((s) => s.namespace === opts.service?.namespace && s.name === opts.service.name)) {
      services.push({ context: connected.context.name, namespace: opts.service.namespace, kind: "Deployment", name: opts.service.name });
    }
    const { readDeliveryCluster } = await import("../core/delivery/deliveryCluster");
    cluster = await readDeliveryCluster(connected.kc, connected.context.name, services, io.signal);
  } else blindSpots.push({ kind: "no-rollout-history" });

  const end = new Date();
  const report = computeDeliveryReport({
    window: { start: new Date(end.getTime() - opts.since), end },
    audit,
    histories: cluster?.histories ?? [],
    teams: { namespaceLabels: cluster?.namespaceLabels ?? [], manifestOwners: owners },
    filter: { ...(opts.context !== undefined ? { context: opts.context } : {}), ...(opts.service ? { service: opts.service } : {}), ...(opts.team !== undefined ? { team: opts.team } : {}) },
    blindSpots: [...blindSpots, ...(cluster?.blindSpots ?? [])],
  });
  const sources = { auditLog: shownAudit, auditRecords: audit.length, context: opts.context ?? null };
  if (opts.output === "json") io.out(`${JSON.stringify({ ...report, sources }, null, 2)}\n`);
  else if (opts.output === "csv") {
    io.out(deliveryCsv(report));
    // stdout stays one document; what the figures could not see goes beside it.
    for (const b of report.blindSpots) io.err(`aiplat: note: ${describeBlindSpot(b)}\n`);
  }
  else io.out(deliveryTable(report, sources));
  return ExitCode.ok;
}
