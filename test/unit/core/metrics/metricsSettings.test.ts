import { describe, expect, it } from "vitest";
import { metricsSecretEnvVar, parseMetricsSources, sourceForContext, type MetricsSourceSetting } from "../../../../src/core/metrics/metricsSettings";

const issuesOf = (raw: unknown) => {
  const r = parseMetricsSources(raw);
  return r.ok ? [] : r.issues;
};

describe("aiPlatform.metrics.sources", () => {
  it("accepts each kind of source as a user would write it", () => {
    const raw = [
      { context: "kind-dev", kind: "prometheus", service: { namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: "http-web" } },
      { context: "onprem-*", kind: "prometheus", url: "https://prom.corp.example/prometheus", auth: { kind: "basic", username: "grafana", secretKey: "onprem-prom" }, caFile: "/etc/ssl/corp-ca.pem" },
      { context: "edge", kind: "prometheus", url: "http://10.0.0.5:9090", auth: { kind: "bearer", secretKey: "edge.token" } },
      { context: "aks-prod-*", kind: "azure-managed-prometheus", url: "https://k8s02-workspace-abcd.eastus.prometheus.monitor.azure.com" },
      {
        context: "aml",
        kind: "azure-monitor",
        azure: {
          subscriptionId: "00000000-1111-2222-3333-444444444444",
          tenantId: "contoso.onmicrosoft.com",
          resourceId: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e",
        },
      },
    ];
    const parsed = parseMetricsSources(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // The service's scheme defaults to http, as the API server's proxy does with no scheme.
    expect(parsed.sources[0]!.service).toEqual({ namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: "http-web", scheme: "http" });
    expect(parsed.sources[1]!.auth).toEqual({ kind: "basic", username: "grafana", secretKey: "onprem-prom" });
  });

  it("treats an unset setting as no sources", () => {
    expect(parseMetricsSources(undefined)).toEqual({ ok: true, sources: [] });
    expect(parseMetricsSources(null)).toEqual({ ok: true, sources: [] });
    expect(parseMetricsSources([])).toEqual({ ok: true, sources: [] });
  });

  it.each<[string, unknown, string, RegExp]>([
    ["a secret written into settings", [{ context: "c", kind: "prometheus", url: "https://p", auth: { kind: "bearer", token: "abc" } }], "[0].auth.token", /secrets do not belong in settings/],
    ["a password written into settings", [{ context: "c", kind: "prometheus", url: "https://p", auth: { kind: "basic", username: "u", password: "pw" } }], "[0].auth.password", /secrets do not belong/],
    ["credentials in the URL", [{ context: "c", kind: "prometheus", url: "https://u:pw@p.example" }], "[0].url", /no user or password in the URL/],
    ["basic auth without a username", [{ context: "c", kind: "prometheus", url: "https://p", auth: { kind: "basic", secretKey: "k" } }], "[0].auth.username", /needs a username/],
    ["bearer auth without a secret name", [{ context: "c", kind: "prometheus", url: "https://p", auth: { kind: "bearer" } }], "[0].auth.secretKey", /needs secretKey/],
    ["a prometheus with neither url nor service", [{ context: "c", kind: "prometheus" }], "[0].url", /needs url or service/],
    ["a prometheus with both", [{ context: "c", kind: "prometheus", url: "https://p", service: { namespace: "m", name: "p", port: 9090 } }], "[0].service", /not both/],
    ["auth through the service proxy", [{ context: "c", kind: "prometheus", service: { namespace: "m", name: "p", port: 9090 }, auth: { kind: "bearer", secretKey: "k" } }], "[0].auth", /kubeconfig's credentials/],
    ["a service name that is not a DNS label", [{ context: "c", kind: "prometheus", service: { namespace: "Monitoring", name: "p", port: 9090 } }], "[0].service.namespace", /DNS label/],
    ["a port out of range", [{ context: "c", kind: "prometheus", service: { namespace: "m", name: "p", port: 70000 } }], "[0].service.port", /port/],
    ["a URL that is not http", [{ context: "c", kind: "prometheus", url: "ftp://p.example" }], "[0].url", /http or https URL/],
    ["a managed Prometheus without its endpoint", [{ context: "c", kind: "azure-managed-prometheus" }], "[0].url", /query endpoint/],
    ["a managed Prometheus over http", [{ context: "c", kind: "azure-managed-prometheus", url: "http://w.eastus.prometheus.monitor.azure.com" }], "[0].url", /https/],
    ["azure-monitor without a subscription", [{ context: "c", kind: "azure-monitor" }], "[0].azure", /subscriptionId/],
    ["a subscription id that is not a GUID", [{ context: "c", kind: "azure-monitor", azure: { subscriptionId: "prod" } }], "[0].azure.subscriptionId", /GUID/],
    ["an unknown kind", [{ context: "c", kind: "grafana", url: "https://g" }], "[0].kind", /one of prometheus, azure-managed-prometheus, azure-monitor/],
    ["an empty context", [{ context: " ", kind: "prometheus", url: "https://p" }], "[0].context", /empty context/],
    ["the same context twice", [{ context: "c", kind: "prometheus", url: "https://p" }, { context: "c", kind: "prometheus", url: "https://q" }], "[1].context", /already configured by entry 1/],
    ["a misspelt key", [{ context: "c", kind: "prometheus", URL: "https://p" }], "[0]", /URL/],
  ])("refuses %s, saying where and why", (_name, raw, path, message) => {
    const issues = issuesOf(raw);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe("sourceForContext", () => {
  const settings = [
    { context: "aks-*", kind: "azure-managed-prometheus", url: "https://w.eastus.prometheus.monitor.azure.com" },
    { context: "aks-*-eu", kind: "prometheus", url: "https://never-reached" },
    { context: "*", kind: "prometheus", url: "https://fallback" },
    { context: "aks-prod-eu", kind: "prometheus", url: "https://exact" },
  ] as MetricsSourceSetting[];

  it.each([
    ["aks-prod-eu", "https://exact"], // an exact name wins over patterns listed before it
    ["aks-dev-eu", "https://w.eastus.prometheus.monitor.azure.com"], // then the first pattern in order, not the most specific
    ["kind-local", "https://fallback"],
    ["arn:aws:eks:eu-west-1:1:cluster/x", "https://fallback"], // characters that mean something in a regex are literal
  ])("%s → %s", (context, url) => {
    expect(sourceForContext(settings, context)?.url).toBe(url);
  });

  it("matches patterns literally apart from *, and finds nothing when nothing matches", () => {
    const dotted = [{ context: "prod.eu-*", kind: "prometheus", url: "https://p" }] as MetricsSourceSetting[];
    expect(sourceForContext(dotted, "prodXeu-1")).toBeUndefined();
    expect(sourceForContext(dotted, "prod.eu-1")?.url).toBe("https://p");
    expect(sourceForContext([], "any")).toBeUndefined();
  });
});

it("names the environment variable aiplat reads a stored secret from", () => {
  expect(metricsSecretEnvVar("onprem-prom")).toBe("AIPLAT_METRICS_SECRET_ONPREM_PROM");
  expect(metricsSecretEnvVar("edge.token")).toBe("AIPLAT_METRICS_SECRET_EDGE_TOKEN");
});
