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
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: { readonly [key: string]: JsonValue };
}
