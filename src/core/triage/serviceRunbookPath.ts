/**
 * Which service runbook a workload has, from the workspace's manifests. Apart from runbookLinks.ts
 * because it parses manifests (YAML): the incident report's bundle does not need a parser.
 */
import * as path from "node:path";
import { parseManifest } from "../manifest/parseManifest";
import { serviceRunbookFileName } from "./runbookLinks";
import type { TriageWorkloadRef } from "./triageReport";

export interface ManifestText {
  readonly file: string;
  readonly text: string;
}

/**
 * The runbook.md path beside the manifest that deploys this workload: the manifest's name is the
 * workload's and one of its environments deploys to its namespace (and context, when given). The
 * caller checks the file exists. Manifests that do not parse are passed over.
 */
export function serviceRunbookPath(manifests: readonly ManifestText[], workload: TriageWorkloadRef & { readonly context?: string }): string | undefined {
  const matches = (m: ManifestText, withContext: boolean): boolean => {
    const parsed = parseManifest(m.text);
    if (!parsed.ok || parsed.manifest.name !== workload.name) return false;
    if ((workload.kind === "InferenceService") !== (parsed.manifest.runtime === "kserve")) return false;
    return Object.values(parsed.manifest.environments).some((e) => e.namespace === workload.namespace && (!withContext || workload.context === undefined || e.context === workload.context));
  };
  // A manifest naming the context too wins over one that only shares the namespace.
  const found = manifests.find((m) => matches(m, true)) ?? manifests.find((m) => matches(m, false));
  return found ? path.join(path.dirname(found.file), serviceRunbookFileName) : undefined;
}
