/**
 * .sandbox/endpoints.json: where a running sandbox serves, for scripts and people. `npm run
 * sandbox` and `npm start` write it; readers validate it with the same schema.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { z } from "zod";

export const SandboxEndpoints = z.object({
  /** The API server, https://127.0.0.1:<port>. */
  apiServer: z.url(),
  /** The kubeconfig file for the API server (holds the token). */
  kubeconfig: z.string().min(1),
  /** The sandbox's real Prometheus, when metrics run. */
  prometheus: z
    .object({
      url: z.url(),
      /** The in-cluster way to it: "<namespace>/<service>:<port>" through the API server's service proxy. */
      serviceProxy: z.string().regex(/^[^/]+\/[^/:]+:[^/:]+$/),
    })
    .optional(),
  /** The Azure endpoints (Entra ID token, ARM metrics), when they run. */
  azure: z
    .looseObject({
      authorityHost: z.url(),
      armEndpoint: z.url(),
      tenantId: z.string(),
      clientId: z.string(),
      subscriptionId: z.string(),
    })
    .optional(),
});
export type SandboxEndpoints = z.infer<typeof SandboxEndpoints>;

/** Writes the file readable by its owner only (the Azure part may carry a client secret). */
export async function writeSandboxEndpoints(file: string, endpoints: SandboxEndpoints): Promise<void> {
  const valid = SandboxEndpoints.parse(endpoints);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Reads and validates the file; the error names the file and what is wrong in it. */
export async function readSandboxEndpoints(file: string): Promise<SandboxEndpoints> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read it (is the sandbox running? npm run sandbox writes it)`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = SandboxEndpoints.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
