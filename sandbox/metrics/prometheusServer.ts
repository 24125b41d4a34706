import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { ensureSystemPackages, SystemNeeds } from "../../test/harness/systemPackages";
import { freePort } from "../../test/harness/codeServer";

const run = promisify(execFile);

const debianPrometheus = "/usr/bin/prometheus";
const debianPromtool = "/usr/bin/promtool";

/**
 * The Debian Prometheus (2.42) and its promtool. As root it is installed with apt-get; otherwise
 * the error names the package to install, so nothing depends on a hand install.
 */
export function ensurePrometheusInstalled(log: (l: string) => void = console.log): { prometheus: string; promtool: string } {
  if (!existsSync(debianPrometheus) || !existsSync(debianPromtool)) ensureSystemPackages(SystemNeeds.prometheus, log);
  if (!existsSync(debianPrometheus) || !existsSync(debianPromtool)) {
    throw new Error(`Prometheus is not installed (${debianPrometheus}, ${debianPromtool}). Install it with:\n  sudo apt-get update && sudo apt-get install -y prometheus`);
  }
  return { prometheus: debianPrometheus, promtool: debianPromtool };
}

/**
 * Writes TSDB blocks from an OpenMetrics file (every sample timestamped, ending in `# EOF`).
 * promtool rereads the whole file once per block window, so a long synthetic range wants large
 * blocks: the default 24h instead of promtool's 2h keeps a 7-day backfill to 7 passes.
 */
export async function createBlocksFromOpenMetrics(
  openMetricsFile: string,
  tsdbDir: string,
  opts: { maxBlockDuration?: string; signal?: AbortSignal } = {},
): Promise<void> {
  const { promtool } = ensurePrometheusInstalled();
  await mkdir(tsdbDir, { recursive: true });
  const args = ["tsdb", "create-blocks-from", "openmetrics", "--quiet", `--max-block-duration=${opts.maxBlockDuration ?? "24h"}`, openMetricsFile, tsdbDir];
  try {
    await run(promtool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string; name?: string };
    if (err.name === "AbortError") throw e;
    throw new Error(`promtool ${args.join(" ")} failed: ${(err.stderr || err.stdout || err.message).trim()}`, { cause: e });
  }
}

export interface RunningPrometheus {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real Prometheus on 127.0.0.1 over `dataDir` (which may already hold backfilled
 * blocks) and resolves once `/-/ready` answers 200. The config is written next to the data
 * directory, not inside it, so the TSDB never sees a stray file.
 */
export async function startPrometheus(opts: {
  dataDir: string;
  configYaml: string;
  port?: number;
  retention?: string;
  extraArgs?: string[];
  log?: (l: string) => void;
}): Promise<RunningPrometheus> {
  const log = opts.log ?? (() => {});
  const { prometheus } = ensurePrometheusInstalled(log);
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const configFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.prometheus.yml`);
  await writeFile(configFile, opts.configYaml);
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=${opts.retention ?? "30d"}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-lifecycle",
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(prometheus, args, { stdio: ["ignore", "ignore", "pipe"] });
  // Prometheus logs to stderr; keep the tail for error messages.
  const tail: string[] = [];
  let partial = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const l of lines) {
      log(`[prometheus] ${l}`);
      tail.push(l);
      if (tail.length > 20) tail.shift();
    }
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  child.once("error", (e) => tail.push(String(e)));
  // A test runner or `npm run sandbox` that exits without stopping us must not leave Prometheus behind.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  void exit.then(() => process.off("exit", killOnExit));

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      throw new Error(`Prometheus exited (code ${exited.code}, signal ${exited.signal}) before it was ready:\n${tail.join("\n")}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus at ${url} was not ready within 30 s:\n${tail.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, dataDir, stop };
}
