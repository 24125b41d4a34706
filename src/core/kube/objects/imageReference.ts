/**
 * A container image reference split the way the distribution reference grammar does
 * (github.com/distribution/reference): `[registry/]path[:tag][@digest]`. The first path
 * component is a registry only if it has a '.' or ':' or is `localhost`.
 */
export interface ImageReference {
  readonly registry: string | undefined;
  /** Path components after the registry, e.g. ["team", "vllm-openai"]. */
  readonly path: readonly string[];
  /** The last path component: the repository's own name. */
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImageReference(image: string): ImageReference {
  const trimmed = image.trim();
  const at = trimmed.indexOf("@");
  const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
  const withoutDigest = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const parts = withoutDigest.split("/");
  const first = parts[0] ?? "";
  const hasRegistry = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const pathParts = hasRegistry ? parts.slice(1) : parts;
  const last = pathParts[pathParts.length - 1] ?? "";
  // A ':' in the last component separates the tag; one in the registry is a port.
  const colon = last.indexOf(":");
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  return {
    registry: hasRegistry ? first : undefined,
    path: [...pathParts.slice(0, -1), name],
    name,
    tag: tag === "" ? undefined : tag,
    digest: digest === "" ? undefined : digest,
  };
}

/** `sha256:<64 hex>` shortened to 12 hex characters, as `docker images` shows IDs. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const short = (hex ?? "").slice(0, 12);
  return algorithm ? `${algorithm}:${short}` : short;
}
