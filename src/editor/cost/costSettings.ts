import { readFile } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { isQualifiedName } from "../../core/kube/objects/dns1123";
import { SettingKey } from "../contributionIds";

/** The cost settings' keys (contributionIds.ts holds them with every other setting). */
export const CostSettingKey = { teamLabel: SettingKey.costTeamLabel, prices: SettingKey.costPrices, pricingFile: SettingKey.costPricingFile } as const;

export const defaultTeamLabel = "team";

export interface CostSettings {
  readonly teamLabel: string;
  /** The raw setting for createPriceBook; undefined when unset. */
  readonly prices: unknown;
  readonly pricingFile: { readonly path: string; readonly text: string } | undefined;
  /** Settings that were rejected (the default was used), worded for the log and the dashboard. */
  readonly problems: readonly string[];
}

/**
 * A setting's value, the workspace's only in a trusted workspace: a cloned repository could
 * otherwise price the cluster as it likes, or name a file for us to read.
 */
function trustedValue(key: string): unknown {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(key);
  return (vscode.workspace.isTrusted ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue) : undefined) ?? inspected?.globalValue;
}

/** Reads the cost settings and the pricing file they name; never throws. */
export async function readCostSettings(): Promise<CostSettings> {
  const problems: string[] = [];
  const rawLabel = trustedValue(CostSettingKey.teamLabel);
  let teamLabel = defaultTeamLabel;
  if (typeof rawLabel === "string" && isQualifiedName(rawLabel)) teamLabel = rawLabel;
  else if (rawLabel !== undefined && rawLabel !== "") problems.push(`Setting ${CostSettingKey.teamLabel} must be a label key such as team or example.com/team; using "${defaultTeamLabel}".`);

  let pricingFile: CostSettings["pricingFile"];
  const rawFile = trustedValue(CostSettingKey.pricingFile);
  if (typeof rawFile === "string" && rawFile.trim() !== "") {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const file = path.isAbsolute(rawFile) || base === undefined ? rawFile : path.resolve(base, rawFile);
    try {
      pricingFile = { path: rawFile, text: await readFile(file, "utf8") };
    } catch (e) {
      problems.push(`Setting ${CostSettingKey.pricingFile}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); using the shipped price book.`);
    }
  } else if (rawFile !== undefined && rawFile !== "") problems.push(`Setting ${CostSettingKey.pricingFile} must be a file path.`);

  return { teamLabel, prices: trustedValue(CostSettingKey.prices), pricingFile, problems };
}

/** Whether a configuration change touches what the cost report is computed from. */
export function affectsCost(e: vscode.ConfigurationChangeEvent): boolean {
  return Object.values(CostSettingKey).some((key) => e.affectsConfiguration(key));
}
