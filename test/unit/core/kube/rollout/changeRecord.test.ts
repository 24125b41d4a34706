import { describe, expect, test } from "vitest";
import { type AuditAction, auditActions } from "../../../../../src/core/audit/auditRecord";
import { type ChangeFacts, changeAnnotations, changeEvent } from "../../../../../src/core/kube/rollout/changeRecord";

const actor = { kubeUser: "alice", osUser: "alice" };
const now = new Date("2026-11-23T10:15:30.123Z");
const deployment = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "llm", uid: "0b6f" };
const facts = (over: Partial<ChangeFacts> = {}): ChangeFacts => ({ action: "rollback", reason: "slow", actor, outcome: "succeeded", ...over });

/**
 * The checks the API server makes on a core/v1 Event that has an eventTime
 * (kubernetes pkg/apis/core/validation/events.go, legacyValidateEvent), restated here.
 */
function apiServerProblems(e: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const involved = e["involvedObject"] as { namespace?: string };
  const namespace = (e["metadata"] as { namespace?: string }).namespace ?? "";
  const text = (k: string): string => (typeof e[k] === "string" ? e[k] : "");
  const bytes = (k: string): number => Buffer.byteLength(text(k), "utf8");
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String(e["eventTime"]))) problems.push("eventTime is not RFC 3339 with microseconds");
  if (!involved.namespace && namespace !== "default" && namespace !== "kube-system") problems.push("involvedObject.namespace does not match event.namespace");
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(text("reportingComponent"))) problems.push("reportingComponent");
  for (const [k, max] of [["reportingInstance", 128], ["action", 128], ["reason", 128]] as const) if (bytes(k) === 0 || bytes(k) > max) problems.push(k);
  if (bytes("message") > 1024) problems.push("message");
  return problems;
}

describe("changeEvent", () => {
  test.each(auditActions.map((action) => ({ action })))("a $action Event passes the API server's Event validation", ({ action }) => {
    expect(apiServerProblems(changeEvent(deployment, facts({ action }), now, "laptop"))).toEqual([]);
  });

  test("a Node's Event lives in default and names no namespace for the Node", () => {
    const e = changeEvent({ apiVersion: "v1", kind: "Node", name: "gpu-0" }, facts({ action: "cordon" }), now, "laptop");
    expect(e["metadata"]).toEqual({ generateName: "gpu-0.", namespace: "default" });
    expect(e["involvedObject"]).toEqual({ apiVersion: "v1", kind: "Node", name: "gpu-0" });
    expect(apiServerProblems(e)).toEqual([]);
  });

  test("a very long reason in a multi-byte script is cut to fit the 1024-byte message limit", () => {
    const e = changeEvent(deployment, facts({ reason: "回滚".repeat(2000) }), now, "x".repeat(300));
    expect(apiServerProblems(e)).toEqual([]);
    expect(String(e["message"]).endsWith("…")).toBe(true);
  });

  test("times: whole seconds for first/lastTimestamp, microseconds for eventTime", () => {
    const e = changeEvent(deployment, facts(), now, "laptop");
    expect([e["firstTimestamp"], e["lastTimestamp"], e["eventTime"], e["count"]]).toEqual(["2026-11-23T10:15:30Z", "2026-11-23T10:15:30Z", "2026-11-23T10:15:30.123000Z", 1]);
  });

  test.each([
    { outcome: "succeeded", type: "Normal", message: "alice rolled back Deployment ml/llm. Reason: slow" },
    { outcome: "failed", type: "Warning", message: "alice tried to roll back Deployment ml/llm: failed. Reason: slow" },
    { outcome: "cancelled", type: "Normal", message: "alice tried to roll back Deployment ml/llm: cancelled. Reason: slow" },
  ] as const)("outcome $outcome: a $type Event", ({ outcome, type, message }) => {
    expect(changeEvent(deployment, facts({ outcome }), now, "laptop")).toMatchObject({ type, message });
  });
});

describe("changeAnnotations", () => {
  const withCause: AuditAction[] = ["deploy", "rollback", "restart", "promote"];
  test.each(auditActions.map((action) => ({ action, cause: withCause.includes(action) })))("$action sets change-cause: $cause", ({ action, cause }) => {
    const a = changeAnnotations(facts({ action, revisionAfter: "4" }), now);
    expect(a["aiplatform.dev/last-action"]).toBe(action);
    expect(a["kubernetes.io/change-cause"]).toBe(cause ? `aiplat ${action} to revision 4: slow (by alice)` : undefined);
  });

  test("no reason: the last reason is emptied so an older one is not taken for this change's", () => {
    expect(changeAnnotations(facts({ reason: undefined }), now)).toEqual({
      "kubernetes.io/change-cause": "aiplat rollback (by alice)",
      "aiplatform.dev/last-action": "rollback",
      "aiplatform.dev/last-actor": "alice",
      "aiplatform.dev/last-reason": "",
      "aiplatform.dev/last-change-at": "2026-11-23T10:15:30Z",
    });
  });
});
