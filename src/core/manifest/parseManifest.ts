import { LineCounter, parseDocument } from "yaml";
import { documentLocator, type ManifestLocation } from "./manifestLocations";
import { checkManifestNodes, shortTag } from "./manifestNodeChecks";
import { checkManifestText, describeManifestTextProblem } from "./manifestTextChecks";
import { ServiceManifest } from "./serviceManifest";

export type SourceRange = ManifestLocation;

/** What kind of problem, for surfaces that word or group them; the message is a neutral default. */
export type ManifestProblemKind = "too-large" | "text" | "too-deep" | "yaml" | "multiple-documents" | "forbidden-key" | "unknown-tag" | "schema";

export interface ManifestProblem {
  readonly message: string;
  /** Where in the manifest, e.g. ["resources", "gpu", "count"]; empty for the whole file. */
  readonly path: readonly (string | number)[];
  readonly range: SourceRange;
  readonly kind?: ManifestProblemKind;
}

export type ParsedManifest =
  | { readonly ok: true; readonly manifest: ServiceManifest; readonly locate: (path: readonly (string | number)[]) => SourceRange }
  | { readonly ok: false; readonly problems: readonly ManifestProblem[]; readonly locate: (path: readonly (string | number)[]) => SourceRange };

const maxManifestBytes = 256 * 1024;

/**
 * aiplatform.yaml text → a validated manifest, or every problem with its line and column:
 * the text itself first (NUL bytes, a second BOM, CR-only line endings, nesting beyond
 * maxManifestDepth), then YAML syntax errors, then keys and tags no manifest may carry, then
 * the schema's issues, each pointed at the field it is about. A stage with problems stops
 * the later ones: a manifest that does not parse cannot be checked further.
 */
export function parseManifest(text: string): ParsedManifest {
  const lineCounter = new LineCounter();
  const tooLarge = text.length > maxManifestBytes;
  const textProblem = tooLarge ? undefined : checkManifestText(text);
  const readable = !tooLarge && textProblem === undefined;
  const doc = parseDocument(readable ? text : "", { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = documentLocator(doc, lineCounter);
  if (tooLarge) {
    return { ok: false, locate, problems: [{ kind: "too-large", message: `The manifest is ${Math.round(text.length / 1024)} KB; a service manifest is at most ${maxManifestBytes / 1024} KB.`, path: [], range: locate([]) }] };
  }
  if (textProblem) {
    // The document was not parsed, so lines come from a counter over the raw text.
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
    const at = lines.linePos(textProblem.offset);
    return {
      ok: false,
      locate,
      problems: [{ kind: textProblem.kind === "too-deep" ? "too-deep" : "text", message: describeManifestTextProblem(textProblem, text, lines), path: [], range: { line: at.line, column: at.col, endLine: at.line, endColumn: at.col + 1 } }],
    };
  }
  const rangeOf = (pos: readonly [number, number]): SourceRange => {
    const start = lineCounter.linePos(pos[0]);
    const end = lineCounter.linePos(pos[1]);
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.line === start.line ? Math.max(end.col, start.col + 1) : end.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      locate,
      problems: doc.errors.map((e) =>
        e.code === "MULTIPLE_DOCS"
          ? { kind: "multiple-documents", message: "YAML: text after the end of the first document (a '...' or '---' marker); a manifest is one YAML document", path: [], range: rangeOf(e.pos) }
          : { kind: "yaml", message: `YAML: ${e.message.split("\n")[0] ?? e.code}`, path: [], range: rangeOf(e.pos) },
      ),
    };
  }
  const nodeProblems = checkManifestNodes(doc);
  if (nodeProblems.length > 0) {
    return {
      ok: false,
      locate,
      problems: nodeProblems.map((p) => {
        const where = p.path.length > 0 ? `${p.path.join(".")}: ` : "";
        return p.kind === "forbidden-key"
          ? { kind: p.kind, message: `${where}the key ${p.key} is not allowed in a manifest (it names JavaScript's object prototype)`, path: p.path, range: rangeOf(p.range) }
          : { kind: p.kind, message: `${where}unknown YAML tag ${shortTag(p.tag)}; a manifest uses plain values (strings, numbers, booleans, maps and lists), without tags such as !Ref or !!js/function`, path: p.path, range: rangeOf(tagRange(text, shortTag(p.tag), p.range)) };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // The yaml package refuses alias expansion past maxAliasCount (a "billion laughs" document).
    return { ok: false, locate, problems: [{ kind: "yaml", message: `YAML: ${err instanceof Error ? err.message : String(err)}`, path: [], range: locate([]) }] };
  }
  const parsed = ServiceManifest.safeParse(data ?? {});
  if (parsed.success) return { ok: true, manifest: parsed.data, locate };
  return {
    ok: false,
    locate,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      const where = path.length > 0 ? `${path.join(".")}: ` : "";
      return { kind: "schema", message: `${where}${issue.message}`, path, range: locate(path) };
    }),
  };
}

/** The node's range starts at its value; point at the tag written before it, when it is on the same line. */
function tagRange(text: string, tag: string, value: readonly [number, number]): readonly [number, number] {
  const at = text.lastIndexOf(tag, value[0]);
  return at >= 0 && !text.slice(at, value[0]).includes("\n") ? [at, at + tag.length] : value;
}
