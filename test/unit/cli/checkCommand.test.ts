/** aiplat check, in-process: linter lines pointing into aiplatform.yaml, exit codes, JSON, and manifests that do not parse. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { runAiplat } from "./runAiplat";
import { compliant, digest } from "./compliantManifest";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "aiplat-check-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}


const cli = (...args: string[]) => runAiplat(args, { cwd: dir, env: {} });

describe("aiplat check", () => {
  test("a compliant manifest has no findings in any environment and exits 0", async () => {
    const r = await cli("check", write("ok.yaml", compliant));
    expect(r).toEqual({ code: ExitCode.ok, out: "ok.yaml: no findings (dev, prod)\n", err: "" });
  });

  test("errors are printed like a linter, pointing at the field to fix, and exit 1", async () => {
    const text = compliant.replace(`vllm/vllm-openai@${digest}`, "vllm/vllm-openai:latest").replace('  cpu: "4"\n  memory: 32Gi\n', '  cpu: "4"\n');
    const r = await cli("check", write("bad.yaml", text), "--env", "prod");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out.split("\n")).toEqual([
      'bad.yaml:7:8 error no-latest-tag: Deployment llm/chat container "vllm" uses vllm/vllm-openai:latest [prod]  fix: give the image a version tag such as vllm/vllm-openai:v0.6.3, or a digest (@sha256:…)',
      'bad.yaml:7:8 error immutable-image-in-production: Deployment llm/chat container "vllm" uses vllm/vllm-openai:latest, a tag, in production environment prod [prod]  fix: use image: <repository>@sha256:<digest> (docker buildx imagetools inspect <image> prints the digest)',
      'bad.yaml:9:1 error limits-set: Deployment llm/chat container "vllm" has no memory request or memory limit [prod]  fix: set resources.cpu and resources.memory (the limits default to them; resources.memoryLimit raises the limit)',
      "bad.yaml: 3 errors, 0 warnings, 0 info (prod)",
      "",
    ]);
  });

  test("warnings alone do not fail the check; each environment is checked", async () => {
    const r = await cli("check", write("warn.yaml", compliant.replace("  liveness: {path: /health}\n", "")));
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out.split("\n")).toEqual([
      'warn.yaml:12:1 warning probes-present: Deployment llm-dev/chat container "vllm" has no liveness probe [dev]  fix: add probes.readiness and probes.liveness, e.g. path: /health (set initialDelaySeconds to cover model loading)',
      'warn.yaml:12:1 warning probes-present: Deployment llm/chat container "vllm" has no liveness probe [prod]  fix: add probes.readiness and probes.liveness, e.g. path: /health (set initialDelaySeconds to cover model loading)',
      "warn.yaml: 0 errors, 2 warnings, 0 info (dev, prod)",
      "",
    ]);
  });

  test("a GPU service without --live says its capacity was not checked, as info", async () => {
    const text = compliant.replace("  memory: 32Gi\n", "  memory: 32Gi\n  gpu: {count: 2, type: NVIDIA-A100-SXM4-80GB}\n");
    const r = await cli("check", write("gpu.yaml", text), "-e", "dev");
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toContain(
      "gpu.yaml:12:3 info gpu-capacity: not checked: no live cluster; Deployment llm-dev/chat needs 1 pod × 2 nvidia.com/gpu on nodes with nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB [dev]  fix: run aiplat check --live",
    );
  });

  test("-o json gives the findings with their locations and a summary", async () => {
    const r = await cli("check", write("json.yaml", compliant.replace(`@${digest}`, ":v0.6.3")), "-o", "json");
    expect(r.code).toBe(ExitCode.failed);
    const report = JSON.parse(r.out) as { file: string; valid: boolean; environments: string[]; findings: { ruleId: string; environment: string; location: { line: number } }[]; summary: unknown };
    expect(report).toMatchObject({ file: "json.yaml", valid: true, environments: ["dev", "prod"], summary: { errors: 1, warnings: 0, info: 0 } });
    expect(report.findings.map((f) => [f.ruleId, f.environment, f.location.line])).toEqual([["immutable-image-in-production", "prod", 7]]);
  });

  test("a YAML syntax error is reported at its line and column", async () => {
    const r = await cli("check", write("syntax.yaml", compliant.replace("resources:\n", "resources: [\n")));
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toMatch(/^syntax\.yaml:\d+:\d+ error schema: YAML: /);
    expect(r.out).toContain("syntax.yaml is not a valid service manifest");
  });

  test("schema issues are 'path: message' at the field's line", async () => {
    const r = await cli("check", write("schema.yaml", compliant.replace("port: 8000", "port: 80000").replace("namespace: llm-dev", "namespace: LLM_Dev")));
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out.split("\n").slice(0, 2)).toEqual([
      "schema.yaml:8:7 error schema: port: Too big: expected number to be <=65535",
      "schema.yaml:18:16 error schema: environments.dev.namespace: lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123), e.g. llama3-chat",
    ]);
  });

  test.each([
    { args: ["check", "ok.yaml", "--env", "staging"], code: ExitCode.usage, says: 'ok.yaml has no environment "staging"; it defines dev, prod' },
    { args: ["check", "ok.yaml", "-o", "sarif"], code: ExitCode.usage, says: "Allowed choices are text, json" },
    { args: ["check"], code: ExitCode.usage, says: "missing required argument 'manifest'" },
    { args: ["check", "missing.yaml"], code: ExitCode.failed, says: "missing.yaml does not exist" },
  ])("$args → exit $code", async ({ args, code, says }) => {
    write("ok.yaml", compliant);
    const r = await cli(...args);
    expect(r.code).toBe(code);
    expect(r.err).toContain(says);
  });
});
