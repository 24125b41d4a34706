/** Why a scaffold did not happen. Whatever the kind, nothing was written. */
export type ScaffoldError =
  | { readonly kind: "unknown-template"; readonly templateId: string; readonly known: readonly string[] }
  | { readonly kind: "invalid-template"; readonly templateId: string; readonly message: string }
  | { readonly kind: "invalid-name"; readonly name: string; readonly reason: string }
  | { readonly kind: "invalid-set"; readonly entry: string; readonly key: string | undefined; readonly reason: string }
  | { readonly kind: "invalid-manifest"; readonly issues: readonly string[] }
  | { readonly kind: "target-exists"; readonly dir: string; readonly reason: string }
  | { readonly kind: "outside-target"; readonly path: string; readonly dir: string }
  | { readonly kind: "io"; readonly path: string; readonly message: string };

/**
 * A user's text, quoted and made safe to print: control characters, newlines and anything
 * outside printable ASCII (a Cyrillic "а" posing as a Latin "a", bidi overrides, terminal
 * escapes) are shown as \u escapes, and long input is cut.
 */
export function quoteInput(text: string, max = 80): string {
  const quoted = JSON.stringify(text.slice(0, max)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > max ? `${quoted}…` : quoted;
}

export function describeScaffoldError(e: ScaffoldError): string {
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
      return `${e.dir} ${e.reason}; nothing was written. Choose another --out directory, or move the existing one away first.`;
    case "outside-target":
      return `The template would write ${quoteInput(e.path)} outside ${e.dir}; nothing was written. The template is broken: report it to its maintainers.`;
    case "io":
      return `Could not write ${e.path}: ${e.message}. Nothing was left behind; check the directory's permissions and free space, then try again.`;
  }
}
