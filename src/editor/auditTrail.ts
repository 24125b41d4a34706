import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { resolveActor } from "../core/audit/auditActor";
import type { Actor, AuditAction, AuditEntry } from "../core/audit/auditRecord";
import { recordClusterChange } from "../core/audit/recordChange";
import { type AuditKeyLookup, auditKeyEnv, auditKeyFromText, minAuditKeyLength, useAuditKeySource, withEnvironmentKey } from "../core/audit/auditSigningKey";
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
  /** A mitigation: when the regression was detected, and the incident report (workspace-relative) it answers. */
  readonly detectedAt?: string | undefined;
  readonly incident?: string | undefined;
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

/** Where the audit signing key is kept: SecretStorage (the OS keychain), never settings or the workspace. */
export const auditKeySecret = "aiPlatform.auditHmacKey";

/**
 * Makes every audit append and verification in the extension host use the signing key from
 * SecretStorage; AIPLAT_AUDIT_HMAC_KEY in the editor's environment wins, as it does for aiplat,
 * so one key set for CI is the one used. The composition root owns the returned disposable.
 */
export function useSecretStorageAuditKey(secrets: vscode.SecretStorage): vscode.Disposable {
  let stored: Thenable<string | undefined> | undefined;
  const changed = secrets.onDidChange((e) => {
    if (e.key === auditKeySecret) stored = undefined;
  });
  const restore = useAuditKeySource(
    withEnvironmentKey(async (): Promise<AuditKeyLookup> => {
      const text = await (stored ??= secrets.get(auditKeySecret));
      if (!text) return { kind: "none" };
      const made = auditKeyFromText(text, "SecretStorage");
      return made.ok ? { kind: "key", key: made.key } : { kind: "unusable", problem: made.problem };
    }),
  );
  return vscode.Disposable.from(changed, { dispose: restore });
}

/**
 * "Set Audit Signing Key…": enter a key, generate one (copied to the clipboard, for the CI secret),
 * or remove it. The key is never logged or shown after it is stored.
 */
export async function setAuditSigningKey(secrets: vscode.SecretStorage, log: vscode.LogOutputChannel): Promise<void> {
  const hasKey = (await secrets.get(auditKeySecret)) !== undefined;
  type Choice = vscode.QuickPickItem & { readonly choice: "enter" | "generate" | "remove" };
  const items: Choice[] = [
    { label: "Enter a key…", detail: `The same key as ${auditKeyEnv} in CI, so both sign and verify alike`, choice: "enter" },
    { label: "Generate a new key", detail: "32 random bytes as hex, copied to the clipboard once for your CI secret store", choice: "generate" },
    ...(hasKey ? [{ label: "Remove the key", detail: "New records are written without a MAC; verification will flag them after keyed ones", choice: "remove" as const }] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: "Audit Signing Key", placeHolder: hasKey ? "A key is set. Replace or remove it" : "Sign new audit records with an HMAC key" });
  if (!picked) return;
  if (picked.choice === "remove") {
    const ok = await vscode.window.showWarningMessage("Remove the audit signing key? New audit records will carry no MAC.", { modal: true }, "Remove");
    if (ok !== "Remove") return;
    await secrets.delete(auditKeySecret);
    log.info("Audit: the signing key was removed from SecretStorage.");
    void vscode.window.showInformationMessage("Audit signing key removed.");
    return;
  }
  if (picked.choice === "generate") {
    const key = randomBytes(32).toString("hex");
    await secrets.store(auditKeySecret, key);
    await vscode.env.clipboard.writeText(key);
    log.info("Audit: a new signing key was generated and stored in SecretStorage.");
    void vscode.window.showInformationMessage(`Audit signing key generated and copied to the clipboard. Store it as ${auditKeyEnv} for aiplat and CI now: it is not shown again.`);
    return;
  }
  const text = await vscode.window.showInputBox({
    title: "Audit Signing Key",
    prompt: `At least ${minAuditKeyLength} characters of a random secret. Stored in SecretStorage, never in settings.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.length < minAuditKeyLength ? `At least ${minAuditKeyLength} characters (${v.length} so far)` : undefined),
  });
  if (text === undefined) return;
  await secrets.store(auditKeySecret, text);
  log.info("Audit: the signing key was stored in SecretStorage.");
  void vscode.window.showInformationMessage(`Audit signing key stored. New audit records carry a MAC; set the same key as ${auditKeyEnv} wherever aiplat verifies or appends.`);
}
