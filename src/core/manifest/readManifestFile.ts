import { readFile, stat } from "node:fs/promises";

/** Far above any real aiplatform.yaml; refuses a wrong path to a large file before reading it. */
const maxFileBytes = 1024 * 1024;

/** Why a manifest file's bytes are not UTF-8 text, found before any YAML is read. */
export type ManifestFileError =
  | { readonly kind: "not-found"; readonly file: string }
  | { readonly kind: "not-a-file"; readonly file: string }
  | { readonly kind: "too-large"; readonly file: string; readonly bytes: number }
  | { readonly kind: "unreadable"; readonly file: string; readonly reason: string }
  | { readonly kind: "utf16"; readonly file: string; readonly byteOrder: "little-endian" | "big-endian"; readonly bom: boolean }
  | { readonly kind: "utf32"; readonly file: string; readonly byteOrder: "little-endian" | "big-endian" }
  | { readonly kind: "double-bom"; readonly file: string }
  | { readonly kind: "binary"; readonly file: string }
  | { readonly kind: "invalid-utf8"; readonly file: string; readonly line: number; readonly column: number; readonly offset: number; readonly byte: number };

/**
 * The text of a manifest file, or why it cannot be read. `message` is a neutral sentence kept
 * for existing callers; `error` carries the kind and data for surfaces that word it themselves.
 * The text is decoded from bytes here (one UTF-8 BOM dropped); text-level checks (NUL, CR-only
 * line endings, depth) run in parseManifest so the editor's text goes through the same ones.
 */
export async function readManifestFile(file: string): Promise<{ ok: true; text: string } | { ok: false; message: string; error: ManifestFileError }> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return refuse({ kind: "not-a-file", file });
    if (info.size > maxFileBytes) return refuse({ kind: "too-large", file, bytes: info.size });
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refuse(code === "ENOENT" ? { kind: "not-found", file } : { kind: "unreadable", file, reason: err instanceof Error ? err.message : String(err) });
  }
  const decoded = decodeManifestBytes(bytes, file);
  return "error" in decoded ? refuse(decoded.error) : { ok: true, text: decoded.text };
}

function refuse(error: ManifestFileError): { ok: false; message: string; error: ManifestFileError } {
  return { ok: false, message: describeManifestFileError(error), error };
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/** UTF-8 text from a manifest's bytes, or what kind of file it is instead. */
export function decodeManifestBytes(bytes: Uint8Array, file: string): { text: string } | { error: ManifestFileError } {
  // UTF-32 first: its little-endian BOM begins with UTF-16's.
  if (startsWith(bytes, [0xff, 0xfe, 0, 0])) return { error: { kind: "utf32", file, byteOrder: "little-endian" } };
  if (startsWith(bytes, [0, 0, 0xfe, 0xff])) return { error: { kind: "utf32", file, byteOrder: "big-endian" } };
  if (startsWith(bytes, [0xff, 0xfe])) return { error: { kind: "utf16", file, byteOrder: "little-endian", bom: true } };
  if (startsWith(bytes, [0xfe, 0xff])) return { error: { kind: "utf16", file, byteOrder: "big-endian", bom: true } };
  if (startsWith(bytes, [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf])) return { error: { kind: "double-bom", file } };
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { error: { kind: "utf16", file, byteOrder: utf16, bom: false } };
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== undefined) {
    if (looksBinary(bytes)) return { error: { kind: "binary", file } };
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < invalid; i++) {
      if (bytes[i] !== 0x0a) continue;
      line++;
      lineStart = i + 1;
    }
    return { error: { kind: "invalid-utf8", file, line, column: invalid - lineStart + 1, offset: invalid, byte: bytes[invalid] ?? 0 } };
  }
  if (looksBinary(bytes)) return { error: { kind: "binary", file } };
  // Valid UTF-8; TextDecoder drops one leading BOM, as editors do.
  return { text: new TextDecoder("utf-8").decode(bytes) };
}

/** ASCII-range UTF-16 text without a BOM has a NUL in every other byte. */
function utf16WithoutBom(bytes: Uint8Array): "little-endian" | "big-endian" | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 512);
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= pairs * 0.9 && evenNul === 0) return "little-endian";
  if (evenNul >= pairs * 0.9 && oddNul === 0) return "big-endian";
  return undefined;
}

/** git's heuristic, loosened: a NUL among the first 8000 bytes alongside other control bytes. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  let control = 0;
  let nul = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) nul++;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return nul > 0 && control > Math.max(2, n / 100);
}

/** The offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629), if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead bytes: C2–DF start 2 bytes, E0–EF 3, F0–F4 4; C0, C1 and F5–FF never appear.
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    const min = [0, 0x80, 0x800, 0x10000][need] ?? 0;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return undefined;
}

/** A neutral sentence naming what is wrong with the file. */
export function describeManifestFileError(e: ManifestFileError): string {
  switch (e.kind) {
    case "not-found":
      return `${e.file} does not exist`;
    case "not-a-file":
      return `${e.file} is not a file`;
    case "too-large":
      return `${e.file} is ${Math.round(e.bytes / 1024)} KB; a service manifest is far smaller`;
    case "unreadable":
      return `cannot read ${e.file} (${e.reason})`;
    case "utf16":
      return `${e.file} is UTF-16 text (${e.byteOrder}${e.bom ? "" : ", without a byte-order mark"}); a manifest is UTF-8: save it as UTF-8`;
    case "utf32":
      return `${e.file} is UTF-32 text (${e.byteOrder}); a manifest is UTF-8: save it as UTF-8`;
    case "double-bom":
      return `${e.file} starts with two UTF-8 byte-order marks; save it as UTF-8 with at most one (preferably none)`;
    case "binary":
      return `${e.file} is a binary file, not YAML text; is this the right path?`;
    case "invalid-utf8":
      return `${e.file} is not valid UTF-8: the byte 0x${e.byte.toString(16).toUpperCase().padStart(2, "0")} at line ${e.line}, column ${e.column} does not start a UTF-8 character; save the file as UTF-8`;
  }
}
