import { ModelRef } from "../../core/manifest/serviceManifest";
import type { ComputeChoice } from "./computeChoices";

/**
 * What the New Inference Service wizard asks and how the answers become `aiplat scaffold
 * --set` pairs: kept apart from the QuickPick code so it is tested in plain Node.
 */

/** A template as the wizard offers it. */
export interface WizardTemplate {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly detail: string;
  readonly defaultModel: string;
  /** Whether the runtime can run without a GPU. */
  readonly cpuCapable: boolean;
  readonly gpuRequired: boolean;
}

export interface ScaffoldAnswers {
  template: WizardTemplate | undefined;
  name: string;
  model: string;
  compute: ComputeChoice | undefined;
  parentDir: string | undefined;
}

/**
 * The model field takes MLflow's own URI forms (mlflow/store/artifact/utils/models.py):
 * `models:/<name>/<version>` or `models:/<name>@<alias>`; other registry URIs take `@<version>`;
 * anything else is a storage URI.
 */
export function modelProblem(value: string, template: WizardTemplate | undefined): string | undefined {
  const parsed = parseModelAnswer(value);
  if (!parsed.ok) return parsed.error;
  if (template?.id === "kserve" && !("storageUri" in parsed.model)) return "KServe loads the model from a storage URI (s3://, gs://, pvc://, hf://…)";
  return undefined;
}

function registryCandidate(v: string): { registry: string; version?: string } {
  // models:/name/3 is version 3; models:/name@champion is the alias, which the manifest keeps as written.
  const version = /^(models:\/[^@]+)\/(\d+)$/.exec(v);
  if (version) return { registry: version[1] ?? "", version: version[2] ?? "" };
  if (v.startsWith("models:")) return { registry: v };
  const at = v.lastIndexOf("@");
  return at > 0 ? { registry: v.slice(0, at), version: v.slice(at + 1) } : { registry: v };
}

export function parseModelAnswer(value: string): { ok: true; model: ModelRef } | { ok: false; error: string } {
  const v = value.trim();
  if (!v) return { ok: false, error: "A model is required" };
  const candidate = /^(models|runs|azureml|mlflow):/.test(v) ? registryCandidate(v) : { storageUri: v };
  const result = ModelRef.safeParse(candidate);
  if (result.success) return { ok: true, model: result.data };
  if ("registry" in candidate) return { ok: false, error: "A registry model needs a version or an alias: models:/fraud/3 or models:/fraud@champion" };
  return { ok: false, error: "Not a model reference: use models:/name/version, models:/name@alias, or s3://, gs://, pvc://, hf:// …" };
}

/** The wizard's answers as `aiplat scaffold --set` pairs, so the editor and the CLI share one path. */
export function answersToSet(a: ScaffoldAnswers): string[] {
  const set: string[] = [];
  const parsed = parseModelAnswer(a.model);
  if (parsed.ok) {
    const m = parsed.model;
    if ("registry" in m) set.push(`model.registry=${m.registry}`, ...(m.version === undefined ? [] : [`model.version="${m.version}"`]));
    else set.push(`model.storageUri=${m.storageUri}`);
  }
  if (a.compute) set.push(...a.compute.set);
  return set;
}
