import { auditRecordHash } from "../../../../src/core/audit/auditRecord";

/**
 * What someone with write access to the file (and without the key) can do: change a record and
 * re-hash it and every record after it, so the chain verifies again. The MACs cannot be remade;
 * they are kept as they were, or dropped.
 */
export function rewriteFrom(text: string, seq: number, edit: (record: Record<string, unknown>) => void, opts: { readonly macs: "keep" | "drop" } = { macs: "keep" }): string {
  const records = text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  let prevHash: string | undefined;
  for (const r of records) {
    if ((r.seq as number) < seq) {
      prevHash = r.hash as string;
      continue;
    }
    if (r.seq === seq) edit(r);
    if (prevHash !== undefined) r.prevHash = prevHash;
    if (opts.macs === "drop") delete r.mac;
    r.hash = auditRecordHash(r);
    prevHash = r.hash as string;
  }
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** The log without its last n records, as someone cutting the end would leave it. */
export function dropLast(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines
    .slice(0, lines.length - n)
    .map((l) => `${l}\n`)
    .join("");
}
