import * as path from "node:path";
import * as vscode from "vscode";
import * as z from "zod";
import { ReadOnlyContextPatterns } from "../core/access/readOnlyContexts";
import { defaultAuditRelativePath } from "../core/audit/auditLog";
import { metricsSourcesOfScopes, type MetricsSourcesRead } from "./metrics/metricsSourceResolution";
import { SettingKey } from "./contributionIds";

const KubeconfigPaths = z.array(z.string().trim().min(1, "an empty path")).max(50);

export interface SettingsRead<T> {
  readonly value: T;
  /** Set when the user's value was rejected; the default is used instead. */
  readonly problem: string | undefined;
}

/**
 * The kubeconfig files named in settings. In Restricted Mode only user and machine settings
 * count: a workspace could otherwise point at a kubeconfig whose exec plugin runs its code.
 */
export function readKubeconfigPaths(): SettingsRead<string[]> {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SettingKey.kubeconfigPaths);
  const raw = vscode.workspace.isTrusted
    ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue)
    : inspected?.globalValue;
  if (raw === undefined) return { value: [], problem: undefined };
  const parsed = KubeconfigPaths.safeParse(raw);
  if (parsed.success) return { value: parsed.data, problem: undefined };
  return {
    value: [],
    problem: `Setting ${SettingKey.kubeconfigPaths} must be a list of file paths (${parsed.error.issues[0]?.message ?? "invalid"}); using KUBECONFIG or ~/.kube/config instead.`,
  };
}

const AuditPath = z.string().trim().max(1024).regex(/^[^\0\n\r]*$/, "no control characters");

/**
 * Where the audit log is written. Relative paths resolve against the first workspace folder.
 * A workspace (or folder) setting must stay inside that folder; only a user setting may point
 * elsewhere, so a cloned repository cannot make the extension write outside it.
 */
export function readAuditPath(workspaceDir: string | undefined, fallbackDir: string): SettingsRead<string> {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SettingKey.auditPath);
  const fromWorkspace = vscode.workspace.isTrusted ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue) : undefined;
  const raw = fromWorkspace ?? inspected?.globalValue;
  const base = workspaceDir ?? fallbackDir;
  const fallback = path.join(base, defaultAuditRelativePath);
  if (raw === undefined || raw === "") return { value: fallback, problem: undefined };
  const parsed = AuditPath.safeParse(raw);
  if (!parsed.success) return { value: fallback, problem: `Setting ${SettingKey.auditPath} must be a file path (${parsed.error.issues[0]?.message ?? "invalid"}); writing to ${fallback}.` };
  const resolved = path.resolve(base, parsed.data);
  const inside = resolved === base || resolved.startsWith(base + path.sep);
  if (fromWorkspace !== undefined && !inside) {
    return { value: fallback, problem: `The workspace setting ${SettingKey.auditPath} points outside the workspace (${resolved}); set it in your user settings to write there. Writing to ${fallback}.` };
  }
  return { value: resolved, problem: undefined };
}

/**
 * The read-only context patterns. Every scope adds to the list: a workspace can mark more
 * contexts read-only, but cannot lift what the user's own settings protect.
 */
export function readReadOnlyContexts(): SettingsRead<string[]> {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SettingKey.readOnlyContexts);
  const scopes = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined);
  const patterns = new Set<string>();
  for (const raw of scopes) {
    const parsed = ReadOnlyContextPatterns.safeParse(raw);
    if (!parsed.success) {
      return { value: [...patterns], problem: `Setting ${SettingKey.readOnlyContexts} must be a list of context names or patterns with * (${parsed.error.issues[0]?.message ?? "invalid"}); a bad entry is ignored, so check which contexts are protected.` };
    }
    for (const p of parsed.data) patterns.add(p);
  }
  return { value: [...patterns], problem: undefined };
}

/**
 * The metrics sources from settings, each entry validated on its own: a bad entry is reported
 * and skipped, the others still serve their contexts. In Restricted Mode only the user's own
 * settings count: a workspace could otherwise send the cluster's metrics queries elsewhere.
 */
export function readMetricsSources(): MetricsSourcesRead {
  return metricsSourcesOfScopes(trustedSettingScopes(SettingKey.metricsSources));
}

/**
 * A setting's value per scope, most specific first, each named for messages. In Restricted Mode
 * only the user's own settings count: a workspace could otherwise point a connection elsewhere.
 */
export function trustedSettingScopes(key: string): [string, unknown][] {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(key);
  return [
    ...(vscode.workspace.isTrusted
      ? ([
          ["workspace folder", inspected?.workspaceFolderValue],
          ["workspace", inspected?.workspaceValue],
        ] as [string, unknown][])
      : []),
    ["user", inspected?.globalValue],
  ];
}

