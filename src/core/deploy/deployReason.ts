import type { ServiceManifest } from "../manifest/serviceManifest";

/** The longest change cause we record: it goes on the object as an annotation and into an Event. */
export const maxReasonLength = 300;

export type ReasonProblem = "required" | "multi-line" | "too-long";

/** Production deploys must say why; a reason is one line, short enough for an annotation. */
export function checkDeployReason(reason: string, production: boolean): ReasonProblem | undefined {
  if (production && !reason.trim()) return "required";
  if (/[\n\r]/.test(reason)) return "multi-line";
  if (reason.length > maxReasonLength) return "too-long";
  return undefined;
}

/** The change cause recorded when none is given: what runs, and which model. */
export function defaultDeployReason(m: ServiceManifest): string {
  const model = "registry" in m.model ? `${m.model.registry}@${m.model.version}` : `${m.model.storageUri}${m.model.version ? `@${m.model.version}` : ""}`;
  return `deploy ${m.image ?? m.runtime} (${model})`;
}
