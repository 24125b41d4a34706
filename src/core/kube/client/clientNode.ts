/**
 * @kubernetes/client-node, loaded on first use rather than with the extension: it is most of the
 * bundle's start-up cost, and an editor that never connects to a cluster should not pay it.
 * Every value import of the package goes through here (lint enforces it); type imports are free.
 * The build puts clientNodeExports.ts in its own file, dist/lazy/client-node.js.
 */
type ClientNode = typeof import("./clientNodeExports");

let loading: Promise<ClientNode> | undefined;

export function loadClientNode(): Promise<ClientNode> {
  loading ??= import("./clientNodeExports");
  return loading;
}
