import { manifestModelReference } from "../manifest/manifestModelReference";
import type { Environment, ServiceManifest } from "../manifest/serviceManifest";
import type { ModelRegistry, ModelVersion, RegistryFailure } from "./modelRegistry";

/**
 * The approval gate's facts: which registered version a manifest deploys and what it carries
 * (aliases, stage, tags), read from the registry before the policy rules run, so the
 * `model-approved` rule itself stays a pure judgement over data (policyRules.ts).
 */

export type ApprovalCriterion =
  | { readonly kind: "alias"; readonly alias: string }
  | { readonly kind: "stage"; readonly stage: string }
  | { readonly kind: "tag"; readonly key: string; readonly value: string };

/** MLflow's own docs promote a version by moving `champion` to it; with nothing configured, that is the approval. */
export const defaultApprovalAlias = "champion";

/** Production environments are gated always; any other environment when it says what approval is. */
export function modelApprovalApplies(environment: Environment): boolean {
  return environment.production || environment.modelApproval !== undefined;
}

/** The environment's criteria, any one of which approves; `champion` when none is listed. */
export function approvalCriteria(environment: Environment): readonly ApprovalCriterion[] {
  const c = environment.modelApproval ?? {};
  const criteria: ApprovalCriterion[] = [];
  if (c.alias !== undefined) criteria.push({ kind: "alias", alias: c.alias });
  if (c.stage !== undefined) criteria.push({ kind: "stage", stage: c.stage });
  if (c.tag !== undefined) {
    // The key ends at the first '=' (the schema requires one); a value may hold more.
    const at = c.tag.indexOf("=");
    criteria.push({ kind: "tag", key: c.tag.slice(0, at), value: c.tag.slice(at + 1) });
  }
  return criteria.length > 0 ? criteria : [{ kind: "alias", alias: defaultApprovalAlias }];
}

/** Does the version carry it? Stages compare without case, as MLflow's do (models.py). */
export function carriesCriterion(version: ModelVersion, criterion: ApprovalCriterion): boolean {
  switch (criterion.kind) {
    case "alias":
      return version.aliases.includes(criterion.alias);
    case "stage":
      return (version.currentStage ?? "").toLowerCase() === criterion.stage.toLowerCase();
    case "tag":
      return version.tags.some((t) => t.key === criterion.key && t.value === criterion.value);
  }
}

export type ApprovalReference = NonNullable<ReturnType<typeof manifestModelReference>>;

export type ModelApprovalFacts =
  /** The environment is neither production nor configured for approval: nothing was asked. */
  | { readonly kind: "not-required" }
  /** The manifest names no registered version (a bare storage URI, runs:/…): nothing to ask. */
  | { readonly kind: "not-a-registry-model" }
  | {
      readonly kind: "resolved";
      readonly reference: ApprovalReference;
      readonly registry: string;
      readonly version: ModelVersion;
      /** alias → version for the model, when the registry said (it names who holds `champion` now). */
      readonly aliasHolders: ReadonlyMap<string, string>;
      /** The registry has no aliases (Azure ML): an alias criterion cannot be met there. */
      readonly aliasesUnsupported: boolean;
    }
  | { readonly kind: "not-found"; readonly reference: ApprovalReference; readonly registry: string; readonly missing: "model" | "version" | "alias" }
  | { readonly kind: "registry-failure"; readonly reference: ApprovalReference; readonly registry: string; readonly failure: RegistryFailure };

/** MLflow answers RESOURCE_DOES_NOT_EXIST with 404 (mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS). */
function isMissing(failure: RegistryFailure): boolean {
  return failure.kind === "api-error" && (failure.errorCode === "RESOURCE_DOES_NOT_EXIST" || failure.errorCode === "NOT_FOUND" || (failure.status === 404 && failure.errorCode !== "ENDPOINT_NOT_FOUND"));
}

/**
 * Reads the version the manifest deploys (through its alias, when it names one), the model's
 * aliases, and who holds each alias the environment approves by, in parallel. Asking for the
 * alias is also the probe MLflow registries without aliases (Azure ML) answer with
 * ENDPOINT_NOT_FOUND, so an alias criterion there warns instead of blocking every deploy.
 * Every registry problem comes back as a fact for the rule to judge.
 */
export async function fetchModelApprovalFacts(manifest: ServiceManifest, env: string, registry: ModelRegistry, signal: AbortSignal): Promise<ModelApprovalFacts> {
  const environment = Object.hasOwn(manifest.environments, env) ? manifest.environments[env] : undefined;
  if (!environment || !modelApprovalApplies(environment)) return { kind: "not-required" };
  const reference = manifestModelReference(manifest.model);
  if (!reference) return { kind: "not-a-registry-model" };
  const where = registry.displayUrl;
  const approvalAliases = approvalCriteria(environment).flatMap((c) => (c.kind === "alias" ? [c.alias] : []));
  const [version, model, holders] = await Promise.all([
    reference.kind === "version" ? registry.getModelVersion(reference.name, reference.version, signal) : registry.getModelVersionByAlias(reference.name, reference.alias, signal),
    registry.getRegisteredModel(reference.name, signal),
    Promise.all(approvalAliases.map(async (alias) => ({ alias, held: await registry.getModelVersionByAlias(reference.name, alias, signal) }))),
  ]);
  if (!model.ok && isMissing(model.failure)) return { kind: "not-found", reference, registry: where, missing: "model" };
  if (!version.ok) {
    if (isMissing(version.failure)) return { kind: "not-found", reference, registry: where, missing: reference.kind === "alias" ? "alias" : "version" };
    return { kind: "registry-failure", reference, registry: where, failure: version.failure };
  }
  const aliasHolders = new Map(model.ok ? model.value.aliases.map((a) => [a.alias, a.version] as const) : []);
  for (const { alias, held } of holders) if (held.ok) aliasHolders.set(alias, held.value.version);
  const aliasesUnsupported = holders.some(({ held }) => !held.ok && held.failure.kind === "unsupported") || registry.notes().some((n) => n.feature === "aliases");
  return { kind: "resolved", reference, registry: where, version: version.value, aliasHolders, aliasesUnsupported };
}
