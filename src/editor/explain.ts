import type { CostError } from "../core/cost/costReport";
import { describeKubeconfigError, type KubeconfigError } from "../core/kube/client/kubeconfig";
import type { ConnectionState } from "./clusterConnection";
import type { ReadOnlyRefusal } from "../core/access/readOnlyContexts";
import { CommandId, SettingKey } from "./contributionIds";
import { describeObjectFailures, type DeployError, type ObjectFailure } from "../core/deploy/deployError";
import { describeMissingApproval } from "../core/audit/approvals";
import { maxChangeReasonLength, type ChangeReasonProblem } from "../core/audit/changeReason";
import { describeVerification } from "../core/audit/auditVerify";
import { quoteInput, type ScaffoldError, type TargetConflict } from "../core/scaffold/scaffoldError";
import type { MetricsError } from "../core/metrics/metricsSource";

export interface UserMessage {
  readonly text: string;
  /** Buttons: our commands, or a workbench command (e.g. workbench.trust.manage), with their arguments. */
  readonly actions: readonly { readonly title: string; readonly command: CommandId | `workbench.${string}`; readonly args?: readonly unknown[] }[];
}

const showLog = { title: "Show Log", command: CommandId.showLog } as const;

/** A failure whose detail is in the log: the text, and Show Log. */
export function explainFailure(text: string): UserMessage {
  return { text, actions: [showLog] };
}

/** A change that needs a cluster while none is connected. */
export function explainNotConnected(): UserMessage {
  return { text: "Not connected to a cluster: select a Kubernetes context first.", actions: [{ title: "Select Kubernetes Context", command: CommandId.selectContext }] };
}

/** The one place that decides how an expected failure looks to a person. */
export function explainKubeconfigError(error: KubeconfigError): UserMessage {
  const settings = { title: "Open Settings", command: CommandId.openKubeconfigSettings } as const;
  switch (error.kind) {
    case "none-found":
    case "no-contexts":
      return { text: describeKubeconfigError(error), actions: [settings] };
    case "unreadable":
    case "invalid":
      return { text: describeKubeconfigError(error), actions: [showLog, settings] };
  }
}

/** The line above a tree while it is not live; undefined when it is. */
export function describeConnection(state: ConnectionState): string | undefined {
  switch (state.kind) {
    case "none":
    case "synced":
      return undefined;
    case "connecting":
      return `Connecting to ${state.context.name}…`;
    case "disconnected":
      return `Cannot reach ${state.context.name} (${state.reason}). Retrying in ${Math.max(1, Math.round(state.retryInMs / 1000))} s; the view updates by itself.`;
    case "forbidden":
      return describeForbidden(state.context.name, state);
  }
}

/** 401 and 403 in words that say what is missing. */
export function describeForbidden(
  context: string,
  s: { readonly statusCode: 401 | 403; readonly resource: string; readonly namespace: string | undefined; readonly clusterScoped: boolean },
): string {
  if (s.statusCode === 401) return `${context} did not accept your credentials (401): log in again (for AKS: az aks get-credentials, or kubelogin).`;
  if (s.clusterScoped) return `Cannot list ${s.resource} at the cluster scope: forbidden; ask for a cluster-wide role that can read ${s.resource} (for example 'view' bound with a ClusterRoleBinding).`;
  return `Cannot list ${s.resource} in ${s.namespace ? `namespace ${s.namespace}` : "all namespaces"}: forbidden; ask for the 'view' role.`;
}

/** A change refused because the workspace is not trusted. */
export function explainUntrusted(action: string): UserMessage {
  return {
    text: `${action} is disabled in Restricted Mode: it changes a cluster or writes files, and this workspace is not trusted. The views keep working.`,
    actions: [{ title: "Manage Workspace Trust", command: "workbench.trust.manage" }],
  };
}

/** A change refused because its context is read-only (aiPlatform.readOnlyContexts). */
export function explainReadOnly(action: string, refusal: ReadOnlyRefusal): UserMessage {
  return {
    text: `${action} refused: context ${refusal.context} is read-only (it matches "${refusal.pattern}" in ${SettingKey.readOnlyContexts}). Unlock it for this session to change it.`,
    actions: [
      { title: "Unlock for This Session…", command: CommandId.unlockContext, args: [refusal.context] },
      { title: "Open Settings", command: "workbench.action.openSettings", args: [SettingKey.readOnlyContexts] },
    ],
  };
}

/**
 * Why a deploy, check or approval did not go ahead, for the editor. `action` is the command's
 * word ("Deploy", "Approve"); undefined for a cancellation, which is quiet.
 */
export function explainDeployError(action: string, error: DeployError, where: { readonly service: string; readonly file: string }): UserMessage | undefined {
  const problems = { title: "Show Problems", command: "workbench.actions.view.problems" } as const;
  const contextHelp = [
    { title: "Select Kubernetes Context", command: CommandId.selectContext },
    { title: "Open Kubeconfig Settings", command: CommandId.openKubeconfigSettings },
  ] as const;
  switch (error.kind) {
    case "invalid-manifest":
      return { text: `${where.file} has ${error.problems.length} problems: ${error.problems[0]?.message ?? ""}`, actions: [problems] };
    case "unknown-environment":
      return { text: `${where.service} has no environment "${error.env}"; it has ${error.known.join(", ")}.`, actions: contextHelp };
    case "render-failed":
      return { text: error.message, actions: [showLog] };
    case "unknown-context":
      return {
        text: `Environment ${error.env} deploys with kube context "${error.context}", which is not in your kubeconfig (${error.files.join(", ")}). Add it, or change environments.${error.env}.context in aiplatform.yaml.`,
        actions: contextHelp,
      };
    case "read-only-context":
      return explainReadOnly(action, error);
    case "blocked":
      return { text: `${action} blocked: ${error.findings.length} policy ${error.findings.length === 1 ? "error" : "errors"} for ${error.env}. ${error.findings[0]?.message ?? ""}`, actions: [problems] };
    case "unreachable":
      return { text: `Could not read the live objects from ${error.context}: the cluster did not answer (${error.message}). Nothing was changed.`, actions: [showLog, ...contextHelp] };
    case "live-unreadable":
      return { text: `Could not read the live objects from ${error.context}: ${describeObjectFailures(error.failures)}`, actions: [showLog] };
    case "dry-run-refused":
      return { text: `The cluster refused ${where.service} in a server-side dry run: ${describeObjectFailures(error.failures)}`, actions: [showLog] };
    case "audit-log-broken":
      return {
        text: `${action} blocked: ${error.env} needs an approval, and the audit log that holds approvals does not verify (${describeVerification(error.verification)}).`,
        actions: [{ title: "Verify Audit Log", command: CommandId.verifyAuditLog }],
      };
    case "approval-missing":
      return { text: `${action} blocked: ${error.env} requires approval. ${describeMissingApproval(error.why, error.desiredDigest)}`, actions: [] };
    case "cancelled":
      return undefined;
  }
}

/** A deploy whose apply the cluster refused part-way (or in the final dry run). */
export function explainApplyFailure(service: string, stage: "dry-run" | "apply", failures: readonly ObjectFailure[]): UserMessage {
  return explainFailure(`Deploy of ${service} failed at the ${stage === "dry-run" ? "server-side dry run" : "apply"}: ${describeObjectFailures(failures)}`);
}

/** The change stands, but compliance depends on the record that could not be written. */
export function explainAuditWriteFailure(error: string): UserMessage {
  return explainFailure(`The change was made, but the audit log could not be written: ${error}`);
}

/** An input box's complaint about a change cause (deploy reason, approval ticket). */
export function explainReasonProblem(problem: ChangeReasonProblem | undefined, required: string): string | undefined {
  if (problem === undefined) return undefined;
  return { required, "multi-line": "One line", "too-long": `At most ${maxChangeReasonLength} characters` }[problem];
}

const targetConflict: Record<TargetConflict, string> = {
  symlink: "is a symbolic link",
  "not-a-directory": "is a file, not a folder",
  "not-empty": "already exists and is not empty",
  "appeared-while-writing": "appeared while the files were being written",
};

/** A scaffold error in the editor's terms: folders, the wizard's steps and the template picker, not flags. */
export function explainScaffoldError(e: ScaffoldError): UserMessage {
  switch (e.kind) {
    case "unknown-template":
      return { text: `There is no template ${quoteInput(e.templateId)}; pick one of ${e.known.join(", ")} in New Inference Service.`, actions: [] };
    case "invalid-template":
      return { text: `The template ${quoteInput(e.templateId)} is broken (${e.message}). Nothing was written; report it to the template's maintainers.`, actions: [showLog] };
    case "invalid-name":
      return { text: `The name ${quoteInput(e.name)} cannot be used: ${e.reason}. Every Kubernetes object is named after the service.`, actions: [] };
    case "invalid-set":
      return { text: `The answer for ${quoteInput(e.key ?? e.entry)} cannot be used: ${e.reason}. Run New Inference Service again and change it.`, actions: [] };
    case "invalid-manifest":
      return { text: `These answers would not make a valid service manifest, so nothing was written: ${e.issues.join("; ")}. Run New Inference Service again and change them.`, actions: [showLog] };
    case "target-exists":
      return { text: `The folder ${e.dir} ${targetConflict[e.reason]}; nothing was written. Choose another parent folder or name, or move the existing folder away first.`, actions: [] };
    case "outside-target":
      return { text: `The template would write ${quoteInput(e.path)} outside the new folder; nothing was written. The template is broken: report it to its maintainers.`, actions: [showLog] };
    case "io":
      return { text: `Could not write ${e.path}: ${e.message}. Nothing was left behind; check the folder's permissions and free space, then try again.`, actions: [showLog] };
  }
}

/** What the person can do about a metrics failure depends on where the metrics come from. */
type MetricsSourceKindHint = "prometheus" | "azure-managed-prometheus" | "azure-monitor" | undefined;

function metricsCredentialAdvice(kind: MetricsSourceKindHint, status: 401 | 403): string {
  const azure = kind === "azure-managed-prometheus" || kind === "azure-monitor";
  if (status === 401) {
    return azure
      ? "Sign in to Microsoft again with Connect Metrics…, and check the account's tenant."
      : "Run Connect Metrics… to enter a token or user name and password.";
  }
  if (kind === "azure-managed-prometheus") return "Ask for the Monitoring Data Reader role on the Azure Monitor workspace.";
  if (kind === "azure-monitor") return "Ask for the Monitoring Reader role on the resource or its subscription.";
  return "The credentials are valid but not allowed to query; ask whoever runs this Prometheus for read access, or enter other credentials with Connect Metrics….";
}

const withQuery = (e: MetricsError): string => (e.query ? ` for ${e.query.length > 300 ? `${e.query.slice(0, 300)}…` : e.query}` : "");

/**
 * A MetricsError as one sentence that says which source, which query and what to do; the same
 * sentence goes to the log, a tree row's tooltip and a dashboard panel. Undefined for a cancellation.
 */
export function describeMetricsError(e: MetricsError, kind?: MetricsSourceKindHint): string | undefined {
  switch (e.kind) {
    case "unauthorized":
      if (e.noToken) return `No token for ${e.source}${e.detail ? `: ${e.detail}` : ""}. ${metricsCredentialAdvice(kind, 401)}`;
      return `${e.source} refused the credentials (401)${withQuery(e)}${e.detail ? `: ${e.detail}` : ""}. ${metricsCredentialAdvice(kind, 401)}`;
    case "forbidden":
      return `${e.source} answered 403 Forbidden${withQuery(e)}${e.detail ? `: ${e.detail}` : ""}. ${metricsCredentialAdvice(kind, 403)}`;
    case "rate-limited":
      return `${e.source} is rate-limiting requests (429)${withQuery(e)}. ${e.retryAfterMs !== undefined ? `It asks to wait ${formatWait(e.retryAfterMs)}; ` : ""}the next refresh tries again.`;
    case "timeout":
      return `${e.source} did not answer within ${formatWait(e.afterMs)}${withQuery(e)}. Try a shorter range; if it persists, check the source's load.`;
    case "unreachable":
      return `Cannot reach ${e.source} (${e.detail})${withQuery(e)}. Check the address and the network, or run Connect Metrics… to pick another source.`;
    case "bad-response":
      return `${e.source} answered with something that is not the metrics API's JSON (HTTP ${e.status}: ${e.detail})${withQuery(e)}. A proxy or login page may sit in front of it; check the URL with Connect Metrics….`;
    case "query-failed":
      return `${e.source} rejected the query (HTTP ${e.status}, ${e.errorType}: ${e.message})${withQuery(e)}.`;
    case "too-large":
      return `${e.source} returned more data than we accept (${e.detail})${withQuery(e)}. Choose a shorter range.`;
    case "not-found":
      return /Connect Metrics/.test(e.detail) ? `No metrics source: ${e.detail}` : `No metrics source: ${e.detail}. Run Connect Metrics… to detect Prometheus in the cluster or enter its URL.`;
    case "cancelled":
      return undefined;
  }
}

/** A few words for a tree row's description: the tooltip carries the whole sentence. */
export function describeMetricsErrorBriefly(e: MetricsError): string {
  switch (e.kind) {
    case "unauthorized":
      return e.noToken ? "metrics: no token (sign in)" : "metrics: credentials refused (401)";
    case "forbidden":
      return "metrics: forbidden (403)";
    case "rate-limited":
      return "metrics: rate-limited";
    case "timeout":
      return "metrics: timed out";
    case "unreachable":
      return "metrics: source unreachable";
    case "bad-response":
      return "metrics: bad response";
    case "query-failed":
      return "metrics: query failed";
    case "too-large":
      return "metrics: too much data";
    case "not-found":
      return "metrics: no source";
    case "cancelled":
      return "metrics: cancelled";
  }
}

/** A MetricsError as a notification, with the button that fixes it. Undefined for a cancellation. */
export function explainMetricsError(e: MetricsError, kind?: MetricsSourceKindHint): UserMessage | undefined {
  const text = describeMetricsError(e, kind);
  if (text === undefined) return undefined;
  const connect = { title: "Connect Metrics…", command: CommandId.connectMetrics } as const;
  switch (e.kind) {
    case "unauthorized":
    case "forbidden":
    case "unreachable":
    case "bad-response":
    case "not-found":
      return { text, actions: [connect, showLog] };
    default:
      return { text, actions: [showLog] };
  }
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** A CostError for the editor: a sentence for the dashboard and the log, the detail apart. */
export function describeCostError(e: CostError, kind?: MetricsSourceKindHint): { message: string; detail?: string } {
  switch (e.kind) {
    case "metrics":
      return { message: `The cost needs usage and request counts, and the metrics source failed: ${describeMetricsError(e.error, kind) ?? "the read was cancelled."}`, ...(e.error.query ? { detail: e.error.query } : {}) };
    case "opencost-unreachable":
      return { message: `OpenCost runs in the cluster (${e.service}) but cannot be reached${e.status !== undefined ? ` (HTTP ${e.status})` : ""}.`, detail: e.detail };
    case "opencost-forbidden":
      return { message: `OpenCost runs in the cluster (${e.service}), and this user may not reach it through the service proxy: it needs get on services/proxy in its namespace.`, detail: e.detail };
    case "opencost-not-found":
      return { message: `${e.service} looks like OpenCost but answered neither ${e.tried.join(" nor ")}.` };
    case "opencost-bad-response":
      return { message: `OpenCost (${e.service}) did not answer ${e.path} with its allocation JSON.`, detail: e.detail };
    case "cancelled":
      return { message: "Cancelled." };
  }
}
