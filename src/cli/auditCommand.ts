import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { exportAuditLog } from "../core/audit/auditExport";
import { defaultAuditPath } from "../core/audit/auditLog";
import { describeVerification, verifyAuditLog } from "../core/audit/auditVerify";
import { type CliCommandHost, type CliIo, ExitCode } from "./aiplat";

const VerifyOptions = z.object({ file: z.string().min(1, "--file needs a path").optional() });
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
    .description("check the hash chain; exit 1 naming the first broken record")
    .addOption(fileOption())
    .action(async (raw: unknown) => {
      const opts = VerifyOptions.parse(raw);
      setExitCode(await verify(logPath(io, opts.file), io));
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

async function verify(file: string, io: CliIo): Promise<number> {
  const result = await verifyAuditLog({ file });
  if (!result.ok) {
    io.err(`aiplat: ${file}: ${describeVerification(result)}\n`);
    return ExitCode.failed;
  }
  io.out(`${describeVerification(result)}\n`);
  return ExitCode.ok;
}

async function exportLog(opts: z.infer<typeof ExportOptions>, io: CliIo): Promise<number> {
  const file = logPath(io, opts.file);
  const result = await exportAuditLog(file, opts.format);
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
