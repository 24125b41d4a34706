import { existsSync } from "node:fs";
import * as path from "node:path";
import { manifestFileNames } from "../core/manifest/manifestFileName";
import { parseManifest } from "../core/manifest/parseManifest";
import { readManifestFile } from "../core/manifest/readManifestFile";
import { renderKubernetesObjects } from "../core/manifest/renderKubernetes";
import type { CostReport } from "../shared/protocol/cost";
import { money } from "./costOutput";

/** One manifest's budget, for the service "namespace/name" its workload renders to. */
export interface CostBudget {
  readonly service: string;
  readonly budgetPer1k: number;
  /** The manifest as the caller named it (relative to the folder aiplat runs in). */
  readonly file: string;
}

export type CostBudgetsResult = { readonly ok: true; readonly budgets: readonly CostBudget[]; readonly files: readonly string[] } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The manifests `aiplat cost --check` reads: those named, else aiplatform.yaml (or .yml) in the
 * folder aiplat runs in, as `aiplat check aiplatform.yaml` would be run there.
 */
export function costManifestFiles(named: readonly string[], cwd: string): string[] {
  if (named.length > 0) return named.map((f) => path.resolve(cwd, f));
  return manifestFileNames.map((f) => path.join(cwd, f)).filter((f) => existsSync(f));
}

/**
 * The cost budgets of the manifests, keyed as the cost report names services: the namespace and
 * name of the Deployment or InferenceService each environment renders. A budget applies to every
 * environment of its manifest; a manifest that cannot be read or parsed is a problem, not skipped,
 * so a gate never passes because its budget went unread.
 */
export async function readCostBudgets(files: readonly string[], cwd: string): Promise<CostBudgetsResult> {
  const problems: string[] = [];
  const budgets = new Map<string, CostBudget>();
  for (const file of files) {
    const shown = path.relative(cwd, file) || file;
    const read = await readManifestFile(file);
    if (!read.ok) {
      problems.push(read.message);
      continue;
    }
    const parsed = parseManifest(read.text);
    if (!parsed.ok) {
      problems.push(`${shown} is not a valid service manifest (aiplat check ${shown} says where): ${parsed.problems[0]?.message ?? "invalid"}`);
      continue;
    }
    const budgetPer1k = parsed.manifest.cost?.budgetPer1k;
    if (budgetPer1k === undefined) continue;
    for (const env of Object.keys(parsed.manifest.environments)) {
      const rendered = renderKubernetesObjects(parsed.manifest, env);
      if (!rendered.ok) {
        problems.push(`${shown}: environment ${env}: ${rendered.error}`);
        continue;
      }
      for (const o of rendered.objects) {
        if (o.kind !== "Deployment" && o.kind !== "InferenceService") continue;
        const service = `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
        // Two manifests for one service: the stricter budget holds.
        const before = budgets.get(service);
        if (!before || budgetPer1k < before.budgetPer1k) budgets.set(service, { service, budgetPer1k, file: shown });
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, budgets: [...budgets.values()].sort((a, b) => a.service.localeCompare(b.service, "en")), files: files.map((f) => path.relative(cwd, f) || f) };
}

export interface BudgetVerdict {
  /** Services whose cost per 1K exceeds the budget. */
  readonly over: number;
  readonly lines: readonly string[];
}

/**
 * Each budget against its service's row. A service without a row (not running in this context)
 * or without request counts is said, not failed: there is no cost per 1K to compare.
 */
export function checkBudgets(report: CostReport, budgets: readonly CostBudget[], namespace: string | undefined): BudgetVerdict {
  const lines: string[] = [];
  let over = 0;
  const c = report.currency;
  for (const b of budgets) {
    if (namespace !== undefined && !b.service.startsWith(`${namespace}/`)) continue;
    const row = report.rows.find((r) => r.name === b.service);
    if (!row) lines.push(`not checked: ${b.service} (${b.file}) did not run in the window`);
    else if (row.costPer1k === null) lines.push(`not checked: ${b.service} (${b.file}) has no request counts in the window, so no cost per 1K`);
    else if (row.costPer1k > b.budgetPer1k) {
      over++;
      lines.push(`over budget: ${b.service} costs ${money(row.costPer1k, c)} per 1K inferences > cost.budgetPer1k ${money(b.budgetPer1k, c)} (${b.file})`);
    } else lines.push(`within budget: ${b.service} costs ${money(row.costPer1k, c)} per 1K ≤ ${money(b.budgetPer1k, c)} (${b.file})`);
  }
  if (budgets.length > 0) lines.push(over > 0 ? `${over} ${over === 1 ? "service exceeds its" : "services exceed their"} cost budget` : "every checked service is within its cost budget");
  return { over, lines };
}
