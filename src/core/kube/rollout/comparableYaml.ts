import type { KubeObject } from "../objects/kubeObject";
import { toKubeYaml } from "../objects/kubeYaml";
import { comparableObject } from "./serverSideApply";

/**
 * The YAML document of an object for a diff preview: noise removed, keys in the object's own
 * order. Apart from serverSideApply.ts so that what only applies or words apply errors (the
 * editor's host bundle) does not load the YAML library.
 */
export function toComparableYaml(object: KubeObject): string {
  return toKubeYaml(comparableObject(object));
}
