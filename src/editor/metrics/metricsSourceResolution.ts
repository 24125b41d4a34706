import type { KubeConfig } from "@kubernetes/client-node";
import { MetricsSourceSetting } from "../../core/metrics/metricsSettings";
import type { PrometheusEndpoint } from "../../core/metrics/prometheusSource";
import { SettingKey } from "../contributionIds";

/**
 * From the setting `aiPlatform.metrics.sources` to what to build for a kube context, without
 * VS Code: which entry serves the context, which stored secret it names, and whether that secret
 * may go to the entry's URL. The editor builds the source from the plan (metricsSourceFactory).
 */

export interface MetricsSourcesRead {
  /** Valid entries, the workspace's before the user's, so a workspace can serve its own contexts. */
  readonly sources: readonly MetricsSourceSetting[];
  /** One line per rejected entry, naming the scope, the entry and zod's issue; for the log. */
  readonly problems: readonly string[];
}

/** Validates each scope's entries one by one; scopes in precedence order, most specific first. */
export function metricsSourcesOfScopes(scopes: readonly (readonly [string, unknown])[]): MetricsSourcesRead {
  const sources: MetricsSourceSetting[] = [];
  const problems: string[] = [];
  for (const [scope, raw] of scopes) {
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) {
      problems.push(`Setting ${SettingKey.metricsSources} in ${scope} settings must be a list of sources; ignored.`);
      continue;
    }
    raw.forEach((entry: unknown, i) => {
      const parsed = MetricsSourceSetting.safeParse(entry);
      if (parsed.success) {
        sources.push(parsed.data);
        return;
      }
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
      const context = typeof entry === "object" && entry !== null && typeof (entry as { context?: unknown }).context === "string" ? ` (context ${(entry as { context: string }).context})` : "";
      problems.push(`Setting ${SettingKey.metricsSources}[${i}]${context} in ${scope} settings is ignored: ${where}${issue?.message ?? "invalid"}.`);
    });
  }
  return { sources, problems };
}

/** The SecretStorage key of a secret named by `auth.secretKey`. */
export function secretStorageKey(secretKey: string): string {
  return `aiPlatform.metrics.secret.${secretKey}`;
}

/**
 * A stored secret remembers the origin it was entered for. A settings entry (a workspace's, say)
 * that names the secret but points elsewhere does not get it: the secret goes only where the
 * person typed it for.
 */
export interface StoredMetricsSecret {
  readonly origin: string;
  readonly value: string;
}

export function encodeStoredSecret(secret: StoredMetricsSecret): string {
  return JSON.stringify({ origin: secret.origin, value: secret.value });
}

export function decodeStoredSecret(text: string | undefined): StoredMetricsSecret | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { origin?: unknown; value?: unknown };
    return typeof parsed.origin === "string" && typeof parsed.value === "string" ? { origin: parsed.origin, value: parsed.value } : undefined;
  } catch {
    return undefined;
  }
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/** What to build for a context: plain data, so it can be compared, logged and tested. */
export type MetricsSourcePlan =
  | {
      readonly kind: "prometheus";
      readonly endpoint: PrometheusEndpoint;
      readonly auth: { readonly kind: "none" } | { readonly kind: "bearer"; readonly token: string } | { readonly kind: "basic"; readonly username: string; readonly password: string };
      /** The caFile to read (a PEM), for a URL endpoint. */
      readonly caFile?: string;
    }
  | { readonly kind: "azure-managed-prometheus"; readonly url: string; readonly tenantId?: string }
  | { readonly kind: "azure-monitor"; readonly subscriptionId: string; readonly tenantId?: string; readonly resourceId?: string };

export type PlanResult = { readonly ok: true; readonly plan: MetricsSourcePlan } | { readonly ok: false; readonly problem: string };

/**
 * The plan for one entry. `secret` is what SecretStorage holds under the entry's secretKey;
 * `kubeConfig` is the context's, for the service proxy. Problems are sentences for the log and
 * the row's tooltip; they never contain the secret.
 */
export function planMetricsSource(entry: MetricsSourceSetting, deps: { readonly kubeConfig: KubeConfig | undefined; readonly secret: StoredMetricsSecret | undefined }): PlanResult {
  switch (entry.kind) {
    case "prometheus": {
      if (entry.service) {
        if (!deps.kubeConfig) return { ok: false, problem: `Prometheus service ${entry.service.namespace}/${entry.service.name} is reached through the cluster's API server, and context ${entry.context} is not connected.` };
        return {
          ok: true,
          plan: {
            kind: "prometheus",
            endpoint: { kind: "service-proxy", kubeConfig: deps.kubeConfig, namespace: entry.service.namespace, service: entry.service.name, port: entry.service.port, scheme: entry.service.scheme },
            auth: { kind: "none" },
          },
        };
      }
      const url = entry.url ?? "";
      const auth = entry.auth ?? { kind: "none" as const };
      const base = { kind: "prometheus" as const, endpoint: { kind: "url" as const, url }, ...(entry.caFile ? { caFile: entry.caFile } : {}) };
      if (auth.kind === "none") return { ok: true, plan: { ...base, auth: { kind: "none" } } };
      const name = auth.secretKey ?? "";
      if (!deps.secret) return { ok: false, problem: `The ${auth.kind === "basic" ? "password" : "token"} for ${originOf(url)} (secret "${name}") is not stored on this machine. Run Connect Metrics… to enter it.` };
      if (deps.secret.origin !== originOf(url)) {
        return { ok: false, problem: `The stored secret "${name}" was entered for ${deps.secret.origin}, but the setting now points at ${originOf(url)}; it is not sent there. Run Connect Metrics… to enter credentials for ${originOf(url)}.` };
      }
      return { ok: true, plan: { ...base, auth: auth.kind === "bearer" ? { kind: "bearer", token: deps.secret.value } : { kind: "basic", username: auth.username ?? "", password: deps.secret.value } } };
    }
    case "azure-managed-prometheus":
      return { ok: true, plan: { kind: "azure-managed-prometheus", url: entry.url ?? "", ...(entry.azure?.tenantId ? { tenantId: entry.azure.tenantId } : {}) } };
    case "azure-monitor": {
      const azure = entry.azure;
      if (!azure) return { ok: false, problem: `The azure-monitor source for ${entry.context} needs azure.subscriptionId.` };
      return { ok: true, plan: { kind: "azure-monitor", subscriptionId: azure.subscriptionId, ...(azure.tenantId ? { tenantId: azure.tenantId } : {}), ...(azure.resourceId ? { resourceId: azure.resourceId } : {}) } };
    }
  }
}

/**
 * The setting's new value with `entry` for its context: an entry for the same context is
 * replaced in place, every other entry (even one that does not validate) is kept as it was.
 */
export function withMetricsSource(existing: unknown, entry: MetricsSourceSetting): unknown[] {
  const list = Array.isArray(existing) ? [...(existing as unknown[])] : [];
  const same = list.findIndex((e) => typeof e === "object" && e !== null && (e as { context?: unknown }).context === entry.context);
  if (same >= 0) list[same] = entry;
  else list.push(entry);
  return list;
}

/** A secretKey for a context's credentials at an origin: stable, so entering them again replaces them. */
export function secretKeyFor(context: string, origin: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${context}\n${origin}`) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  const readable = context.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 40);
  return `${readable}-${h.toString(16).padStart(8, "0")}`;
}
