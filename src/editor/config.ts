import * as vscode from "vscode";
import * as z from "zod";
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
