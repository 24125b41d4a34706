import { describe, expect, test } from "vitest";
import { describeForbidden } from "../../../src/editor/explain";

describe("describeForbidden says what is missing", () => {
  test.each([
    [{ statusCode: 401, resource: "pods", namespace: undefined, clusterScoped: false }, "aks-ml-prod did not accept your credentials (401): log in again"],
    [{ statusCode: 403, resource: "pods", namespace: "ml-prod", clusterScoped: false }, "Cannot list pods in namespace ml-prod: forbidden; ask for the 'view' role."],
    [{ statusCode: 403, resource: "pods", namespace: undefined, clusterScoped: false }, "Cannot list pods in all namespaces: forbidden; ask for the 'view' role."],
    [{ statusCode: 403, resource: "nodes", namespace: undefined, clusterScoped: true }, "Cannot list nodes at the cluster scope: forbidden; ask for a cluster-wide role that can read nodes"],
  ] as const)("%o", (state, says) => {
    expect(describeForbidden("aks-ml-prod", state)).toContain(says);
  });
});
