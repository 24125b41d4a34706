import { describe, expect, test } from "vitest";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";

const manifest = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-scorer
runtime: python
model:
  registry: models:/fraud
  version: "3"
image: registry.example.com/fraud:1.4.2
resources:
  cpu: "2"
  memory: 4Gi
environments:
  dev:
    context: sandbox
    namespace: ml-dev
`;

describe("parseManifest", () => {
  test("a valid manifest parses, with the schema's defaults filled in", () => {
    const r = parseManifest(manifest);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.port).toBe(8080);
    expect(r.manifest.rollout).toMatchObject({ strategy: "rolling", maxUnavailable: 0 });
    expect(r.manifest.environments["dev"]).toMatchObject({ production: false, approvalRequired: false });
  });

  test("a schema problem names the field and points at its line and column", () => {
    const r = parseManifest(manifest.replace("cpu: \"2\"", "cpu: lots"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toMatch(/^resources\.cpu: /);
    expect(r.problems[0]?.range).toMatchObject({ line: 10, column: 8 });
  });

  test("a missing field points at the map it belongs in", () => {
    const r = parseManifest(manifest.replace("    namespace: ml-dev\n", ""));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.message).toMatch(/^environments\.dev\.namespace: /);
    expect(r.problems[0]?.range.line).toBe(13);
  });

  test("a YAML syntax error is reported with its position, not as a schema problem", () => {
    const r = parseManifest(manifest.replace("  memory: 4Gi", "  memory: [4Gi"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.message).toMatch(/^YAML: /);
    expect(r.problems[0]?.range.line).toBeGreaterThanOrEqual(11);
  });

  test("duplicate keys are an error, as they would silently override each other", () => {
    const r = parseManifest(`${manifest}name: other\n`);
    expect(r.ok).toBe(false);
  });

  test("a YAML alias bomb is refused rather than expanded", () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    expect(() => parseManifest(bomb)).not.toThrow();
    expect(parseManifest(bomb).ok).toBe(false);
  });

  test("the location of any path: the value for scalars, the key for sections", () => {
    const r = parseManifest(manifest);
    expect(r.locate(["image"])).toMatchObject({ line: 8, column: 8 });
    expect(r.locate(["resources"])).toMatchObject({ line: 9, column: 1 });
    expect(r.locate(["probes"])).toMatchObject({ line: 1, column: 1 });
  });
});
