import { describe, expect, test } from "vitest";
import { ChangeReason, checkChangeReason, maxChangeReasonLength, RequiredChangeReason } from "../../../../src/core/audit/changeReason";

describe("a change reason is one line of at most 300 characters, required in production", () => {
  test.each([
    { reason: "INC-4711: roll back the bad tokenizer", required: true, problem: undefined },
    { reason: "", required: false, problem: undefined },
    { reason: "", required: true, problem: "required" },
    { reason: "   ", required: true, problem: "required" },
    { reason: "one\ntwo", required: false, problem: "multi-line" },
    { reason: "one\rtwo", required: true, problem: "multi-line" },
    { reason: "x".repeat(300), required: true, problem: undefined },
    { reason: "x".repeat(301), required: false, problem: "too-long" },
  ])("$reason (required: $required) → $problem", ({ reason, required, problem }) => {
    expect(checkChangeReason(reason, { required })).toBe(problem);
    const schema = required ? RequiredChangeReason : ChangeReason;
    const parsed = schema.safeParse(reason);
    expect(parsed.success ? undefined : parsed.error.issues[0]?.message).toBe(problem);
  });

  test("the limit is the annotation-sized 300", () => {
    expect(maxChangeReasonLength).toBe(300);
  });
});
