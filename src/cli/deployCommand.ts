import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { readOnlyPolicyFromEnv } from "../core/access/readOnlyContexts";
import { resolveActor } from "../core/audit/auditActor";
import type { RecordedChange } from "../core/audit/recordChange";
import { applyDeploy } from "../core/deploy/applyDeploy";
import type { DeployError } from "../core/deploy/deployError";
import { canaryHandover } from "../core/deploy/canary/canaryHandover";
import { checkDeployReason, defaultDeployReason } from "../core/deploy/deployReason";
import { planDeploy, type DeployPlan } from "../core/deploy/planDeploy";
import { describeKubeconfigError } from "../core/kube/client/kubeconfig";
import type { TrackResult } from "../core/kube/rollout/rolloutTracker";
import { parseManifest } from "../core/manifest/parseManifest";
import { readManifestFile } from "../core/manifest/readManifestFile";
import type { PolicyFinding } from "../core/policy/policyEvaluator";
import { ExitCode, loadCliKubeconfig, type CliCommandHost, type CliIo } from "./aiplat";
import { cliRegistryFromEnv } from "./cliModelRegistry";
import { auditFileOf, auditLogFlag, auditLogFlagHelp, defaultWaitTimeoutMs, reasonFlag, timeoutFlag } from "./cliFlags";
import { canarySource, followDeployCanary } from "./deployCanary";
import { deployErrorExitCode, deployErrorOutcome, describeDeployError, describeObjectFailuresForTerminal } from "./deployErrors";

const DeployOptions = z
  .object({
    env: z.string().min(1, "--env needs an environment name, e.g. --env dev"),
    dryRun: z.boolean().default(false),
    wait: z.boolean().default(false),
    timeout: timeoutFlag({ forever: false }).optional(),
    reason: reasonFlag({ required: undefined }).optional(),
    confirm: z.string().min(1, "--confirm needs the service name").optional(),
    yes: z.boolean().default(false),
    kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
    auditLog: auditLogFlag.optional(),
    /** Kept as typed: the resume command repeats it. Parsed by canarySource. */
    source: z.string().min(1, "--source needs a value").optional(),
    output: z.enum(["text", "json"]),
  })
  .refine((o) => !(o.dryRun && o.wait), { message: "--wait has nothing to follow with --dry-run" })
  .refine((o) => o.timeout === undefined || o.wait, { message: "--timeout is how long --wait waits; add --wait" });
type DeployOptions = z.infer<typeof DeployOptions>;


export function registerDeployCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("deploy")
    .description("render aiplatform.yaml for an environment, run the policy gates and approvals, diff against the cluster (server-side dry run) and apply, as the editor's Deploy does")
    .argument("<manifest>", "the service manifest, e.g. aiplatform.yaml")
    .requiredOption("-e, --env <name>", "the environment to deploy to (required)")
    .option("--dry-run", "stop after the server-side dry run: say what would change, change nothing")
    .option("--wait", "follow the rollout until it completes, fails or times out (kubectl rollout status), with stuck-pod detection")
    .option("--timeout <duration>", "with --wait: how long to wait, e.g. 90s, 10m (default 10m)")
    .option("--reason <text>", "the change cause, recorded on the object and in the audit log (required in production)")
    .option("--confirm <service>", "the service name, to confirm a production deploy without a terminal")
    .option("-y, --yes", "deploy to a non-production environment without asking")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .option("--audit-log <file>", `the hash-chained audit log (approvals, and this deploy's record; default: ${auditLogFlagHelp})`)
    .option(
      "--source <source>",
      "with a canary rollout, which blocks until promoted (exit 0), rolled back by its analysis (exit 1) or held as inconclusive (exit 3; Ctrl-C leaves its state on the object): where its metrics come from, as aiplat metrics --source (default: detect Prometheus in the cluster)",
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (manifest: string, raw: unknown) => {
      setExitCode(await deploy(manifest, DeployOptions.parse(raw), io));
    });
}

type Outcome = "deployed" | "unchanged" | "blocked" | "failed" | "cancelled" | "timedOut" | "dry-run" | "promoted" | "rolled-back" | "held" | "conflict";

/** The one JSON object `-o json` prints; every field is always there (null when unknown). */
interface DeployReport {
  service: string | null;
  environment: string;
  context: string | null;
  namespace: string | null;
  outcome: Outcome;
  objects: { kind: string; namespace: string | null; name: string; action: string }[];
  findings: readonly PolicyFinding[];
  revisionBefore: string | null;
  revisionAfter: string | null;
  diffDigest: string | null;
  rollback: string | null;
  /** A canary rollout: its outcome, state and next command (canaryOutput.canaryJson); null otherwise. */
  canary: object | null;
  message: string | null;
}

const shellWord = (s: string): string => (/^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The exact command that undoes this deploy. */
function rollbackCommand(plan: DeployPlan, opts: DeployOptions): string | null {
  const w = plan.workload;
  if (!w) return null;
  return [
    "aiplat rollback",
    `${w.namespace}/${w.name}`,
    ...(w.kind === "InferenceService" ? ["--kind inferenceservice"] : []),
    `--context ${shellWord(plan.context.name)}`,
    ...(opts.kubeconfig ? [`--kubeconfig ${shellWord(opts.kubeconfig)}`] : []),
    ...(opts.auditLog ? [`--audit-log ${shellWord(opts.auditLog)}`] : []),
    `--reason "roll back the failed deploy of ${w.name}"`,
    "--wait",
  ].join(" ");
}

async function deploy(manifestArg: string, opts: DeployOptions, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, manifestArg);
  const shown = path.relative(io.cwd, file) || file;
  const report: DeployReport = { service: null, environment: opts.env, context: null, namespace: null, outcome: "failed", objects: [], findings: [], revisionBefore: null, revisionAfter: null, diffDigest: null, rollback: null, canary: null, message: null };
  const text = (line: string): void => {
    if (opts.output === "text") io.out(`${line}\n`);
  };
  const end = (code: number, outcome: Outcome, message?: string): number => {
    report.outcome = outcome;
    if (message !== undefined) report.message = message;
    if (message !== undefined && code !== ExitCode.ok) io.err(`aiplat: ${code === ExitCode.usage ? "" : "error: "}${message}\n`);
    else if (message !== undefined) text(message);
    if (opts.output === "json") io.out(`${JSON.stringify(report, null, 2)}\n`);
    return code;
  };
  const usage = (message: string): number => {
    io.err(`aiplat: ${message}\n`);
    return ExitCode.usage;
  };
  const fail = (error: DeployError): number => end(deployErrorExitCode(error), deployErrorOutcome(error), describeDeployError(error, shown));

  const policy = readOnlyPolicyFromEnv(io.env);
  if (!policy.ok) return usage(`${policy.variable}: ${policy.problem}`);
  const read = await readManifestFile(file);
  if (!read.ok) return end(ExitCode.failed, "failed", read.message);
  const parsed = parseManifest(read.text);
  if (!parsed.ok) {
    // The same lines as aiplat check, so a CI log reads the same whichever step refused.
    for (const p of parsed.problems) text(`${shown}:${p.range.line}:${p.range.column} error schema: ${p.message}`);
    return fail({ kind: "invalid-manifest", problems: parsed.problems });
  }
  const manifest = parsed.manifest;
  report.service = manifest.name;
  const environment = Object.hasOwn(manifest.environments, opts.env) ? manifest.environments[opts.env] : undefined;
  if (!environment) return usage(describeDeployError({ kind: "unknown-environment", env: opts.env, known: Object.keys(manifest.environments) }, shown));
  report.context = environment.context;
  report.namespace = environment.namespace;

  // Every refusal of the command line comes before anything is sent to the cluster.
  if (opts.confirm !== undefined && opts.confirm !== manifest.name) {
    return end(ExitCode.failed, "blocked", `--confirm ${opts.confirm} does not match the service name ${manifest.name}; nothing was deployed`);
  }
  const production = environment.production === true;
  const reasonProblem = checkDeployReason(opts.reason ?? "", production);
  if (reasonProblem === "required" && !opts.dryRun) return usage(`--reason is required to deploy to ${opts.env}, a production environment: say why; it is recorded on the object and in the audit log`);
  if (!opts.dryRun && production && opts.confirm === undefined && !io.ask) {
    return usage(`${opts.env} is a production environment: without a terminal to confirm at, pass --confirm ${manifest.name}`);
  }
  if (!opts.dryRun && !production && !opts.yes && opts.confirm === undefined && !io.ask) {
    return usage(`without a terminal to confirm at, pass --yes to deploy ${manifest.name} to ${opts.env}`);
  }

  const loaded = await loadCliKubeconfig(opts.kubeconfig, io);
  if (!loaded.ok) return end(ExitCode.environment, "failed", describeKubeconfigError(loaded.error));
  for (const missing of loaded.missing) io.err(`aiplat: warning: ${missing} does not exist; skipped\n`);

  // MLFLOW_TRACKING_URI set but unusable is refused: deploying past the approval gate because of a typo would be silent.
  const registry = await cliRegistryFromEnv(io);
  if (registry.kind === "invalid") return end(ExitCode.environment, "failed", `model approval cannot be checked: ${registry.message}`);

  const signal = io.signal ?? new AbortController().signal;
  const auditFile = auditFileOf(io, opts.auditLog);
  const planned = await planDeploy(
    {
      manifest,
      env: opts.env,
      kubeconfig: loaded,
      ...(registry.kind === "ready" ? { registry: registry.registry } : {}),
      readOnly: policy.policy,
      auditFile,
      actorFor: (context) => resolveActor({ kubeUser: context.user, cwd: io.cwd }),
      onFindings: (_env, findings) => (report.findings = findings),
    },
    signal,
  );
  for (const f of report.findings) if (f.severity !== "info") text(`${f.severity} ${f.ruleId}: ${f.message}  fix: ${f.fixHint}`);
  if (!planned.ok) return fail(planned.error);
  const plan = planned.plan;
  report.context = plan.context.name;
  report.diffDigest = plan.diff.diffDigest;
  report.revisionBefore = plan.revisionBefore ?? null;
  report.objects = plan.dryRun.map((o) => ({ kind: o.ref.kind, namespace: o.ref.namespace ?? null, name: o.ref.name, action: o.action }));
  if (plan.approval.kind === "approved") text(`approved by ${plan.approval.by.actor.gitUser?.email ?? plan.approval.by.actor.osUser} at ${plan.approval.by.ts}`);
  text(`${manifest.name} → ${opts.env} (context ${plan.context.name}, namespace ${plan.environment.namespace})${opts.dryRun ? ", server dry run" : ""}:`);
  for (const o of report.objects) text(`  ${o.kind.toLowerCase()}/${o.name} ${o.action}`);
  if (plan.diff.unchanged) return end(ExitCode.ok, "unchanged", `nothing to deploy: ${manifest.name} in ${opts.env} already matches ${shown}`);
  const handover = canaryHandover(plan);
  if (handover.kind === "first-deploy") text(`first deploy of ${manifest.name} to ${opts.env}: it goes out whole, without a canary (there is no running version to compare it with)`);
  if (opts.dryRun) return end(ExitCode.ok, "dry-run", "server dry run: nothing was changed");
  const canary = handover.kind === "canary" ? await canarySource(handover, opts.source, io) : undefined;
  if (canary && !canary.ok) return canary.usage ? usage(canary.message) : end(ExitCode.environment, "failed", canary.message);

  if (opts.confirm === undefined && !(opts.yes && !production) && io.ask) {
    const answer = production
      ? await io.ask(`${opts.env} is production. Type the service name, ${manifest.name}, to deploy: `)
      : await io.ask(`Deploy ${manifest.name} to ${opts.env}? [y/N] `);
    const confirmed = production ? answer?.trim() === manifest.name : /^y(es)?$/i.test(answer?.trim() ?? "");
    if (!confirmed) return end(ExitCode.failed, "cancelled", "not confirmed; nothing was deployed");
  }

  const reason = opts.reason || defaultDeployReason(manifest);
  let lastStatus = "";
  const appliedAt = new Date();
  const applied = await applyDeploy(handover.kind === "canary" ? handover.plan : plan, {
    reason,
    readOnly: policy.policy,
    auditFile,
    signal,
    // A canary is followed by its own step loop, not by the rollout follower.
    wait: opts.wait && handover.kind !== "canary",
    timeoutMs: opts.timeout ?? defaultWaitTimeoutMs,
    onProgress: (p) => {
      if (p.stage !== "rolling-out") return;
      const line = [p.status.message, ...p.status.problems.map((x) => `  ${x.message}`)].join("\n");
      if (line !== lastStatus) text(line);
      lastStatus = line;
    },
  });
  switch (applied.kind) {
    case "refused":
      return fail(applied.error);
    case "apply-failed":
      reportAudit(applied.audit, auditFile, io);
      return end(ExitCode.failed, "failed", `the ${applied.stage === "dry-run" ? "server-side dry run" : "apply"} failed:\n  ${describeObjectFailuresForTerminal(applied.failures)}`);
    case "applied":
      reportAudit(applied.audit, auditFile, io);
      report.objects = applied.objects.map((o) => ({ kind: o.ref.kind, namespace: o.ref.namespace ?? null, name: o.ref.name, action: o.ok ? o.action : "failed" }));
      if (handover.kind === "canary" && canary?.ok) {
        const followed = await followDeployCanary(handover, { source: canary.source, sourceText: opts.source, auditFile, readOnly: policy.policy, reason, appliedAt, kubeconfig: opts.kubeconfig, auditLog: opts.auditLog, text }, io);
        report.canary = followed.json;
        const outcome: Outcome = followed.result.kind === "error" ? "failed" : followed.result.kind;
        return end(followed.code, outcome, followed.text);
      }
      return end(ExitCode.ok, "deployed", `${manifest.name} applied to ${opts.env}${plan.workload && !opts.wait ? "; aiplat deploy --wait, or kubectl rollout status, follows the rollout" : ""}`);
    case "followed": {
      reportAudit(applied.audit, auditFile, io);
      report.revisionAfter = applied.revisionAfter ?? null;
      const rolledOut = describeRollout(applied.rollout, manifest.name, opts.env, applied.revisionAfter);
      if (applied.rollout.outcome === "complete") return end(ExitCode.ok, "deployed", rolledOut);
      if (applied.rollout.outcome === "cancelled") return end(ExitCode.failed, "cancelled", rolledOut);
      report.rollback = rollbackCommand(plan, opts);
      const code = end(ExitCode.failed, applied.rollout.outcome === "timedOut" ? "timedOut" : "failed", rolledOut);
      if (report.rollback) io.err(`To roll back, run:\n  ${report.rollback}\n`);
      return code;
    }
  }
}

function describeRollout(rollout: TrackResult, name: string, env: string, revision: string | undefined): string {
  switch (rollout.outcome) {
    case "complete":
      return `${name} is rolled out to ${env}${revision ? ` (revision ${revision})` : ""}`;
    case "cancelled":
      return `stopped following the rollout of ${name}; the change was applied and the rollout continues in the cluster (recorded as cancelled)`;
    case "failed":
    case "failing":
      return `the rollout of ${name} failed: ${rollout.message}`;
    case "timedOut":
      return `the rollout of ${name} did not finish in time: ${rollout.message}`;
  }
}

function reportAudit(audit: RecordedChange, file: string, io: CliIo): void {
  if (!audit.audit.ok) io.err(`aiplat: error: the deploy happened, but the audit log ${file} could not be written: ${audit.audit.error}\n`);
  for (const w of [...(audit.audit.ok ? audit.audit.notes : []), ...audit.warnings]) io.err(`aiplat: warning: ${w}\n`);
}
