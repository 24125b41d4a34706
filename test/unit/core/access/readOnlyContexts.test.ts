import { describe, expect, it } from "vitest";
import { checkWritable, matchReadOnly, readOnlyPolicyFromEnv } from "../../../../src/core/access/readOnlyContexts";

describe("read-only contexts", () => {
  it.each([
    ["aks-ml-prod", ["*prod*"], "*prod*"],
    ["aks-ml-production-eu", ["staging", "*-prod*"], "*-prod*"],
    ["kind-gpu-lab", ["*prod*"], undefined],
    ["prod", ["prod"], "prod"],
    ["preprod.x", ["prod"], undefined],
    ["a.b", ["a.b"], "a.b"],
    ["axb", ["a.b"], undefined],
  ])("%s against %j matches %s", (context, patterns, expected) => {
    expect(matchReadOnly(context, patterns)).toBe(expected);
  });

  it("refuses a matching context until it is unlocked for the session", () => {
    expect(checkWritable("aks-prod", { patterns: ["*prod"], unlocked: new Set() })).toEqual({ kind: "read-only-context", context: "aks-prod", pattern: "*prod" });
    expect(checkWritable("aks-prod", { patterns: ["*prod"], unlocked: new Set(["aks-prod"]) })).toBeUndefined();
  });

  it("reads a terminal's policy from its environment and names a bad pattern", () => {
    const read = readOnlyPolicyFromEnv({ AIPLAT_READONLY_CONTEXTS: " *prod* , staging ", AIPLAT_UNLOCK_CONTEXTS: "aks-prod" });
    expect(read.ok && read.policy.patterns).toEqual(["*prod*", "staging"]);
    expect(read.ok && [...read.policy.unlocked]).toEqual(["aks-prod"]);
    expect(readOnlyPolicyFromEnv({ AIPLAT_READONLY_CONTEXTS: "a b" })).toMatchObject({ ok: false, variable: "AIPLAT_READONLY_CONTEXTS" });
  });
});
