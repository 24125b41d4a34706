import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { quoteInput, type ScaffoldError, type TargetConflict } from "../core/scaffold/scaffoldError";
import { scaffoldService } from "../core/scaffold/scaffoldService";
import { listTemplates, type TemplateSummary } from "../core/scaffold/templateCatalog";
import { resolveActor } from "../core/audit/auditActor";
import type { Actor } from "../core/audit/auditRecord";
import { ExitCode, loadCliKubeconfig, type CliCommandHost, type CliIo } from "./aiplat";
import { auditFileOf, auditLogFlag, auditLogFlagHelp } from "./cliFlags";

const ScaffoldOptions = z
  .object({
    list: z.boolean().optional(),
    template: z.string().optional(),
    name: z.string().optional(),
    out: z.string().min(1, "--out needs a directory").optional(),
    set: z.array(z.string()),
    output: z.enum(["text", "json"]),
    auditLog: auditLogFlag.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.list) return;
    if (o.template === undefined) ctx.addIssue({ code: "custom", message: "--template is required (aiplat scaffold --list shows the templates)" });
    if (o.name === undefined) ctx.addIssue({ code: "custom", message: "--name is required: the service's name, e.g. --name llama3-chat" });
    if (o.out === undefined) ctx.addIssue({ code: "custom", message: "--out is required: the directory to create, e.g. --out services/llama3-chat" });
  });
type ScaffoldOptions = z.infer<typeof ScaffoldOptions>;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerScaffoldCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("scaffold")
    .description("create a new service directory from a template: aiplatform.yaml, k8s/ objects, Dockerfile and app, runbook, CI check")
    .option("--list", "list the templates")
    .option("-t, --template <id>", "the template: vllm, triton, kserve or python")
    .option("-n, --name <name>", "the service's name (DNS-1123 label, e.g. llama3-chat)")
    .option("--out <dir>", "the directory to create; it must not exist, or be empty")
    .option("--set <key=value>", "override a manifest field, e.g. resources.gpu.count=2 (repeatable)", collect, [])
    .option("--audit-log <file>", `where the scaffold is recorded, for delivery metrics' lead time (${auditLogFlagHelp})`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (raw: unknown) => {
      const opts = ScaffoldOptions.parse(raw);
      setExitCode(opts.list ? await listCommand(opts, io) : await scaffoldCommand(opts, io));
    });
}

/** Mistakes on the command line, and a folder aiplat may not write, exit 2; a refused target or a failed write exits 1. */
function exitCodeOf(e: ScaffoldError): number {
  switch (e.kind) {
    case "unknown-template":
    case "invalid-name":
    case "invalid-set":
    case "invalid-manifest":
      return ExitCode.usage;
    case "invalid-template":
    case "target-exists":
    case "outside-target":
      return ExitCode.failed;
    case "io":
      return e.code === "EACCES" || e.code === "EPERM" || e.code === "EROFS" ? ExitCode.environment : ExitCode.failed;
  }
}

async function listCommand(opts: ScaffoldOptions, io: CliIo): Promise<number> {
  const result = await listTemplates(io.templatesDir);
  if (!result.ok) {
    io.err(`aiplat: ${describeScaffoldErrorForTerminal(result.error)}\n`);
    return ExitCode.failed;
  }
  io.out(opts.output === "json" ? `${JSON.stringify(result.value, null, 2)}\n` : formatTemplates(result.value));
  return ExitCode.ok;
}

function formatTemplates(templates: readonly TemplateSummary[]): string {
  const rows = [["TEMPLATE", "TITLE", "DESCRIPTION"], ...templates.map((t) => [t.id, t.title, t.description])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("   ").trimEnd()).join("\n") + "\n";
}

async function scaffoldCommand(opts: ScaffoldOptions, io: CliIo): Promise<number> {
  const outDir = path.resolve(io.cwd, opts.out ?? "");
  const audit = { file: auditFileOf(io, opts.auditLog), actor: await scaffoldActor(io) };
  const result = await scaffoldService({ templatesDir: io.templatesDir, templateId: opts.template ?? "", name: opts.name ?? "", outDir, set: opts.set, audit });
  if (!result.ok) {
    io.err(`aiplat: ${describeScaffoldErrorForTerminal(result.error)}\n`);
    return exitCodeOf(result.error);
  }
  if (result.audit && !result.audit.ok) io.err(`aiplat: warning: the scaffold was not recorded in ${audit.file}: ${result.audit.error}\n`);
  const firstEnv = Object.keys(result.manifest.environments)[0] ?? "dev";
  if (opts.output === "json") {
    io.out(`${JSON.stringify({ dir: result.dir, template: opts.template, name: result.manifest.name, files: result.files }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const shown = path.relative(io.cwd, result.dir) || ".";
  io.out(
    [
      `Created ${shown}/ from the ${opts.template ?? ""} template:`,
      ...result.files.map((f) => `  ${f}`),
      "",
      "Next:",
      `  cd ${shown}`,
      `  npx aiplat check aiplatform.yaml --env ${firstEnv}`,
      `  npx aiplat render aiplatform.yaml --env ${firstEnv}`,
      "",
    ].join("\n"),
  );
  return ExitCode.ok;
}

/** Who scaffolds: the kubeconfig's current user when there is one (nothing is sent to a cluster), and the git and OS users. */
async function scaffoldActor(io: CliIo): Promise<Actor> {
  const loaded = await loadCliKubeconfig(undefined, io);
  const user = loaded.ok ? loaded.contexts.find((c) => c.name === loaded.currentContext)?.user : undefined;
  return resolveActor({ kubeUser: user || "(no kube context)", cwd: io.cwd });
}

const conflict: Record<TargetConflict, string> = {
  symlink: "is a symbolic link",
  "not-a-directory": "already exists and is not a directory",
  "not-empty": "already exists and is not empty",
  "appeared-while-writing": "appeared while the files were being written",
};

/** A scaffold error in a terminal's terms: flags, `aiplat scaffold --list`, exit-code-worthy sentences. */
export function describeScaffoldErrorForTerminal(e: ScaffoldError): string {
  switch (e.kind) {
    case "unknown-template":
      return `There is no template ${quoteInput(e.templateId)}. Choose one of: ${e.known.join(", ")} (aiplat scaffold --list describes them).`;
    case "invalid-template":
      return `The template ${quoteInput(e.templateId)} is broken: ${e.message}. Nothing was written; report this to the template's maintainers.`;
    case "invalid-name":
      return `The name ${quoteInput(e.name)} cannot be used: ${e.reason}. Every Kubernetes object is named after the service, so the name must be a DNS-1123 label.`;
    case "invalid-set":
      return `--set ${quoteInput(e.entry)}: ${e.reason}. Give one key=value per --set, the key a dotted manifest path, e.g. --set resources.gpu.count=2 or --set environments.dev.namespace=ml-team.`;
    case "invalid-manifest":
      return `The service manifest would not be valid, so nothing was written:\n${e.issues.map((i) => `  - ${i}`).join("\n")}\nChange the --set values that name these fields.`;
    case "target-exists":
      return `${e.dir} ${conflict[e.reason]}; nothing was written. Choose another --out directory, or move the existing one away first.`;
    case "outside-target":
      return `The template would write ${quoteInput(e.path)} outside ${e.dir}; nothing was written. The template is broken: report it to its maintainers.`;
    case "io":
      return `Could not write ${e.path}: ${e.message}. Nothing was left behind; check the directory's permissions and free space, then try again.`;
  }
}
