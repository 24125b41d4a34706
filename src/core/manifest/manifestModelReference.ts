import { parseModelUri, type ModelReference } from "../registry/modelReference";
import type { ModelRef } from "./serviceManifest";

/**
 * The registered model version (or alias) a manifest's `model` names, if it names one: a
 * `models:/<name>` registry with `version`, `models:/<name>@<alias>`, or a storageUri with its
 * registry link (KServe). Other registries (runs:/, azureml:) and bare storage URIs name none.
 */
export function manifestModelReference(model: ModelRef): Extract<ModelReference, { kind: "version" | "alias" }> | undefined {
  const registry = model.registry;
  if (!registry) return undefined;
  const parsed = parseModelUri(registry);
  if (!parsed.ok) return undefined;
  const ref = parsed.reference;
  if (ref.kind === "alias") return "storageUri" in model ? undefined : ref;
  // models:/<name> alone parses as MLflow 3's logged-model form; here it is the registered name.
  if (ref.kind === "logged-model" && model.version) return { kind: "version", name: ref.modelId, version: model.version };
  return undefined;
}
