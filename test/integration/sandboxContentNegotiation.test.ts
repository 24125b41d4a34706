/**
 * Accept negotiation as client-go's protobuf-first clients (Prometheus' kubernetes_sd) and kubectl
 * meet it: JSON whenever the Accept list allows it, 406 when it allows only protobuf, and 415 for
 * protobuf request bodies, which the sandbox does not decode.
 */
import { execFile } from "node:child_process";
import { type IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { kubectlCli } from "./kubectlCli";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: "demo" });
const { kubectl, kubectlFails } = kubectlCli(() => sandbox.kubectlEnv);

const run = promisify(execFile);
/** kubectl with its stderr, where -v=8 logs the request and response headers. */
const kubectlWithLog = async (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
  run("kubectl", args, { env: sandbox.kubectlEnv, encoding: "utf8", timeout: 20_000 });

/** client-go's Accept when a client sets ContentType protobuf and AcceptContentTypes "protobuf,json". */
const protobufThenJson = "application/vnd.kubernetes.protobuf,application/json";
const protobufOnly = "application/vnd.kubernetes.protobuf";

/** A GET with the given Accept; resolves with the head and, for a watch, the first line only. */
function get(path: string, accept: string | undefined, firstLineOnly = false): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sandbox.server.url}${path}`,
      { ca: sandbox.server.caCert, headers: { Authorization: `Bearer ${sandbox.server.token}`, ...(accept !== undefined ? { Accept: accept } : {}) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
          if (firstLineOnly && body.includes("\n")) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.slice(0, body.indexOf("\n")) });
          }
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", (e) => (firstLineOnly ? undefined : reject(e)));
    req.end();
  });
}

describe("Accept negotiation on list, get and watch", () => {
  test.each([
    ["protobuf first, JSON as fallback (kubernetes_sd)", protobufThenJson],
    ["protobuf then anything (client-go's default)", "application/vnd.kubernetes.protobuf, */*"],
    ["no Accept header", undefined],
  ])("%s: list and get answer JSON", async (_, accept) => {
    const list = await get("/api/v1/namespaces/llm-serving/pods", accept);
    expect(list.status).toBe(200);
    expect(list.headers["content-type"]).toBe("application/json");
    const parsed = JSON.parse(list.body) as { kind: string; items: { metadata: { name: string } }[] };
    expect(parsed.kind).toBe("PodList");
    const names = sandbox.scenario.pods.filter((p) => p.metadata.namespace === "llm-serving").map((p) => p.metadata.name);
    expect(parsed.items.map((p) => p.metadata.name).sort()).toEqual([...names].sort());

    const one = await get(`/api/v1/namespaces/llm-serving/pods/${names[0]}`, accept);
    expect(one.status).toBe(200);
    expect(one.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(one.body)).toMatchObject({ kind: "Pod", metadata: { name: names[0] } });
  });

  test("a watch with protobuf first streams JSON events", async () => {
    const watch = await get("/api/v1/nodes?watch=true", protobufThenJson, true);
    expect(watch.status).toBe(200);
    expect(watch.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(watch.body)).toMatchObject({ type: "ADDED", object: { kind: "Node" } });
  });

  test.each([
    ["list", "/api/v1/pods"],
    ["get", "/api/v1/namespaces/default"],
    ["watch", "/api/v1/pods?watch=true"],
  ])("protobuf only: %s is 406 NotAcceptable, as a Kubernetes Status in JSON", async (_, path) => {
    const r = await get(path, protobufOnly);
    expect(r.status).toBe(406);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({
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

describe("a real client-go client that asks for protobuf first", () => {
  // kubectl drain lists the node's pods with client-go's typed clientset, which asks for protobuf
  // first (-v=8 shows the headers); --dry-run=client stops before it deletes anything.
  test("kubectl drain --dry-run=client gets JSON for its protobuf-first list and lists the node's pods", async () => {
    const node = "aks-cpupool-90817263-vmss000001";
    const { stdout, stderr } = await kubectlWithLog("drain", node, "--ignore-daemonsets", "--force", "--delete-emptydir-data", "--dry-run=client", "-v=8");
    const listLine = stderr.split("\n").findIndex((l) => l.includes(`GET ${sandbox.server.url}/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`));
    expect(listLine).toBeGreaterThan(-1);
    // Its request and response headers, up to the next request.
    const lines = stderr.split("\n").slice(listLine);
    const next = lines.findIndex((l, i) => i > 0 && /round_trippers.go:\d+\] (GET|POST|PUT|PATCH|DELETE) /.test(l));
    const after = lines.slice(0, next === -1 ? undefined : next).join("\n");
    expect(after).toMatch(/Accept: application\/vnd\.kubernetes\.protobuf,\s*application\/json/);
    expect(after).toContain("Response Status: 200 OK");
    expect(after).toMatch(/Content-Type: application\/json/);
    const onNode = JSON.parse(await kubectl("get", "pods", "-A", "--field-selector", `spec.nodeName=${node}`, "-o", "json")) as { items: { metadata: { namespace: string; name: string } }[] };
    expect(onNode.items.length).toBeGreaterThan(0);
    for (const p of onNode.items) expect(stdout).toContain(`evicting pod ${p.metadata.namespace}/${p.metadata.name} (dry run)`);
  });
});

describe("protobuf request bodies stay unsupported", () => {
  test("kubectl create deployment and create namespace get 415 UnsupportedMediaType", async () => {
    expect(await kubectlFails("create", "deployment", "web", "--image=nginx", "-n", "default")).toContain("the sandbox API server accepts JSON request bodies only");
    expect(await kubectlFails("create", "namespace", "probe")).toContain("(UnsupportedMediaType)");
  });
});
