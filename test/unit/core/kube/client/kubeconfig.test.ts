import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { describeKubeconfigError, kubeconfigSearchPath, loadKubeconfig } from "../../../../../src/core/kube/client/kubeconfig";

const fixtures = path.resolve(__dirname, "../../../../fixtures/kubeconfig");
const fx = (name: string): string => path.join(fixtures, name);

describe("kubeconfigSearchPath follows kubectl's precedence", () => {
  const home = "/home/ada";
  test.each([
    { name: "setting wins over KUBECONFIG", configured: ["/etc/k/a"], env: { KUBECONFIG: "/x" }, paths: ["/etc/k/a"], source: "setting" },
    { name: "KUBECONFIG is split on the path delimiter, empty entries dropped", configured: [], env: { KUBECONFIG: "/a::/b:" }, paths: ["/a", "/b"], source: "KUBECONFIG" },
    { name: "duplicates are read once, first position kept", configured: [], env: { KUBECONFIG: "/a:/b:/a" }, paths: ["/a", "/b"], source: "KUBECONFIG" },
    { name: "~ in the setting is the home folder", configured: ["~/.kube/aks", " ~ "], env: {}, paths: ["/home/ada/.kube/aks", "/home/ada"], source: "setting" },
    { name: "blank setting entries fall through to KUBECONFIG", configured: ["  "], env: { KUBECONFIG: "/k" }, paths: ["/k"], source: "KUBECONFIG" },
    { name: "nothing set means ~/.kube/config", configured: [], env: { KUBECONFIG: "" }, paths: ["/home/ada/.kube/config"], source: "default" },
  ])("$name", ({ configured, env, paths, source }) => {
    expect(kubeconfigSearchPath({ configured, env, homeDir: home })).toEqual({ paths, source });
  });
});

describe("loadKubeconfig merges files the way kubectl does", () => {
  test("first file wins for a duplicated context and for current-context; missing files are skipped", async () => {
    const result = await loadKubeconfig({ paths: [fx("team-a.yaml"), fx("nope.yaml"), fx("team-b.yaml")], source: "KUBECONFIG" });
    if (!result.ok) throw new Error(describeKubeconfigError(result.error));
    expect(result.contexts.map((c) => c.name)).toEqual(["aks-ml-prod", "kind-gpu-lab", "staging-eastus"]);
    expect(result.currentContext).toBe("aks-ml-prod");
    expect(result.missing).toEqual([fx("nope.yaml")]);
    expect(result.files).toEqual([fx("team-a.yaml"), fx("team-b.yaml")]);
    const kind = result.contexts.find((c) => c.name === "kind-gpu-lab");
    expect(kind).toMatchObject({ namespace: undefined, server: "https://127.0.0.1:6443", user: "kind-gpu-lab", sourceFile: fx("team-a.yaml") });
    // The merged KubeConfig of @kubernetes/client-node is usable for API clients.
    expect(result.kubeConfig.getCurrentContext()).toBe("aks-ml-prod");
    expect(result.kubeConfig.getCluster("kind-gpu-lab")?.server).toBe("https://127.0.0.1:6443");
  });

  test("current-context comes from a later file when the first sets none", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-kc-"));
    await writeFile(path.join(dir, "no-current.yaml"), "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
    const result = await loadKubeconfig({ paths: [path.join(dir, "no-current.yaml"), fx("team-b.yaml")], source: "KUBECONFIG" });
    expect(result.ok && result.currentContext).toBe("staging-eastus");
  });

  test.each([
    { auth: "exec", execCommand: "kubelogin", context: "aks-ml-prod" },
    { auth: "token", execCommand: undefined, context: "kind-gpu-lab" },
    { auth: "client-certificate", execCommand: undefined, context: "staging-eastus" },
  ])("reports $context's auth as $auth without exposing secrets", async ({ auth, execCommand, context }) => {
    const result = await loadKubeconfig({ paths: [fx("team-a.yaml"), fx("team-b.yaml")], source: "KUBECONFIG" });
    const summary = result.ok ? result.contexts.find((c) => c.name === context) : undefined;
    expect(summary).toMatchObject({ auth, execCommand });
    expect(JSON.stringify(summary)).not.toContain("fixture-secret-token-never-shown");
  });

  test.each([
    { name: "no file exists", paths: ["nope-1.yaml", "nope-2.yaml"], kind: "none-found", says: "No kubeconfig found" },
    { name: "bad YAML", paths: ["broken.yaml"], kind: "invalid", says: "bad indentation" },
    { name: "a cluster without a server", paths: ["no-server.yaml"], kind: "invalid", says: "clusters[0].cluster.server is missing" },
    { name: "an empty file", paths: ["empty.yaml"], kind: "no-contexts", says: "defines no contexts" },
    { name: "a bad file after a good one", paths: ["team-a.yaml", "broken.yaml"], kind: "invalid", says: "broken.yaml" },
  ])("fails clearly on $name", async ({ paths, kind, says }) => {
    const result = await loadKubeconfig({ paths: paths.map(fx), source: "KUBECONFIG" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe(kind);
    const text = describeKubeconfigError(result.error);
    expect(text).toContain(says);
    // The parser's snippet of the file never reaches a message.
    expect(text).not.toContain("secret-looking-snippet");
  });

  test("a directory in the search path is unreadable, named in the error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-kc-"));
    await mkdir(path.join(dir, "config"));
    const result = await loadKubeconfig({ paths: [path.join(dir, "config")], source: "default" });
    expect(result.ok ? "ok" : describeKubeconfigError(result.error)).toBe(`Cannot read kubeconfig ${path.join(dir, "config")}: it is a directory, not a file.`);
  });

  test("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadKubeconfig({ paths: [fx("team-a.yaml")], source: "KUBECONFIG" }, controller.signal)).rejects.toThrow();
  });
});
