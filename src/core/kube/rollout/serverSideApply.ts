import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeObject } from "../objects/kubeObject";
import { KubeApiError, requestJson } from "../client/kubeRequest";
import { revisionAnnotation } from "../objects/wellKnownAnnotations";

/**
 * Server-side apply (`kubectl apply --server-side`) of any kind the cluster serves: the path of
 * each object comes from API discovery, not a table, so CRDs such as ServiceMonitor work and a
 * kind the cluster does not serve is reported as such. Failures are values, one per object.
 */

export const defaultFieldManager = "ai-platform-ops";

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

/** A field another manager owns and this apply would change (a 409 from server-side apply). */
export interface FieldConflict {
  readonly manager: string;
  /** The field as the API server prints it, e.g. `.spec.replicas` or `.spec.template.spec.containers[name="app"].image`. */
  readonly field: string;
}

export type ApplyError =
  | { readonly kind: "forbidden"; readonly message: string }
  | { readonly kind: "invalid"; readonly message: string }
  | { readonly kind: "conflict"; readonly message: string; readonly conflicts: readonly FieldConflict[] }
  | { readonly kind: "unknown-kind"; readonly message: string }
  | { readonly kind: "not-found"; readonly message: string }
  | { readonly kind: "malformed"; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string }
  /** Not sent: an earlier object found the cluster unreachable, or the caller cancelled. */
  | { readonly kind: "skipped"; readonly message: string };

export type ApplyAction = "created" | "configured" | "unchanged";

export type ApplyOutcome =
  | { readonly ref: ObjectRef; readonly ok: true; readonly action: ApplyAction; /** As the server answered: the would-be object on a dry run. */ readonly object: KubeObject }
  | { readonly ref: ObjectRef; readonly ok: false; readonly error: ApplyError };

export interface ApplyResult {
  /** Every object applied (or would apply, on a dry run). */
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly outcomes: readonly ApplyOutcome[];
}

export interface ApplyOptions {
  readonly fieldManager?: string;
  readonly dryRun: boolean;
  /** Take ownership of fields other managers own instead of failing with a conflict. */
  readonly force?: boolean;
  /** For namespaced objects that name none, as kubectl uses the context's namespace. */
  readonly namespace?: string;
  readonly signal?: AbortSignal;
}

export type LiveObject =
  | {
      readonly ref: ObjectRef;
      readonly ok: true;
      /** Noise removed, for the diff; undefined when the object does not exist yet. */
      readonly live: KubeObject | undefined;
      /** As the server returned it, for what the diff leaves out (the Deployment's revision annotation, resourceVersion). */
      readonly raw: KubeObject | undefined;
    }
  | { readonly ref: ObjectRef; readonly ok: false; readonly error: ApplyError };

/** What the cluster and its controllers write into an object and a person did not: left out of diffs and comparisons. */
const noisyMetadata = ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"];
const noisyAnnotations = [
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  // Who changed it last and why: rewritten by every change, so a diff of them says nothing about the change.
  "kubernetes.io/change-cause",
  "aiplatform.dev/last-action",
  "aiplatform.dev/last-actor",
  "aiplatform.dev/last-reason",
  "aiplatform.dev/last-change-at",
];

/** A copy without server-written noise (managed fields, resourceVersion, uid, status…), for diffs and equality. */
export function comparableObject(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = structuredClone(object) as KubeObject & { status?: unknown };
  const metadata = rest.metadata as unknown as Record<string, unknown> | undefined;
  if (metadata) {
    for (const key of noisyMetadata) delete metadata[key];
    const annotations = metadata["annotations"] as Record<string, string> | undefined;
    if (annotations) {
      for (const key of noisyAnnotations) delete annotations[key];
      if (Object.keys(annotations).length === 0) delete metadata["annotations"];
    }
  }
  return rest;
}

interface ServedResource {
  readonly plural: string;
  readonly namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean }[];
}

interface ApiGroupList {
  groups?: { name?: string; versions?: { version?: string }[] }[];
}

/** Projects that provide the custom resources inference services use most. */
const providers: Readonly<Record<string, string>> = {
  "monitoring.coreos.com": "the Prometheus Operator",
  "serving.kserve.io": "KServe",
  "keda.sh": "KEDA",
  "serving.knative.dev": "Knative Serving",
  "gateway.networking.k8s.io": "the Gateway API CRDs",
  "cert-manager.io": "cert-manager",
  "ray.io": "KubeRay",
};

class KindNotServed extends Error {}

/** API discovery, cached for one call: each group version's resource list is read once. */
class Discovery {
  private readonly lists = new Map<string, Promise<ApiResourceList | undefined>>();
  private groups: Promise<ApiGroupList> | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private get<T>(path: string): Promise<T> {
    return requestJson(this.kc, "GET", path, this.signal ? { signal: this.signal } : {}) as Promise<T>;
  }

  private resourceList(apiVersion: string): Promise<ApiResourceList | undefined> {
    let list = this.lists.get(apiVersion);
    if (!list) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      list = this.get<ApiResourceList>(path).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
        throw err;
      });
      this.lists.set(apiVersion, list);
    }
    return list;
  }

  /** The plural and scope of a kind, or a KindNotServed error saying what the cluster lacks. */
  async resolve(apiVersion: string, kind: string): Promise<ServedResource> {
    const list = await this.resourceList(apiVersion);
    const resource = list?.resources?.find((r) => r.kind === kind && r.name !== undefined && !r.name.includes("/"));
    if (resource?.name) return { plural: resource.name, namespaced: resource.namespaced === true };
    throw new KindNotServed(await this.notServedMessage(apiVersion, kind, list !== undefined));
  }

  private async notServedMessage(apiVersion: string, kind: string, versionServed: boolean): Promise<string> {
    const [group = "", version = apiVersion] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
    const provider = providers[group];
    const fix = provider ? `install ${provider} or remove it` : group ? "install the operator or CRD that provides it, or remove it" : "remove it";
    if (!versionServed && group) {
      this.groups ??= this.get<ApiGroupList>("/apis");
      const served = (await this.groups).groups?.find((g) => g.name === group)?.versions?.flatMap((v) => v.version ?? []) ?? [];
      if (served.length > 0) return `the cluster serves ${group} only in version ${served.join(", ")}, not ${version}: change the apiVersion of ${kind} to ${group}/${served[0] ?? ""}`;
    }
    return `the cluster does not serve ${apiVersion} ${kind} — ${fix}`;
  }
}

function refOf(object: KubeObject, defaultNamespace: string | undefined): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? "",
    kind: object.kind ?? "",
    namespace: object.metadata?.namespace ?? defaultNamespace,
    name: object.metadata?.name ?? "",
  };
}

function malformed(ref: ObjectRef): ApplyError | undefined {
  const missing = [!ref.apiVersion && "apiVersion", !ref.kind && "kind", !ref.name && "metadata.name"].filter((m): m is string => typeof m === "string");
  return missing.length > 0 ? { kind: "malformed", message: `the object has no ${missing.join(", ")}` } : undefined;
}

function objectPath(ref: ObjectRef, served: ServedResource): string {
  const base = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const ns = served.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? "default")}` : "";
  return `${base}${ns}/${served.plural}/${encodeURIComponent(ref.name)}`;
}

const quoted = String.raw`"((?:[^"\\]|\\.)*)"`;
const managerPattern = new RegExp(`^${quoted}(?: with subresource "[^"]*")?(?: using \\S+(?: at \\S+)?)?`);

/**
 * The conflicts in the API server's message for a failed apply (apimachinery managedfields
 * conflict.go): `Apply failed with 1 conflict: conflict with "mgr" using apps/v1: .spec.replicas`,
 * or for several `conflicts with "mgr":` lines each followed by `- <field>` lines.
 */
export function parseApplyConflicts(message: string): FieldConflict[] {
  const body = message.replace(/^Apply failed with \d+ conflicts?: /, "");
  const single = new RegExp(`^conflict with ${managerPattern.source.slice(1)}: (.+)$`, "s").exec(body);
  if (single) return [{ manager: JSON.parse(`"${single[1] ?? ""}"`) as string, field: single[2] ?? "" }];
  const conflicts: FieldConflict[] = [];
  let manager: string | undefined;
  for (const line of body.split("\n")) {
    const header = new RegExp(`^conflicts with ${managerPattern.source.slice(1)}:$`).exec(line);
    if (header) manager = JSON.parse(`"${header[1] ?? ""}"`) as string;
    else if (manager !== undefined && line.startsWith("- ")) conflicts.push({ manager, field: line.slice(2) });
  }
  return conflicts;
}

/** What to tell a person about fields another manager owns. */
export function explainConflicts(conflicts: readonly FieldConflict[]): string {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const owners = [...byManager].map(([manager, fields]) => `${fields.join(", ")} (owned by "${manager}")`).join("; ");
  return `another field manager changed ${owners}. Apply with force to take the fields over, or remove them from the manifest to leave them to their owner.`;
}

function classify(err: unknown): ApplyError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof KubeApiError) {
    if (err.statusCode === 401 || err.statusCode === 403) return { kind: "forbidden", message };
    if (err.statusCode === 404) return { kind: "not-found", message };
    if (err.statusCode === 409) {
      const conflicts = parseApplyConflicts(message);
      return conflicts.length > 0 ? { kind: "conflict", message: explainConflicts(conflicts), conflicts } : { kind: "conflict", message, conflicts: [] };
    }
    if (err.statusCode === 400 || err.statusCode === 422 || err.statusCode === 415) return { kind: "invalid", message };
  }
  if (err instanceof KindNotServed) return { kind: "unknown-kind", message };
  return { kind: "unreachable", message };
}

function same(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(sortedKeys(comparableObject(a))) === JSON.stringify(sortedKeys(comparableObject(b)));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

async function readLive(kc: KubeConfig, path: string, signal: AbortSignal | undefined): Promise<KubeObject | undefined> {
  try {
    return (await requestJson(kc, "GET", path, signal ? { signal } : {})) as KubeObject;
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/**
 * Server-side applies each object in order (PATCH application/apply-patch+yaml, sending JSON,
 * which is YAML) and says per object whether it was created, configured or unchanged. Unchanged
 * means the server's answer equals the live object once noise is removed, which holds on a dry
 * run too (a dry run does not bump resourceVersion, so that cannot tell). After a transport
 * failure or cancellation the rest are skipped rather than each waiting for its own timeout.
 */
export async function applyObjects(kc: KubeConfig, objects: readonly KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  const { fieldManager = defaultFieldManager, dryRun, force = false, signal } = options;
  const discovery = new Discovery(kc, signal);
  const query = new URLSearchParams({ fieldManager, force: String(force) });
  if (dryRun) query.set("dryRun", "All");
  const outcomes: ApplyOutcome[] = [];
  let stop: ApplyError | undefined;
  for (const object of objects) {
    const ref = refOf(object, options.namespace);
    if (signal?.aborted) stop ??= { kind: "skipped", message: "not applied: cancelled" };
    if (stop) {
      outcomes.push({ ref, ok: false, error: stop });
      continue;
    }
    const bad = malformed(ref);
    if (bad) {
      outcomes.push({ ref, ok: false, error: bad });
      continue;
    }
    try {
      const path = objectPath(ref, await discovery.resolve(ref.apiVersion, ref.kind));
      const live = await readLive(kc, path, signal);
      const body = ref.namespace && !object.metadata?.namespace ? { ...object, metadata: { ...object.metadata, namespace: ref.namespace } } : object;
      const answer = (await requestJson(kc, "PATCH", `${path}?${query.toString()}`, { body, contentType: "application/apply-patch+yaml", ...(signal ? { signal } : {}) })) as KubeObject;
      const action: ApplyAction = live === undefined ? "created" : same(answer, live) ? "unchanged" : "configured";
      outcomes.push({ ref, ok: true, action, object: answer });
    } catch (err) {
      const error = signal?.aborted ? ({ kind: "skipped", message: "not applied: cancelled" } as const) : classify(err);
      outcomes.push({ ref, ok: false, error });
      if (error.kind === "unreachable" || error.kind === "skipped") stop = { kind: "skipped", message: `not applied: ${error.kind === "skipped" ? "cancelled" : `the cluster did not answer (${error.message})`}` };
    }
  }
  return { ok: outcomes.every((o) => o.ok), dryRun, outcomes };
}

/** The live counterpart of each desired object, noise removed, for a diff preview; undefined where it does not exist yet. */
export async function fetchLiveObjects(
  kc: KubeConfig,
  objects: readonly KubeObject[],
  options: { readonly signal?: AbortSignal; readonly namespace?: string } = {},
): Promise<LiveObject[]> {
  const discovery = new Discovery(kc, options.signal);
  return Promise.all(
    objects.map(async (object): Promise<LiveObject> => {
      const ref = refOf(object, options.namespace);
      const bad = malformed(ref);
      if (bad) return { ref, ok: false, error: bad };
      try {
        const live = await readLive(kc, objectPath(ref, await discovery.resolve(ref.apiVersion, ref.kind)), options.signal);
        return { ref, ok: true, live: live && comparableObject(live), raw: live };
      } catch (err) {
        return { ref, ok: false, error: classify(err) };
      }
    }),
  );
}

export function describeApplyError(ref: ObjectRef, error: ApplyError): string {
  const what = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
  switch (error.kind) {
    case "forbidden":
      return `${what}: forbidden (${error.message}); ask for the 'edit' role in the namespace.`;
    case "conflict":
      return `${what}: ${error.message}`;
    case "unknown-kind":
      return `${what}: ${error.message}`;
    case "not-found":
      return `${what}: ${error.message} (does the namespace exist?)`;
    case "invalid":
      return `${what}: the cluster rejected it: ${error.message}`;
    case "malformed":
    case "unreachable":
    case "skipped":
      return `${what}: ${error.message}`;
  }
}
