import type { ServiceManifest } from "../manifest/serviceManifest";
import { planScaffold, validateServiceName } from "./planScaffold";
import { writeDirectoryAtomically } from "./safeWrite";
import type { ScaffoldError } from "./scaffoldError";
import { loadTemplate } from "./templateCatalog";

export interface ScaffoldRequest {
  readonly templatesDir: string;
  readonly templateId: string;
  readonly name: string;
  /** Absolute, or relative to the process's working directory. */
  readonly outDir: string;
  readonly set: readonly string[];
  readonly now?: Date;
}

export type ScaffoldResult =
  | {
      readonly ok: true;
      readonly dir: string;
      /** Relative to dir, '/'-separated, in write order. */
      readonly files: readonly string[];
      /** The manifest written to aiplatform.yaml. */
      readonly manifest: ServiceManifest;
    }
  | { readonly ok: false; readonly error: ScaffoldError };

/**
 * A new service directory from a template: validate the name (before it is used anywhere),
 * load the template, render every file in memory, then write them all at once or not at all.
 */
export async function scaffoldService(req: ScaffoldRequest): Promise<ScaffoldResult> {
  const nameError = validateServiceName(req.name);
  if (nameError) return { ok: false, error: nameError };
  const template = await loadTemplate(req.templatesDir, req.templateId);
  if (!template.ok) return template;
  const plan = planScaffold(template.value, { name: req.name, set: req.set, ...(req.now ? { now: req.now } : {}) });
  if (!plan.ok) return plan;
  const written = await writeDirectoryAtomically(req.outDir, plan.files);
  if (!written.ok) return written;
  return { ok: true, dir: written.dir, files: plan.files.map((f) => f.path), manifest: plan.manifest };
}
