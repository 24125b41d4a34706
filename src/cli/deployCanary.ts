import type { ReadOnlyPolicy } from "../core/access/readOnlyContexts";
import type { CanaryHandover } from "../core/deploy/canary/canaryHandover";
import type { CanaryResult } from "../core/deploy/canary/canaryRun";
import { runCanary } from "../core/deploy/canary/runCanary";
import type { MetricsSource } from "../core/metrics/metricsSource";
import type { CliIo } from "./aiplat";
import { canaryCommandLine, canaryJson, canaryProgressLine, describeCanaryResult, exitCodeOfCanary } from "./canaryOutput";
import { authFromEnv, SourceFlag, sourceFor } from "./metricsCommand";

type Canary = Extract<CanaryHandover, { kind: "canary" }>;

/**
 * The metrics source a canary deploy is judged on, found before anything is applied: without one
 * every measurement would be inconclusive and the canary would only hold.
 */
export async function canarySource(handover: Canary, sourceText: string | undefined, io: CliIo): Promise<{ ok: true; source: MetricsSource } | { ok: false; usage: boolean; message: string }> {
  const flag = sourceText === undefined ? undefined : SourceFlag.safeParse(sourceText);
  if (flag && !flag.success) return { ok: false, usage: true, message: flag.error.issues[0]?.message ?? `--source ${sourceText}` };
  const auth = authFromEnv(io.env);
  if (!auth.ok) return { ok: false, usage: true, message: auth.message };
  const found = await sourceFor(flag?.data, auth.auth, handover.plan.kc, io);
  if (!found.ok) return { ok: false, usage: false, message: `${handover.plan.manifest.name} rolls out as a metric-gated canary, which needs metrics: ${found.message}; nothing was deployed` };
  return { ok: true, source: found.source };
}

export interface DeployCanaryOutcome {
  readonly code: number;
  readonly result: CanaryResult;
  readonly text: string;
  readonly json: object;
}

/**
 * After the apply: runs the canary to its end, printing each new progress line. Ctrl-C (io.signal)
 * stops following and leaves the state in the annotation, with the command that resumes it.
 */
export async function followDeployCanary(
  handover: Canary,
  opts: { source: MetricsSource; sourceText: string | undefined; auditFile: string; readOnly: ReadOnlyPolicy; reason: string; appliedAt: Date; kubeconfig: string | undefined; auditLog: string | undefined; text: (line: string) => void },
  io: CliIo,
): Promise<DeployCanaryOutcome> {
  const lineOpts = { context: handover.plan.context.name, kubeconfig: opts.kubeconfig, auditLog: opts.auditLog, source: opts.sourceText };
  const commands = { resume: canaryCommandLine("resume", handover.workload, lineOpts), abort: canaryCommandLine("abort", handover.workload, lineOpts) };
  if (handover.workload.kind === "Deployment") opts.text(`canary: ${handover.workload.name}-canary runs ${handover.revision} next to ${handover.workload.name}; the Service splits traffic by replica count, so each step's share is approximate`);
  let last = "";
  const result = await runCanary({
    kc: handover.plan.kc,
    context: handover.plan.context,
    actor: handover.plan.actor,
    workload: handover.workload,
    metrics: { source: opts.source, target: handover.target },
    auditFile: opts.auditFile,
    readOnly: opts.readOnly,
    signal: io.signal ?? new AbortController().signal,
    reason: opts.reason,
    rollout: handover.rollout,
    revision: handover.revision,
    ...(handover.canaryTemplate ? { canaryTemplate: handover.canaryTemplate } : {}),
    changedAt: opts.appliedAt,
    onProgress: (s) => {
      const line = canaryProgressLine(s, handover.target.slo);
      if (line !== last) opts.text(line);
      last = line;
    },
  });
  return { code: exitCodeOfCanary(result), result, text: describeCanaryResult(result, handover.workload, handover.target.slo, commands), json: canaryJson(result, commands) };
}
