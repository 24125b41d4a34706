import { checkWritable } from "../../access/readOnlyContexts";
import type { RecordedChange } from "../../audit/recordChange";
import { audit, canaryDriverFor, conflictRetries, type CanaryError, type CanaryRunOptions } from "./canaryRun";
import { isFinishedPhase, readCanaryState, type CanaryState } from "./canaryState";

export type AbortCanaryResult =
  | { readonly kind: "aborted"; readonly state: CanaryState; readonly audit: readonly RecordedChange[] }
  | { readonly kind: "error"; readonly error: CanaryError; readonly state?: CanaryState; readonly audit: readonly RecordedChange[] };

/**
 * Argo's abort: traffic back to the stable version (KServe 0 %, the canary Deployment deleted and
 * the stable one scaled back), the state marked aborted so a running client stops, and a rollback
 * record. A canary that already ended is left alone.
 */
export async function abortCanary(opts: Omit<CanaryRunOptions, "metrics" | "onProgress" | "sleep">): Promise<AbortCanaryResult> {
  const refusal = checkWritable(opts.context.name, opts.readOnly);
  if (refusal) return { kind: "error", error: refusal, audit: [] };
  const driver = canaryDriverFor(opts.kc, opts.workload);
  for (let attempt = 1; ; attempt++) {
    const seen = await driver.read(opts.signal);
    if (!seen.ok) return { kind: "error", error: { kind: "cluster", error: seen.error }, audit: [] };
    const read = readCanaryState(seen.observed.annotations);
    if (read.kind === "none") return { kind: "error", error: { kind: "no-canary" }, audit: [] };
    if (read.kind === "invalid") return { kind: "error", error: { kind: "invalid-state", detail: read.detail }, audit: [] };
    if (isFinishedPhase(read.state.phase)) return { kind: "error", error: { kind: "finished", phase: read.state.phase }, state: read.state, audit: [] };
    const now = (opts.now ?? (() => new Date()))();
    const by = `${opts.actor.kubeUser}${opts.actor.osUser ? ` (${opts.actor.osUser})` : ""}`;
    const aborted: CanaryState = { ...read.state, ...driver.split(0, read.state), phase: "aborted", stopReason: { kind: "aborted", by }, updatedAt: now.toISOString(), resourceVersion: seen.observed.resourceVersion };
    const w = await driver.write(aborted, { kind: "rollback" }, seen.observed.resourceVersion, opts.signal);
    if (!w.ok && w.error.kind === "conflict" && attempt < conflictRetries) continue;
    const rec = { kc: opts.kc, context: opts.context, actor: opts.actor, auditFile: opts.auditFile, ...(opts.reason !== undefined ? { reason: opts.reason } : {}), driver, records: [] };
    await audit(rec, "rollback", w.ok ? "succeeded" : "failed", aborted, `canary ${aborted.id} aborted at ${Math.round(read.state.traffic)}% by ${by}${w.ok ? "" : `: ${w.error.kind}`}`);
    return w.ok ? { kind: "aborted", state: aborted, audit: rec.records } : { kind: "error", error: { kind: "cluster", error: w.error }, state: read.state, audit: rec.records };
  }
}
