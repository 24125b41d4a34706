import { Document, isMap, isNode, isScalar, LineCounter, parseDocument, Scalar, type Pair, type Range, type YAMLMap } from "yaml";

/**
 * Deploy This Version writes the model into aiplatform.yaml. The file is the person's: only the
 * model's scalars change, in place, so comments, quoting, key order and the rest of the layout
 * stay as they wrote them (re-serialising the whole Document would reflow it).
 */

/** Non-KServe runtimes load from the registry reference; KServe loads the storageUri and keeps the registry link beside it. */
export type ManifestModelSetting =
  | { readonly kind: "registry"; readonly registry: string; readonly version: string }
  | { readonly kind: "storage"; readonly storageUri: string; readonly registry: string; readonly version: string };

/** A replacement in the original text (UTF-16 offsets, as editors count them). */
export interface TextReplacement {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

export type SetManifestModelResult =
  | { readonly ok: true; readonly edits: readonly TextReplacement[]; readonly text: string }
  | { readonly ok: false; readonly problem: "not-yaml" | "no-model" | "model-not-a-map"; readonly detail: string };

type Key = "registry" | "version" | "storageUri";

function desired(setting: ManifestModelSetting): ReadonlyMap<Key, string> {
  return setting.kind === "registry"
    ? new Map<Key, string>([["registry", setting.registry], ["version", setting.version]])
    : new Map<Key, string>([["storageUri", setting.storageUri], ["registry", setting.registry], ["version", setting.version]]);
}

/** yaml's own quoting: "4" stays a string ("4"), a URI stays plain; the quote style written before is kept when it can be. */
function renderScalar(value: string, type: Scalar.Type | undefined): string {
  const scalar = new Scalar(value);
  if (type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE) scalar.type = type;
  return new Document(scalar).toString({ lineWidth: 0 }).trimEnd();
}

function valueRange(pair: Pair): Range | undefined {
  return isNode(pair.value) ? (pair.value.range ?? undefined) : undefined;
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Where the line holding `offset` ends (before its \r\n or \n). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  if (nl < 0) return text.length;
  return text[nl - 1] === "\r" ? nl - 1 : nl;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/**
 * The manifest's `registry` for a registered model: models:/<name>, every character outside
 * [A-Za-z0-9._-] percent-encoded, because that is all the manifest's registry field accepts (a
 * name may hold spaces, slashes and Unicode); parseModelUri decodes it back to the name.
 */
export function manifestRegistryField(name: string): string {
  return `models:/${encodeURIComponent(name).replace(/[!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export function applyReplacements(text: string, edits: readonly TextReplacement[]): string {
  let out = "";
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.offset - b.offset)) {
    out += text.slice(at, e.offset) + e.text;
    at = e.offset + e.length;
  }
  return out + text.slice(at);
}

export function setManifestModel(text: string, setting: ManifestModelSetting): SetManifestModelResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, problem: "not-yaml", detail: doc.errors[0]?.message ?? "not YAML" };
  if (!isMap(doc.contents)) return { ok: false, problem: "no-model", detail: "the manifest is not a YAML mapping" };
  const modelPair = doc.contents.items.find((p) => keyOf(p) === "model");
  if (!modelPair) return { ok: false, problem: "no-model", detail: "the manifest has no model field" };
  const model = modelPair.value;
  if (!isMap(model) || !model.range) return { ok: false, problem: "model-not-a-map", detail: "model is not a mapping of registry/version or storageUri" };
  const edits = model.flow ? flowEdits(model, setting) : blockEdits(text, model, desired(setting));
  return { ok: true, edits, text: applyReplacements(text, edits) };
}

/** A one-line `{ … }` holds no comments worth keeping: write it again whole, still as a flow map. */
function flowEdits(model: YAMLMap, setting: ManifestModelSetting): TextReplacement[] {
  const range = model.range;
  if (!range) return [];
  const { kind: _kind, ...fields } = setting;
  const fresh = new Document(fields);
  if (isMap(fresh.contents)) fresh.contents.flow = true;
  return [{ offset: range[0], length: range[1] - range[0], text: fresh.toString({ lineWidth: 0 }).trimEnd() }];
}

function blockEdits(text: string, model: YAMLMap, want: ReadonlyMap<Key, string>): TextReplacement[] {
  const edits: TextReplacement[] = [];
  const present = new Set<string>();
  const unwanted: Pair[] = [];
  for (const pair of model.items) {
    const key = keyOf(pair);
    if (key === undefined) continue;
    const value = want.get(key as Key);
    if (value === undefined) {
      unwanted.push(pair);
      continue;
    }
    present.add(key);
    if (isScalar(pair.value) && pair.value.range) {
      if (pair.value.value === value) continue;
      const [start, end] = pair.value.range;
      edits.push({ offset: start, length: end - start, text: renderScalar(value, pair.value.type) });
    } else if (isScalar(pair.key) && pair.key.range) {
      // `version:` with nothing (or a nested value) after it: the whole pair is rewritten on its line.
      const start = pair.key.range[0];
      const end = valueRange(pair)?.[1] ?? lineEnd(text, start);
      edits.push({ offset: start, length: end - start, text: `${key}: ${renderScalar(value, undefined)}` });
    }
  }
  const missing = [...want].filter(([key]) => !present.has(key));
  // A key that no longer belongs (storageUri when a registry reference replaces it) gives its line to a missing one,
  // so a comment on that line stays with the model.
  for (const pair of unwanted) {
    const next = missing.shift();
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    const value = valueRange(pair);
    if (!keyRange) continue;
    if (next) {
      const end = value ? value[1] : keyRange[1];
      edits.push({ offset: keyRange[0], length: end - keyRange[0], text: `${next[0]}: ${renderScalar(next[1], undefined)}` });
    } else {
      const start = lineStart(text, keyRange[0]);
      const end = lineEnd(text, value ? value[1] : keyRange[1]);
      const withNewline = text.startsWith("\r\n", end) ? end + 2 : text.startsWith("\n", end) ? end + 1 : end;
      edits.push({ offset: start, length: withNewline - start, text: "" });
    }
  }
  if (missing.length > 0) {
    const first = model.items[0];
    const firstKey = first && isScalar(first.key) ? first.key.range : undefined;
    const last = model.items[model.items.length - 1];
    const lastRange = (last ? valueRange(last) : undefined) ?? (last && isScalar(last.key) ? last.key.range : undefined);
    if (!firstKey || !lastRange) return edits;
    const indent = text.slice(lineStart(text, firstKey[0]), firstKey[0]);
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const at = lineEnd(text, lastRange[1]);
    edits.push({ offset: at, length: 0, text: missing.map(([key, value]) => `${eol}${indent}${key}: ${renderScalar(value, undefined)}`).join("") });
  }
  return edits;
}
