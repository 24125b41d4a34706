import { Parser, type LineCounter } from "yaml";
import type { CST } from "yaml";

/**
 * What is wrong with a manifest's text before YAML reads it. The same checks run on text from
 * the editor and on a file's decoded bytes (readManifestFile), so `aiplat check`, `aiplat
 * render`, `aiplat deploy` and the Problems panel refuse the same files with the same words.
 */

/** Far beyond any real manifest (about 5 levels deep), far below what the yaml composer's recursion survives. */
export const maxManifestDepth = 64;

export type ManifestTextProblem =
  | { readonly kind: "nul-byte"; readonly offset: number }
  | { readonly kind: "extra-bom"; readonly offset: number }
  | { readonly kind: "replacement-character"; readonly offset: number }
  | { readonly kind: "cr-line-endings"; readonly offset: number }
  | { readonly kind: "too-deep"; readonly offset: number; readonly limit: number };

/** The first problem of each kind that the text has, in the order a person should fix them. */
export function checkManifestText(text: string): ManifestTextProblem | undefined {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) return { kind: "nul-byte", offset: nul };
  // One BOM is consumed by whoever decoded the bytes (TextDecoder, VS Code); a second one
  // survives as U+FEFF at the start and the yaml parser would take it as part of the first key.
  if (text.startsWith("\ufeff")) return { kind: "extra-bom", offset: 0 };
  const replacement = text.indexOf("\ufffd");
  if (replacement >= 0) return { kind: "replacement-character", offset: replacement };
  const cr = /\r(?!\n)/.exec(text);
  if (cr) return { kind: "cr-line-endings", offset: cr.index };
  return tooDeep(text);
}

type Frame = { readonly token: CST.Token | undefined; readonly depth: number };

/**
 * Nesting depth from the yaml concrete syntax tree, which the yaml package builds without
 * recursion; composing the document recurses per level and fails with "Maximum call stack size
 * exceeded" at about a thousand levels, so the depth is measured first, iteratively.
 */
function tooDeep(text: string): ManifestTextProblem | undefined {
  const stack: Frame[] = [];
  for (const token of new Parser().parse(text)) stack.push({ token, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as Frame;
    if (!token) continue;
    switch (token.type) {
      case "document":
        stack.push({ token: token.value, depth });
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection": {
        if (depth + 1 > maxManifestDepth) return { kind: "too-deep", offset: token.offset, limit: maxManifestDepth };
        for (const item of token.items) {
          if ("key" in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
          stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

const describeChar = (text: string, offset: number): string => `U+${(text.codePointAt(offset) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** A sentence about the problem, naming what is wrong with the file (no surface's words: no flags, no buttons). */
export function describeManifestTextProblem(p: ManifestTextProblem, text: string, lines: LineCounter): string {
  const { line, col } = lines.linePos(p.offset);
  switch (p.kind) {
    case "nul-byte":
      return `the file contains a NUL byte (line ${line}, column ${col}); a manifest is UTF-8 text, so this looks like a binary or UTF-16 file`;
    case "extra-bom":
      return "the file starts with two byte-order marks (EF BB BF twice); save it as UTF-8 with at most one (preferably none)";
    case "replacement-character":
      return `the file contains ${describeChar(text, p.offset)} (line ${line}, column ${col}), the replacement character a lossy conversion leaves where bytes were not valid UTF-8; fix the text there and save it as UTF-8`;
    case "cr-line-endings":
      return `the file uses CR-only line endings (classic Mac OS, first at line ${line}); save it with LF or CRLF line endings`;
    case "too-deep":
      return `nesting deeper than ${p.limit} levels at line ${line}, column ${col}; a service manifest is a few levels deep, so this is refused before it is read`;
  }
}
