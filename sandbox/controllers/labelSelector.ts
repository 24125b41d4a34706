/** metav1.LabelSelector (matchLabels and matchExpressions) matched against labels, as workloads select their pods. */
import { type LabelRequirement, matchesLabels } from "../selectors";
import { type LabelSelector } from "./kubeShapes";

const operators: Record<string, LabelRequirement["operator"]> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

export function selectorRequirements(selector: LabelSelector | undefined): LabelRequirement[] {
  const requirements: LabelRequirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => ({ key, operator: "=", values: [value] }));
  for (const e of selector?.matchExpressions ?? []) {
    const operator = operators[e.operator];
    if (operator) requirements.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return requirements;
}

/** An empty selector selects nothing here: the API server refuses one on a workload anyway. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const requirements = selectorRequirements(selector);
  return requirements.length > 0 && matchesLabels(requirements, labels);
}
