/**
 * The four patch formats the API server accepts. JSON merge patch and JSON patch follow
 * RFC 7386 and RFC 6902; strategic merge patch knows the merge keys of the common list fields
 * and its $patch directives; server-side apply is approximated as a merge in which lists replace.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class PatchError extends Error {}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge recursively, null deletes, everything else replaces. */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Server-side apply, approximated: objects merge recursively, lists and scalars replace, null deletes. */
export function applyServerSideApply(target: Json | undefined, applied: Json): Json {
  return applyMergePatch(target, applied);
}

function decodePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: Json, tokens: string[], pointer: string): { parent: JsonObject | Json[]; key: string } {
  let current: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(current) ? current[Number(token)] : isJsonObject(current) ? current[token] : undefined;
    if (next === undefined) throw new PatchError(`path "${pointer}" does not exist`);
    current = next;
  }
  if (!Array.isArray(current) && !isJsonObject(current)) throw new PatchError(`path "${pointer}" does not exist`);
  return { parent: current, key: tokens[tokens.length - 1] ?? "" };
}

function arrayIndex(array: Json[], key: string, pointer: string, allowEnd: boolean): number {
  if (allowEnd && key === "-") return array.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new PatchError(`invalid array index "${key}" in "${pointer}"`);
  const index = Number(key);
  if (index > array.length || (!allowEnd && index === array.length)) throw new PatchError(`array index ${index} out of range in "${pointer}"`);
  return index;
}

function getAt(doc: Json, pointer: string): Json {
  let current: Json | undefined = doc;
  for (const token of decodePointer(pointer)) {
    current = Array.isArray(current) ? current[Number(token)] : isJsonObject(current) ? current[token] : undefined;
    if (current === undefined) throw new PatchError(`path "${pointer}" does not exist`);
  }
  return current;
}

function addAt(doc: Json, pointer: string, value: Json): Json {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return doc;
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) throw new PatchError("cannot remove the whole document");
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else if (key in parent) delete parent[key];
  else throw new PatchError(`path "${pointer}" does not exist`);
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i] ?? null));
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k] ?? null, b[k] ?? null));
  }
  return false;
}

export { deepEqual as jsonEqual };

/** RFC 6902. Works on a copy; any failing operation fails the whole patch. */
export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError("a JSON patch must be an array of operations");
  let doc = structuredClone(target);
  for (const op of operations) {
    if (!isJsonObject(op) || typeof op.op !== "string" || typeof op.path !== "string") {
      throw new PatchError(`invalid JSON patch operation: ${JSON.stringify(op)}`);
    }
    const path = op.path;
    const from = typeof op.from === "string" ? op.from : undefined;
    switch (op.op) {
      case "add":
        if (!("value" in op)) throw new PatchError(`"add" operation needs a value`);
        doc = addAt(doc, path, structuredClone(op.value ?? null));
        break;
      case "remove":
        doc = removeAt(doc, path);
        break;
      case "replace":
        if (!("value" in op)) throw new PatchError(`"replace" operation needs a value`);
        getAt(doc, path);
        doc = addAt(removeAt(doc, path), path, structuredClone(op.value ?? null));
        break;
      case "move": {
        if (from === undefined) throw new PatchError(`"move" operation needs "from"`);
        const value = getAt(doc, from);
        doc = addAt(removeAt(doc, from), path, value);
        break;
      }
      case "copy":
        if (from === undefined) throw new PatchError(`"copy" operation needs "from"`);
        doc = addAt(doc, path, structuredClone(getAt(doc, from)));
        break;
      case "test":
        if (!deepEqual(getAt(doc, path), op.value ?? null)) throw new PatchError(`test operation failed at "${path}"`);
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${op.op}"`);
    }
  }
  return doc;
}

/**
 * Merge keys of the list fields kubectl patches most, from the Kubernetes API's
 * patchMergeKey tags. A list not named here is replaced as in a JSON merge patch.
 */
const mergeKeys: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  imagePullSecrets: ["name"],
  ports: ["containerPort", "port"],
  conditions: ["type"],
  ownerReferences: ["uid"],
  hostAliases: ["ip"],
  topologySpreadConstraints: ["topologyKey"],
  resourceClaims: ["name"],
};
/** Lists of scalars that strategic merge treats as sets. */
const mergedScalarLists = new Set(["finalizers"]);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  const candidates = mergeKeys[field];
  if (!candidates) return undefined;
  return candidates.find((k) => items.every((i) => isJsonObject(i) && i[k] !== undefined));
}

function mergeList(field: string, target: Json[], patch: Json[]): Json[] {
  if (mergedScalarLists.has(field) && patch.every((p) => !isJsonObject(p))) {
    return [...target, ...patch.filter((p) => !target.some((t) => deepEqual(t, p)))];
  }
  if (patch.some((p) => isJsonObject(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isJsonObject(p) && p.$patch === "replace"));
  }
  const key = mergeKeyFor(field, patch);
  if (key === undefined || !target.every((t) => isJsonObject(t))) return patch.map((p) => stripDirectives(p));
  const result: Json[] = [...target];
  for (const item of patch) {
    if (!isJsonObject(item)) continue;
    const index = result.findIndex((t) => isJsonObject(t) && deepEqual(t[key] ?? null, item[key] ?? null));
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith("$")) continue;
    if (v !== null) result[k] = stripDirectives(v);
  }
  return result;
}

/**
 * Strategic merge patch as kubectl sends it: merge-keyed lists merge element by element,
 * "$patch: delete|replace", "$deleteFromPrimitiveList/<field>" are honoured and
 * "$setElementOrder/<field>" and "$retainKeys" are accepted and ignored.
 */
export function applyStrategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isJsonObject(patch)) return patch;
  if (patch.$patch === "replace") return stripDirectives(patch);
  if (patch.$patch === "delete") return {};
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((c) => !value.some((v) => deepEqual(c, v)));
      continue;
    }
    if (key.startsWith("$")) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (Array.isArray(value)) result[key] = Array.isArray(current) ? mergeList(key, current, value) : stripDirectives(value);
    else result[key] = applyStrategicMergePatch(current, value);
  }
  return result;
}
