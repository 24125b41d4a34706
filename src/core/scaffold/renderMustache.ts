import * as MustacheModule from "mustache";

/**
 * mustache ships CommonJS for require and an ES module with only a default export for import;
 * esbuild's bundle sees the first, Node's ESM loader (vitest) the second.
 */
const Mustache = (MustacheModule as typeof MustacheModule & { default?: typeof MustacheModule }).default ?? MustacheModule;

/**
 * Renders a template without HTML escaping: the outputs are Dockerfiles, YAML, Python and
 * Markdown, where `&amp;` would be a bug. Values are safe to splice because everything a user
 * controls was validated first (DNS-1123 names, image and URI patterns).
 */
export function renderMustache(template: string, view: object): string {
  return Mustache.render(template, view, undefined, { escape: (value: unknown) => String(value) });
}
