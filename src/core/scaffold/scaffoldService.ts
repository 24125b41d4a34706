import { appendAuditRecord } from "../audit/auditLog";
import type { Actor } from "../audit/auditRecord";
import { renderKubernetesObjects } from "../manifest/renderKubernetes";
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
  /** Where to record the scaffold (the workspace's audit log), and who made it. Absent: nothing is recorded. */
  readonly audit?: { readonly file: string; readonly actor: Actor };
}

/** The scaffold's audit record, when one was asked for: its seq, or why it could not be written (the files stand; a warning). */
export type ScaffoldAudit = { readonly ok: true; readonly seq: number } | { readonly ok: false; readonly error: string };

export type ScaffoldResult =
  | {
      readonly ok: true;
      readonly dir: string;
      /** Relative to dir, '/'-separated, in write order. */
      readonly files: readonly string[];
      /** The manifest written to aiplatform.yaml. */
      readonly manifest: ServiceManifest;
      readonly audit?: ScaffoldAudit;
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
  const done = { ok: true as const, dir: written.dir, files: plan.files.map((f) => f.path), manifest: plan.manifest };
  if (!req.audit) return done;
  return { ...done, audit: await recordScaffold(req.audit, plan.manifest, req.templateId, req.now) };
}

/**
 * A "scaffold" record, so delivery metrics can measure a newcomer's lead time from scaffold to
 * first healthy deploy. Its object is the workload the first environment will run (the one whose
 * k8s/ files were written), in that environment's namespace and context; no cluster was asked,
 * so its cluster is the context's name.
 */
async function recordScaffold(audit: NonNullable<ScaffoldRequest["audit"]>, manifest: ServiceManifest, templateId: string, now: Date | undefined): Promise<ScaffoldAudit> {
  const envName = Object.keys(manifest.environments)[0] ?? "";
  const env = manifest.environments[envName];
  const rendered = renderKubernetesObjects(manifest, envName);
  const workload = rendered.ok ? rendered.objects.find((o) => o.kind === "Deployment" || o.kind === "InferenceService") : undefined;
  if (!env || !workload) return { ok: false, error: "the manifest renders no Deployment or InferenceService to record" };
  const appended = await appendAuditRecord(
    audit.file,
    {
      actor: audit.actor,
      cluster: env.context,
      context: env.context,
      namespace: env.namespace,
      object: { apiVersion: workload.apiVersion, kind: workload.kind, name: manifest.name },
      action: "scaffold",
      outcome: "succeeded",
      detail: `template ${templateId}, environment ${envName}`,
      ...(now ? { ts: now.toISOString() } : {}),
    },
    now ? { now } : {},
  );
  return appended.ok ? { ok: true, seq: appended.record.seq } : { ok: false, error: appended.error };
}
