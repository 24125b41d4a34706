/** The kubeconfig that points kubectl and client-node at a running sandbox. */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { stringify } from "yaml";

export interface SandboxKubeconfig {
  server: string;
  caCert: string;
  token: string;
  /** Context, cluster and user name; "sandbox" by default. */
  name?: string;
  namespace?: string;
}

export function kubeconfigYaml(config: SandboxKubeconfig): string {
  const name = config.name ?? "sandbox";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: config.server, "certificate-authority-data": Buffer.from(config.caCert).toString("base64") } }],
    users: [{ name, user: { token: config.token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(config.namespace ? { namespace: config.namespace } : {}) } }],
    "current-context": name,
    preferences: {},
  });
}

/** Writes the kubeconfig readable by its owner only, since it holds the token. */
export async function writeKubeconfig(file: string, config: SandboxKubeconfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, kubeconfigYaml(config), { mode: 0o600 });
}
