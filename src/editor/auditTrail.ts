import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { resolveActor } from "../core/audit/auditActor";
import { appendAuditRecord } from "../core/audit/auditLog";
import type { Actor, AuditAction, AuditEntry } from "../core/audit/auditRecord";
import { describeActionError } from "../core/kube/clusterActions";
import type { ContextSummary } from "../core/kube/kubeconfig";
import { changeAnnotations, recordChangeOnObject } from "../core/kube/changeRecord";
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
    const actor = await this.actor(change.context);
    const entry: AuditEntry = {
      ts: new Date().toISOString(),
      actor,
      cluster: change.context.server ?? change.context.cluster,
      context: change.context.name,
      ...(change.object.namespace ? { namespace: change.object.namespace } : {}),
      object: { apiVersion: change.object.apiVersion, kind: change.object.kind, name: change.object.name },
      action: change.action,
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.revisionBefore ? { revisionBefore: change.revisionBefore } : {}),
      ...(change.revisionAfter ? { revisionAfter: change.revisionAfter } : {}),
      ...(change.diffDigest ? { diffDigest: change.diffDigest } : {}),
      outcome: change.outcome,
      ...(change.detail ? { detail: change.detail.slice(0, 500) } : {}),
    };
    const file = this.file;
    const appended = await appendAuditRecord(file, entry);
    if (appended.ok) {
      this.log.info(`Audit: ${change.action} ${change.object.kind} ${change.object.namespace ?? ""}/${change.object.name} ${change.outcome} (record ${appended.record.seq} in ${file}).`);
      for (const note of appended.notes) this.log.warn(`Audit: ${note}`);
    } else {
      this.log.error(`Audit: could not write ${file}: ${appended.error}`);
      void vscode.window.showErrorMessage(`The change was recorded on the cluster, but the audit log could not be written: ${appended.error}`, "Show Log").then((c) => c && this.log.show(true));
    }
    if (change.outcome !== "succeeded" && change.outcome !== "failed") return;
    const { namespace, uid, ...rest } = change.object;
    const recorded = await recordChangeOnObject(
      change.kc,
      { ...rest, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) },
      { action: change.action, actor, outcome: change.outcome, ...(change.reason ? { reason: change.reason } : {}), ...(change.revisionAfter ? { revisionAfter: change.revisionAfter } : {}) },
      { annotationsApplied: change.annotated === true },
    );
    if (!recorded.event.ok) this.log.warn(`Audit: the Event on ${change.object.kind} ${change.object.name} was not created: ${describeActionError(recorded.event.error)}`);
    if (!recorded.annotations.ok) this.log.warn(`Audit: ${change.object.kind} ${change.object.name} was not annotated: ${describeActionError(recorded.annotations.error)}`);
  }
}
