import { isAlias, isScalar, parseDocument } from "yaml";

/**
 * `--set key=value`: the key a dotted path into aiplatform.yaml (`resources.gpu.count`,
 * `environments.dev.namespace`, `rollout.steps.0.traffic`), the value one YAML scalar (so
 * `2` is a number and `true` a boolean; quote it, `"8080"`, to keep a string). Anything that
 * would smuggle structure into the manifest (newlines, `key: value`, `[a, b]`, anchors, tags,
 * comments) is refused: the manifest is built as data and serialized, never spliced as text.
 * The strict schema then catches unknown keys and wrong types.
 */

export type Scalar = string | number | boolean;
export interface SetOverride {
  readonly entry: string;
  readonly path: readonly string[];
  readonly value: Scalar;
}
export type OverrideError = { readonly entry: string; readonly key: string | undefined; readonly reason: string };
type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: OverrideError };

const segment = /^[A-Za-z0-9_-]{1,63}$/;
const forbiddenSegments = new Set(["__proto__", "constructor", "prototype"]);
/** Fields a --set may not change: the command line and the template decide them. */
const reserved: Readonly<Record<string, string>> = {
  apiVersion: "apiVersion is fixed by aiplat",
  kind: "kind is fixed by aiplat",
  name: "the name comes from --name",
  runtime: "the runtime comes from the template; choose another --template",
};
const maxValueLength = 1000;
// C0 controls, DEL, and the characters YAML also treats as line breaks (NEL, LS, PS).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const lineBreakOrControl = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
export const defaultCanarySteps = [{ traffic: 10 }, { traffic: 50 }, { traffic: 100 }] as const;

export function parseSetEntry(entry: string): Result<SetOverride> {
  const fail = (reason: string, key?: string): Result<SetOverride> => ({ ok: false, error: { entry, key, reason } });
  const eq = entry.indexOf("=");
  if (eq <= 0) return fail("expected key=value");
  const key = entry.slice(0, eq);
  const raw = entry.slice(eq + 1);
  if (key.length > 200) return fail("the key is too long", key.slice(0, 200));
  const path = key.split(".");
  for (const s of path) {
    if (forbiddenSegments.has(s)) return fail(`"${s}" is not a manifest field`, key);
    if (!segment.test(s)) return fail("the key must be dotted field names made of letters, digits, '_' and '-', e.g. resources.gpu.count", key);
  }
  const top = path[0] ?? "";
  if (Object.hasOwn(reserved, top)) return fail(reserved[top] ?? "", key);
  const value = parseScalar(raw);
  if (!value.ok) return fail(value.reason, key);
  return { ok: true, value: { entry, path, value: value.value } };
}

function parseScalar(raw: string): { ok: true; value: Scalar } | { ok: false; reason: string } {
  if (raw.length > maxValueLength) return { ok: false, reason: `the value is longer than ${maxValueLength} characters` };
  if (lineBreakOrControl.test(raw)) return { ok: false, reason: "the value contains a newline or a control character; a value is one line of text" };
  const doc = parseDocument(raw, { version: "1.2", schema: "core", strict: true, uniqueKeys: true });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { ok: false, reason: `the value is not one YAML scalar (${(doc.errors[0] ?? doc.warnings[0])?.code ?? "invalid"})` };
  const node = doc.contents;
  if (doc.directives.docStart || doc.commentBefore || doc.comment) return { ok: false, reason: "the value may not hold YAML document markers or comments ('#'); quote it" };
  if (node === null) return { ok: false, reason: "the value is empty; give a value, or edit aiplatform.yaml afterwards to remove a field" };
  if (isAlias(node)) return { ok: false, reason: "the value may not be a YAML alias (*); quote it" };
  if (!isScalar(node)) return { ok: false, reason: "the value is YAML structure (a map or a list); set one field at a time, e.g. rollout.steps.0.traffic=10" };
  // Block scalars (| and >) are multi-line text by nature.
  if (node.type !== "PLAIN" && node.type !== "QUOTE_DOUBLE" && node.type !== "QUOTE_SINGLE") return { ok: false, reason: "the value is a YAML block scalar (| or >); quote it" };
  if (node.tag || node.anchor || node.comment || node.commentBefore) return { ok: false, reason: "the value may not carry YAML tags (!), anchors (&) or comments (#); quote it" };
  const value: unknown = node.value;
  if (typeof value === "number" && !Number.isFinite(value)) return { ok: false, reason: "the value must be a finite number" };
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return { ok: true, value };
  return { ok: false, reason: "the value is null; give a value, or edit aiplatform.yaml afterwards to remove a field" };
}

type Tree = Record<string, unknown> | unknown[];
const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null;
const clone = (v: unknown): unknown => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));
const arrayIndex = /^(0|[1-9][0-9]?)$/;

/** A GPU type and a MIG profile exclude each other: setting one drops the other. */
const exclusive: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  ["resources.gpu.mig", [["resources", "gpu", "type"]]],
  ["resources.gpu.type", [["resources", "gpu", "mig"]]],
  // A model is a registry URI with a version (or an @alias), or a storage URI: naming one drops
  // the other, and a new registry model drops the template's version, which was another model's.
  ["model.registry", [["model", "storageUri"], ["model", "version"]]],
  ["model.storageUri", [["model", "registry"], ["model", "version"]]],
]);

/**
 * Applies the overrides in order to a copy of `base`. Setting `rollout.strategy` starts that
 * strategy's block afresh (a rolling rollout's maxSurge means nothing to a canary); a canary
 * left without steps gets 10% → 50% → 100%. `resources.gpu.count=0` removes the GPU, and
 * `model.registry` / `model.storageUri` replace each other.
 */
export function applyOverrides(base: Readonly<Record<string, unknown>>, entries: readonly string[]): Result<Record<string, unknown>> {
  const root = clone(base) as Record<string, unknown>;
  for (const entry of entries) {
    const parsed = parseSetEntry(entry);
    if (!parsed.ok) return parsed;
    const { path, value } = parsed.value;
    if (path.length === 2 && path[0] === "rollout" && path[1] === "strategy") {
      root.rollout = { strategy: value };
      continue;
    }
    // `resources.gpu.count=0` means no GPU at all (a GPU block needs at least one).
    if (path.join(".") === "resources.gpu.count" && value === 0) {
      deleteAt(root, ["resources", "gpu"]);
      continue;
    }
    for (const other of exclusive.get(path.join(".")) ?? []) deleteAt(root, other);
    const set = setAt(root, path, value);
    if (!set.ok) return { ok: false, error: { entry, key: path.join("."), reason: set.reason } };
  }
  const rollout = root.rollout;
  if (isTree(rollout) && !Array.isArray(rollout) && rollout.strategy === "canary" && rollout.steps === undefined) {
    rollout.steps = defaultCanarySteps.map((s) => ({ ...s }));
  }
  return { ok: true, value: root };
}

function setAt(root: Record<string, unknown>, path: readonly string[], value: Scalar): { ok: true } | { ok: false; reason: string } {
  let node: Tree = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] ?? "";
    const last = i === path.length - 1;
    const where = path.slice(0, i).join(".") || "the manifest";
    if (Array.isArray(node) && !arrayIndex.test(key)) return { ok: false, reason: `${where} is a list: use an index such as ${where}.0` };
    // Own properties only: an inherited `toString` is not a manifest field.
    const current: unknown = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (last) {
      if (isTree(current)) return { ok: false, reason: `${path.join(".")} is a section; set one of its fields, e.g. ${path.join(".")}.${Array.isArray(current) ? "0" : Object.keys(current)[0] ?? "field"}` };
      Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      return { ok: true };
    }
    if (current === undefined) {
      const child: Tree = arrayIndex.test(path[i + 1] ?? "") ? [] : {};
      Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
      node = child;
    } else if (isTree(current)) {
      node = current;
    } else {
      return { ok: false, reason: `${path.slice(0, i + 1).join(".")} is a ${typeof current}, not a section` };
    }
  }
  return { ok: true };
}

function deleteAt(root: Record<string, unknown>, path: readonly string[]): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = isTree(node) && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  const last = path[path.length - 1] ?? "";
  if (isTree(node) && !Array.isArray(node) && Object.hasOwn(node, last)) delete node[last];
}
