import type {
  V1Container,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1PodSecurityContext,
  V1PodSpec,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Service,
  V1Toleration,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { toKubeYamlStream } from "../../../../src/core/kube/objects/kubeYaml";
import { renderKubernetesObjects, toLabelValue } from "../../../../src/core/manifest/renderKubernetes";
import { ServiceManifest, type ServiceManifestInput } from "../../../../src/core/manifest/serviceManifest";

const environments = {
  dev: { context: "sandbox", namespace: "ml-dev" },
  prod: { context: "prod", namespace: "ml-prod", production: true, approvalRequired: true },
};

function manifest(overrides: Partial<ServiceManifestInput>): ServiceManifest {
  return ServiceManifest.parse({
    apiVersion: "aiplatform.dev/v1",
    kind: "InferenceServiceManifest",
    name: "llama3-chat",
    runtime: "vllm",
    model: { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
    image: "vllm/vllm-openai:v0.6.3",
    port: 8000,
    environments,
    ...overrides,
  });
}

function render(m: ServiceManifest, env = "dev"): KubeObject[] {
  const r = renderKubernetesObjects(m, env);
  if (!r.ok) throw new Error(r.error);
  return [...r.objects];
}

/** The fields of KServe's InferenceService (kserve pkg/apis/serving/v1beta1) these tests read. */
interface InferenceServiceShape {
  apiVersion: string;
  metadata: { annotations: Record<string, string> };
  spec: {
    predictor: {
      minReplicas: number;
      maxReplicas: number;
      canaryTrafficPercent?: number;
      securityContext: V1PodSecurityContext;
      tolerations?: V1Toleration[];
      nodeSelector?: Record<string, string>;
      model: { modelFormat: { name: string }; storageUri: string; resources: V1ResourceRequirements; securityContext: V1SecurityContext };
    };
  };
}

interface Kinds {
  Deployment: V1Deployment;
  Service: V1Service;
  HorizontalPodAutoscaler: V2HorizontalPodAutoscaler;
  PodDisruptionBudget: V1PodDisruptionBudget;
  NetworkPolicy: V1NetworkPolicy;
  ServiceMonitor: { spec: { endpoints: unknown[] } };
  InferenceService: InferenceServiceShape;
}

function find<K extends keyof Kinds>(objects: readonly KubeObject[], kind: K): Kinds[K] {
  const obj = objects.find((o) => o.kind === kind);
  if (!obj) throw new Error(`no ${kind} among ${objects.map((o) => o.kind).join(", ")}`);
  return obj as unknown as Kinds[K];
}
function podSpec(objects: readonly KubeObject[]): V1PodSpec {
  const spec = find(objects, "Deployment").spec?.template.spec;
  if (!spec) throw new Error("no pod spec");
  return spec;
}
function container(objects: readonly KubeObject[]): V1Container {
  const c = podSpec(objects).containers[0];
  if (!c) throw new Error("no container");
  return c;
}

describe("vLLM on a GPU", () => {
  const gpu = manifest({ resources: { cpu: 4, memory: "32Gi", gpu: { count: 1, type: "NVIDIA-A100-SXM4-80GB" } }, probes: { readiness: { path: "/health" } } });
  const objects = render(gpu);

  test("renders a Deployment, Service, PDB, ServiceMonitor and NetworkPolicy (no HPA for a fixed size)", () => {
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([
      "apps/v1/Deployment",
      "v1/Service",
      "policy/v1/PodDisruptionBudget",
      "monitoring.coreos.com/v1/ServiceMonitor",
      "networking.k8s.io/v1/NetworkPolicy",
    ]);
  });

  test("runs the OpenAI server with --model from the hf:// URI and --port", () => {
    const c = container(objects);
    expect(c.name).toBe("vllm");
    expect(c.image).toBe("vllm/vllm-openai:v0.6.3");
    expect(c.args).toEqual(["--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--port", "8000"]);
    expect(c.ports).toEqual([{ name: "http", containerPort: 8000, protocol: "TCP" }]);
    expect(c.env).toEqual(expect.arrayContaining([{ name: "MODEL_URI", value: "hf://meta-llama/Meta-Llama-3-8B-Instruct" }, { name: "MODEL_VERSION", value: "unversioned" }]));
  });

  test("requests and limits the GPU equally, and limits default to the requests", () => {
    expect(container(objects).resources).toEqual({
      requests: { cpu: "4", memory: "32Gi", "nvidia.com/gpu": "1" },
      limits: { cpu: "4", memory: "32Gi", "nvidia.com/gpu": "1" },
    });
  });

  test("tolerates the GPU pool taints and selects the GPU product", () => {
    const spec = podSpec(objects);
    expect(spec.tolerations).toEqual([
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(spec.nodeSelector).toEqual({ "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" });
  });

  test("mounts a memory-backed /dev/shm for PyTorch", () => {
    const spec = podSpec(objects);
    expect(spec.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory" } });
    expect(container(objects).volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
  });

  test("splits the model over several GPUs with --tensor-parallel-size", () => {
    const c = container(render(manifest({ resources: { gpu: { count: 4 } } })));
    expect(c.args).toEqual(["--model", "meta-llama/Meta-Llama-3-8B-Instruct", "--port", "8000", "--tensor-parallel-size", "4"]);
  });
});

describe("MIG slices", () => {
  const objects = render(manifest({ resources: { cpu: "2", memory: "16Gi", gpu: { count: 1, mig: "1g.10gb" } } }));

  test("ask for the nvidia.com/mig-<profile> resource instead of whole GPUs", () => {
    const res = container(objects).resources;
    expect(res?.requests?.["nvidia.com/mig-1g.10gb"]).toBe("1");
    expect(res?.limits?.["nvidia.com/mig-1g.10gb"]).toBe("1");
    expect(res?.requests?.["nvidia.com/gpu"]).toBeUndefined();
  });

  test("still tolerate the GPU taints, without a product selector", () => {
    expect(podSpec(objects).tolerations).toHaveLength(2);
    expect(podSpec(objects).nodeSelector).toBeUndefined();
  });
});

describe("CPU-only python service", () => {
  const cpu = manifest({
    runtime: "python",
    image: "registry.example.com/ml/ranker:1.2.0",
    port: 8080,
    model: { registry: "models:/ranker", version: "7" },
    resources: { cpu: "500m", memory: "1Gi", cpuLimit: "2" },
    scaling: { minReplicas: 2, maxReplicas: 5, target: { metric: "cpu", value: 70 } },
  });
  const objects = render(cpu);

  test("has no GPU tolerations or node selector", () => {
    expect(podSpec(objects).tolerations).toBeUndefined();
    expect(podSpec(objects).nodeSelector).toBeUndefined();
  });

  test("runs uvicorn in a container named server", () => {
    const c = container(objects);
    expect(c.name).toBe("server");
    expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]);
  });

  test("takes the CPU limit from cpuLimit and the memory limit from the request", () => {
    expect(container(objects).resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } });
  });

  test("starts minReplicas pods and autoscales on CPU utilisation", () => {
    expect(find(objects, "Deployment").spec?.replicas).toBe(2);
    const hpa = find(objects, "HorizontalPodAutoscaler");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llama3-chat" },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
  });

  test("labels the model version from the registry", () => {
    expect(find(objects, "Deployment").metadata?.labels?.["aiplatform.dev/model-version"]).toBe("7");
    expect(find(objects, "Deployment").metadata?.annotations).toEqual({ "ai-platform/model-version": "7", "aiplatform.dev/model": "models:/ranker/7" });
  });
});

describe("the registered model the service serves", () => {
  const annotationOf = (o: { metadata?: { annotations?: Record<string, string> } }): string | undefined => o.metadata?.annotations?.["aiplatform.dev/model"];

  test("a registry version is written as models:/<name>/<version> on the Deployment, not on its pod template", () => {
    const objects = render(manifest({ model: { registry: "models:/llama3-70b-chat", version: "4" } }));
    expect(annotationOf(find(objects, "Deployment"))).toBe("models:/llama3-70b-chat/4");
    expect(find(objects, "Deployment").spec?.template.metadata?.annotations?.["aiplatform.dev/model"]).toBeUndefined();
    expect(objects.filter((o) => o.kind !== "Deployment").map((o) => annotationOf(o as never))).toEqual(objects.slice(1).map(() => undefined));
  });

  test("an alias is written as MLflow's models:/<name>@<alias>, and the server is handed the same URI", () => {
    const objects = render(manifest({ model: { registry: "models:/llama3-70b-chat@champion" } }));
    expect(annotationOf(find(objects, "Deployment"))).toBe("models:/llama3-70b-chat@champion");
    expect(container(objects).env).toContainEqual({ name: "MODEL_URI", value: "models:/llama3-70b-chat@champion" });
    expect(find(objects, "Deployment").metadata?.labels?.["aiplatform.dev/model-version"]).toBe("unversioned");
  });

  test("a percent-encoded name keeps its encoding for '/' and spaces", () => {
    const objects = render(manifest({ model: { registry: "models:/team%2Ffraud%20detector", version: "2" } }));
    expect(annotationOf(find(objects, "Deployment"))).toBe("models:/team%2Ffraud%20detector/2");
  });

  test("KServe: the storageUri loads, and its registry link names the version on the InferenceService", () => {
    const isvc = find(
      render(manifest({ runtime: "kserve", image: undefined, modelFormat: "xgboost", model: { storageUri: "gs://models/fraud/3", registry: "models:/fraud-xgboost", version: "3" } })),
      "InferenceService",
    );
    expect(isvc.spec.predictor.model.storageUri).toBe("gs://models/fraud/3");
    expect(isvc.metadata.annotations["aiplatform.dev/model"]).toBe("models:/fraud-xgboost/3");
  });

  test("a storage URI alone, or another registry, names no registered model", () => {
    expect(annotationOf(find(render(manifest({})), "Deployment"))).toBeUndefined();
    expect(annotationOf(find(render(manifest({ model: { registry: "runs:/abc123/model", version: "1" } })), "Deployment"))).toBeUndefined();
  });
});

describe("autoscaling on custom metrics", () => {
  test.each([
    { metric: "rps" as const, name: "http_requests_per_second", value: 50, averageValue: "50" },
    { metric: "concurrency" as const, name: "inflight_requests", value: 8, averageValue: "8" },
  ])("$metric scales on the Pods metric $name", ({ metric, name, value, averageValue }) => {
    const hpa = find(render(manifest({ scaling: { minReplicas: 1, maxReplicas: 4, target: { metric, value } } })), "HorizontalPodAutoscaler");
    expect(hpa.spec?.metrics).toEqual([{ type: "Pods", pods: { metric: { name }, target: { type: "AverageValue", averageValue } } }]);
  });

  test("minReplicas 0 still starts one pod (an HPA cannot scale from zero)", () => {
    const objects = render(manifest({ scaling: { minReplicas: 0, maxReplicas: 3 } }));
    expect(find(objects, "Deployment").spec?.replicas).toBe(1);
    expect(find(objects, "HorizontalPodAutoscaler").spec?.minReplicas).toBe(1);
  });
});

describe("probes", () => {
  test("map readiness, liveness and startup onto httpGet on the named http port", () => {
    const c = container(
      render(
        manifest({
          probes: {
            readiness: { path: "/health", initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 2 },
            liveness: { path: "/live" },
            startup: { path: "/health", port: 9000, failureThreshold: 90 },
          },
        }),
      ),
    );
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 2 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: "/live", port: "http" }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 });
    expect(c.startupProbe?.httpGet).toEqual({ path: "/health", port: 9000 });
    expect(c.startupProbe?.failureThreshold).toBe(90);
  });

  test("are left out when the manifest has none, so the policy gate can flag it", () => {
    const c = container(render(manifest({})));
    expect(c).not.toHaveProperty("readinessProbe");
    expect(c).not.toHaveProperty("livenessProbe");
    expect(c).not.toHaveProperty("startupProbe");
  });
});

describe("security context", () => {
  test.each(["vllm", "triton", "python"] as const)("%s runs as non-root uid 1000 with every capability dropped", (runtime) => {
    const objects = render(manifest({ runtime, image: "registry.example.com/ml/x:1" }));
    expect(podSpec(objects).securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
    expect(container(objects).securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { drop: ["ALL"] } });
  });
});

describe("Triton", () => {
  const objects = render(manifest({ runtime: "triton", image: "nvcr.io/nvidia/tritonserver:24.08-py3", model: { storageUri: "s3://models/resnet/model_repository", version: "1" } }));

  test("reads the model repository from S3 and serves metrics on their own port", () => {
    const c = container(objects);
    expect(c.name).toBe("triton");
    expect(c.command).toEqual(["tritonserver"]);
    expect(c.args).toEqual(["--model-repository=s3://models/resnet/model_repository", "--http-port=8000", "--metrics-port=8002"]);
    expect(c.ports).toContainEqual({ name: "metrics", containerPort: 8002, protocol: "TCP" });
    expect(find(objects, "ServiceMonitor").spec.endpoints).toEqual([{ port: "metrics", path: "/metrics", interval: "30s" }]);
  });

  test("mounts a pvc:// repository read-only and points Triton at it", () => {
    const pvc = render(manifest({ runtime: "triton", image: "nvcr.io/nvidia/tritonserver:24.08-py3", model: { storageUri: "pvc://triton-models/repo" } }));
    expect(container(pvc).args?.[0]).toBe("--model-repository=/mnt/models/repo");
    expect(podSpec(pvc).volumes).toContainEqual({ name: "model", persistentVolumeClaim: { claimName: "triton-models", readOnly: true } });
  });
});

describe("KServe", () => {
  const base: Partial<ServiceManifestInput> = {
    runtime: "kserve",
    image: undefined,
    modelFormat: "sklearn",
    model: { storageUri: "gs://kfserving-examples/models/sklearn/1.0/model", version: "1.0" },
    port: 8080,
    resources: { cpu: "1", memory: "2Gi" },
    scaling: { minReplicas: 1, maxReplicas: 3 },
  };

  test("renders an InferenceService and no Service or HPA (KServe makes its own)", () => {
    const objects = render(manifest(base));
    expect(objects.map((o) => o.kind)).toEqual(["InferenceService", "PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy"]);
    const isvc = find(objects, "InferenceService");
    expect(isvc.apiVersion).toBe("serving.kserve.io/v1beta1");
    expect(isvc.spec.predictor.model.modelFormat).toEqual({ name: "sklearn" });
    expect(isvc.spec.predictor.model.storageUri).toBe("gs://kfserving-examples/models/sklearn/1.0/model");
    expect(isvc.spec.predictor.model.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } });
    expect([isvc.spec.predictor.minReplicas, isvc.spec.predictor.maxReplicas]).toEqual([1, 3]);
    expect(isvc.spec.predictor.securityContext.runAsNonRoot).toBe(true);
    expect(isvc.spec.predictor.model.securityContext.capabilities).toEqual({ drop: ["ALL"] });
  });

  test("a rolling rollout runs as a RawDeployment, without canary traffic", () => {
    const isvc = find(render(manifest(base)), "InferenceService");
    expect(isvc.metadata.annotations["serving.kserve.io/deploymentMode"]).toBe("RawDeployment");
    expect(isvc.spec.predictor).not.toHaveProperty("canaryTrafficPercent");
  });

  test("a canary rollout sends the first step's traffic to the new revision, in Serverless mode", () => {
    const isvc = find(render(manifest({ ...base, rollout: { strategy: "canary", steps: [{ traffic: 20 }, { traffic: 60 }, { traffic: 100 }] } })), "InferenceService");
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(20);
    expect(isvc.metadata.annotations["serving.kserve.io/deploymentMode"]).toBe("Serverless");
  });

  test("selects KServe's pods by its inferenceservice label", () => {
    const objects = render(manifest(base));
    expect(find(objects, "PodDisruptionBudget").spec?.selector).toEqual({ matchLabels: { "serving.kserve.io/inferenceservice": "llama3-chat" } });
    expect(find(objects, "NetworkPolicy").spec?.podSelector).toEqual({ matchLabels: { "serving.kserve.io/inferenceservice": "llama3-chat" } });
  });

  test("GPU predictors get the taint tolerations and the product selector", () => {
    const isvc = find(render(manifest({ ...base, modelFormat: "huggingface", resources: { gpu: { count: 1, type: "NVIDIA-L4" } } })), "InferenceService");
    expect(isvc.spec.predictor.tolerations).toHaveLength(2);
    expect(isvc.spec.predictor.nodeSelector).toEqual({ "nvidia.com/gpu.product": "NVIDIA-L4" });
    expect(isvc.spec.predictor.model.resources.limits?.["nvidia.com/gpu"]).toBe("1");
  });
});

describe("environments", () => {
  test.each([
    { env: "dev", namespace: "ml-dev" },
    { env: "prod", namespace: "ml-prod" },
  ])("every object of $env goes into $namespace", ({ env, namespace }) => {
    const objects = render(manifest({ scaling: { minReplicas: 1, maxReplicas: 2 } }), env);
    expect(objects.length).toBeGreaterThan(4);
    for (const o of objects) expect(o.metadata.namespace).toBe(namespace);
  });

  test("an unknown environment is an error naming the known ones", () => {
    const r = renderKubernetesObjects(manifest({}), "staging");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBe(`Unknown environment "staging": llama3-chat's manifest defines dev, prod.`);
  });

  test("an inherited property name is not an environment", () => {
    expect(renderKubernetesObjects(manifest({}), "constructor").ok).toBe(false);
    expect(renderKubernetesObjects(manifest({}), "__proto__").ok).toBe(false);
  });
});

describe("labels and selectors", () => {
  const objects = render(manifest({ model: { storageUri: "hf://org/model", version: "2024-06-01" }, scaling: { minReplicas: 1, maxReplicas: 2 } }));

  test("every object and the pod template carry the service's labels", () => {
    const expected = {
      "app.kubernetes.io/name": "llama3-chat",
      "app.kubernetes.io/managed-by": "ai-platform-ops",
      "ai-platform/service": "llama3-chat",
      "aiplatform.dev/model-version": "2024-06-01",
    };
    for (const o of objects) expect(o.metadata.labels).toEqual(expected);
    expect(find(objects, "Deployment").spec?.template.metadata?.labels).toEqual(expected);
  });

  test("the Deployment's, Service's and PDB's selectors match the pod template (the API server rejects a mismatch)", () => {
    const podLabels = find(objects, "Deployment").spec?.template.metadata?.labels ?? {};
    const selectors = [find(objects, "Deployment").spec?.selector.matchLabels, find(objects, "Service").spec?.selector, find(objects, "PodDisruptionBudget").spec?.selector?.matchLabels];
    for (const s of selectors) {
      expect(Object.keys(s ?? {}).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(s ?? {})) expect(podLabels[k]).toBe(v);
    }
    // The version is not in the selector: a Deployment's selector cannot change between versions.
    expect(find(objects, "Deployment").spec?.selector.matchLabels).not.toHaveProperty("aiplatform.dev/model-version");
  });

  // k8s.io/apimachinery/pkg/util/validation IsValidLabelValue.
  const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  test.each([
    { raw: "3", label: "3" },
    { raw: "2024-06-01", label: "2024-06-01" },
    { raw: "v1.2.3_rc1", label: "v1.2.3_rc1" },
    { raw: "-.release_", label: "release" },
    { raw: "a+b/c", label: "a-b-c" },
    { raw: "___", label: "unversioned" },
    { raw: `${"a".repeat(62)}.b`, label: "a".repeat(62) },
  ])("model version $raw becomes the label value $label", ({ raw, label }) => {
    expect(toLabelValue(raw)).toBe(label);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(labelValue);
  });
});

describe("rollout and disruption", () => {
  test("the Deployment rolls with the manifest's surge, unavailability and deadline", () => {
    const d = find(render(manifest({ rollout: { strategy: "rolling", maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 1200 } })), "Deployment");
    expect(d.spec?.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d.spec?.progressDeadlineSeconds).toBe(1200);
    expect(d.spec?.revisionHistoryLimit).toBe(10);
  });

  test("the PDB lets node drains evict one pod at a time", () => {
    expect(find(render(manifest({})), "PodDisruptionBudget").spec?.maxUnavailable).toBe(1);
  });

  test("the NetworkPolicy admits the namespace and Prometheus on the http port only", () => {
    expect(find(render(manifest({})), "NetworkPolicy").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "llama3-chat", "ai-platform/service": "llama3-chat" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: "http" }] }],
    });
  });

  test("the Service exposes port 80 on the pods' http port", () => {
    expect(find(render(manifest({})), "Service").spec?.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
  });
});

describe("output", () => {
  test("is deterministic: the same manifest renders the same text", () => {
    const m = manifest({ resources: { gpu: { count: 1 } }, scaling: { minReplicas: 1, maxReplicas: 2 } });
    expect(toKubeYamlStream(render(m))).toBe(toKubeYamlStream(render(manifest({ resources: { gpu: { count: 1 } }, scaling: { minReplicas: 1, maxReplicas: 2 } }))));
  });

  test("YAML that kubectl (YAML 1.1) reads back as the same strings, even a namespace called no", () => {
    const m = manifest({ environments: { dev: { context: "sandbox", namespace: "no" } }, model: { storageUri: "hf://org/model", version: "1.10" } });
    const docs = toKubeYamlStream(render(m))
      .split(/^---\n/m)
      .filter((d) => d.trim() !== "");
    for (const doc of docs) {
      const obj = parse(doc, { version: "1.1" }) as KubeObject;
      expect(obj.metadata.namespace).toBe("no");
      expect(obj.metadata.labels?.["aiplatform.dev/model-version"]).toBe("1.10");
    }
  });
});
