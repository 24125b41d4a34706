/**
 * What a deploy sends to the sandbox, through the real kubectl: the autoscaling, disruption,
 * network and monitoring kinds beside the workloads, server-side apply with and without a dry
 * run, and images the simulated registry does not have.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { type KubeObject } from "../../sandbox/kubeObject";
import { findResource } from "../../sandbox/resourceTypes";
import { useSandbox } from "./sandboxFixture";
import { oneNodeScenario } from "./oneNodeScenario";
import { eventually } from "./eventually";
import { kubectlCli } from "./kubectlCli";

const scenario = oneNodeScenario(["ml"], { cpu: "8", memory: "32Gi" });

const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] } });
const { kubectl, kubectlFails } = kubectlCli(() => sandbox.kubectlEnv, 20_000);

function file(name: string, body: string): string {
  const p = path.join(sandbox.dir, name);
  writeFileSync(p, body);
  return p;
}

/** One of each kind a rendered inference service can hold. */
const bundle = `apiVersion: apps/v1
kind: Deployment
metadata: {name: chat, namespace: ml}
spec:
  replicas: 1
  selector: {matchLabels: {app: chat}}
  template:
    metadata: {labels: {app: chat}}
    spec: {containers: [{name: server, image: "vllm/vllm-openai:v0.6.3"}]}
---
apiVersion: v1
kind: Service
metadata: {name: chat, namespace: ml}
spec: {selector: {app: chat}, ports: [{port: 80, targetPort: 8000}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: chat, namespace: ml}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: chat}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: chat, namespace: ml}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: chat}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: chat, namespace: ml}
spec: {podSelector: {matchLabels: {app: chat}}, policyTypes: [Ingress], ingress: [{ports: [{port: 8000}]}]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: chat, namespace: ml}
spec: {selector: {matchLabels: {app: chat}}, endpoints: [{port: http, interval: 30s}]}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris, namespace: ml}
spec: {predictor: {model: {modelFormat: {name: sklearn}, storageUri: "gs://models/iris/1"}}}
`;

const kinds: [string, string, string][] = [
  ["apps", "v1", "deployments"],
  ["", "v1", "services"],
  ["autoscaling", "v2", "horizontalpodautoscalers"],
  ["policy", "v1", "poddisruptionbudgets"],
  ["networking.k8s.io", "v1", "networkpolicies"],
  ["monitoring.coreos.com", "v1", "servicemonitors"],
  ["serving.kserve.io", "v1beta1", "inferenceservices"],
];

function stored(): KubeObject[] {
  return kinds.flatMap(([group, version, plural]) => {
    const type = findResource(group, version, plural);
    if (!type) throw new Error(`${plural} is not served`);
    return sandbox.server.store.list(type, "ml");
  });
}

describe("the kinds beside the workloads", () => {
  test("kubectl api-resources lists them with their short names and groups", async () => {
    const out = await kubectl("api-resources", "--no-headers");
    for (const [name = "", short = "", group = ""] of [
      ["horizontalpodautoscalers", "hpa", "autoscaling/v2"],
      ["poddisruptionbudgets", "pdb", "policy/v1"],
      ["networkpolicies", "netpol", "networking.k8s.io/v1"],
      ["servicemonitors", "smon", "monitoring.coreos.com/v1"],
    ]) {
      expect(out).toMatch(new RegExp(`^${name}\\s+${short}\\s+${group.replace(/\./g, "\\.")}\\s+true\\s`, "m"));
    }
  });

  test("a server-side dry run answers for every object and stores nothing; the real apply creates them", async () => {
    const f = file("bundle.yaml", bundle);
    const before = sandbox.server.store.resourceVersion;
    const dry = await kubectl("apply", "--server-side", "--field-manager=ai-platform-ops", "--dry-run=server", "-f", f);
    expect(dry.trim().split("\n")).toEqual([
      "deployment.apps/chat serverside-applied (server dry run)",
      "service/chat serverside-applied (server dry run)",
      "horizontalpodautoscaler.autoscaling/chat serverside-applied (server dry run)",
      "poddisruptionbudget.policy/chat serverside-applied (server dry run)",
      "networkpolicy.networking.k8s.io/chat serverside-applied (server dry run)",
      "servicemonitor.monitoring.coreos.com/chat serverside-applied (server dry run)",
      "inferenceservice.serving.kserve.io/iris serverside-applied (server dry run)",
    ]);
    expect(sandbox.server.store.resourceVersion).toBe(before);
    expect(stored()).toEqual([]);

    await kubectl("apply", "--server-side", "--field-manager=ai-platform-ops", "-f", f);
    // KServe's controller adds the predictor Deployment and Service for the InferenceService.
    expect(stored().map((o) => `${o.kind ?? ""}/${o.metadata.name ?? ""}`).sort()).toEqual(
      ["Deployment/chat", "Deployment/iris-predictor", "HorizontalPodAutoscaler/chat", "InferenceService/iris", "NetworkPolicy/chat", "PodDisruptionBudget/chat", "Service/chat", "Service/iris-predictor", "ServiceMonitor/chat"].sort(),
    );
  });

  test("kubectl get prints each kind with the real server's columns", async () => {
    const rows = async (...args: string[]) => (await kubectl("get", ...args, "-n", "ml")).trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
    const hpa = await rows("hpa");
    expect(hpa[0]).toEqual(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]);
    expect(hpa[1]?.slice(0, 6)).toEqual(["chat", "Deployment/chat", "cpu: <unknown>/70%", "1", "4", "0"]);
    const pdb = await rows("pdb");
    expect(pdb[0]).toEqual(["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]);
    expect(pdb[1]?.slice(0, 4)).toEqual(["chat", "N/A", "1", "0"]);
    const netpol = await rows("netpol");
    expect(netpol[0]).toEqual(["NAME", "POD-SELECTOR", "AGE"]);
    expect(netpol[1]?.slice(0, 2)).toEqual(["chat", "app=chat"]);
    const smon = await rows("servicemonitors");
    expect(smon[0]).toEqual(["NAME", "AGE"]);
    expect(smon[1]?.[0]).toBe("chat");
  });

  test("the server validates them: an HPA whose maxReplicas is below minReplicas is refused, dry run or not", async () => {
    const bad = file("bad-hpa.yaml", `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: backwards, namespace: ml}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: chat}, minReplicas: 5, maxReplicas: 2}
`);
    const err = await kubectlFails("apply", "--server-side", "--dry-run=server", "-f", bad);
    expect(err).toContain('The HorizontalPodAutoscaler "backwards" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  test("strategic merge patch is refused for the ServiceMonitor custom resource, as for any CRD", async () => {
    const err = await kubectlFails("patch", "servicemonitor", "chat", "-n", "ml", "--type=strategic", "-p", '{"spec":{"jobLabel":"app"}}');
    expect(err).toContain("strategic merge patch is not supported for custom resources");
    await kubectl("patch", "servicemonitor", "chat", "-n", "ml", "--type=merge", "-p", '{"spec":{"jobLabel":"app"}}');
    expect(await kubectl("get", "servicemonitor", "chat", "-n", "ml", "-o", "jsonpath={.spec.jobLabel}")).toBe("app");
  });
});

describe("images the registry does not have", () => {
  test("an image whose tag says does-not-exist fails to pull with containerd's message, then backs off", async () => {
    await kubectl("run", "typo", "-n", "ml", "--image=vllm/vllm-openai:does-not-exist");
    await eventually(async () => {
      expect((await kubectl("get", "pod", "typo", "-n", "ml", "--no-headers")).split(/\s+/)[2]).toBe("ImagePullBackOff");
    }, 10_000);
    const events = await kubectl("get", "events", "-n", "ml", "--field-selector", "involvedObject.name=typo", "-o", "jsonpath={range .items[*]}{.message}{'\\n'}{end}");
    expect(events).toContain(
      'Failed to pull image "vllm/vllm-openai:does-not-exist": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/vllm/vllm-openai:does-not-exist": failed to resolve reference "docker.io/vllm/vllm-openai:does-not-exist": docker.io/vllm/vllm-openai:does-not-exist: not found',
    );
    expect(events).toContain("Error: ErrImagePull");
  });

  test("a repository path that says does-not-exist fails too; other images of the same pod are not blamed", async () => {
    const pod = file("two.yaml", `apiVersion: v1
kind: Pod
metadata: {name: two, namespace: ml}
spec:
  containers:
  - {name: good, image: "python:3.12"}
  - {name: bad, image: "example.com/does-not-exist/x:1"}
`);
    await kubectl("apply", "-f", pod);
    await eventually(async () => {
      const statuses = JSON.parse(await kubectl("get", "pod", "two", "-n", "ml", "-o", "jsonpath={.status.containerStatuses}")) as { name: string; state: { waiting?: { reason: string; message?: string } } }[];
      expect(statuses.find((s) => s.name === "bad")?.state.waiting).toEqual({ reason: "ImagePullBackOff", message: 'Back-off pulling image "example.com/does-not-exist/x:1"' });
      expect(statuses.find((s) => s.name === "good")?.state.waiting?.reason).toBe("ContainerCreating");
    }, 10_000);
  });

  test("an ordinary image starts", async () => {
    await kubectl("run", "fine", "-n", "ml", "--image=vllm/vllm-openai:v0.6.3");
    await eventually(async () => {
      expect((await kubectl("get", "pod", "fine", "-n", "ml", "--no-headers")).split(/\s+/)[2]).toBe("Running");
    }, 10_000);
  });
});
