/**
 * planDeploy's refusals that need no cluster, as values with their data: each comes before
 * anything is sent (the kubeconfig names a server nobody listens on, so a request would end as
 * "unreachable" instead of the kind asserted).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planDeploy, type DeployInput } from "../../../../src/core/deploy/planDeploy";
import { kubeconfigSearchPath, loadKubeconfig, type LoadedKubeconfig } from "../../../../src/core/kube/client/kubeconfig";

let dir: string;
let kubeconfig: LoadedKubeconfig;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "plan-deploy-"));
  const file = path.join(dir, "kubeconfig");
  writeFileSync(file, "apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: 'https://127.0.0.1:9'}}]\nusers: [{name: x, user: {token: t}}]\ncontexts: [{name: prod-eu, context: {cluster: x, user: x}}]\ncurrent-context: prod-eu\n");
  const loaded = await loadKubeconfig(kubeconfigSearchPath({ configured: [file], env: {} }));
  if (!loaded.ok) throw new Error("kubeconfig");
  kubeconfig = loaded;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manifest = (context: string) => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: chat
runtime: vllm
model:
  storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
image: vllm/vllm-openai@sha256:${"0f".repeat(32)}
port: 8000
resources:
  cpu: "4"
  memory: 32Gi
environments:
  prod:
    context: ${context}
    namespace: llm
    production: true
`;

const input = (over: Partial<DeployInput>): DeployInput => ({
  manifest: manifest("prod-eu"),
  env: "prod",
  kubeconfig,
  readOnly: { patterns: [], unlocked: new Set() },
  auditFile: path.join(dir, "audit.jsonl"),
  actorFor: (c) => Promise.resolve({ kubeUser: c.user, osUser: "me" }),
  ...over,
});
const plan = (over: Partial<DeployInput>) => planDeploy(input(over), new AbortController().signal);

describe("planDeploy refuses, as data", () => {
  test("a manifest that does not parse: its problems", async () => {
    const r = await plan({ manifest: "name: [" });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe("invalid-manifest");
  });

  test("an environment the manifest does not have: which ones it has", async () => {
    expect(await plan({ env: "staging" })).toEqual({ ok: false, error: { kind: "unknown-environment", env: "staging", known: ["prod"] } });
  });

  test("__proto__ is no environment", async () => {
    expect(await plan({ env: "__proto__" })).toMatchObject({ ok: false, error: { kind: "unknown-environment" } });
  });

  test("a context not in the kubeconfig: the context, the environment and the files read", async () => {
    expect(await plan({ manifest: manifest("prod-us") })).toEqual({ ok: false, error: { kind: "unknown-context", context: "prod-us", env: "prod", files: [path.join(dir, "kubeconfig")] } });
  });

  test("a read-only context: refused with the pattern, before anything is sent", async () => {
    expect(await plan({ readOnly: { patterns: ["*prod*"], unlocked: new Set() } })).toEqual({ ok: false, error: { kind: "read-only-context", context: "prod-eu", pattern: "*prod*" } });
  });

  test("unlocked for the session, the same context is tried (and here found unreachable)", async () => {
    const r = await plan({ readOnly: { patterns: ["*prod*"], unlocked: new Set(["prod-eu"]) } });
    expect(r).toMatchObject({ ok: false, error: { kind: "unreachable", context: "prod-eu" } });
  });
});
