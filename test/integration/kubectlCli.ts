import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The real kubectl against a kubeconfig. Asynchronous on purpose: the sandbox server runs in
 * the test's own process, so a blocking call would starve it (kubectl then times out in TLS).
 */
export function kubectlCli(env: () => NodeJS.ProcessEnv, timeoutMs = 20_000) {
  const kubectl = async (...args: string[]): Promise<string> => (await run("kubectl", args, { env: env(), encoding: "utf8", timeout: timeoutMs })).stdout;
  const kubectlFails = async (...args: string[]): Promise<string> => {
    try {
      await kubectl(...args);
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
    throw new Error(`kubectl ${args.join(" ")} succeeded`);
  };
  return { kubectl, kubectlFails };
}
