/** What the Delivery section could not see, worded for the dashboard (the CLI words the same kinds for a terminal). */
import type { DeliveryBlindSpot } from "../../src/shared/protocol/delivery";

export function deliveryBlindSpotText(b: DeliveryBlindSpot): string {
  switch (b.kind) {
    case "no-rollout-history":
      return "The cluster's rollout history was not read: deploys made without AI Platform Ops are not counted.";
    case "audit-log-missing":
      return `No audit log at ${b.file} yet: only the rollout history counts.`;
    case "audit-log-problems":
      return `${b.lines} ${b.lines === 1 ? "line" : "lines"} of ${b.file} ${b.lines === 1 ? "is not an audit record" : "are not audit records"} and ${b.lines === 1 ? "was" : "were"} skipped (Verify Audit Log says which).`;
    case "history-unreadable":
      return `The rollout history of ${b.service.namespace}/${b.service.name} could not be read (${b.reason}): only its audit records count.`;
    case "namespaces-unreadable":
      return `Namespaces could not be read (${b.reason}): the team comes from the manifest owner only.`;
    case "no-history-for-kind":
      return "KServe keeps no rollout history AI Platform Ops reads: only audit-logged deploys of this InferenceService count.";
  }
}
