import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import { startSandbox, type StartSandboxOptions } from "../../sandbox/sandboxLauncher";
import { openTestWorkbench, type Workbench } from "../harness/workbench";

export interface SandboxWorkbench {
  readonly server: SandboxApiServer;
  readonly wb: Workbench;
  close(): Promise<void>;
}

/** The sandbox cluster, and code-server with KUBECONFIG pointing at it as the given user. */
export async function openSandboxWorkbench(opts: {
  readonly trusted: boolean;
  readonly sandbox?: StartSandboxOptions;
  readonly user?: { readonly token?: string; readonly namespace?: string };
}): Promise<SandboxWorkbench> {
  const { server } = await startSandbox({ scenario: "demo", ...opts.sandbox });
  const kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-sbx-")), "config");
  await writeFile(kubeconfig, server.kubeconfig(opts.user ?? {}));
  const wb = await openTestWorkbench({ trusted: opts.trusted, env: { KUBECONFIG: kubeconfig } }).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  return {
    server,
    wb,
    async close() {
      await wb.close();
      await server.stop();
    },
  };
}
