import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";
import { decodeManifestBytes, firstInvalidUtf8, readManifestFile } from "../../../../src/core/manifest/readManifestFile";
import { hostileManifests, validManifest } from "./hostileManifests";

describe("parseManifest refuses hostile manifests, naming the problem and its line", () => {
  test.each(hostileManifests)("$name", ({ text, message, line }) => {
    const r = parseManifest(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const first = r.problems[0];
    expect(first?.message).toMatch(message);
    expect(first?.message).not.toMatch(/call stack/);
    expect(first?.range.line).toBe(line);
  });

  test.each([
    { text: validManifest.replace("namespace: ml-dev", "namespace: !Ref Namespace"), column: 16, endColumn: 20 },
    { text: validManifest.replace("name: fraud-scorer", "name: !!js/function fraud-scorer"), column: 7, endColumn: 20 },
  ])("an unknown tag is pointed at where it is written (column $column)", ({ text, column, endColumn }) => {
    const r = parseManifest(text);
    expect(r.ok ? undefined : r.problems[0]?.range).toMatchObject({ column, endColumn });
  });

  test("CRLF line endings, one BOM and quantities the API server accepts are fine", () => {
    for (const text of [validManifest.replace(/\n/g, "\r\n"), validManifest.replace('cpu: "2"', 'cpu: "1.5"').replace("memory: 4Gi", "memory: 1.5Gi"), validManifest.replace('cpu: "2"', "cpu: 500m"), validManifest.replace('cpu: "2"', "cpu: 2e0")]) {
      expect(parseManifest(text).ok).toBe(true);
    }
  });

  test("63 levels of nesting are within the limit (and then the schema speaks)", () => {
    const r = parseManifest(`${validManifest}owner: ${"[".repeat(63)}${"]".repeat(63)}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.message).toMatch(/^owner: /);
  });
});

const tmp = mkdtempSync(path.join(tmpdir(), "aiplat-bytes-"));
const fileWith = (name: string, bytes: Uint8Array): string => {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
};
const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");
const utf16be = (s: string): Buffer => Buffer.from(s, "utf16le").swap16();

describe("readManifestFile names what is wrong with a file's bytes", () => {
  test.each([
    { name: "UTF-16 LE with BOM", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(validManifest, "utf16le")]), kind: "utf16", message: /is UTF-16 text \(little-endian\); a manifest is UTF-8/ },
    { name: "UTF-16 BE with BOM", bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(validManifest)]), kind: "utf16", message: /is UTF-16 text \(big-endian\)/ },
    { name: "UTF-16 LE without BOM", bytes: Buffer.from(validManifest, "utf16le"), kind: "utf16", message: /UTF-16 text \(little-endian, without a byte-order mark\)/ },
    { name: "UTF-32 LE", bytes: Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), kind: "utf32", message: /UTF-32/ },
    { name: "double BOM", bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), utf8(validManifest)]), kind: "double-bom", message: /two UTF-8 byte-order marks/ },
    { name: "a PNG", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]), kind: "binary", message: /is a binary file, not YAML text/ },
    { name: "Latin-1 é", bytes: Buffer.concat([utf8(validManifest), Buffer.from("# café\n", "latin1")]), kind: "invalid-utf8", message: /not valid UTF-8: the byte 0xE9 at line 16, column 6/ },
  ])("$name", async ({ name, bytes, kind, message }) => {
    const r = await readManifestFile(fileWith(`${name.replace(/\W+/g, "-")}.yaml`, bytes));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe(kind);
    expect(r.message).toMatch(message);
  });

  test("UTF-8 with one BOM reads as the text without it", async () => {
    const r = await readManifestFile(fileWith("bom.yaml", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(validManifest)])));
    expect(r).toEqual({ ok: true, text: validManifest });
  });

  test("a NUL byte in otherwise UTF-8 text reaches parseManifest, which names its line", async () => {
    const r = await readManifestFile(fileWith("nul.yaml", utf8(validManifest.replace("fraud-scorer", "fraud\u0000scorer"))));
    expect(r.ok).toBe(true);
    if (r.ok) expect(parseManifest(r.text).ok).toBe(false);
  });
});

describe("firstInvalidUtf8 follows RFC 3629", () => {
  test.each([
    { bytes: [0x61, 0x62], at: undefined },
    { bytes: [0xc3, 0xa9], at: undefined }, // é
    { bytes: [0xf0, 0x9f, 0x98, 0x80], at: undefined }, // 😀
    { bytes: [0x61, 0xc0, 0xaf], at: 1 }, // overlong '/'
    { bytes: [0xed, 0xa0, 0x80], at: 0 }, // a UTF-16 surrogate
    { bytes: [0xf4, 0x90, 0x80, 0x80], at: 0 }, // past U+10FFFF
    { bytes: [0x61, 0x62, 0xe9], at: 2 }, // truncated
    { bytes: [0x80], at: 0 }, // a lone continuation byte
  ])("$bytes → $at", ({ bytes, at }) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
    expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode.bind(new TextDecoder("utf-8", { fatal: true }), Uint8Array.from(bytes))).toSatisfy((decode: () => string) => {
      try {
        decode();
        return at === undefined;
      } catch {
        return at !== undefined;
      }
    });
  });

  test("decodeManifestBytes keeps valid text as it is", () => {
    expect(decodeManifestBytes(utf8("a: é\n"), "x")).toEqual({ text: "a: é\n" });
  });
});
