/**
 * Which Services look like Prometheus, with the names, labels and ports the charts really render
 * (kube-prometheus-stack's fullname is cut at 26 characters; prometheus-operator adds the
 * headless prometheus-operated; the community chart serves on port 80 named http).
 */
import type { V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { classifyPrometheusService } from "../../../../src/core/metrics/prometheusDiscovery";

function service(name: string, labels: Record<string, string>, ports: { name?: string; port: number; appProtocol?: string }[], namespace = "monitoring"): V1Service {
  return { metadata: { name, namespace, labels }, spec: { ports } };
}

describe("classifyPrometheusService", () => {
  it.each<[string, V1Service, object | undefined]>([
    [
      "kube-prometheus-stack, release kube-prometheus-stack",
      service("kube-prometheus-stack-prometheus", { app: "kube-prometheus-stack-prometheus", release: "kube-prometheus-stack", "self-monitor": "true" }, [
        { name: "http-web", port: 9090 },
        { name: "reloader-web", port: 8080 },
      ]),
      { flavor: "kube-prometheus-stack", service: "kube-prometheus-stack-prometheus", port: "http-web", scheme: "http" },
    ],
    [
      "kube-prometheus-stack, release prometheus (fullname cut to prometheus-kube-prometheus)",
      service("prometheus-kube-prometheus-prometheus", { app: "kube-prometheus-stack-prometheus", release: "prometheus" }, [
        { name: "reloader-web", port: 8080 },
        { name: "http-web", port: 9090 },
      ]),
      { flavor: "kube-prometheus-stack", port: "http-web" },
    ],
    [
      "kube-prometheus-stack with a fullnameOverride, known by its app label",
      service("prom", { app: "kube-prometheus-stack-prometheus" }, [{ name: "http-web", port: 9090 }]),
      { flavor: "kube-prometheus-stack", service: "prom", port: "http-web" },
    ],
    [
      "kube-prometheus (jsonnet) prometheus-k8s",
      service("prometheus-k8s", { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "prometheus" }, [
        { name: "web", port: 9090 },
        { name: "reloader-web", port: 8080 },
      ]),
      { flavor: "kube-prometheus", port: "web" },
    ],
    ["prometheus-operator's headless prometheus-operated", service("prometheus-operated", { "operated-prometheus": "true" }, [{ name: "web", port: 9090 }]), { flavor: "prometheus-operator", port: "web" }],
    [
      "the Prometheus community chart's server, port 80",
      service("prometheus-server", { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" }, [{ name: "http", port: 80 }]),
      { flavor: "prometheus-chart", port: "http", scheme: "http" },
    ],
    ["the community chart under another release", service("metrics-prometheus-server", { app: "prometheus", component: "server" }, [{ name: "http", port: 80 }]), { flavor: "prometheus-chart" }],
    ["an unnamed port is reached by number", service("prometheus-server", {}, [{ port: 80 }]), { flavor: "prometheus-chart", port: 80 }],
    ["only a label says Prometheus", service("metrics", { app: "prometheus" }, [{ name: "metrics", port: 9090 }]), { flavor: "labelled", port: "metrics" }],
    ["https by port name", service("prometheus-k8s", {}, [{ name: "https-web", port: 9090 }]), { flavor: "kube-prometheus", port: "https-web", scheme: "https" }],
    ["https by appProtocol", service("prometheus-k8s", {}, [{ name: "web", port: 9443, appProtocol: "https" }]), { scheme: "https" }],
    ["kube-prometheus-stack's Alertmanager", service("prometheus-kube-prometheus-alertmanager", { app: "kube-prometheus-stack-alertmanager" }, [{ name: "http-web", port: 9093 }]), undefined],
    ["kube-prometheus-stack's operator", service("prometheus-kube-prometheus-operator", { app: "kube-prometheus-stack-operator" }, [{ name: "https", port: 443 }]), undefined],
    ["the node exporter", service("prometheus-prometheus-node-exporter", { "app.kubernetes.io/name": "prometheus-node-exporter" }, [{ name: "http-metrics", port: 9100 }]), undefined],
    ["the pushgateway", service("prometheus-prometheus-pushgateway", { "app.kubernetes.io/name": "prometheus-pushgateway" }, [{ name: "http", port: 9091 }]), undefined],
    ["a Prometheus-named Service with only unrelated ports", service("prometheus-k8s", {}, [{ name: "grpc", port: 10901 }, { name: "reloader-web", port: 8080 }]), undefined],
    ["a Service without ports", service("prometheus-server", {}, []), undefined],
  ])("%s", (_name, svc, expected) => {
    const got = classifyPrometheusService(svc);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject({ namespace: "monitoring", ...expected });
  });
});
