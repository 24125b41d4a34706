import { stringify } from "yaml";
import type { KubeObject } from "./kubeObject";

/**
 * YAML for kubectl. kubectl reads YAML 1.1 (sigs.k8s.io/yaml over go-yaml), where a bare `no`,
 * `on` or `y` is a boolean: a namespace named `no` must come out quoted. Writing in 1.1 mode
 * quotes every such string, and the result reads the same under YAML 1.2.
 */
export function toKubeYaml(value: unknown): string {
  // Objects shared in memory (labels on the object and its pod template) are written out in full, not as anchors.
  return stringify(value, { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}

/** Objects as one multi-document stream, as `kubectl apply -f` reads it. */
export function toKubeYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${toKubeYaml(o)}`).join("");
}
