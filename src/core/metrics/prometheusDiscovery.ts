import type { KubeConfig, V1Service, V1ServicePort } from "@kubernetes/client-node";
import { KubeApiError, getJson } from "../kube/client/kubeRequest";
import type { MetricsError } from "./metricsSource";
import { createPrometheusSource, type PrometheusSource } from "./prometheusSource";

/**
 * Finds a Prometheus in the cluster by the Service names and labels the common installs give it,
 * and tests each candidate through the API server's service proxy (buildinfo, then `vector(1)`).
 * Listing Services cluster-wide needs a ClusterRole many users lack (headlamp#3900), so a refusal
 * falls back to the namespaces these installs usually live in.
 */

export type PrometheusFlavor =
  /** prometheus-community/kube-prometheus-stack: `<release>-kube-prometheus-prometheus`, port http-web 9090. */
  | "kube-prometheus-stack"
  /** prometheus-operator/kube-prometheus (jsonnet): `prometheus-k8s`, port web 9090. */
  | "kube-prometheus"
  /** Any prometheus-operator install: the governing Service `prometheus-operated`, port web 9090. */
  | "prometheus-operator"
  /** prometheus-community/prometheus chart: `<release>-prometheus-server`, port http 80. */
  | "prometheus-chart"
  /** Only the labels say Prometheus (app.kubernetes.io/name=prometheus, app=prometheus, operated-prometheus=true). */
  | "labelled";

export interface PrometheusCandidate {
  readonly flavor: PrometheusFlavor;
  readonly namespace: string;
  readonly service: string;
  /** The port's name when it has one (what the service proxy path prefers), else its number. */
  readonly port: string | number;
  readonly scheme: "http" | "https";
  /** From /api/v1/status/buildinfo, when it answered. */
  readonly version?: string;
}

export type DetectedPrometheus = PrometheusCandidate & ({ readonly ok: true; readonly source: PrometheusSource } | { readonly ok: false; readonly error: MetricsError });

/** Where the usual installs put Prometheus, tried one by one when listing Services cluster-wide is forbidden. */
export const usualPrometheusNamespaces = ["monitoring", "prometheus", "kube-prometheus-stack", "observability", "default"] as const;

/** A candidate's test is short: the whole detection should answer in a few seconds, even with dead candidates. */
const testTimeoutMs = 10_000;

export async function detectPrometheus(kc: KubeConfig, opts: { signal?: AbortSignal; namespaces?: readonly string[] } = {}): Promise<DetectedPrometheus[]> {
  const services = await listServices(kc, opts.namespaces, opts.signal);
  const candidates = services.flatMap((s) => {
    const c = classifyPrometheusService(s);
    return c ? [c] : [];
  });
  candidates.sort((a, b) => flavorRank[a.flavor] - flavorRank[b.flavor]);
  const tested = await Promise.all(candidates.map((c) => testCandidate(kc, c, opts.signal)));
  // Working ones first, each group in flavor order (sort is stable).
  return tested.sort((a, b) => Number(b.ok) - Number(a.ok));
}

const flavorRank: Record<PrometheusFlavor, number> = { "kube-prometheus-stack": 0, "kube-prometheus": 1, "prometheus-operator": 2, "prometheus-chart": 3, labelled: 4 };

async function listServices(kc: KubeConfig, namespaces: readonly string[] | undefined, signal: AbortSignal | undefined): Promise<V1Service[]> {
  if (namespaces === undefined) {
    try {
      return itemsOf(await getJson(kc, "/api/v1/services", signal));
    } catch (err) {
      if (!(err instanceof KubeApiError && err.statusCode === 403)) throw err;
    }
  }
  const lists = await Promise.all(
    (namespaces ?? usualPrometheusNamespaces).map(async (ns) => {
      try {
        return itemsOf(await getJson(kc, `/api/v1/namespaces/${encodeURIComponent(ns)}/services`, signal));
      } catch (err) {
        // A namespace we may not read, or one that does not exist, holds no candidate for us.
        if (err instanceof KubeApiError && (err.statusCode === 403 || err.statusCode === 404)) return [];
        throw err;
      }
    }),
  );
  return lists.flat();
}

function itemsOf(list: unknown): V1Service[] {
  const items = (list as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as V1Service[]) : [];
}

/** Whether a Service looks like a Prometheus, and which port to reach it on. Pure; exported for tests. */
export function classifyPrometheusService(s: V1Service): PrometheusCandidate | undefined {
  const name = s.metadata?.name;
  const namespace = s.metadata?.namespace;
  const ports = s.spec?.ports ?? [];
  if (!name || !namespace || ports.length === 0) return undefined;
  const labels = s.metadata?.labels ?? {};
  const flavor = flavorOf(name, labels);
  if (!flavor) return undefined;
  const port = choosePort(ports, flavor);
  if (!port) return undefined;
  const https = port.appProtocol === "https" || /https/.test(port.name ?? "") || port.port === 443;
  return { flavor, namespace, service: name, port: port.name || port.port, scheme: https ? "https" : "http" };
}

function flavorOf(name: string, labels: Readonly<Record<string, string>>): PrometheusFlavor | undefined {
  // kube-prometheus-stack names it <fullname>-prometheus, fullname cut at 26 characters:
  // "kube-prometheus-stack-prometheus" for the release of that name, else "<release>-kube-prometheus-prometheus".
  if (name === "kube-prometheus-stack-prometheus" || name.endsWith("-kube-prometheus-prometheus") || labels.app === "kube-prometheus-stack-prometheus") return "kube-prometheus-stack";
  if (name === "prometheus-k8s") return "kube-prometheus";
  if (name === "prometheus-operated") return "prometheus-operator";
  if (name === "prometheus-server" || name.endsWith("-prometheus-server")) return "prometheus-chart";
  if (labels["app.kubernetes.io/name"] === "prometheus" || labels.app === "prometheus" || labels["operated-prometheus"] === "true") return "labelled";
  return undefined;
}

const preferredPortNames: Record<PrometheusFlavor, readonly string[]> = {
  "kube-prometheus-stack": ["http-web", "web"],
  "kube-prometheus": ["web"],
  "prometheus-operator": ["web", "http-web"],
  "prometheus-chart": ["http"],
  labelled: ["web", "http-web", "http"],
};

function choosePort(ports: readonly V1ServicePort[], flavor: PrometheusFlavor): V1ServicePort | undefined {
  for (const wanted of preferredPortNames[flavor]) {
    const named = ports.find((p) => p.name === wanted);
    if (named) return named;
  }
  const usual = flavor === "prometheus-chart" ? 80 : 9090;
  // Not the config reloader or Thanos sidecar ports a Prometheus Service also carries.
  return ports.find((p) => p.port === usual) ?? ports.find((p) => p.port === 9090) ?? (ports.length === 1 ? ports[0] : undefined);
}

async function testCandidate(kc: KubeConfig, c: PrometheusCandidate, signal: AbortSignal | undefined): Promise<DetectedPrometheus> {
  const source = createPrometheusSource({
    endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: c.namespace, service: c.service, port: c.port, scheme: c.scheme },
    auth: { kind: "none" },
    timeoutMs: testTimeoutMs,
  });
  // buildinfo is optional (Prometheus before 2.14 lacks it); the query decides.
  const build = await source.buildInfo(signal);
  const version = build.ok ? build.value.version : undefined;
  const withVersion = version === undefined ? c : { ...c, version };
  // Nothing answers at all: asking again with a query would only wait out another timeout.
  if (!build.ok && ["unreachable", "timeout", "cancelled", "not-found", "forbidden", "unauthorized"].includes(build.error.kind)) {
    return { ...withVersion, ok: false, error: build.error };
  }
  const probe = await source.queryInstant({ kind: "promql", expr: "vector(1)" }, Date.now() / 1000, signal);
  if (!probe.ok) return { ...withVersion, ok: false, error: probe.error };
  if (probe.value.length !== 1 || probe.value[0]?.value !== 1) {
    return { ...withVersion, ok: false, error: { source: source.description, query: "vector(1)", kind: "bad-response", status: 200, detail: `vector(1) returned ${JSON.stringify(probe.value).slice(0, 120)}` } };
  }
  return { ...withVersion, ok: true, source };
}
