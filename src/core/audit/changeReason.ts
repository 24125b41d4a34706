import * as z from "zod";

/**
 * Why a change was made, as recorded on the object (the change-cause annotation), in an Event
 * and in the audit log: one line, short enough for an annotation, and required in production.
 * The one validator behind the editor's input boxes, `aiplat deploy --reason` and `aiplat
 * rollback --reason`.
 */

export const maxChangeReasonLength = 300;

export type ChangeReasonProblem = "required" | "multi-line" | "too-long";

/** Pure: undefined when the reason may be recorded. */
export function checkChangeReason(reason: string, opts: { readonly required: boolean }): ChangeReasonProblem | undefined {
  if (opts.required && !reason.trim()) return "required";
  if (/[\n\r]/.test(reason)) return "multi-line";
  if (reason.length > maxChangeReasonLength) return "too-long";
  return undefined;
}

/** The same rule as a schema, for flags and messages that arrive as data; the surface words the issue from its code. */
export const ChangeReason = z
  .string()
  .refine((r) => checkChangeReason(r, { required: false }) !== "multi-line", { message: "multi-line" })
  .refine((r) => checkChangeReason(r, { required: false }) !== "too-long", { message: "too-long" });

export const RequiredChangeReason = ChangeReason.refine((r) => checkChangeReason(r, { required: true }) !== "required", { message: "required" });
