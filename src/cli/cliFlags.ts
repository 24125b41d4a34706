import * as path from "node:path";
import * as z from "zod";
import { defaultAuditRelativePath } from "../core/audit/auditLog";
import { checkChangeReason, maxChangeReasonLength } from "../core/audit/changeReason";
import { parseDuration } from "../core/durationText";
import { isDns1123Label, isDns1123Subdomain } from "../core/kube/objects/dns1123";
import type { CliIo } from "./aiplat";

/** How long --wait waits by default; kubectl's own default (0) waits for ever, which a CI job should not. */
export const defaultWaitTimeoutMs = 10 * 60_000;

/** --timeout: a duration; with `forever`, 0 means no limit (kubectl rollout status --timeout=0). */
export function timeoutFlag(opts: { readonly forever: boolean }): z.ZodType<number, string> {
  return z.string().transform((t, ctx) => {
    const ms = opts.forever && t === "0" ? 0 : parseDuration(t);
    if (ms === undefined || (!opts.forever && ms <= 0)) {
      ctx.addIssue({ code: "custom", message: `--timeout ${t}: expected a duration such as 90s, 10m or 1h${opts.forever ? ", or 0 to wait for ever" : ""}` });
    }
    return ms ?? 0;
  });
}

/** --reason: the one change-reason rule (core/audit/changeReason), worded for a terminal. */
export function reasonFlag(opts: { readonly required: string | undefined }): z.ZodType<string, string> {
  const trimmed = z.string().trim();
  return trimmed
    .refine((r) => opts.required === undefined || checkChangeReason(r, { required: true }) !== "required", opts.required ?? "")
    .refine((r) => checkChangeReason(r, { required: false }) !== "multi-line", "--reason must be one line")
    .refine((r) => checkChangeReason(r, { required: false }) !== "too-long", `--reason is at most ${maxChangeReasonLength} characters`);
}

/** --audit-log: one line; relative paths resolve against the folder aiplat runs in. */
export const auditLogFlag = z.string().min(1, "--audit-log needs a file path").regex(/^[^\0\n\r]*$/, "--audit-log must be one line");

export const auditLogFlagHelp = `default: ${defaultAuditRelativePath} under the current folder`;

export function auditFileOf(io: CliIo, flag: string | undefined): string {
  return path.resolve(io.cwd, flag ?? defaultAuditRelativePath);
}

/** `<namespace>/<name>`: a DNS-1123 label and a DNS-1123 subdomain, as kubectl takes them. */
export const workloadRefFlag = z.string().transform((text, ctx) => {
  const [namespace, name, ...rest] = text.split("/");
  const why =
    name === undefined || rest.length > 0
      ? "expected <namespace>/<name>"
      : !isDns1123Label(namespace ?? "")
        ? `namespace "${namespace}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)`
        : !isDns1123Subdomain(name)
          ? `name "${name}" is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253)`
          : undefined;
  if (why) {
    ctx.addIssue({ code: "custom", message: `${text}: ${why}` });
    return z.NEVER;
  }
  return { namespace: namespace ?? "", name: name ?? "" };
});
