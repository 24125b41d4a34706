/** Why an existing path cannot become the new service's directory. */
export type TargetConflict = "symlink" | "not-a-directory" | "not-empty" | "appeared-while-writing";

/**
 * Why a scaffold did not happen. Whatever the kind, nothing was written. Kinds and data only:
 * the CLI (src/cli/scaffoldCommand.ts) and the editor (src/editor/explain.ts) word them, each
 * in its own terms (--out and --set in a terminal, folders and wizard steps in the editor).
 */
export type ScaffoldError =
  | { readonly kind: "unknown-template"; readonly templateId: string; readonly known: readonly string[] }
  | { readonly kind: "invalid-template"; readonly templateId: string; readonly message: string }
  | { readonly kind: "invalid-name"; readonly name: string; readonly reason: string }
  | { readonly kind: "invalid-set"; readonly entry: string; readonly key: string | undefined; readonly reason: string }
  | { readonly kind: "invalid-manifest"; readonly issues: readonly string[] }
  | { readonly kind: "target-exists"; readonly dir: string; readonly reason: TargetConflict }
  | { readonly kind: "outside-target"; readonly path: string; readonly dir: string }
  /** `code` is the system error code (EACCES, ENOSPC…) when there was one. */
  | { readonly kind: "io"; readonly path: string; readonly message: string; readonly code?: string };

/**
 * A user's text, quoted and made safe to print: control characters, newlines and anything
 * outside printable ASCII (a Cyrillic "а" posing as a Latin "a", bidi overrides, terminal
 * escapes) are shown as \u escapes, and long input is cut.
 */
export function quoteInput(text: string, max = 80): string {
  const quoted = JSON.stringify(text.slice(0, max)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > max ? `${quoted}…` : quoted;
}
