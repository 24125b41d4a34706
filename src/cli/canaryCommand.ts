import * as path from "node:path";
import { type Command, Option } from "commander";
import * as z from "zod";
import { readOnlyPolicyFromEnv } from "../core/access/readOnlyContexts";
import { resolveActor } from "../core/audit/auditActor";
import { abortCanary } from "../core/deploy/canary/abortCanary";
import type { CanaryWorkload } from "../core/deploy/canary/canaryRun";
import { describeCanaryProgress, type CanaryState } from "../core/deploy/canary/canaryState";
import { canaryMetricsTarget } from "../core/deploy/canary/canaryTarget";
import { readWorkloadCanary, resumeCanary } from "../core/deploy/canary/resumeCanary";
import { describeActionError } from "../core/kube/rollout/clusterActions";
import { connectCliContext, ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { canaryCommandLine, canaryJson, canaryProgressLine, describeAbort, describeCanaryResult, exitCodeOfCanary } from "./canaryOutput";
import { auditFileOf, auditLogFlag, auditLogFlagHelp, reasonFlag, workloadRefFlag } from "./cliFlags";
import { authFromEnv, SourceFlag, sourceFor } from "./metricsCommand";

const Common = {
  kind: z.enum(["auto", "deployment", "inferenceservice"]),
  context: z.string().min(1, "--context needs a name").optional(),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  output: z.enum(["text", "json"]),
};
const StatusOptions = z.object(Common);
const ResumeOptions = z.object({ ...Common, source: SourceFlag.optional(), auditLog: auditLogFlag.optional(), reason: reasonFlag({ required: undefined }).optional() });
const AbortOptions = z.object({ ...Common, auditLog: auditLogFlag.optional(), reason: reasonFlag({ required: undefined }).optional() });

function common(cmd: Command): Command {
  return cmd
    .argument("<namespace/name>", "the InferenceService, or the stable Deployment of a Deployment pair, e.g. ml/reranker")
    .addOption(new Option("--kind <kind>", "what the name is").choices(["auto", "deployment", "inferenceservice"]).default("auto"))
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"));
}

/**
 * `aiplat canary status|resume|abort <namespace>/<name>`: the metric-gated canary whose state lives
 * in the workload's aiplatform.dev/canary annotation, from any terminal (the one that started it
 * may be gone). Exit codes: status 0 (1 when there is none); resume as deploy (0 promoted, 1 rolled
 * back or stopped, 3 held); abort 0 when aborted.
 */
export function registerCanaryCommand({ program, io, setExitCode }: CliCommandHost): void {
  const canary = program.command("canary").description("the metric-gated canary of a Deployment or InferenceService: status, resume (hold or interrupted), abort (traffic back to stable)");
  common(canary.command("status").description("print the canary's step, traffic, analysis and last measurements")).action(async (ref: string, raw: unknown) => {
    setExitCode(await status(workloadRefFlag.parse(ref), StatusOptions.parse(raw), io));
  });
  common(canary.command("resume").description("continue a held or interrupted canary from its annotation (a held step's analysis runs again); blocks until promoted, rolled back or held"))
    .option("--source <source>", "where the metrics come from, as aiplat metrics --source (default: detect Prometheus in the cluster)")
    .option("--audit-log <file>", `the hash-chained audit log (default: ${auditLogFlagHelp})`)
    .option("--reason <text>", "recorded on the canary's audit records")
    .action(async (ref: string, raw: unknown) => {
      setExitCode(await resume(workloadRefFlag.parse(ref), ResumeOptions.parse(raw), io));
    });
  common(canary.command("abort").description("stop the canary: all traffic back to the stable version (KServe 0%, the canary Deployment removed), recorded as a rollback"))
    .option("--audit-log <file>", `the hash-chained audit log (default: ${auditLogFlagHelp})`)
    .option("--reason <text>", "recorded on the rollback's audit record")
    .action(async (ref: string, raw: unknown) => {
      setExitCode(await abort(workloadRefFlag.parse(ref), AbortOptions.parse(raw), io));
    });
}

type Located = { readonly workload: CanaryWorkload; readonly state: CanaryState | undefined; readonly invalid?: string };

/** --kind auto: the Deployment of that name, else the InferenceService. */
async function locate(cluster: NonNullable<Awaited<ReturnType<typeof connectCliContext>>>, ref: { namespace: string; name: string }, kind: z.infer<typeof Common.kind>, io: CliIo): Promise<Located | undefined> {
  const kinds: CanaryWorkload["kind"][] = kind === "deployment" ? ["Deployment"] : kind === "inferenceservice" ? ["InferenceService"] : ["Deployment", "InferenceService"];
  for (const k of kinds) {
    const workload: CanaryWorkload = { kind: k, ...ref };
    const read = await readWorkloadCanary(cluster.kc, workload, io.signal);
    if (read.ok) return { workload, state: read.state, ...(read.invalid !== undefined ? { invalid: read.invalid } : {}) };
    if (read.error.kind !== "not-found") {
      io.err(`aiplat: error: ${describeActionError(read.error)}\n`);
      return undefined;
    }
  }
  io.err(`aiplat: error: no ${kinds.join(" or ")} ${ref.name} in namespace ${ref.namespace} of context ${cluster.context.name}\n`);
  return undefined;
}

async function status(ref: { namespace: string; name: string }, opts: z.infer<typeof StatusOptions>, io: CliIo): Promise<number> {
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const found = await locate(cluster, ref, opts.kind, io);
  if (!found) return ExitCode.failed;
  if (opts.output === "json") io.out(`${JSON.stringify({ workload: found.workload, state: found.state ?? null, invalid: found.invalid ?? null }, null, 2)}\n`);
  if (!found.state) {
    if (opts.output === "text") io.err(`aiplat: ${found.invalid ? `the canary annotation is unreadable: ${found.invalid}` : `no canary on ${found.workload.kind} ${ref.namespace}/${ref.name}`}\n`);
    return ExitCode.failed;
  }
  if (opts.output === "text") {
    const s = found.state;
    io.out(`${found.workload.kind} ${ref.namespace}/${ref.name}: ${describeCanaryProgress(s)}\n`);
    io.out(`  canary ${s.id} of ${s.revision}, started ${s.startedAt} by ${s.by}; step ${s.step + 1}/${s.steps.length} (${s.steps.map((x) => `${x.traffic}%`).join(" → ")})\n`);
    if (s.baseline) io.out(`  baseline p95 ${s.baseline.p95Ms === null ? "n/a" : `${Math.round(s.baseline.p95Ms)} ms`} (tolerance ${Math.round(s.tolerance * 100)} %)\n`);
    for (const m of s.measurements.slice(-5)) io.out(`  ${m.at} ${m.phase}${m.reasons.length ? ` (${m.reasons.join(", ")})` : ""}: p95 ${m.p95Ms === null ? "n/a" : `${Math.round(m.p95Ms)} ms`}, errors ${m.errorRatio === null ? "n/a" : `${(m.errorRatio * 100).toFixed(2)} %`}\n`);
    if (s.stopReason) io.out(`  stopped: ${s.stopReason.kind}${"detail" in s.stopReason ? ` — ${s.stopReason.detail}` : ""}${"by" in s.stopReason ? ` by ${s.stopReason.by}` : ""}\n`);
  }
  return ExitCode.ok;
}

async function resume(ref: { namespace: string; name: string }, opts: z.infer<typeof ResumeOptions>, io: CliIo): Promise<number> {
  const policy = readOnlyPolicyFromEnv(io.env);
  if (!policy.ok) return usage(io, `${policy.variable}: ${policy.problem}`);
  const auth = authFromEnv(io.env);
  if (!auth.ok) return usage(io, auth.message);
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const found = await locate(cluster, ref, opts.kind, io);
  if (!found) return ExitCode.failed;
  const source = await sourceFor(opts.source, auth.auth, cluster.kc, io);
  if (!source.ok) {
    io.err(`aiplat: error: a canary is judged on metrics: ${source.message}\n`);
    return ExitCode.environment;
  }
  const target = await canaryMetricsTarget(cluster.kc, cluster.context.name, found.workload, io.signal);
  if (!target.ok) {
    io.err(`aiplat: error: ${describeActionError(target.error)}\n`);
    return ExitCode.failed;
  }
  const auditFile = auditFileOf(io, opts.auditLog);
  const commands = commandsFor(found.workload, cluster.context.name, opts);
  let last = "";
  const result = await resumeCanary({
    kc: cluster.kc,
    context: cluster.context,
    actor: await resolveActor({ kubeUser: cluster.context.user, cwd: io.cwd }),
    workload: found.workload,
    metrics: { source: source.source, target: target.target },
    auditFile,
    readOnly: policy.policy,
    signal: io.signal ?? new AbortController().signal,
    ...(opts.reason ? { reason: opts.reason } : {}),
    onProgress: (s) => {
      const line = canaryProgressLine(s, target.target.slo);
      if (line !== last && opts.output === "text") io.out(`${line}\n`);
      last = line;
    },
  });
  const text = describeCanaryResult(result, found.workload, target.target.slo, commands);
  if (opts.output === "json") io.out(`${JSON.stringify({ workload: found.workload, ...canaryJson(result, commands) }, null, 2)}\n`);
  const code = exitCodeOfCanary(result);
  if (opts.output === "text") (code === ExitCode.ok ? io.out : io.err)(`${code === ExitCode.ok ? "" : "aiplat: "}${text}\n`);
  return code;
}

async function abort(ref: { namespace: string; name: string }, opts: z.infer<typeof AbortOptions>, io: CliIo): Promise<number> {
  const policy = readOnlyPolicyFromEnv(io.env);
  if (!policy.ok) return usage(io, `${policy.variable}: ${policy.problem}`);
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const found = await locate(cluster, ref, opts.kind, io);
  if (!found) return ExitCode.failed;
  const result = await abortCanary({
    kc: cluster.kc,
    context: cluster.context,
    actor: await resolveActor({ kubeUser: cluster.context.user, cwd: io.cwd }),
    workload: found.workload,
    auditFile: auditFileOf(io, opts.auditLog),
    readOnly: policy.policy,
    signal: io.signal ?? new AbortController().signal,
    ...(opts.reason ? { reason: opts.reason } : {}),
  });
  if (opts.output === "json") io.out(`${JSON.stringify({ workload: found.workload, outcome: result.kind, state: result.state ?? null }, null, 2)}\n`);
  const text = describeAbort(result, found.workload);
  if (result.kind === "aborted") {
    if (opts.output === "text") io.out(`${text}\n`);
    return ExitCode.ok;
  }
  io.err(`aiplat: error: ${text}\n`);
  return ExitCode.failed;
}

function commandsFor(workload: CanaryWorkload, context: string, opts: { kubeconfig?: string | undefined; auditLog?: string | undefined; source?: unknown }): { resume: string; abort: string } {
  const o = { context, kubeconfig: opts.kubeconfig, auditLog: opts.auditLog };
  return { resume: canaryCommandLine("resume", workload, o), abort: canaryCommandLine("abort", workload, o) };
}

function usage(io: CliIo, message: string): number {
  io.err(`aiplat: ${message}\n`);
  return ExitCode.usage;
}
