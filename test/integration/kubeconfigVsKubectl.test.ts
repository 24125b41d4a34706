/** Our merge of a multi-file KUBECONFIG against the real kubectl's, the reference behaviour. */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { kubeconfigSearchPath, loadKubeconfig } from "../../src/core/kube/client/kubeconfig";

const fixtures = path.resolve(__dirname, "../fixtures/kubeconfig");

function kubectl(kubeconfig: string, args: string[]): string {
  return execFileSync("kubectl", args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: kubeconfig } }).trim();
}

describe.each([
  ["team-a, team-b", ["team-a.yaml", "team-b.yaml"]],
  ["team-b, team-a", ["team-b.yaml", "team-a.yaml"]],
  ["team-b, a missing file, team-a", ["team-b.yaml", "missing.yaml", "team-a.yaml"]],
])("KUBECONFIG=%s", (_name, files) => {
  const kubeconfig = files.map((f) => path.join(fixtures, f)).join(path.delimiter);

  test("same contexts, same current-context and same winning namespace as kubectl", async () => {
    const ours = await loadKubeconfig(kubeconfigSearchPath({ configured: [], env: { KUBECONFIG: kubeconfig } }));
    if (!ours.ok) throw new Error(ours.error.kind);
    expect(ours.contexts.map((c) => c.name).sort()).toEqual(kubectl(kubeconfig, ["config", "get-contexts", "-o", "name"]).split("\n").sort());
    expect(ours.currentContext).toBe(kubectl(kubeconfig, ["config", "current-context"]));
    const namespaces = JSON.parse(kubectl(kubeconfig, ["config", "view", "-o", "json"])) as { contexts: { name: string; context: { namespace?: string; cluster: string } }[] };
    for (const c of namespaces.contexts) {
      expect(ours.contexts.find((o) => o.name === c.name)).toMatchObject({ namespace: c.context.namespace, cluster: c.context.cluster });
    }
  });
});
