import type { MetricsError, MetricsSourceKind } from "../core/metrics/metricsSource";

/** The environment variables `aiplat metrics` reads credentials from; never printed. */
export const MetricsAuthEnv = {
  token: "AIPLAT_METRICS_TOKEN",
  username: "AIPLAT_METRICS_USERNAME",
  password: "AIPLAT_METRICS_PASSWORD",
} as const;

const forQuery = (e: MetricsError): string => (e.query ? `\n  query: ${e.query}` : "");

function credentialAdvice(kind: MetricsSourceKind | undefined, status: 401 | 403): string {
  const azure = kind === "azure-managed-prometheus" || kind === "azure-monitor";
  if (status === 401) {
    return azure
      ? "DefaultAzureCredential needs a signed-in identity of the right tenant: run az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
      : `set ${MetricsAuthEnv.token} (bearer), or ${MetricsAuthEnv.username} and ${MetricsAuthEnv.password} (basic)`;
  }
  if (kind === "azure-managed-prometheus") return "the identity needs the Monitoring Data Reader role on the Azure Monitor workspace";
  if (kind === "azure-monitor") return "the identity needs the Monitoring Reader role on the resource or its subscription";
  return "the credentials are valid but may not query; ask whoever runs this Prometheus for read access";
}

function wait(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** A MetricsError for a terminal: which source, what went wrong, then flags and variables that fix it; the query on its own line. */
export function describeMetricsErrorForTerminal(e: MetricsError, kind?: MetricsSourceKind): string {
  switch (e.kind) {
    case "unauthorized":
      if (e.noToken) return `no token for ${e.source}${e.detail ? `: ${e.detail}` : ""}; ${credentialAdvice(kind, 401)}${forQuery(e)}`;
      return `${e.source} refused the credentials (401)${e.detail ? `: ${e.detail}` : ""}; ${credentialAdvice(kind, 401)}${forQuery(e)}`;
    case "forbidden":
      return `${e.source} answered 403 Forbidden${e.detail ? `: ${e.detail}` : ""}; ${credentialAdvice(kind, 403)}${forQuery(e)}`;
    case "rate-limited":
      return `${e.source} is rate-limiting requests (429)${e.retryAfterMs !== undefined ? `; it asks to wait ${wait(e.retryAfterMs)} before trying again` : "; try again later"}${forQuery(e)}`;
    case "timeout":
      return `${e.source} did not answer within ${wait(e.afterMs)}; try a shorter --range, or check the source's load${forQuery(e)}`;
    case "unreachable":
      return `cannot reach ${e.source}: ${e.detail}; check --source and the network${forQuery(e)}`;
    case "bad-response":
      return `${e.source} did not answer with the metrics API's JSON (HTTP ${e.status}: ${e.detail}); a proxy or login page may be in front of it, check --source${forQuery(e)}`;
    case "query-failed":
      return `${e.source} rejected the query (HTTP ${e.status}, ${e.errorType}): ${e.message}${forQuery(e)}`;
    case "too-large":
      return `${e.source} returned more data than aiplat accepts (${e.detail}); try a shorter --range${forQuery(e)}`;
    case "not-found":
      return `no metrics source: ${e.detail}; pass --source with a Prometheus URL, service:<namespace>/<service>:<port>, or azure-prometheus:<query endpoint>`;
    case "cancelled":
      return "interrupted; no metrics were read";
  }
}
