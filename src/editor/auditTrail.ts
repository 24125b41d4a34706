import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { resolveActor } from "../core/audit/auditActor";
import type { Actor, AuditAction, AuditEntry } from "../core/audit/auditRecord";
import { recordClusterChange } from "../core/audit/recordChange";
import type { ContextSummary } from "../core/kube/client/kubeconfig";
import { changeAnnotations } from "../core/kube/rollout/changeRecord";
import { readAuditPath } from "./config";

export interface ObjectChange {
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string | undefined; readonly name: string; readonly uid?: string | undefined };
  readonly action: AuditEntry["action"];
  readonly reason?: string | undefined;
  readonly revisionBefore?: string | undefined;
  readonly revisionAfter?: string | undefined;
  readonly diffDigest?: string | undefined;
  readonly outcome: AuditEntry["outcome"];
  readonly detail?: string | undefined;
  /** Annotations already went out with the change itself (deploy, rollback); only the Event is added. */
  readonly annotated?: boolean;
}

/**
 * Every change the extension makes, written down three times: a hash-chained line in the
 * audit log, annotations on the object and a Kubernetes Event on it. A failure to write the
 * Event (e.g. no RBAC for events) is logged, not fatal; a failure to write the log is shown,
 * because compliance depends on it.
 */
export class AuditTrail {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly fallbackDir: string,
  ) {}

  /** The audit log file, from the setting, relative to the first workspace folder. */
  get file(): string {
    const read = readAuditPath(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, this.fallbackDir);
    if (read.problem) this.log.warn(read.problem);
    return read.value;
  }

  /** Who is acting in a context: the kube user, the git user and the OS user. */
  actor(context: ContextSummary): Promise<Actor> {
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? this.fallbackDir;
    return resolveActor({ kubeUser: context.user, cwd });
  }

  /** The annotations a change carries on its object, to send with the change itself. */
  async annotations(context: ContextSummary, action: AuditAction, reason: string): Promise<Record<string, string>> {
    return changeAnnotations({ action, reason, actor: await this.actor(context), outcome: "succeeded" }, new Date());
  }

  async record(change: ObjectChange): Promise<void> {
    const file = this.file;
    const { annotated, ...rest } = change;
    const recorded = await recordClusterChange(file, { ...rest, actor: await this.actor(change.context), annotationsApplied: annotated === true });
    const what = `${change.action} ${change.object.kind} ${change.object.namespace ?? ""}/${change.object.name} ${change.outcome}`;
    if (recorded.audit.ok) {
      this.log.info(`Audit: ${what} (record ${recorded.audit.seq} in ${file}).`);
      for (const note of recorded.audit.notes) this.log.warn(`Audit: ${note}`);
    } else {
      const error = recorded.audit.error;
      this.log.error(`Audit: could not write ${file}: ${error}`);
      void vscode.window.showErrorMessage(`The change was made, but the audit log could not be written: ${error}`, "Show Log").then((c) => c && this.log.show(true));
    }
    for (const w of recorded.warnings) this.log.warn(`Audit: ${w}`);
  }
}
