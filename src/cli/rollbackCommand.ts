import * as path from "node:path";
import type { KubeConfig, V1Container, V1PodTemplateSpec } from "@kubernetes/client-node";
import { Option } from "commander";
import * as z from "zod";
import { checkWritable, readOnlyPatternsEnv, readOnlyPolicyFromEnv, unlockedContextsEnv } from "../core/access/readOnlyContexts";
import { rollbackInferenceService } from "../core/kube/rollout/inferenceServiceRollout";
import { resolveActor } from "../core/audit/auditActor";
import type { AuditOutcome } from "../core/audit/auditRecord";
import { recordClusterChange } from "../core/audit/recordChange";
import { changeAnnotations } from "../core/kube/rollout/changeRecord";
import { apiVersionOf, type WorkloadRef } from "../core/kube/objects/workloadRef";
import { trackRollout, type TrackResult } from "../core/kube/rollout/rolloutTracker";
import { undoDeployment } from "../core/kube/rollout/rolloutUndo";
import { type CliCommandHost, type CliIo, connectCliContext, ExitCode } from "./aiplat";
import { auditFileOf, auditLogFlag, auditLogFlagHelp, defaultWaitTimeoutMs, reasonFlag, timeoutFlag, workloadRefFlag } from "./cliFlags";



const RollbackOptions = z
  .object({
    reason: reasonFlag({ required: "--reason must say why you roll back; it is recorded on the object and in the audit trail" }),
    // As kubectl rollout undo --to-revision: 0 is the previous revision.
    toRevision: z
      .string()
      .regex(/^(0|[1-9][0-9]*)$/, "--to-revision must be a revision from the rollout history, or 0 for the previous one")
      .transform(Number)
      .optional(),
    kind: z.enum(["deployment", "inferenceservice"]),
    context: z.string().min(1, "--context needs a name").optional(),
    kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
    dryRun: z.boolean().optional(),
    wait: z.boolean().optional(),
    // kubectl rollout status --timeout: a Go duration, 0 for ever.
    timeout: timeoutFlag({ forever: true }).optional(),
    auditLog: auditLogFlag.optional(),
    incident: z.string().min(1, "--incident needs the report's path").optional(),
    output: z.enum(["text", "json"]),
  })
  .refine((o) => o.kind === "deployment" || !o.toRevision, { message: "--to-revision is for Deployments; an InferenceService goes back to its previous revision or predictor" })
  .refine((o) => !(o.dryRun && o.wait), { message: "--wait has nothing to follow with --dry-run" })
  .refine((o) => !(o.dryRun && o.incident), { message: "--incident records the mitigation; a --dry-run makes none" })
  .refine((o) => o.timeout === undefined || o.wait, { message: "--timeout is how long --wait waits; add --wait" });
type RollbackOptions = z.infer<typeof RollbackOptions>;


/**
 * `aiplat rollback <namespace>/<name>`: a Deployment goes back as `kubectl rollout undo` takes it
 * (same history, checks, messages and patch), with our change-cause added; an InferenceService
 * has its canary pinned to 0% or its previous predictor restored.
 */
export function registerRollbackCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("rollback")
    .description("roll a Deployment back as kubectl rollout undo does, or a KServe InferenceService (canary to 0%, or its previous predictor)")
    .argument("<namespace/name>", "the Deployment or InferenceService, e.g. ml/sentiment")
    .requiredOption("--reason <text>", "why you roll back (required): recorded as the change-cause and in the audit trail")
    .option("--to-revision <n>", "the Deployment revision to go back to (default, or 0: the previous one; see the rollout history)")
    .addOption(new Option("--kind <kind>", "what the name is").choices(["deployment", "inferenceservice"]).default("deployment"))
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .option("--dry-run", "have the API server check the change without keeping it")
    .option("--wait", "follow the rollout until it completes, fails or --timeout passes, printing each new status (exit 1 unless it completes)")
    .option("--timeout <duration>", "with --wait: how long to wait, e.g. 90s, 10m, or 0 for ever (default 10m)")
    .option("--audit-log <file>", `the hash-chained audit log to append to (default: ${auditLogFlagHelp})`)
    .option("--incident <report>", "the incident report (aiplat triage) this rollback mitigates: the audit record carries it and when the incident was detected, and the report records the rollback")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (targetText: string, raw: unknown) => {
      const target = workloadRefFlag.parse(targetText);
      const opts = RollbackOptions.parse(raw);
      setExitCode(await rollback(target, opts, io));
    });
}

interface Change {
  readonly message: string;
  readonly fromRevision: string | undefined;
  readonly toRevision: string | undefined;
  readonly details: readonly { readonly what: string; readonly before: string; readonly after: string }[];
  readonly dryRun: boolean;
}

type Attempt = { readonly ok: true; readonly change: Change } | { readonly ok: true; readonly skipped: string } | { readonly ok: false; readonly message: string };

async function rollback(target: { namespace: string; name: string }, opts: RollbackOptions, io: CliIo): Promise<number> {
  const policy = readOnlyPolicyFromEnv(io.env);
  if (!policy.ok) {
    io.err(`aiplat: error: ${policy.variable}: ${policy.problem}\n`);
    return ExitCode.usage;
  }
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const { kc, context: contextSummary } = cluster;
  const context = contextSummary.name;
  // A server dry run changes nothing, so it stays allowed: it is how a rollback is checked before unlocking.
  const refusal = opts.dryRun ? undefined : checkWritable(context, policy.policy);
  if (refusal) {
    io.err(
      `aiplat: error: context ${refusal.context} is read-only (it matches "${refusal.pattern}" in ${readOnlyPatternsEnv}); nothing was changed. To roll back there, unlock it for this shell session: export ${unlockedContextsEnv}=${refusal.context}\n`,
    );
    return ExitCode.failed;
  }
  const incident = opts.incident ? await incidentOf(io, opts.incident) : undefined;
  if (incident && !incident.ok) {
    io.err(`aiplat: error: --incident ${opts.incident}: ${incident.message}\n`);
    return ExitCode.usage;
  }
  const actor = await resolveActor({ kubeUser: contextSummary.user, cwd: io.cwd });
  const annotations = changeAnnotations({ action: "rollback", reason: opts.reason, actor, outcome: "succeeded" }, new Date());
  const auditFile = auditFileOf(io, opts.auditLog);
  const workload: WorkloadRef = { kind: opts.kind === "deployment" ? "Deployment" : "InferenceService", namespace: target.namespace, name: target.name };
  const object = { apiVersion: apiVersionOf(workload.kind), ...workload };
  const record = async (outcome: AuditOutcome, extra: { revisionBefore?: string | undefined; revisionAfter?: string | undefined; detail?: string }): Promise<void> => {
    // A server dry run changed nothing: there is nothing to record.
    if (opts.dryRun) return;
    const mitigation = incident?.ok ? { incident: incident.relativePath, ...(incident.detectedAt ? { detectedAt: incident.detectedAt } : {}) } : {};
    const recorded = await recordClusterChange(auditFile, { kc, context: contextSummary, actor, object, action: "rollback", reason: opts.reason, outcome, ...extra, ...mitigation, annotationsApplied: true });
    if (!recorded.audit.ok) io.err(`aiplat: error: the rollback happened, but the audit log ${auditFile} could not be written: ${recorded.audit.error}\n`);
    for (const w of [...(recorded.audit.ok ? recorded.audit.notes : []), ...recorded.warnings]) io.err(`aiplat: warning: ${w}\n`);
    if (incident?.ok) {
      const by = actor.gitUser?.name ?? actor.gitUser?.email ?? actor.osUser;
      const taken = { action: "rollback", at: new Date().toISOString(), outcome, by, ...(extra.revisionAfter ? { revision: extra.revisionAfter } : {}), ...(recorded.audit.ok ? { auditSeq: recorded.audit.seq } : {}), ...(extra.detail ? { detail: extra.detail } : {}) } as const;
      const { recordMitigationTaken } = await import("../core/triage/incidentFile");
      const noted = await recordMitigationTaken(incident.file, taken, { auditFile });
      if (!noted.ok) io.err(`aiplat: warning: the incident report ${incident.relativePath} could not be updated: ${noted.error.kind === "io" ? noted.error.message : noted.error.kind}\n`);
    }
  };
  const dryRun = opts.dryRun ?? false;
  const attempt = opts.kind === "deployment" ? await rollBackDeployment(kc, target, opts, annotations) : await rollBackInferenceService(kc, target, dryRun, annotations);
  const ref = `${opts.kind === "deployment" ? "deployment.apps" : "inferenceservice.serving.kserve.io"}/${target.name}`;
  const base = { context, kind: opts.kind, namespace: target.namespace, name: target.name, reason: opts.reason };
  if (!attempt.ok) {
    await record("failed", { detail: attempt.message });
    if (opts.output === "json") io.out(`${JSON.stringify({ ...base, outcome: "failed", message: attempt.message }, null, 2)}\n`);
    io.err(`aiplat: error: ${attempt.message}\n`);
    return ExitCode.failed;
  }
  if ("skipped" in attempt) {
    await record("skipped", { detail: attempt.skipped });
    io.out(opts.output === "json" ? `${JSON.stringify({ ...base, outcome: "skipped", message: attempt.skipped }, null, 2)}\n` : `${ref} ${attempt.skipped}\n`);
    return ExitCode.ok;
  }
  const change = attempt.change;

  if (opts.output === "text") {
    io.out(`${ref} ${change.message}\n`);
    for (const d of change.details) io.out(d.before === d.after ? `  ${d.what}: ${d.after} (unchanged)\n` : `  ${d.what}: ${d.before} → ${d.after}\n`);
  }
  const rollout = opts.wait ? await follow(kc, workload, opts, io) : undefined;
  const ended = rollout && rolloutEnd(rollout);
  await record(ended?.outcome ?? "succeeded", {
    revisionBefore: change.fromRevision,
    revisionAfter: change.toRevision,
    ...(ended && ended.outcome !== "succeeded" ? { detail: ended.message } : {}),
  });
  if (opts.output === "json") {
    io.out(`${JSON.stringify({ ...base, outcome: "rolled-back", ...change, ...(ended ? { rollout: { outcome: rollout?.outcome, message: ended.message } } : {}) }, null, 2)}\n`);
  }
  if (ended && ended.outcome !== "succeeded") {
    io.err(`aiplat: error: ${ended.message}\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}

type Incident = { readonly ok: true; readonly file: string; readonly relativePath: string; readonly detectedAt: string | undefined } | { readonly ok: false; readonly message: string };

/** The incident report --incident names: its path as the audit record keeps it (relative to here) and when the incident was detected. */
async function incidentOf(io: CliIo, flag: string): Promise<Incident> {
  const file = path.resolve(io.cwd, flag);
  const { readIncidentDetectedAt } = await import("../core/triage/incidentFile");
  const read = await readIncidentDetectedAt(file);
  if (!read.ok) return { ok: false, message: read.error.kind === "not-found" ? "no such file" : read.error.kind === "io" ? read.error.message : read.error.kind };
  return { ok: true, file, relativePath: path.relative(io.cwd, file).split(path.sep).join("/"), detectedAt: read.detectedAt };
}

/** `kubectl rollout status --timeout`, with our stuck-pod detection: each new status line printed once. */
async function follow(kc: KubeConfig, workload: WorkloadRef, opts: RollbackOptions, io: CliIo): Promise<TrackResult> {
  let last = "";
  const print = (message: string): void => {
    if (opts.output === "text" && message !== last) io.out(`${message}\n`);
    last = message;
  };
  const result = await trackRollout(kc, workload, { timeoutMs: opts.timeout ?? defaultWaitTimeoutMs, onProgress: ({ message }) => print(message), ...(io.signal ? { signal: io.signal } : {}) });
  if (result.outcome === "complete") print(result.message);
  return result;
}

/** How the rollout's end is recorded and said. */
function rolloutEnd(result: TrackResult): { readonly outcome: AuditOutcome; readonly message: string } {
  switch (result.outcome) {
    case "complete":
      return { outcome: "succeeded", message: result.message };
    case "cancelled":
      return { outcome: "cancelled", message: "stopped following the rollout (interrupted); the rollback itself was applied" };
    case "failed":
    case "failing":
      return { outcome: "failed", message: `the rollout after the rollback failed: ${result.message}` };
    case "timedOut":
      return { outcome: "failed", message: `the rollout after the rollback did not finish in time: ${result.message}` };
  }
}


function imageChanges(before: V1PodTemplateSpec, after: V1PodTemplateSpec): Change["details"] {
  const all = (t: V1PodTemplateSpec): V1Container[] => [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])];
  const names = [...new Set([...all(after), ...all(before)].map((c) => c.name))];
  const imageOf = (t: V1PodTemplateSpec, name: string): string => all(t).find((c) => c.name === name)?.image ?? "(none)";
  return names.map((name) => ({ what: `image ${name}`, before: imageOf(before, name), after: imageOf(after, name) }));
}

async function rollBackDeployment(kc: KubeConfig, target: { namespace: string; name: string }, opts: RollbackOptions, annotations: Record<string, string>): Promise<Attempt> {
  const result = await undoDeployment(kc, target.namespace, target.name, { ...(opts.toRevision ? { toRevision: opts.toRevision } : {}), dryRun: opts.dryRun ?? false, extraAnnotations: annotations });
  if (!result.ok) return { ok: false, message: result.message };
  if (result.skipped) return { ok: true, skipped: result.message };
  return {
    ok: true,
    change: {
      message: `${result.message}: revision ${result.fromRevision} → ${result.toRevision}`,
      fromRevision: result.fromRevision,
      toRevision: result.toRevision,
      details: imageChanges(result.before, result.after),
      dryRun: result.dryRun,
    },
  };
}

/** What a person recognises in a predictor: the model it loads, the images it runs, its canary share. */
function predictorFacts(predictor: Record<string, unknown>): Map<string, string> {
  const facts = new Map<string, string>();
  const model = predictor["model"] as { storageUri?: unknown; runtimeVersion?: unknown; modelFormat?: { name?: unknown } } | undefined;
  if (typeof model?.modelFormat?.name === "string") facts.set("model format", model.modelFormat.name);
  if (typeof model?.storageUri === "string") facts.set("storageUri", model.storageUri);
  if (typeof model?.runtimeVersion === "string") facts.set("runtimeVersion", model.runtimeVersion);
  for (const c of (predictor["containers"] as { name?: string; image?: string }[] | undefined) ?? []) facts.set(`image ${c.name ?? ""}`.trim(), c.image ?? "");
  if (typeof predictor["canaryTrafficPercent"] === "number") facts.set("canaryTrafficPercent", String(predictor["canaryTrafficPercent"]));
  return facts;
}

async function rollBackInferenceService(kc: KubeConfig, target: { namespace: string; name: string }, dryRun: boolean, annotations: Record<string, string>): Promise<Attempt> {
  const result = await rollbackInferenceService(kc, target.namespace, target.name, { dryRun, annotations });
  if (!result.ok) return { ok: false, message: result.message };
  if (result.skipped) return { ok: true, skipped: result.message };
  const before = predictorFacts(result.predictorBefore);
  const after = predictorFacts(result.predictorAfter);
  const details = [...new Set([...after.keys(), ...before.keys()])]
    .map((what) => ({ what, before: before.get(what) ?? "(none)", after: after.get(what) ?? "(none)" }))
    .filter((d) => result.action === "restore-predictor" || d.before !== d.after);
  return { ok: true, change: { message: result.message, fromRevision: result.fromRevision, toRevision: result.toRevision, details, dryRun: result.dryRun } };
}
