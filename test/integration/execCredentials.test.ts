/** Exec credential plugins (kubelogin and the like) through client-node, against the sandbox. */
import { chmod, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { requestJson } from "../../src/core/kube/client/kubeRequest";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: "demo" });

/** The sandbox's kubeconfig with its token replaced by an exec plugin. */
async function withPlugin(script: string | undefined, command = path.join(sandbox.dir, `plugin-${Math.random().toString(36).slice(2)}`)): Promise<KubeConfig> {
  if (script !== undefined) {
    await writeFile(command, script);
    await chmod(command, 0o755);
  }
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.server.kubeconfig());
  const user = kc.getCurrentUser();
  if (!user) throw new Error("the sandbox kubeconfig has no user");
  kc.users = [{ name: user.name, exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command, args: [], interactiveMode: "IfAvailable" } }];
  return kc;
}

describe("exec credential plugins", () => {
  test("a plugin that prints an ExecCredential authenticates", async () => {
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token: sandbox.server.token } });
    const kc = await withPlugin(`#!/bin/sh\ncat <<'JSON'\n${credential}\nJSON\n`);
    const pods = (await requestJson(kc, "GET", "/api/v1/pods?limit=1")) as { items: unknown[] };
    expect(pods.items.length).toBe(1);
  });

  test("a plugin waiting for an interactive login fails in time, saying what to do", async () => {
    const kc = await withPlugin("#!/bin/sh\nsleep 30\n");
    const started = Date.now();
    await expect(requestJson(kc, "GET", "/api/v1/pods", { execPluginTimeoutMs: 400 })).rejects.toThrow(/may be waiting for an interactive login\. Run a kubectl command/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("requests made while the plugin waits share its one run instead of starting more", async () => {
    const runs = path.join(sandbox.dir, "runs.txt");
    const kc = await withPlugin(`#!/bin/sh\necho run >> ${runs}\nsleep 3\n`);
    const attempts = await Promise.allSettled([1, 2, 3, 4].map(() => requestJson(kc, "GET", "/api/v1/pods", { execPluginTimeoutMs: 400 })));
    expect(attempts.map((a) => a.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    // A retry while the first run is still waiting does not start another either.
    await expect(requestJson(kc, "GET", "/api/v1/pods", { execPluginTimeoutMs: 400 })).rejects.toThrow(/interactive login/);
    expect((await readFile(runs, "utf8")).trim().split("\n")).toEqual(["run"]);
  });

  test("a plugin that is not installed is named", async () => {
    const kc = await withPlugin(undefined, "/nonexistent/bin/kubelogin");
    await expect(requestJson(kc, "GET", "/api/v1/pods")).rejects.toThrow("exec plugin /nonexistent/bin/kubelogin is not installed or not on the PATH");
  });
});
