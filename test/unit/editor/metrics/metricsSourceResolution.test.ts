import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { sourceForContext } from "../../../../src/core/metrics/metricsSettings";
import {
  decodeStoredSecret,
  encodeStoredSecret,
  metricsSourcesOfScopes,
  planMetricsSource,
  secretKeyFor,
  withMetricsSource,
} from "../../../../src/editor/metrics/metricsSourceResolution";
import { createMetricsSourceFromPlan } from "../../../../src/editor/metrics/metricsSourceFactory";

const kc = new KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: false }],
  users: [{ name: "u", token: "kube-token" }],
  contexts: [{ name: "aks-prod", cluster: "c", user: "u" }],
  currentContext: "aks-prod",
});

const sub = "00000000-1111-2222-3333-444444444444";

describe("settings → the entries that count", () => {
  test("a bad entry is reported with its scope, index, context and zod's issue; the others still count", () => {
    const read = metricsSourcesOfScopes([
      ["workspace", [{ context: "kind-dev", kind: "prometheus", url: "http://localhost:9090" }]],
      [
        "user",
        [
          { context: "aks-prod", kind: "prometheus", url: "https://prom.example.com", auth: { kind: "bearer", token: "s3cr3t" } },
          { context: "aks-*", kind: "prometheus", service: { namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: "http-web" } },
        ],
      ],
    ]);
    expect(read.sources.map((s) => s.context)).toEqual(["kind-dev", "aks-*"]);
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toContain("aiPlatform.metrics.sources[0] (context aks-prod) in user settings is ignored: auth.token: secrets do not belong in settings");
    // The secret someone pasted is never repeated into the log.
    expect(read.problems[0]).not.toContain("s3cr3t");
  });

  test("a setting that is not a list is reported, not thrown", () => {
    expect(metricsSourcesOfScopes([["user", { context: "x" }]]).problems[0]).toMatch(/must be a list of sources; ignored/);
  });

  test("the workspace's entry for a context wins over the user's; patterns match what no exact name does", () => {
    const { sources } = metricsSourcesOfScopes([
      ["workspace", [{ context: "aks-prod", kind: "prometheus", url: "http://ws-prom:9090" }]],
      ["user", [{ context: "aks-prod", kind: "prometheus", url: "http://user-prom:9090" }, { context: "aks-*", kind: "azure-managed-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" }]],
    ]);
    expect(sourceForContext(sources, "aks-prod")?.url).toBe("http://ws-prom:9090");
    expect(sourceForContext(sources, "aks-staging")?.kind).toBe("azure-managed-prometheus");
    expect(sourceForContext(sources, "kind-dev")).toBeUndefined();
  });
});

describe("an entry → what to build", () => {
  test("a service entry goes through the context's API server, with the kubeconfig's credentials", () => {
    const r = planMetricsSource({ context: "aks-prod", kind: "prometheus", service: { namespace: "monitoring", name: "prometheus-k8s", port: "web", scheme: "http" } }, { kubeConfig: kc, secret: undefined });
    expect(r).toMatchObject({ ok: true, plan: { kind: "prometheus", endpoint: { kind: "service-proxy", namespace: "monitoring", service: "prometheus-k8s", port: "web" }, auth: { kind: "none" } } });
  });

  test("a service entry while the context is not connected says so", () => {
    const r = planMetricsSource({ context: "aks-prod", kind: "prometheus", service: { namespace: "monitoring", name: "prometheus-k8s", port: 9090, scheme: "http" } }, { kubeConfig: undefined, secret: undefined });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain("context aks-prod is not connected");
  });

  test("bearer and basic take the stored secret entered for that origin", () => {
    const url = "https://prom.example.com/prometheus";
    const secret = { origin: "https://prom.example.com", value: "tok" };
    expect(planMetricsSource({ context: "c", kind: "prometheus", url, auth: { kind: "bearer", secretKey: "k" } }, { kubeConfig: undefined, secret })).toMatchObject({
      ok: true,
      plan: { endpoint: { kind: "url", url }, auth: { kind: "bearer", token: "tok" } },
    });
    expect(planMetricsSource({ context: "c", kind: "prometheus", url, auth: { kind: "basic", username: "grafana", secretKey: "k" } }, { kubeConfig: undefined, secret })).toMatchObject({
      ok: true,
      plan: { auth: { kind: "basic", username: "grafana", password: "tok" } },
    });
  });

  test("a secret is never sent to another origin than it was entered for (a workspace pointing it elsewhere)", () => {
    const r = planMetricsSource(
      { context: "c", kind: "prometheus", url: "https://attacker.example", auth: { kind: "bearer", secretKey: "k" } },
      { kubeConfig: undefined, secret: { origin: "https://prom.example.com", value: "tok" } },
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain("was entered for https://prom.example.com, but the setting now points at https://attacker.example; it is not sent there");
    expect(!r.ok && r.problem).not.toContain("tok");
  });

  test("a missing secret asks for Connect Metrics…", () => {
    const r = planMetricsSource({ context: "c", kind: "prometheus", url: "https://prom.example.com", auth: { kind: "bearer", secretKey: "k" } }, { kubeConfig: undefined, secret: undefined });
    expect(r).toEqual({ ok: false, problem: 'The token for https://prom.example.com (secret "k") is not stored on this machine. Run Connect Metrics… to enter it.' });
  });

  test("Azure kinds carry their endpoint, subscription and tenant", () => {
    expect(planMetricsSource({ context: "c", kind: "azure-managed-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" }, { kubeConfig: undefined, secret: undefined })).toEqual({
      ok: true,
      plan: { kind: "azure-managed-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" },
    });
    expect(planMetricsSource({ context: "c", kind: "azure-monitor", azure: { subscriptionId: sub, tenantId: "contoso.onmicrosoft.com" } }, { kubeConfig: undefined, secret: undefined })).toEqual({
      ok: true,
      plan: { kind: "azure-monitor", subscriptionId: sub, tenantId: "contoso.onmicrosoft.com" },
    });
  });

  test("the built sources describe themselves without secrets", async () => {
    const credential = { getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const prom = await createMetricsSourceFromPlan({ kind: "prometheus", endpoint: { kind: "url", url: "https://prom.example.com" }, auth: { kind: "bearer", token: "tok" } }, () => credential);
    expect(prom.ok && prom.source.description).toBe("Prometheus at https://prom.example.com");
    const azure = await createMetricsSourceFromPlan({ kind: "azure-managed-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" }, () => credential);
    expect(azure.ok && [azure.source.kind, azure.source.description]).toEqual(["azure-managed-prometheus", "Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com"]);
    const monitor = await createMetricsSourceFromPlan({ kind: "azure-monitor", subscriptionId: sub }, () => credential);
    expect(monitor.ok && monitor.source.kind).toBe("azure-monitor");
    const badCa = await createMetricsSourceFromPlan({ kind: "prometheus", endpoint: { kind: "url", url: "https://prom.example.com" }, auth: { kind: "none" }, caFile: "/nonexistent/ca.pem" }, () => credential);
    expect(!badCa.ok && badCa.problem).toContain("Cannot read the CA file /nonexistent/ca.pem");
  });
});

describe("saving an entry", () => {
  test("replaces the entry for the same context in place and keeps every other entry as it was", () => {
    const invalid = { context: "broken", kind: "nope" };
    const list = withMetricsSource([{ context: "a", kind: "prometheus", url: "http://a:9090" }, invalid, { context: "b", kind: "prometheus", url: "http://b:9090" }], {
      context: "a",
      kind: "azure-managed-prometheus",
      url: "https://ws.eastus.prometheus.monitor.azure.com",
    });
    expect(list).toEqual([{ context: "a", kind: "azure-managed-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" }, invalid, { context: "b", kind: "prometheus", url: "http://b:9090" }]);
    expect(withMetricsSource(undefined, { context: "c", kind: "prometheus", url: "http://c:9090" })).toEqual([{ context: "c", kind: "prometheus", url: "http://c:9090" }]);
  });

  test("secret keys pass the setting's own check and are stable per context and origin", () => {
    const key = secretKeyFor("arn:aws:eks:eu-west-1:123:cluster/prod", "https://prom.example.com");
    expect(key).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(secretKeyFor("arn:aws:eks:eu-west-1:123:cluster/prod", "https://prom.example.com")).toBe(key);
    expect(secretKeyFor("arn:aws:eks:eu-west-1:123:cluster/prod", "https://other.example.com")).not.toBe(key);
    const entry = { context: "x", kind: "prometheus", url: "https://prom.example.com", auth: { kind: "bearer", secretKey: key } };
    expect(metricsSourcesOfScopes([["user", [entry]]]).problems).toEqual([]);
  });

  test("stored secrets round-trip; anything else reads as none", () => {
    expect(decodeStoredSecret(encodeStoredSecret({ origin: "https://p", value: "v" }))).toEqual({ origin: "https://p", value: "v" });
    expect(decodeStoredSecret("plain-token")).toBeUndefined();
    expect(decodeStoredSecret(undefined)).toBeUndefined();
  });
});
