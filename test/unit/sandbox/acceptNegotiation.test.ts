import { describe, expect, it } from "vitest";
import { acceptsJson, requireJsonAcceptable } from "../../../sandbox/acceptNegotiation";

describe("acceptsJson: may the sandbox answer application/json to this Accept header", () => {
  it.each([
    // No header: the server picks (curl, plain fetch).
    [undefined, true],
    ["", true],
    // client-go with ContentType protobuf and no AcceptContentTypes: "<ContentType>, */*".
    ["application/vnd.kubernetes.protobuf, */*", true],
    // client-go with AcceptContentTypes set, as Prometheus' kubernetes_sd and kube-state-metrics do.
    ["application/vnd.kubernetes.protobuf,application/json", true],
    ["application/vnd.kubernetes.protobuf, application/json", true],
    // kubectl get: server-side printing first, plain JSON as fallback.
    ["application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json", true],
    ["application/json, */*", true],
    ["application/*", true],
    ["*/*", true],
    ["APPLICATION/JSON", true],
    ["application/json;stream=watch", true],
    // Only protobuf (or only YAML, which the sandbox does not write either).
    ["application/vnd.kubernetes.protobuf", false],
    ["application/vnd.kubernetes.protobuf;stream=watch", false],
    ["application/yaml", false],
    ["text/html", false],
    // q=0 means "not acceptable", and the most specific range decides.
    ["application/json;q=0, */*", false],
    ["application/vnd.kubernetes.protobuf, application/json;q=0.5", true],
    ["*/*;q=0", false],
  ] as const)("%j → %s", (accept, expected) => {
    expect(acceptsJson(accept)).toBe(expected);
  });

  it("refuses with the real server's 406 NotAcceptable Status", () => {
    let thrown: unknown;
    try {
      requireJsonAcceptable("application/vnd.kubernetes.protobuf");
    } catch (e) {
      thrown = e;
    }
    expect((thrown as { toStatus(): unknown }).toStatus()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "only the following media types are accepted: application/json",
      reason: "NotAcceptable",
      code: 406,
    });
  });
});
