/**
 * How a canary run ended, for a person in the editor: one message with the buttons that move it
 * on (Resume Canary on a held or cancelled one, Roll Back when our rollback failed). Pure, so the
 * wording is tested without VS Code; `aiplat deploy` words the same results for a terminal.
 */
import { describeCanaryProgress } from "../../core/deploy/canary/canaryState";
import type { CanaryError, CanaryResult } from "../../core/deploy/canary/canaryRun";
import { describeActionError } from "../../core/kube/rollout/clusterActions";
import { CommandId } from "../contributionIds";
import { explainReadOnly, type UserMessage } from "../explain";
import { describeMeasurement, describeStopReason } from "./canaryRowText";

export interface CanaryNotice {
  readonly severity: "error" | "warning" | "info";
  readonly message: UserMessage;
}

export interface CanaryService {
  readonly namespace: string;
  readonly name: string;
  /** The workload's row id (`Deployment/ns/name`), for the buttons' row argument. */
  readonly workloadId: string;
}

const showLog = { title: "Show Log", command: CommandId.showLog } as const;

function resume(s: CanaryService): UserMessage["actions"][number] {
  return { title: "Resume Canary", command: CommandId.resumeCanary, args: [{ type: "workload", id: s.workloadId }] };
}

/** How to resume from a terminal too, for CI people and for a closed window. */
function resumeHint(s: CanaryService): string {
  return `Resume Canary on its row (or aiplat canary resume ${s.namespace}/${s.name}) continues it.`;
}

export function describeCanaryError(e: CanaryError, s: CanaryService): string {
  switch (e.kind) {
    case "read-only-context":
      return `context ${e.context} is read-only`;
    case "cluster":
      return describeActionError(e.error);
    case "no-canary":
      return `${s.name} has no metric-gated canary (no aiplatform.dev/canary state on it)`;
    case "invalid-state":
      return `the canary state on ${s.name} cannot be read (${e.detail})`;
    case "finished":
      return `the canary of ${s.name} has already ended (${e.phase}); a new deploy starts a new one`;
    case "rollback-failed":
      return `the canary failed its analysis and the automatic rollback failed: ${describeActionError(e.error)}`;
  }
}

export function canaryNotice(result: CanaryResult, s: CanaryService, action: string): CanaryNotice {
  switch (result.kind) {
    case "promoted":
      return { severity: "info", message: { text: `${s.name}: the canary passed every step and is promoted.`, actions: [] } };
    case "rolled-back": {
      const last = result.measurements.at(-1);
      return {
        severity: "error",
        message: {
          text: `${s.name}: the canary failed its analysis and was rolled back automatically (${describeCanaryProgress(result.state)})${last ? `: ${describeMeasurement(last)}` : ""}. The audit log has the failing measurements.`,
          actions: [showLog],
        },
      };
    }
    case "held":
      return { severity: "warning", message: { text: `${s.name}: ${describeCanaryProgress(result.state)}: ${describeStopReason(result.reason)}. Nothing was promoted. ${resumeHint(s)}`, actions: [resume(s)] } };
    case "conflict":
      return { severity: "error", message: { text: `${s.name}: the canary stopped: ${result.detail}. Traffic was left as it is.`, actions: [showLog] } };
    case "cancelled":
      return { severity: "info", message: { text: `Stopped following the canary of ${s.name} (${describeCanaryProgress(result.state)}); its state stays on the object. ${resumeHint(s)}`, actions: [resume(s)] } };
    case "error": {
      if (result.error.kind === "read-only-context") return { severity: "warning", message: explainReadOnly(action, result.error) };
      const rollBack = result.error.kind === "rollback-failed" ? [{ title: "Roll Back…", command: CommandId.rollbackWorkload, args: [{ type: "workload", id: s.workloadId }] }] : [];
      return { severity: "error", message: { text: `${action} of ${s.name}: ${describeCanaryError(result.error, s)}.`, actions: [...rollBack, showLog] } };
    }
  }
}
