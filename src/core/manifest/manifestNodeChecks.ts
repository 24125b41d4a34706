import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from "yaml";

/**
 * What the schema cannot see once YAML has become plain data: keys that name JavaScript's
 * prototype machinery (the yaml package keeps `__proto__` as an own key, zod's record then
 * drops it silently, and elsewhere it is refused as an unknown key: one rule, everywhere,
 * is clearer and safer), and explicit tags the core schema does not know (`!Ref`,
 * `!!js/function`), which the yaml package only warns about and reads as their bare value.
 */

export const forbiddenKeys: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const coreTags: ReadonlySet<string> = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

export type ManifestNodeProblem =
  | { readonly kind: "forbidden-key"; readonly key: string; readonly path: readonly (string | number)[]; readonly range: readonly [number, number] }
  | { readonly kind: "unknown-tag"; readonly tag: string; readonly path: readonly (string | number)[]; readonly range: readonly [number, number] };

/** Every forbidden key and unknown tag, with its path and source offsets. The depth was checked before. */
export function checkManifestNodes(doc: Document): ManifestNodeProblem[] {
  const problems: ManifestNodeProblem[] = [];
  const rangeOf = (n: Node): readonly [number, number] => (n.range ? [n.range[0], n.range[1]] : [0, 0]);
  const visit = (node: unknown, path: readonly (string | number)[]): void => {
    if (isAlias(node) || (!isMap(node) && !isSeq(node) && !isScalar(node))) return;
    if (node.tag !== undefined && !coreTags.has(node.tag)) problems.push({ kind: "unknown-tag", tag: node.tag, path, range: rangeOf(node) });
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined && forbiddenKeys.has(key)) problems.push({ kind: "forbidden-key", key, path: [...path, key], range: rangeOf(pair.key as Node) });
        if (isScalar(pair.key) && pair.key.tag !== undefined && !coreTags.has(pair.key.tag)) problems.push({ kind: "unknown-tag", tag: pair.key.tag, path, range: rangeOf(pair.key) });
        visit(pair.value, key !== undefined ? [...path, key] : path);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return problems;
}

/** How a tag is written in the file: `!!js/function` rather than `tag:yaml.org,2002:js/function`. */
export function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}
