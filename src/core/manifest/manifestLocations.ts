import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

/**
 * Where a field of aiplatform.yaml is in the text, for Problems-panel diagnostics and linter
 * lines: the key of a field whose value is a block, the value itself when it is a scalar, and
 * for a field that is not written the nearest parent that is (a missing `probes` points at the
 * file's start, a missing `resources.memory` at `resources:`).
 */

/** 1-based, as editors and linters print them; the end is exclusive. */
export interface ManifestLocation {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export type ManifestPathSegment = string | number;

const fileStart: ManifestLocation = { line: 1, column: 1, endLine: 1, endColumn: 2 };

/** Parses once; the returned function locates any number of paths. Text that is not YAML locates everything at the start. */
export function manifestLocator(text: string): (path: readonly ManifestPathSegment[]) => ManifestLocation {
  const lineCounter = new LineCounter();
  return documentLocator(parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter);
}

/** The same, over a document already parsed with `lineCounter`, so a caller that parsed it does not parse it again. */
export function documentLocator(doc: Document, lineCounter: LineCounter): (path: readonly ManifestPathSegment[]) => ManifestLocation {
  return (path) => {
    let node: Node | null | undefined = doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        key = isScalar(pair.key) ? pair.key : undefined;
        node = pair.value as Node | null;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
        key = undefined;
        node = node.items[segment] as Node;
      } else break;
    }
    const target = key && !isScalar(node) ? key : (node ?? key);
    const range = target === doc.contents && path.length > 0 ? undefined : target?.range;
    if (!range) return fileStart;
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(range[1]);
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.line === start.line ? Math.max(end.col, start.col + 1) : end.col };
  };
}

export function manifestLocation(text: string, path: readonly ManifestPathSegment[]): ManifestLocation {
  return manifestLocator(text)(path);
}
