/**
 * The manifest parser (YAML, the zod schema, the hostile-input checks), loaded the first time a
 * manifest is open rather than with the extension: the build gives it its own file.
 */
type ManifestParser = typeof import("../../core/manifest/parseManifest");

let loading: Promise<ManifestParser> | undefined;

export function loadManifestParser(): Promise<ManifestParser> {
  loading ??= import("../../core/manifest/parseManifest");
  return loading;
}
