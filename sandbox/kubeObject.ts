/** The shape of any Kubernetes object as the sandbox stores it, and the parser for request bodies. */
import * as z from "zod";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

const stringMap = z.record(z.string(), z.string());

/** What a create, update or apply body must at least be; everything else passes through untouched. */
export const KubeObjectBody = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z
    .looseObject({
      name: z.string().optional(),
      generateName: z.string().optional(),
      namespace: z.string().optional(),
      resourceVersion: z.string().optional(),
      uid: z.string().optional(),
      labels: stringMap.nullish(),
      annotations: stringMap.nullish(),
      ownerReferences: z.array(z.looseObject({ apiVersion: z.string(), kind: z.string(), name: z.string(), uid: z.string() })).optional(),
    })
    .default({}),
});

/** DeleteOptions as kubectl and client-node send them in a DELETE body. */
export const DeleteOptionsBody = z.looseObject({
  propagationPolicy: z.enum(["Orphan", "Background", "Foreground"]).optional(),
  orphanDependents: z.boolean().optional(),
  dryRun: z.array(z.string()).optional(),
  preconditions: z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
});
export type DeleteOptionsBody = z.infer<typeof DeleteOptionsBody>;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
