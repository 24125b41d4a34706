/** The real kubectl against the sandbox API server: discovery, get, logs, apply, scale, patch, delete, watch. */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { kubectlCli } from "./kubectlCli";

const sandbox = useSandbox();

const run = promisify(execFile);
const { kubectl, kubectlFails } = kubectlCli(() => sandbox.kubectlEnv, 15_000);

function manifest(name: string, body: string): string {
  const file = path.join(sandbox.dir, name);
  writeFileSync(file, body);
  return file;
}

const deploymentYaml = (name: string, image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
`;

describe("kubectl reads", () => {
  test("api-resources lists every served kind, short names included", async () => {
    const out = await kubectl("api-resources", "--no-headers");
    for (const [name, short] of [["pods", "po"], ["deployments", "deploy"], ["inferenceservices", "isvc"], ["nodes", "no"], ["events", "ev"]]) {
      expect(out).toMatch(new RegExp(`^${name}\\s+${short}\\s`, "m"));
    }
  });

  test("get nodes shows every node and which one is NotReady", async () => {
    const rows = (await kubectl("get", "nodes", "--no-headers")).trim().split("\n").map((l) => l.split(/\s+/));
    expect(rows.map((r) => r[0]).sort()).toEqual(sandbox.scenario.nodes.map((n) => n.metadata.name).sort());
    const notReady = sandbox.scenario.nodes.filter((n) => !(n.status as { conditions: { type: string; status: string }[] }).conditions.some((c) => c.type === "Ready" && c.status === "True"));
    expect(rows.filter((r) => r[1] === "NotReady").map((r) => r[0])).toEqual(notReady.map((n) => n.metadata.name));
  });

  test("get pods -A prints every pod with its namespace and the kubelet's reason", async () => {
    const rows = (await kubectl("get", "pods", "-A", "--no-headers")).trim().split("\n").map((l) => l.split(/\s+/));
    expect(rows.map((r) => `${r[0]}/${r[1]}`).sort()).toEqual(sandbox.scenario.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    const statuses = new Set(rows.map((r) => r[3]));
    for (const reason of ["Running", "Pending", "CrashLoopBackOff", "ImagePullBackOff"]) expect(statuses).toContain(reason);
  });

  test("get deploy -o yaml round-trips the object with server-set metadata", async () => {
    const out = await kubectl("get", "deploy", "-n", "llm-serving", "vllm-llama3-70b", "-o", "json");
    const d = JSON.parse(out) as { kind: string; metadata: { name: string; uid: string; resourceVersion: string }; spec: { replicas: number } };
    expect(d.kind).toBe("Deployment");
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const yaml = await kubectl("get", "deploy", "-n", "llm-serving", "vllm-llama3-70b", "-o", "yaml");
    expect(yaml).toContain(`resourceVersion: "${d.metadata.resourceVersion}"`);
    expect(yaml).toContain(`replicas: ${d.spec.replicas}`);
  });

  test("get inferenceservices -A shows each InferenceService's URL and readiness", async () => {
    const out = await kubectl("get", "inferenceservices", "-A", "--no-headers");
    for (const isvc of sandbox.scenario.inferenceservices) {
      const url = (isvc.status as { url: string }).url;
      expect(out).toMatch(new RegExp(`${isvc.metadata.namespace}\\s+${isvc.metadata.name}\\s+${url}\\s+True`));
    }
  });

  test("logs prints a container's lines; --previous the crashed instance's", async () => {
    const current = sandbox.scenario.logs.find((l) => !l.previous && sandbox.scenario.logs.some((p) => p.previous && p.pod === l.pod));
    const previous = sandbox.scenario.logs.find((l) => l.previous && l.pod === current?.pod);
    if (!current || !previous) throw new Error("the demo scenario has no crashed pod with logs");
    expect(await kubectl("logs", "-n", current.namespace, current.pod, "-c", current.container)).toBe(`${current.lines.join("\n")}\n`);
    expect(await kubectl("logs", "-n", previous.namespace, previous.pod, "--previous", "--tail=1")).toBe(`${previous.lines.slice(-1).join("\n")}\n`);
  });

  test("label and field selectors", async () => {
    const names = (await kubectl("get", "pods", "-A", "-l", "app=vllm-llama3-70b", "--field-selector", "status.phase=Running", "-o", "name")).trim().split("\n");
    const expected = sandbox.scenario.pods.filter((p) => (p.metadata.labels as Record<string, string> | undefined)?.app === "vllm-llama3-70b" && (p.status as { phase: string }).phase === "Running");
    expect(names.sort()).toEqual(expected.map((p) => `pod/${p.metadata.name}`).sort());
  });

  test("get --watch prints changes as they happen", async () => {
    const watching = run("kubectl", ["get", "pods", "-n", "default", "--watch", "--request-timeout=3s", "--output-watch-events"], { env: sandbox.kubectlEnv, encoding: "utf8", timeout: 8000 }).catch(
      (e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }),
    );
    await new Promise((r) => setTimeout(r, 700));
    await kubectl("run", "watched", "-n", "default", "--image=busybox");
    const { stdout } = await watching;
    expect(stdout).toMatch(/ADDED\s+watched\s+0\/1\s+Pending/);
  });
});

describe("kubectl writes", () => {
  test("client-side apply creates, then configures with a strategic merge patch that keeps the ports", async () => {
    const file = manifest("web.yaml", deploymentYaml("web", "nginx:1.25"));
    expect(await kubectl("apply", "-f", file)).toContain("deployment.apps/web created");
    writeFileSync(file, deploymentYaml("web", "nginx:1.26"));
    expect(await kubectl("apply", "-f", file)).toContain("deployment.apps/web configured");
    const d = JSON.parse(await kubectl("get", "deploy", "web", "-o", "json")) as {
      metadata: { generation: number; annotations: Record<string, string> };
      spec: { template: { spec: { containers: { image: string; ports: unknown[] }[] } } };
    };
    expect(d.spec.template.spec.containers[0]).toMatchObject({ image: "nginx:1.26", ports: [{ containerPort: 8080 }] });
    expect(d.metadata.generation).toBe(2);
    expect(d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain("nginx:1.26");
    expect(await kubectl("apply", "-f", file)).toContain("deployment.apps/web unchanged");
  });

  test("server-side apply creates and updates", async () => {
    const file = manifest("ssa.yaml", deploymentYaml("ssa", "nginx:1.25", 1));
    expect(await kubectl("apply", "--server-side", "-f", file)).toContain("deployment.apps/ssa serverside-applied");
    writeFileSync(file, deploymentYaml("ssa", "nginx:1.27", 1));
    await kubectl("apply", "--server-side", "-f", file);
    expect(await kubectl("get", "deploy", "ssa", "-o", "jsonpath={.spec.template.spec.containers[0].image}")).toBe("nginx:1.27");
  });

  test("scale sets replicas through the scale subresource", async () => {
    await kubectl("apply", "-f", manifest("scaled.yaml", deploymentYaml("scaled", "nginx:1.25", 1)));
    expect(await kubectl("scale", "deploy/scaled", "--replicas=5")).toContain("deployment.apps/scaled scaled");
    expect(await kubectl("get", "deploy", "scaled", "-o", "jsonpath={.spec.replicas}")).toBe("5");
    const current = await kubectl("get", "deploy", "scaled", "-o", "jsonpath={.metadata.resourceVersion}");
    expect(await kubectlFails("scale", "deploy/scaled", "--replicas=6", "--resource-version=1")).toContain(`Expected resource version to be 1, was ${current}`);
  });

  test("patch --type merge and the default strategic patch", async () => {
    await kubectl("apply", "-f", manifest("patched.yaml", deploymentYaml("patched", "nginx:1.25", 1)));
    await kubectl("patch", "deploy", "patched", "--type", "merge", "-p", '{"metadata":{"labels":{"team":"llm"}}}');
    await kubectl("patch", "deploy", "patched", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}');
    const d = JSON.parse(await kubectl("get", "deploy", "patched", "-o", "json")) as { metadata: { labels: Record<string, string> }; spec: { template: { spec: { containers: { image: string; ports: unknown[] }[] } } } };
    expect(d.metadata.labels.team).toBe("llm");
    expect(d.spec.template.spec.containers).toEqual([{ name: "web", image: "nginx:1.28", ports: [{ containerPort: 8080 }] }]);
  });

  test("delete removes the object, and kubectl waits until it is gone", async () => {
    await kubectl("apply", "-f", manifest("doomed.yaml", deploymentYaml("doomed", "nginx:1.25", 1)));
    expect(await kubectl("delete", "deploy", "doomed")).toContain('deployment.apps "doomed" deleted');
    expect(await kubectlFails("get", "deploy", "doomed")).toContain('deployments.apps "doomed" not found');
  });

  test("a bad name is rejected with the API server's validation message", async () => {
    const err = await kubectlFails("apply", "-f", manifest("bad.yaml", deploymentYaml("Bad_Name", "nginx:1.25")));
    expect(err).toMatch(/The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
  });

  test("a wrong token is Unauthorized", async () => {
    writeFileSync(path.join(sandbox.dir, "bad-kubeconfig"), sandbox.server.kubeconfig({ token: "not-the-token" }));
    const failed = await run("kubectl", ["get", "pods"], { env: { ...sandbox.kubectlEnv, KUBECONFIG: path.join(sandbox.dir, "bad-kubeconfig") }, encoding: "utf8" }).then(
      () => undefined,
      (e: { stderr?: string }) => e.stderr ?? "",
    );
    expect(failed).toMatch(/Unauthorized|must be logged in/);
  });
});
