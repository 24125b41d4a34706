import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { exportAuditLog } from "../core/audit/auditExport";
import { verifyAuditLive } from "../core/audit/auditLiveVerify";
import { defaultAuditPath } from "../core/audit/auditLog";
import { type AuditKey, auditKeyEnv, auditKeyFromEnv } from "../core/audit/auditSigningKey";
import { describeVerification, verifyAuditLog } from "../core/audit/auditVerify";
import { isDns1123Label } from "../core/kube/objects/dns1123";
import { type CliCommandHost, type CliIo, connectCliContext, ExitCode } from "./aiplat";
import { describeLiveVerification, liveVerificationJson } from "./auditVerifyOutput";

const VerifyOptions = z
  .object({
    file: z.string().min(1, "--file needs a path").optional(),
    live: z.boolean().optional(),
    context: z.string().min(1, "--context needs a name").optional(),
    kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
    namespace: z
      .array(
        z.string().superRefine((ns, ctx) => {
          if (!isDns1123Label(ns)) ctx.addIssue({ code: "custom", message: `-n ${ns}: not a DNS-1123 label (lowercase letters, digits and '-', at most 63)` });
        }),
      )
      .optional(),
    output: z.enum(["text", "json"]),
  })
  .refine((o) => o.live || (o.context === undefined && o.kubeconfig === undefined && o.namespace === undefined), { message: "--context, --kubeconfig and -n say which cluster --live reads; add --live" });
type VerifyOptions = z.infer<typeof VerifyOptions>;
const ExportOptions = z.object({
  file: z.string().min(1, "--file needs a path").optional(),
  format: z.enum(["csv", "json"]),
  out: z.string().min(1, "--out needs a path").optional(),
  force: z.boolean().optional(),
});

/** `aiplat audit verify|export`: check the hash chain of the audit log, or hand it over as evidence. */
export function registerAuditCommand({ program, io, setExitCode }: CliCommandHost): void {
  const audit = program.command("audit").description("verify or export the tamper-evident audit log of changes made with aiplat and the extension");
  const fileOption = (): Option => new Option("--file <path>", "the audit log (default: .aiplatform/audit.jsonl in the current folder)");

  audit
    .command("verify")
    .description(`check the hash chain (and, with ${auditKeyEnv} set, every record's MAC); with --live, also the anchors the cluster keeps; exit 1 naming what was broken, cut or rewritten`)
    .addOption(fileOption())
    .option("--live", "cross-check the log with the audit anchors on Deployments, InferenceServices, Nodes and our Events in the cluster")
    .option("--context <name>", "with --live: the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `with --live: kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .option("-n, --namespace <names...>", "with --live: only these namespaces (Nodes are always read); default: all")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (raw: unknown) => {
      const opts = VerifyOptions.parse(raw);
      setExitCode(await verify(logPath(io, opts.file), opts, io));
    });

  audit
    .command("export")
    .description("export the log with its verification result, as CSV (for a spreadsheet) or JSON")
    .addOption(new Option("--format <format>", "output format").choices(["csv", "json"]).makeOptionMandatory())
    .addOption(fileOption())
    .option("--out <path>", "write to this file instead of standard output")
    .option("--force", "overwrite --out if it exists")
    .action(async (raw: unknown) => {
      const opts = ExportOptions.parse(raw);
      setExitCode(await exportLog(opts, io));
    });
}

function logPath(io: CliIo, file: string | undefined): string {
  return file ? path.resolve(io.cwd, file) : defaultAuditPath(io.cwd);
}

async function verify(file: string, opts: VerifyOptions, io: CliIo): Promise<number> {
  const lookup = auditKeyFromEnv(io.env);
  if (lookup.kind === "unusable") {
    // Never echo the key: its length says enough.
    io.err(`aiplat: error: ${auditKeyEnv} is ${lookup.problem.length} characters; an audit key needs at least ${lookup.problem.min}\n`);
    return ExitCode.usage;
  }
  const key: AuditKey | null = lookup.kind === "key" ? lookup.key : null;
  if (opts.live) return verifyLive(file, key, opts, io);
  const result = await verifyAuditLog({ file }, { key });
  if (opts.output === "json") {
    io.out(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  if (!result.ok) {
    io.err(`aiplat: ${file}: ${describeVerification(result)}\n`);
    return ExitCode.failed;
  }
  io.out(`${describeVerification(result)}\n`);
  return ExitCode.ok;
}

async function verifyLive(file: string, key: AuditKey | null, opts: VerifyOptions, io: CliIo): Promise<number> {
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.usage;
  const result = await verifyAuditLive({ file, kc: cluster.kc, namespaces: opts.namespace, key, ...(io.signal ? { signal: io.signal } : {}) });
  if (!result.ok) {
    io.err(`aiplat: ${result.error.message}\n`);
    return ExitCode.failed;
  }
  const v = result.verification;
  if (opts.output === "json") io.out(`${JSON.stringify(liveVerificationJson(file, cluster.context.name, v), null, 2)}\n`);
  else {
    const text = describeLiveVerification(file, cluster.context.name, v);
    io.out(text.out);
    io.err(text.err);
  }
  return v.ok ? ExitCode.ok : ExitCode.failed;
}

async function exportLog(opts: z.infer<typeof ExportOptions>, io: CliIo): Promise<number> {
  const file = logPath(io, opts.file);
  const lookup = auditKeyFromEnv(io.env);
  // An unusable key checks nothing here: export is evidence, and says in its verification that the MACs were not checked.
  const result = await exportAuditLog(file, opts.format, { key: lookup.kind === "key" ? lookup.key : null });
  if (!result.ok) {
    io.err(`aiplat: ${result.error.message}\n`);
    return ExitCode.failed;
  }
  // Exported all the same: the verification travels inside the export.
  if (!result.verification.ok) io.err(`aiplat: warning: ${file}: ${describeVerification(result.verification)}\n`);
  if (!opts.out) {
    io.out(result.text);
    return ExitCode.ok;
  }
  const out = path.resolve(io.cwd, opts.out);
  try {
    await fs.writeFile(out, result.text, { flag: opts.force ? "w" : "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.err(code === "EEXIST" ? `aiplat: ${out} already exists; pass --force to overwrite it\n` : `aiplat: cannot write ${out}: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.failed;
  }
  io.err(`aiplat: wrote ${out}\n`);
  return ExitCode.ok;
}
