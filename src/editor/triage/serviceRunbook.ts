/**
 * Which runbook a workload has: `runbook.md` next to the aiplatform.yaml it was deployed from
 * (the scaffold writes one), else none and the caller falls back to the built-in runbook. Pure
 * but for the injected file check, so the matching is tested without VS Code.
 */
import * as path from "node:path";
import { serviceRunbookFileName } from "../../core/triage/runbookLinks";
import { manifestsForWorkload, type WorkloadOfRow, type WorkspaceManifest } from "../drift/driftServiceOf";

export async function serviceRunbookOf(manifests: readonly WorkspaceManifest[], w: WorkloadOfRow, exists: (file: string) => Promise<boolean>): Promise<string | undefined> {
  for (const m of manifestsForWorkload(manifests, w)) {
    const file = path.join(path.dirname(m.file), serviceRunbookFileName);
    if (await exists(file)) return file;
  }
  return undefined;
}
