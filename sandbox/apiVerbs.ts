/**
 * The write verbs with the API server's rules: create (uid, generateName, creationTimestamp,
 * generation), update with optimistic concurrency, the four patch formats, delete with
 * preconditions and cascading to dependents, dry runs, and the status and scale subresources.
 */
import { randomUUID } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound } from "./apiStatus";
import { ClusterIpAllocator, withCreateDefaults } from "./defaults";
import { type KubeObject, KubeObjectBody } from "./kubeObject";
import { type ObjectStore } from "./objectStore";
import {
  type Json,
  PatchError,
  applyJsonPatch,
  applyMergePatch,
  applyServerSideApply,
  applyStrategicMergePatch,
  jsonEqual,
} from "./patch";
import { type ResourceType, apiVersionOf, findResource, isCustomResource, resourceTypes } from "./resourceTypes";
import { scaleOf, withReplicas } from "./scaleSubresource";
import { validateObject } from "./validation";

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
}

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type WriteTarget = "main" | "status" | "scale";

export const patchContentTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;
export type PatchContentType = (typeof patchContentTypes)[number];

const namespaceType = findResource("", "v1", "namespaces");
const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function suffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)] ?? "x";
  return s;
}

function withoutVersion(object: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return { ...object, metadata };
}

export class ApiVerbs {
  private readonly clusterIps = new ClusterIpAllocator();

  constructor(
    readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(type, namespace, name);
    if (!object) throw notFound(type, name);
    return object;
  }

  /** Checks a request body is an object of this resource, and fills in kind, apiVersion and namespace. */
  private parseBody(type: ResourceType, namespace: string | undefined, body: unknown): KubeObject {
    const parsed = KubeObjectBody.safeParse(body);
    if (!parsed.success) throw badRequest(`the body of the request is not a valid ${type.kind}: ${parsed.error.issues[0]?.message ?? "not an object"}`);
    const object = { ...(body as KubeObject), metadata: { ...(body as KubeObject).metadata } };
    const expected = apiVersionOf(type);
    if (object.apiVersion !== undefined && object.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`);
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${type.kind})`);
    }
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace;
    } else {
      delete object.metadata.namespace;
    }
    return { ...object, apiVersion: expected, kind: type.kind };
  }

  private checkValid(type: ResourceType, object: KubeObject): void {
    const causes = validateObject(type, object);
    if (causes.length > 0) throw invalid(type, object.metadata.name ?? "", causes);
  }

  private store_(type: ResourceType, object: KubeObject, options: WriteOptions): KubeObject {
    return options.dryRun ? object : this.store.put(type, object);
  }

  create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions): KubeObject {
    const object = this.parseBody(type, namespace, body);
    if (!object.metadata.name) {
      if (!object.metadata.generateName) {
        throw invalid(type, "", [{ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }]);
      }
      object.metadata.name = `${object.metadata.generateName}${suffix()}`;
    }
    const name = object.metadata.name;
    if (type.namespaced && namespaceType && !this.store.get(namespaceType, undefined, object.metadata.namespace ?? "")) {
      throw notFound(namespaceType, object.metadata.namespace ?? "");
    }
    this.checkValid(type, object);
    if (this.store.get(type, object.metadata.namespace, name)) throw alreadyExists(type, name);
    const created = withCreateDefaults(type, object, this.clusterIps);
    const { resourceVersion: _rv, deletionTimestamp: _deleted, ...metadata } = created.metadata;
    created.metadata = { ...metadata, uid: randomUUID(), creationTimestamp: timestamp(this.now()), ...(type.hasGeneration ? { generation: 1 } : {}) };
    return this.store_(type, created, options);
  }

  /** PUT: the body replaces the object; a stale metadata.resourceVersion is a 409 Conflict. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions, target: WriteTarget = "main"): KubeObject {
    const existing = this.get(type, namespace, name);
    if (target === "scale") return this.updateScale(type, existing, body, options);
    const object = this.parseBody(type, namespace, body);
    if (object.metadata.name !== undefined && object.metadata.name !== name) {
      throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    }
    object.metadata.name = name;
    return this.replace(type, existing, object, options, target);
  }

  private replace(type: ResourceType, existing: KubeObject, object: KubeObject, options: WriteOptions, target: WriteTarget): KubeObject {
    const name = existing.metadata.name ?? "";
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== "" && wanted !== existing.metadata.resourceVersion) {
      throw conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
    }
    let next: KubeObject;
    if (target === "status") {
      next = { ...existing, status: object.status };
    } else {
      next = { ...object, metadata: { ...object.metadata } };
      const metadata: Record<string, unknown> = next.metadata;
      for (const key of ["uid", "creationTimestamp", "deletionTimestamp", "namespace", "generation"]) {
        if (existing.metadata[key] === undefined) delete metadata[key];
        else metadata[key] = existing.metadata[key];
      }
      if (type.subresources.includes("status")) {
        if (existing.status === undefined) delete next.status;
        else next.status = existing.status;
      }
      if (type.hasGeneration && !jsonEqual((existing.spec ?? null) as Json, (next.spec ?? null) as Json)) {
        next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
      }
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    this.checkValid(type, next);
    // An update that changes nothing is not written, so watchers see no event, as with etcd.
    if (jsonEqual(withoutVersion(existing) as unknown as Json, withoutVersion(next) as unknown as Json)) return existing;
    return this.store_(type, next, options);
  }

  private updateScale(type: ResourceType, existing: KubeObject, body: unknown, options: WriteOptions): KubeObject {
    const replicas = (body as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid(type, existing.metadata.name ?? "", [{ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: "spec.replicas" }]);
    }
    const wanted = (body as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    const candidate = withReplicas(existing, replicas);
    const updated = this.replace(type, existing, { ...candidate, metadata: { ...candidate.metadata, resourceVersion: typeof wanted === "string" ? wanted : undefined } }, options, "main");
    return scaleOf(updated) as unknown as KubeObject;
  }

  getScale(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return scaleOf(this.get(type, namespace, name)) as unknown as KubeObject;
  }

  /** PATCH in any of the four formats; server-side apply creates the object when it is absent. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: PatchContentType,
    rawBody: string,
    options: WriteOptions,
    target: WriteTarget = "main",
  ): KubeObject {
    let patchDoc: Json;
    try {
      patchDoc = (contentType === "application/apply-patch+yaml" ? parseYaml(rawBody) : JSON.parse(rawBody)) as Json;
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    if (contentType === "application/apply-patch+yaml" && !options.fieldManager) {
      throw new ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    if (contentType === "application/strategic-merge-patch+json" && isCustomResource(type)) {
      throw new ApiError(415, "UnsupportedMediaType", `strategic merge patch is not supported for custom resources: ${type.plural}.${type.group}`);
    }
    const existing = this.store.get(type, namespace, name);
    if (!existing) {
      if (contentType === "application/apply-patch+yaml" && target === "main") {
        const body = { ...(patchDoc as object), metadata: { ...((patchDoc as { metadata?: object }).metadata ?? {}), name } };
        return this.create(type, namespace, body, options);
      }
      throw notFound(type, name);
    }
    const current = (target === "scale" ? scaleOf(existing) : existing) as unknown as Json;
    let patched: Json;
    try {
      switch (contentType) {
        case "application/json-patch+json":
          patched = applyJsonPatch(current, patchDoc);
          break;
        case "application/merge-patch+json":
          patched = applyMergePatch(current, patchDoc);
          break;
        case "application/strategic-merge-patch+json":
          patched = applyStrategicMergePatch(current, patchDoc);
          break;
        case "application/apply-patch+yaml":
          patched = applyServerSideApply(current, patchDoc);
          break;
      }
    } catch (e) {
      if (e instanceof PatchError) throw new ApiError(422, "Invalid", `the server rejected our request due to an error in our request: ${e.message}`);
      throw e;
    }
    if (target === "scale") return this.updateScale(type, existing, patched, options);
    const object = this.parseBody(type, namespace, patched);
    if (object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name ?? ""}) does not match the name on the URL (${name})`);
    return this.replace(type, existing, object, options, target);
  }

  /** Deletes at once (no finalizers, no grace period) and cascades to dependents unless orphaned. */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions): KubeObject {
    const existing = this.get(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid ?? ""}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ""}`);
    }
    const deleting: KubeObject = { ...existing, metadata: { ...existing.metadata, deletionTimestamp: timestamp(this.now()) } };
    if (options.dryRun) return deleting;
    const orphan = options.propagationPolicy === "Orphan" || options.orphanDependents === true;
    if (!type.namespaced && type.plural === "namespaces") this.deleteNamespaceContents(name);
    const deleted = this.store.remove(type, namespace, name) ?? deleting;
    this.cascade(existing, orphan);
    return deleted;
  }

  /** The garbage collector's work, done synchronously: dependents go too, or lose their owner reference. */
  private cascade(owner: KubeObject, orphan: boolean): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const { resource, object } of this.store.entries()) {
      const refs = object.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === uid)) continue;
      if (object.metadata.namespace !== owner.metadata.namespace && owner.metadata.namespace !== undefined) continue;
      if (orphan) {
        const { ownerReferences: _refs, ...rest } = object.metadata;
        const kept = refs.filter((r) => r.uid !== uid);
        this.store.put(resource, { ...object, metadata: kept.length > 0 ? { ...rest, ownerReferences: kept } : rest });
      } else if (this.store.remove(resource, object.metadata.namespace, object.metadata.name ?? "")) {
        this.cascade(object, false);
      }
    }
  }

  /** The namespace controller's work, done synchronously: everything in the namespace is deleted. */
  private deleteNamespaceContents(namespace: string): void {
    for (const type of resourceTypes) {
      if (!type.namespaced) continue;
      for (const object of this.store.list(type, namespace)) this.store.remove(type, namespace, object.metadata.name ?? "");
    }
  }
}
