/**
 * Selectors spelled as apimachinery spells them: expected strings are what
 * metav1.LabelSelectorAsSelector(s).String() and metav1.FormatLabelSelector give for the same
 * LabelSelector (the form `kubectl get rs -o wide` shows under SELECTOR): requirements by key,
 * in/notin values sorted and de-duplicated.
 */
import type { V1LabelSelector } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { formatLabelSelector, labelSelectorString } from "../../../../../src/core/kube/objects/labelSelector";

describe("labelSelectorString and formatLabelSelector", () => {
  test.each<{ what: string; selector: V1LabelSelector | undefined; query: string | undefined; shown: string }>([
    { what: "one label", selector: { matchLabels: { app: "web" } }, query: "app=web", shown: "app=web" },
    { what: "labels by key", selector: { matchLabels: { tier: "gpu", app: "web" } }, query: "app=web,tier=gpu", shown: "app=web,tier=gpu" },
    {
      what: "labels and every operator, by key",
      selector: {
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "track", operator: "In", values: ["stable", "canary"] },
          { key: "legacy", operator: "DoesNotExist" },
          { key: "gpu", operator: "Exists" },
          { key: "zone", operator: "NotIn", values: ["b"] },
        ],
      },
      query: "app=web,gpu,!legacy,track in (canary,stable),zone notin (b)",
      shown: "app=web,gpu,!legacy,track in (canary,stable),zone notin (b)",
    },
    { what: "repeated values once", selector: { matchExpressions: [{ key: "env", operator: "In", values: ["prod", "dev", "prod"] }] }, query: "env in (dev,prod)", shown: "env in (dev,prod)" },
    { what: "keys with a prefix", selector: { matchLabels: { "app.kubernetes.io/name": "chat", "pod-template-hash": "7d9c" } }, query: "app.kubernetes.io/name=chat,pod-template-hash=7d9c", shown: "app.kubernetes.io/name=chat,pod-template-hash=7d9c" },
    { what: "an empty selector selects everything", selector: {}, query: "", shown: "<none>" },
    { what: "no selector", selector: undefined, query: "", shown: "<none>" },
    { what: "In without values is invalid", selector: { matchExpressions: [{ key: "env", operator: "In", values: [] }] }, query: undefined, shown: "<error>" },
    { what: "Exists with values is invalid", selector: { matchExpressions: [{ key: "env", operator: "Exists", values: ["x"] }] }, query: undefined, shown: "<error>" },
    { what: "an unknown operator is invalid", selector: { matchExpressions: [{ key: "env", operator: "Gt", values: ["1"] }] }, query: undefined, shown: "<error>" },
  ])("$what", ({ selector, query, shown }) => {
    expect(labelSelectorString(selector)).toBe(query);
    expect(formatLabelSelector(selector)).toBe(shown);
  });
});
