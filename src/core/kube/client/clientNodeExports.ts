/**
 * What the product uses of @kubernetes/client-node as values. The build makes this file its own
 * bundle (dist/lazy/client-node.js), loaded on first use through clientNode.ts; naming the
 * exports keeps that bundle tree-shaken to what we use.
 */
export { KubeConfig, Watch } from "@kubernetes/client-node";
