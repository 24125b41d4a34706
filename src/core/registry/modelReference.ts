/**
 * What a workload or a manifest says it serves: a `models:/` URI in MLflow's forms, or a storage
 * URI (s3://, gs://, https blob…) that only a registered version's source can name.
 * The grammar follows mlflow/store/artifact/utils/models.py `_parse_model_uri` (MLflow 3, the
 * version returning ParsedModelUri(model_id, …); its cases are in tests/store/artifact/utils/
 * test_models.py): `models:/<name>/<digits>`, `models:/<name>/latest` (any case),
 * `models:/<name>/<stage>` (any other suffix), `models:/<name>@<alias>` (split at the last '@'),
 * `models:/<model_id>` (MLflow 3 logged models, `m-<uuid>`). MLflow does not decode the path;
 * we also percent-decode each part, so a name with a slash can travel as `%2F`.
 */

/**
 * Our annotation on a rendered Deployment's or InferenceService's metadata: the full registry
 * reference (models:/name/version or models:/name@alias), what served-by reads first.
 */
export const modelReferenceAnnotation = "aiplatform.dev/model";

export type ModelReference =
  | { readonly kind: "version"; readonly name: string; readonly version: string }
  | { readonly kind: "alias"; readonly name: string; readonly alias: string }
  /** Deprecated since MLflow 2.9; the latest version in that stage. */
  | { readonly kind: "stage"; readonly name: string; readonly stage: string }
  | { readonly kind: "latest"; readonly name: string }
  /** MLflow 3: a logged model, not a registered one; a version's `source` can name it. */
  | { readonly kind: "logged-model"; readonly modelId: string }
  /** Not a registry URI: the artefact itself, matched against versions' sources. */
  | { readonly kind: "storage"; readonly uri: string };

export type ModelUriProblem =
  /** Neither models:/ nor a scheme://… URI. */
  | "not-a-uri"
  /** `models:` without a path, or an empty name. */
  | "empty-name"
  /** More than name/suffix: MLflow refuses `models:/a/b/c` (encode a slash in a name as %2F). */
  | "too-many-parts"
  | "empty-suffix"
  | "empty-alias";

export type ModelUriParse =
  | { readonly ok: true; readonly reference: ModelReference }
  | { readonly ok: false; readonly kind: "invalid-model-uri"; readonly uri: string; readonly problem: ModelUriProblem };

const modelsScheme = "models:";
const latestSuffix = "latest";
/** Python's str.isdigit() for ASCII: MLflow versions are positive integers. */
const digits = /^[0-9]+$/;
const schemeUri = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/?\S+$/;

/**
 * Decodes runs of %XX that spell UTF-8 and leaves any other '%' as it is: MLflow reads names raw
 * (its own tests register "A!&#$%;{}()[]CrazyName"), so a stray '%' must survive.
 */
function decode(part: string): string {
  return part.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

export function isModelsUri(uri: string): boolean {
  return uri.slice(0, modelsScheme.length).toLowerCase() === modelsScheme;
}

export function parseModelUri(uri: string): ModelUriParse {
  const fail = (problem: ModelUriProblem): ModelUriParse => ({ ok: false, kind: "invalid-model-uri", uri, problem });
  if (!isModelsUri(uri)) return schemeUri.test(uri) ? { ok: true, reference: { kind: "storage", uri } } : fail("not-a-uri");
  let rest = uri.slice(modelsScheme.length);
  // urlparse puts a `//profile@databricks` authority in netloc and parses the path after it.
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    rest = slash < 0 ? "" : rest.slice(slash);
  }
  // urlparse splits the query off (fragments are kept: allow_fragments=False).
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith("/") || rest.length <= 1) return fail("empty-name");
  const parts = rest.replace(/^\/+/, "").split("/");
  if (parts.length > 2) return fail("too-many-parts");
  const [first = "", suffix] = parts;
  if (first.trim() === "") return fail("empty-name");
  if (suffix !== undefined) {
    if (suffix.trim() === "") return fail("empty-suffix");
    const name = decode(first);
    const value = decode(suffix);
    if (digits.test(value)) return { ok: true, reference: { kind: "version", name, version: value } };
    if (value.toLowerCase() === latestSuffix) return { ok: true, reference: { kind: "latest", name } };
    return { ok: true, reference: { kind: "stage", name, stage: value } };
  }
  const at = first.lastIndexOf("@");
  if (at >= 0) {
    const alias = decode(first.slice(at + 1));
    const name = decode(first.slice(0, at));
    if (alias.trim() === "") return fail("empty-alias");
    if (name.trim() === "") return fail("empty-name");
    return { ok: true, reference: { kind: "alias", name, alias } };
  }
  return { ok: true, reference: { kind: "logged-model", modelId: decode(first) } };
}

/**
 * Encodes what would change the parse: '%', '/', '@' (the last one splits an alias off), '?',
 * '#', whitespace and control characters; leaves Unicode letters and the rest readable, as a
 * person would type them.
 */
function encodePart(part: string): string {
  // eslint-disable-next-line no-control-regex
  return part.replace(/[%/@?#\s\u0000-\u001f\u007f]/gu, (c) => encodeURIComponent(c));
}

export function formatModelUri(ref: ModelReference): string {
  switch (ref.kind) {
    case "version":
      return `models:/${encodePart(ref.name)}/${encodePart(ref.version)}`;
    case "alias":
      return `models:/${encodePart(ref.name)}@${encodePart(ref.alias)}`;
    case "stage":
      return `models:/${encodePart(ref.name)}/${encodePart(ref.stage)}`;
    case "latest":
      return `models:/${encodePart(ref.name)}/latest`;
    case "logged-model":
      return `models:/${encodePart(ref.modelId)}`;
    case "storage":
      return ref.uri;
  }
}

/** The registered model a reference names, if it names one. */
export function referencedModelName(ref: ModelReference): string | undefined {
  return ref.kind === "logged-model" || ref.kind === "storage" ? undefined : ref.name;
}
