import { describe, expect, test } from "vitest";
import { applyOverrides, parseSetEntry } from "../../../../src/core/scaffold/setOverrides";

const base = {
  runtime: "vllm",
  image: "vllm/vllm-openai:v0.6.3",
  resources: { cpu: "4", gpu: { count: 1, type: "NVIDIA-A100-SXM4-80GB" } },
  environments: { dev: { context: "sandbox", namespace: "ml-dev" } },
  rollout: { strategy: "rolling", maxSurge: 1, maxUnavailable: 0 },
};

describe("parseSetEntry: values are YAML scalars, as `helm --set` users expect", () => {
  test.each([
    { entry: "scaling.maxReplicas=4", path: ["scaling", "maxReplicas"], value: 4 },
    { entry: "slo.errorRate=0.01", path: ["slo", "errorRate"], value: 0.01 },
    { entry: "environments.prod.production=true", path: ["environments", "prod", "production"], value: true },
    { entry: "resources.cpu=500m", path: ["resources", "cpu"], value: "500m" },
    { entry: 'resources.cpu="4"', path: ["resources", "cpu"], value: "4" },
    { entry: "description=A&B <fast> path/x", path: ["description"], value: "A&B <fast> path/x" },
    { entry: "owner=team=ml", path: ["owner"], value: "team=ml" },
    { entry: "image=repo/name@sha256:" + "a".repeat(64), path: ["image"], value: "repo/name@sha256:" + "a".repeat(64) },
    { entry: "rollout.steps.0.traffic=10", path: ["rollout", "steps", "0", "traffic"], value: 10 },
    { entry: "description=yes", path: ["description"], value: "yes" },
  ])("$entry", ({ entry, path, value }) => {
    expect(parseSetEntry(entry)).toEqual({ ok: true, value: { entry, path, value } });
  });

  test.each([
    { entry: "noequals", says: "expected key=value" },
    { entry: "=4", says: "expected key=value" },
    { entry: "image=a\nkind: Secret", says: "newline" },
    { entry: "image=a\rb", says: "newline" },
    { entry: "image=a\u0000b", says: "control character" },
    { entry: "image=a\u2028b", says: "newline" },
    { entry: "description=key: value", says: "YAML structure" },
    { entry: "description=[a, b]", says: "YAML structure" },
    { entry: "description={a: 1}", says: "YAML structure" },
    { entry: "description=- item", says: "YAML structure" },
    { entry: "description=&anchor x", says: "anchors" },
    { entry: "description=!!binary aGk=", says: "tags" },
    { entry: "description=*alias", says: "alias" },
    { entry: "description=x # comment", says: "comments" },
    { entry: "description=# only a comment", says: "comments" },
    { entry: "description=--- x", says: "document markers" },
    { entry: "description=|", says: "block scalar" },
    { entry: "description=>-", says: "block scalar" },
    { entry: "description=", says: "empty" },
    { entry: "description=~", says: "null" },
    { entry: "slo.errorRate=.nan", says: "finite number" },
    { entry: 'description="unterminated', says: "not one YAML scalar" },
    { entry: "__proto__.polluted=1", says: '"__proto__" is not a manifest field' },
    { entry: "resources.constructor.prototype=1", says: '"constructor" is not a manifest field' },
    { entry: "a..b=1", says: "dotted field names" },
    { entry: "a b=1", says: "dotted field names" },
    { entry: "name=other", says: "comes from --name" },
    { entry: "runtime=kserve", says: "choose another --template" },
    { entry: "kind=Secret", says: "fixed by aiplat" },
  ])("refuses $entry: $says", ({ entry, says }) => {
    const r = parseSetEntry(entry);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.reason).toContain(says);
  });
});

describe("applyOverrides", () => {
  test("sets nested fields on a copy, creating sections as needed", () => {
    const r = applyOverrides(base, ["environments.dev.namespace=ml-team", "environments.staging.context=stg", "scaling.maxReplicas=3"]);
    expect(r.ok && r.value).toMatchObject({ environments: { dev: { namespace: "ml-team" }, staging: { context: "stg" } }, scaling: { maxReplicas: 3 } });
    expect(base.environments.dev.namespace).toBe("ml-dev");
  });

  test("a later --set wins over an earlier one", () => {
    const r = applyOverrides(base, ["resources.cpu=2", "resources.cpu=8"]);
    expect(r.ok && (r.value.resources as { cpu: unknown }).cpu).toBe(8);
  });

  test("switching to a canary drops the rolling fields and gets 10/50/100 steps", () => {
    const r = applyOverrides(base, ["rollout.strategy=canary"]);
    expect(r.ok && r.value.rollout).toEqual({ strategy: "canary", steps: [{ traffic: 10 }, { traffic: 50 }, { traffic: 100 }] });
  });

  test("explicit canary steps replace the default ones", () => {
    const r = applyOverrides(base, ["rollout.strategy=canary", "rollout.steps.0.traffic=5", "rollout.steps.1.traffic=100"]);
    expect(r.ok && r.value.rollout).toEqual({ strategy: "canary", steps: [{ traffic: 5 }, { traffic: 100 }] });
  });

  test("a GPU count of 0 means no GPU: the whole GPU block goes (the wizard's CPU-only choice)", () => {
    const r = applyOverrides(base, ["resources.gpu.count=0"]);
    expect(r.ok && r.value["resources"]).toEqual({ cpu: "4" });
  });

  test("a registry model replaces a storage URI, and a storage URI replaces a registry model and its version", () => {
    const withStorage = { ...base, model: { storageUri: "hf://org/m" } };
    const r1 = applyOverrides(withStorage, ["model.registry=models:/fraud", 'model.version="3"']);
    expect(r1.ok && r1.value["model"]).toEqual({ registry: "models:/fraud", version: "3" });
    const r2 = applyOverrides({ ...base, model: { registry: "models:/fraud", version: "3" } }, ["model.storageUri=s3://b/m"]);
    expect(r2.ok && r2.value["model"]).toEqual({ storageUri: "s3://b/m" });
  });

  test("a MIG profile replaces the GPU type, and a type replaces the profile", () => {
    const mig = applyOverrides(base, ["resources.gpu.mig=1g.10gb"]);
    expect(mig.ok && mig.value.resources).toEqual({ cpu: "4", gpu: { count: 1, mig: "1g.10gb" } });
    const back = applyOverrides(mig.ok ? mig.value : {}, ["resources.gpu.type=NVIDIA-L4"]);
    expect(back.ok && back.value.resources).toEqual({ cpu: "4", gpu: { count: 1, type: "NVIDIA-L4" } });
  });

  test.each([
    { entry: "image.tag=1", says: "image is a string, not a section" },
    { entry: "resources=4", says: "resources is a section" },
    { entry: "environments.dev=prod", says: "environments.dev is a section" },
    { entry: "rollout.steps.x=1", pre: ["rollout.strategy=canary", "rollout.steps.0.traffic=10"], says: "rollout.steps is a list" },
  ])("refuses $entry: $says", ({ entry, pre, says }) => {
    const r = applyOverrides(base, [...(pre ?? []), entry]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.entry).toBe(entry);
    expect(!r.ok && r.error.reason).toContain(says);
  });

  test("cannot pollute Object.prototype, whatever the path", () => {
    for (const entry of ["__proto__.x=1", "constructor.prototype.x=1", "environments.__proto__.x=1", "a.prototype.b=1"]) {
      expect(applyOverrides(base, [entry]).ok).toBe(false);
    }
    // toString is inherited, not an own field: it becomes an own key the strict schema then rejects.
    const r = applyOverrides(base, ["toString.x=1"]);
    expect(r.ok && Object.keys(r.value)).toContain("toString");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
