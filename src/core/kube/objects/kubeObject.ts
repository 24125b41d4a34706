/**
 * A Kubernetes object as plain JSON data, the way `kubectl apply -f` reads it: what the
 * manifest renderer produces. Built-in kinds and custom resources (InferenceService,
 * ServiceMonitor) share this one shape, so client-node's typed models are not needed here.
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface KubeObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Set by the API server; a manifest leaves them out. */
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly managedFields?: unknown;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: { readonly [key: string]: JsonValue };
}

/**
 * The same object as the API server sends it and client-node types it (V1Pod, V1Deployment…):
 * any field may be missing. The cache holds objects of this shape.
 */
export interface ServedObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: Partial<KubeObjectMeta>;
}
