import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { ExitCode } from "../../../src/cli/aiplat";
import { runAiplat } from "./runAiplat";

let cwd: string;
beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), "aiplat-cli-render-"));
  const r = await runAiplat(["scaffold", "-t", "triton", "-n", "resnet", "--out", "resnet"], { cwd });
  if (r.code !== 0) throw new Error(r.err);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const aiplat = (...args: string[]): ReturnType<typeof runAiplat> => runAiplat(args, { cwd });

describe("aiplat render", () => {
  test("prints the objects for the environment as a multi-document YAML stream", async () => {
    const r = await aiplat("render", "resnet/aiplatform.yaml", "--env", "prod");
    expect(r).toMatchObject({ code: ExitCode.ok, err: "" });
    const docs = parseAllDocuments(r.out, { version: "1.1" }).map((d) => d.toJS() as { kind: string; metadata: { namespace: string } });
    expect(docs.map((d) => d.kind)).toEqual(["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy"]);
    for (const d of docs) expect(d.metadata.namespace).toBe("ml-prod");
  });

  test("-o json prints a kubectl List", async () => {
    const r = await aiplat("render", path.join(cwd, "resnet/aiplatform.yaml"), "-e", "dev", "-o", "json");
    const list = JSON.parse(r.out) as { apiVersion: string; kind: string; items: { kind: string; metadata: { namespace: string } }[] };
    expect(list.kind).toBe("List");
    expect(list.items[0]?.kind).toBe("Deployment");
    expect(list.items[0]?.metadata.namespace).toBe("ml-dev");
  });

  test("renders what the scaffold wrote to k8s/ for the first environment", async () => {
    const r = await aiplat("render", "resnet/aiplatform.yaml", "--env", "dev");
    const rendered = parseAllDocuments(r.out).map((d) => d.toJS() as unknown);
    const written = ["deployment", "service", "horizontalpodautoscaler", "poddisruptionbudget", "servicemonitor", "networkpolicy"].map((k) => parseAllDocuments(readFileSync(path.join(cwd, "resnet/k8s", `${k}.yaml`), "utf8"))[0]?.toJS() as unknown);
    expect(rendered).toEqual(written);
  });

  test.each([
    { args: ["render", "resnet/aiplatform.yaml", "--env", "staging"], code: ExitCode.usage, says: 'Unknown environment "staging": resnet\'s manifest defines dev, prod. Choose one with --env.' },
    { args: ["render", "resnet/aiplatform.yaml"], code: ExitCode.usage, says: "required option '-e, --env <name>' not specified" },
    { args: ["render", "missing.yaml", "--env", "dev"], code: ExitCode.failed, says: "missing.yaml does not exist" },
    { args: ["render", "resnet", "--env", "dev"], code: ExitCode.failed, says: "is not a file" },
  ])("$args exits $code: $says", async ({ args, code, says }) => {
    const r = await aiplat(...args);
    expect(r.code).toBe(code);
    expect(r.err).toContain(says);
    expect(r.out).toBe("");
  });

  test("an invalid manifest is reported with line and column, and nothing is printed to stdout", async () => {
    writeFileSync(path.join(cwd, "bad.yaml"), "apiVersion: aiplatform.dev/v1\nkind: InferenceServiceManifest\nname: Bad_Name\nruntime: vllm\n");
    const r = await aiplat("render", "bad.yaml", "--env", "dev");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("bad.yaml is not a valid service manifest");
    expect(r.err).toMatch(/bad\.yaml:3:7: name: /);
    expect(r.out).toBe("");
  });
});
