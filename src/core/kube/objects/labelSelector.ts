import type { V1LabelSelector } from "@kubernetes/client-node";

/**
 * A LabelSelector as apimachinery spells it: metav1.LabelSelectorAsSelector(s).String(), the
 * form of the API's labelSelector parameter. Requirements sorted by key (labels.ByKey), values of
 * in/notin sorted; "" selects everything. undefined when the selector is invalid (an unknown
 * operator, in/notin without values, exists with values), where LabelSelectorAsSelector errs.
 */
export function labelSelectorString(selector: V1LabelSelector | undefined): string | undefined {
  const parts: [string, string][] = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of selector?.matchExpressions ?? []) {
    const values = e.values ?? [];
    const list = [...new Set(values)].sort(compareBytes).join(",");
    switch (e.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) return undefined;
        parts.push([e.key, `${e.key} ${e.operator === "In" ? "in" : "notin"} (${list})`]);
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) return undefined;
        parts.push([e.key, e.operator === "Exists" ? e.key : `!${e.key}`]);
        break;
      default:
        return undefined;
    }
  }
  return parts
    .sort(([a], [b]) => compareBytes(a, b))
    .map(([, text]) => text)
    .join(",");
}

/** metav1.FormatLabelSelector: for people, "<none>" when it selects everything and "<error>" when invalid. */
export function formatLabelSelector(selector: V1LabelSelector | undefined): string {
  const text = labelSelectorString(selector);
  return text === undefined ? "<error>" : text === "" ? "<none>" : text;
}

/** Go's string order: by UTF-16 code unit here, which agrees with bytes for label keys (ASCII). */
const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
