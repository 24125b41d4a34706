import { checkChangeReason, type ChangeReasonProblem } from "../audit/changeReason";
import type { ServiceManifest } from "../manifest/serviceManifest";

/** Production deploys must say why: the one change-reason rule, required in production. */
export function checkDeployReason(reason: string, production: boolean): ChangeReasonProblem | undefined {
  return checkChangeReason(reason, { required: production });
}

/** The change cause recorded when none is given: what runs, and which model. */
export function defaultDeployReason(m: ServiceManifest): string {
  const where = "storageUri" in m.model ? m.model.storageUri : m.model.registry;
  // An alias reference (models:/name@alias) carries no version of its own.
  const model = `${where}${m.model.version ? `@${m.model.version}` : ""}`;
  return `deploy ${m.image ?? m.runtime} (${model})`;
}
