/**
 * A separate process appending to the audit log, for the two-writer test: it says "ready",
 * waits for "go" on stdin (so both writers start together), appends, then exits.
 * Usage: node --import tsx appendWorker.ts <file> <label> <count>
 */
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import { auditEntry } from "./auditEntries";

const [file = "", label = "", count = "0"] = process.argv.slice(2);

async function main(): Promise<void> {
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  for (let i = 1; i <= Number(count); i++) {
    const r = await appendAuditRecord(file, auditEntry({ reason: `${label} ${i}` }), { lockTimeoutMs: 20_000 });
    if (!r.ok) throw new Error(r.error);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
