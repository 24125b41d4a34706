import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { ExitCode } from "../../../src/cli/aiplat";
import { runAiplat } from "./runAiplat";

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), "aiplat-cli-scaffold-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const aiplat = (...args: string[]): ReturnType<typeof runAiplat> => runAiplat(args, { cwd });

describe("aiplat scaffold", () => {
  test("--list shows every template with its title", async () => {
    const r = await aiplat("scaffold", "--list");
    expect(r.code).toBe(ExitCode.ok);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TEMPLATE\s+TITLE\s+DESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["kserve", "python", "triton", "vllm"]);
    expect(r.out).toContain("vLLM (OpenAI-compatible LLM server)");
  });

  test("--list -o json is machine-readable", async () => {
    const r = await aiplat("scaffold", "--list", "-o", "json");
    const list = JSON.parse(r.out) as { id: string; title: string }[];
    expect(list.map((t) => t.id)).toEqual(["kserve", "python", "triton", "vllm"]);
  });

  test("creates the service directory relative to the working directory and says what is next", async () => {
    const r = await aiplat("scaffold", "--template", "vllm", "--name", "llama3-chat", "--out", "services/llama3-chat", "--set", "resources.gpu.count=2", "--set", "environments.dev.namespace=team-a");
    expect(r).toMatchObject({ code: ExitCode.ok, err: "" });
    expect(r.out).toContain("Created services/llama3-chat/ from the vllm template:");
    expect(r.out).toContain("  k8s/deployment.yaml");
    expect(r.out).toContain("npx aiplat check aiplatform.yaml --env dev");
    const dir = path.join(cwd, "services/llama3-chat");
    const manifest = parse(readFileSync(path.join(dir, "aiplatform.yaml"), "utf8")) as { resources: { gpu: { count: number } }; environments: { dev: { namespace: string } } };
    expect(manifest.resources.gpu.count).toBe(2);
    expect(manifest.environments.dev.namespace).toBe("team-a");
    expect((parse(readFileSync(path.join(dir, "k8s/deployment.yaml"), "utf8")) as { metadata: { namespace: string } }).metadata.namespace).toBe("team-a");
    // The scaffold is in the audit log, where delivery metrics start a newcomer's lead time.
    const records = readFileSync(path.join(cwd, ".aiplatform/audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { action: string; namespace?: string; object: { kind: string; name: string } });
    expect(records.at(-1)).toMatchObject({ action: "scaffold", namespace: "team-a", object: { kind: "Deployment", name: "llama3-chat" } });
  });

  test("-o json lists the files written", async () => {
    const r = await aiplat("scaffold", "-t", "kserve", "-n", "iris", "--out", path.join(cwd, "iris"), "-o", "json");
    expect(r.code).toBe(ExitCode.ok);
    const out = JSON.parse(r.out) as { dir: string; template: string; name: string; files: string[] };
    expect(out).toMatchObject({ dir: path.join(cwd, "iris"), template: "kserve", name: "iris" });
    expect(out.files).toContain("k8s/inferenceservice.yaml");
    for (const f of out.files) expect(existsSync(path.join(out.dir, f))).toBe(true);
  });

  test.each([
    { args: ["scaffold", "--name", "x", "--out", "x"], says: "--template is required" },
    { args: ["scaffold", "--template", "vllm", "--out", "x"], says: "--name is required" },
    { args: ["scaffold", "--template", "vllm", "--name", "x"], says: "--out is required" },
    { args: ["scaffold", "--template", "pytorch", "--name", "x", "--out", "x"], says: 'There is no template "pytorch". Choose one of: kserve, python, triton, vllm' },
    { args: ["scaffold", "--template", "vllm", "--name", "Llama3", "--out", "x"], says: 'The name "Llama3" cannot be used' },
    { args: ["scaffold", "--template", "vllm", "--name", "x", "--out", "x", "--set", "scaling.maxReplicas"], says: '--set "scaling.maxReplicas": expected key=value' },
    { args: ["scaffold", "--template", "vllm", "--name", "x", "--out", "x", "--set", "scaling.maxReplicas=lots"], says: "scaling.maxReplicas: " },
    { args: ["scaffold", "--template", "vllm", "--name", "x", "--out", "x", "-o", "xml"], says: "Allowed choices are text, json" },
  ])("a wrong command line exits 2 and says why: $says", async ({ args, says }) => {
    const r = await aiplat(...args);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(r.out).toBe("");
    expect(existsSync(path.join(cwd, "x"))).toBe(false);
  });

  test("an existing non-empty directory exits 1 and is left alone", async () => {
    mkdirSync(path.join(cwd, "svc"));
    writeFileSync(path.join(cwd, "svc", "notes.txt"), "keep me");
    const r = await aiplat("scaffold", "--template", "python", "--name", "svc", "--out", "svc");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain(`${path.join(cwd, "svc")} already exists and is not empty; nothing was written`);
    expect(readFileSync(path.join(cwd, "svc", "notes.txt"), "utf8")).toBe("keep me");
    expect(existsSync(path.join(cwd, "svc", "aiplatform.yaml"))).toBe(false);
  });

  test("--help names every flag", async () => {
    const r = await aiplat("scaffold", "--help");
    expect(r.code).toBe(ExitCode.ok);
    for (const flag of ["--list", "--template", "--name", "--out", "--set", "--output"]) expect(r.out).toContain(flag);
  });
});
