import { readOnlyPatternsEnv, unlockedContextsEnv } from "../core/access/readOnlyContexts";
import { describeVerification } from "../core/audit/auditVerify";
import { describeObjectFailures, type DeployError, type ObjectFailure } from "../core/deploy/deployError";
import { ExitCode } from "./aiplat";

/** What `aiplat deploy -o json` calls the end of a run that did not deploy. */
export type DeployErrorOutcome = "blocked" | "failed" | "cancelled";

/** The objects the cluster refused, one per line (the first three). */
export function describeObjectFailuresForTerminal(list: readonly ObjectFailure[]): string {
  return describeObjectFailures(list, { shown: 3, separator: "\n  " });
}

/**
 * A deploy error worded for a terminal: what is wrong, then what to do, naming flags and
 * environment variables. `shown` is the manifest as the person typed it.
 */
export function describeDeployError(error: DeployError, shown: string): string {
  switch (error.kind) {
    case "invalid-manifest":
      return `${shown} is not a valid service manifest: ${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}`;
    case "unknown-environment":
      return `${shown} has no environment ${JSON.stringify(error.env)}; it defines ${error.known.join(", ")}`;
    case "render-failed":
      return `${shown} cannot be rendered for ${error.env}: ${error.message}`;
    case "unknown-context":
      return `environment ${error.env} deploys with kube context "${error.context}", which is not in the kubeconfig (${error.files.join(", ") || "no files"}); add it (aiplat contexts lists those there are), pass --kubeconfig, or change environments.${error.env}.context in ${shown}`;
    case "read-only-context":
      return `context ${error.context} is read-only (it matches "${error.pattern}" in ${readOnlyPatternsEnv}); nothing was changed. To deploy there, unlock it for this shell session: export ${unlockedContextsEnv}=${error.context}`;
    case "blocked":
      return `deploy blocked: ${error.findings.length} policy error${error.findings.length === 1 ? "" : "s"} for ${error.env}; aiplat check ${shown} --env ${error.env} shows them with their lines`;
    case "unreachable":
      return `cannot reach the cluster of context ${error.context}: ${error.message}; nothing was changed. Is the cluster up, and are you on its network (VPN)?`;
    case "live-unreadable":
      return `cannot read the live objects from ${error.context}:\n  ${describeObjectFailuresForTerminal(error.failures)}`;
    case "dry-run-refused":
      return `the cluster refused the change in a server-side dry run; nothing was changed:\n  ${describeObjectFailuresForTerminal(error.failures)}`;
    case "audit-log-broken":
      return `deploy blocked: ${error.env} needs an approval, and the audit log that holds approvals (${error.file}) does not verify: ${describeVerification(error.verification)}; aiplat audit verify says more`;
    case "approval-missing": {
      const ask = `ask a teammate to approve this change (AI Platform: Approve Deployment in VS Code, change ${error.desiredDigest.slice(0, 19)}…) and commit the audit log, then pull it`;
      const why = {
        none: "no approval is recorded",
        "other-change": "the recorded approval is for a different change than this one",
        "self-approved": "only you approved this change, and an approval must come from someone else",
        expired: "the approval of this change is older than 7 days",
      }[error.why];
      return `deploy blocked: ${error.env} requires approval: ${why}; ${ask}`;
    }
    case "cancelled":
      return "cancelled; nothing was changed";
  }
}

export function deployErrorExitCode(error: DeployError): number {
  return error.kind === "unknown-environment" ? ExitCode.usage : ExitCode.failed;
}

export function deployErrorOutcome(error: DeployError): DeployErrorOutcome {
  switch (error.kind) {
    case "blocked":
    case "read-only-context":
    case "audit-log-broken":
    case "approval-missing":
      return "blocked";
    case "cancelled":
      return "cancelled";
    case "invalid-manifest":
    case "unknown-environment":
    case "render-failed":
    case "unknown-context":
    case "unreachable":
    case "live-unreadable":
    case "dry-run-refused":
      return "failed";
  }
}
