import { test } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
const base = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" }, spec: { selector: {}, template: { spec: { containers: [{ name: "x", ports: [{containerPort: 80, name: "http"}], resources: {limits: {"nvidia.com/gpu": "1", cpu: 4}} }] } } } };
const tryV = (label: string, o: unknown, C: any = Deployment) => { try { new C(o).validate(); console.log(label, "OK"); } catch (e) { console.log(label, "FAIL", String(e).slice(0, 300)); } };
test("x", () => {
  tryV("base", base);
  tryV("typo", { ...base, spec: { ...base.spec, replica: 1 } });
  tryV("noname", { ...base, spec: { selector: {}, template: { spec: { containers: [{ image: "x" }] } } } });
  tryV("badreplicas", { ...base, spec: { ...base.spec, replicas: "two" } });
  tryV("badprobe", { ...base, spec: { selector: {}, template: { spec: { containers: [{ name: "x", readinessProbe: { httpGet: { path: "/", port: true } } }] } } } });
  tryV("sm", { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a" }, spec: { selector: {}, endpoints: [{ port: "http", path: "/metrics", interval: "30s" }] } }, ServiceMonitor);
  tryV("sm-bad", { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a" }, spec: { selector: {}, endpoints: [{ port: 80, interval: "30 seconds" }] } }, ServiceMonitor);
  tryV("sm-typo", { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a" }, spec: { selector: {}, endpoint: [] } }, ServiceMonitor);
});
