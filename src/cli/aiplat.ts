import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import * as z from "zod";
import type { KubeConfig } from "@kubernetes/client-node";
import { describeKubeconfigError, kubeConfigForContext, kubeconfigSearchPath, loadKubeconfig, type ContextSummary, type KubeconfigResult } from "../core/kube/client/kubeconfig";
import { productVersion } from "../core/productVersion";
import { registerRenderCommand } from "./renderCommand";
import { registerScaffoldCommand } from "./scaffoldCommand";
import { registerAuditCommand } from "./auditCommand";
import { registerRollbackCommand } from "./rollbackCommand";
import { registerCheckCommand } from "./checkCommand";
import { registerDeployCommand } from "./deployCommand";
import { registerCanaryCommand } from "./canaryCommand";
import { registerMetricsCommand } from "./metricsCommand";
import { registerCostCommand } from "./costCommand";
import { registerDriftCommand } from "./driftCommand";
import { registerModelsCommand } from "./modelsCommand";
import { registerTriageCommand } from "./triageCommand";
import { registerReportCommand } from "./reportCommand";

/**
 * Exit codes: 0 success, 1 the work failed, 2 aiplat could not start the work: the command line
 * was wrong, or what it needs around it is missing (no kubeconfig, a folder it may not write).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, environment: 2 } as const;

/**
 * What aiplat needs around it is missing: no kubeconfig, a folder it may not write. Thrown once the
 * message is written, so a subcommand's deep helpers need not thread an exit code back; runCli
 * turns it into exit 2 without a stack trace.
 */
export class CliEnvironmentError extends Error {}

/** Errors from the file system that mean "you may not write (or read) there", not a bug. */
export function isPermissionError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EACCES" || code === "EPERM" || code === "EROFS";
}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against (process.cwd() in main.ts). */
  readonly cwd: string;
  /** Where the scaffold templates live (templates/ beside dist/ in the package). */
  readonly templatesDir: string;
  /** Aborts on Ctrl-C (main.ts); long waits stop cleanly instead of the process dying mid-change. */
  readonly signal?: AbortSignal;
  /** Asks the person at the terminal and returns the answer; absent when stdin is not a terminal (CI). */
  readonly ask?: (question: string) => Promise<string | undefined>;
}

/**
 * What a subcommand module gets: the program to attach itself to, the io, and a way to set the
 * exit code. Each subcommand lives in its own file (`src/cli/<name>Command.ts`) and exports one
 * `register…Command(cli: CliCommandHost)`.
 */
export interface CliCommandHost {
  readonly program: Command;
  readonly io: CliIo;
  readonly setExitCode: (code: number) => void;
}

/** Every subcommand, in the order `aiplat --help` lists them. */
const subcommands: readonly ((cli: CliCommandHost) => void)[] = [registerContextsCommand, registerAuditCommand, registerRollbackCommand, registerScaffoldCommand, registerRenderCommand, registerCheckCommand, registerDeployCommand, registerCanaryCommand, registerMetricsCommand, registerCostCommand, registerDriftCommand, registerModelsCommand, registerTriageCommand, registerReportCommand];

const ContextsOptions = z.object({
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  output: z.enum(["table", "json"]),
});

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command("aiplat")
    .description("AI Platform Ops: the same checks as the VS Code extension, from a terminal or CI.")
    .version(productVersion, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run aiplat --help for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  const host: CliCommandHost = { program, io, setExitCode: (code) => (exitCode = code) };
  for (const register of subcommands) register(host);
  registerHelpCommand(host);

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof z.ZodError) {
      io.err(`aiplat: ${err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}\n`);
      return ExitCode.usage;
    }
    if (err instanceof CliEnvironmentError) return ExitCode.environment;
    if (isPermissionError(err)) {
      io.err(`aiplat: ${err.path ? `cannot ${err.syscall === "open" || err.syscall === "scandir" ? "open" : "write"} ${err.path}` : "not permitted"}: ${err.code === "EROFS" ? "the file system is read-only" : "permission denied"}; run aiplat from a folder you can write, or check the folder's permissions\n`);
      return ExitCode.environment;
    }
    throw err;
  }
}

/**
 * `aiplat help [command...]`, for nested commands too (`aiplat help audit verify`); commander's
 * own help command stops at the first level.
 */
function registerHelpCommand({ program, io, setExitCode }: CliCommandHost): void {
  program.helpCommand(false);
  program
    .command("help")
    .argument("[command...]", "the command, e.g. deploy or audit verify")
    .description("show the help of aiplat or of one of its commands")
    .action((names: string[]) => {
      let command: Command = program;
      for (const name of names) {
        const sub = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!sub) {
          const known = command.commands.map((c) => c.name()).filter((n) => n !== "help");
          io.err(`aiplat: no command "${[...names.slice(0, names.indexOf(name)), name].join(" ")}"; the commands${command === program ? "" : ` of ${command.name()}`} are ${known.join(", ")}\n`);
          setExitCode(ExitCode.usage);
          return;
        }
        command = sub;
      }
      io.out(command.helpInformation());
    });
}

function registerContextsCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("contexts")
    .description("list the Kubernetes contexts in the kubeconfig, merged the way kubectl merges KUBECONFIG")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (raw: unknown) => {
      const opts = ContextsOptions.parse(raw);
      setExitCode(await listContexts(opts, io));
    });
}

/**
 * The kubeconfig files a `--kubeconfig` value names, resolved as the caller meant them: relative
 * to the caller's folder (io.cwd), not this process's; "~" is left for the search to expand.
 */
export function kubeconfigFlagPaths(flag: string | undefined, cwd: string): string[] {
  return flag ? flag.split(path.delimiter).map((p) => resolveCallerPath(p, cwd)) : [];
}

const resolveCallerPath = (p: string, cwd: string): string => (p === "" || p.startsWith("~") || path.isAbsolute(p) ? p : path.resolve(cwd, p));

/**
 * The kubeconfig every subcommand uses: --kubeconfig, else KUBECONFIG, else ~/.kube/config,
 * merged as kubectl merges. Relative paths in either are the caller's (io.cwd).
 */
export function loadCliKubeconfig(flag: string | undefined, io: Pick<CliIo, "cwd" | "env">): Promise<KubeconfigResult> {
  const fromEnv = io.env["KUBECONFIG"];
  const env = fromEnv ? { ...io.env, KUBECONFIG: fromEnv.split(path.delimiter).map((p) => resolveCallerPath(p, io.cwd)).join(path.delimiter) } : io.env;
  return loadKubeconfig(kubeconfigSearchPath({ configured: kubeconfigFlagPaths(flag, io.cwd), env }));
}

/**
 * The cluster a subcommand acts on: --context, else the kubeconfig's current context. Problems
 * are written to stderr, worded for a terminal; undefined means the command should exit 1. With no
 * usable kubeconfig at all it throws CliEnvironmentError (exit 2).
 */
export async function connectCliContext(opts: { readonly kubeconfig?: string | undefined; readonly context?: string | undefined }, io: CliIo): Promise<{ kc: KubeConfig; context: ContextSummary } | undefined> {
  const loaded = await loadCliKubeconfig(opts.kubeconfig, io);
  if (!loaded.ok) {
    io.err(`aiplat: ${describeKubeconfigError(loaded.error)}\n`);
    throw new CliEnvironmentError(loaded.error.kind);
  }
  const name = opts.context ?? loaded.currentContext;
  if (!name) {
    io.err("aiplat: error: the kubeconfig has no current context; pass --context (aiplat contexts lists them)\n");
    return undefined;
  }
  const chosen = kubeConfigForContext(loaded, name);
  if (!chosen) {
    io.err(`aiplat: error: context "${name}" is not in the kubeconfig (aiplat contexts lists them)\n`);
    return undefined;
  }
  return { kc: chosen.kubeConfig, context: chosen.context };
}

async function listContexts(opts: z.infer<typeof ContextsOptions>, io: CliIo): Promise<number> {
  const result = await loadCliKubeconfig(opts.kubeconfig, io);
  if (!result.ok) {
    io.err(`aiplat: ${describeKubeconfigError(result.error)}\n`);
    return ExitCode.environment;
  }
  for (const file of result.missing) io.err(`aiplat: warning: ${file} does not exist; skipped\n`);
  if (opts.output === "json") {
    io.out(`${JSON.stringify({ currentContext: result.currentContext ?? null, files: result.files, contexts: result.contexts }, null, 2)}\n`);
    return ExitCode.ok;
  }
  io.out(formatTable(result.contexts, result.currentContext));
  return ExitCode.ok;
}

function formatTable(contexts: readonly ContextSummary[], current: string | undefined): string {
  const rows = [
    ["CURRENT", "NAME", "CLUSTER", "SERVER", "NAMESPACE", "AUTH"],
    ...contexts.map((c) => [
      c.name === current ? "*" : "",
      c.name,
      c.cluster,
      c.server ?? "",
      c.namespace ?? "",
      c.auth === "exec" && c.execCommand ? `exec:${c.execCommand}` : c.auth,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("   ").trimEnd()).join("\n") + "\n";
}
