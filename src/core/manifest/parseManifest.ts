import { LineCounter, parseDocument } from "yaml";
import { documentLocator, type ManifestLocation } from "./manifestLocations";
import { ServiceManifest } from "./serviceManifest";

export type SourceRange = ManifestLocation;

export interface ManifestProblem {
  readonly message: string;
  /** Where in the manifest, e.g. ["resources", "gpu", "count"]; empty for the whole file. */
  readonly path: readonly (string | number)[];
  readonly range: SourceRange;
}

export type ParsedManifest =
  | { readonly ok: true; readonly manifest: ServiceManifest; readonly locate: (path: readonly (string | number)[]) => SourceRange }
  | { readonly ok: false; readonly problems: readonly ManifestProblem[]; readonly locate: (path: readonly (string | number)[]) => SourceRange };

const maxManifestBytes = 256 * 1024;

/**
 * aiplatform.yaml text → a validated manifest, or every problem with its line and column:
 * YAML syntax errors first (a manifest that does not parse cannot be checked further), then
 * the schema's issues, each pointed at the field it is about.
 */
export function parseManifest(text: string): ParsedManifest {
  const tooLarge = text.length > maxManifestBytes;
  const lineCounter = new LineCounter();
  const doc = parseDocument(tooLarge ? "" : text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = documentLocator(doc, lineCounter);
  if (tooLarge) {
    return { ok: false, locate, problems: [{ message: `The manifest is ${Math.round(text.length / 1024)} KB; a service manifest is at most ${maxManifestBytes / 1024} KB.`, path: [], range: locate([]) }] };
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      locate,
      problems: doc.errors.map((e) => {
        const start = lineCounter.linePos(e.pos[0]);
        const end = lineCounter.linePos(e.pos[1]);
        return { message: `YAML: ${e.message.split("\n")[0] ?? e.code}`, path: [], range: { line: start.line, column: start.col, endLine: end.line, endColumn: Math.max(end.col, start.col + 1) } };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // The yaml package refuses alias expansion past maxAliasCount (a "billion laughs" document).
    return { ok: false, locate, problems: [{ message: `YAML: ${err instanceof Error ? err.message : String(err)}`, path: [], range: locate([]) }] };
  }
  const parsed = ServiceManifest.safeParse(data ?? {});
  if (parsed.success) return { ok: true, manifest: parsed.data, locate };
  return {
    ok: false,
    locate,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      const where = path.length > 0 ? `${path.join(".")}: ` : "";
      return { message: `${where}${issue.message}`, path, range: locate(path) };
    }),
  };
}
