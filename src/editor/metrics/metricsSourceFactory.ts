import { readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import { createPrometheusSource } from "../../core/metrics/prometheusSource";
import type { MetricsSourcePlan } from "./metricsSourceResolution";

export const azurePrometheusScope = "https://prometheus.monitor.azure.com/.default";
export const azureManagementScope = "https://management.azure.com/.default";

export type BuiltSource = { readonly ok: true; readonly source: MetricsSource } | { readonly ok: false; readonly problem: string };

/**
 * Builds the source a plan describes. Loaded on first use (not at activation); the Azure Monitor
 * source loads its SDK only when it first queries, so a Prometheus user never pays for it.
 */
export async function createMetricsSourceFromPlan(plan: MetricsSourcePlan, credential: (tenantId: string | undefined) => TokenCredential): Promise<BuiltSource> {
  switch (plan.kind) {
    case "prometheus": {
      let caCert: string | undefined;
      if (plan.caFile) {
        try {
          caCert = await readFile(plan.caFile, "utf8");
        } catch (e) {
          return { ok: false, problem: `Cannot read the CA file ${plan.caFile} named in the metrics source's caFile: ${e instanceof Error ? e.message : String(e)}.` };
        }
      }
      const endpoint = plan.endpoint.kind === "url" && caCert !== undefined ? { ...plan.endpoint, caCert } : plan.endpoint;
      return { ok: true, source: createPrometheusSource({ endpoint, auth: plan.auth }) };
    }
    case "azure-managed-prometheus":
      return {
        ok: true,
        source: createPrometheusSource({
          endpoint: { kind: "url", url: plan.url },
          auth: { kind: "token-credential", credential: credential(plan.tenantId), scope: azurePrometheusScope },
          kind: "azure-managed-prometheus",
        }),
      };
    case "azure-monitor": {
      const { createAzureMonitorSource } = await import("../../core/metrics/azureMonitorSource");
      return { ok: true, source: createAzureMonitorSource({ credential: credential(plan.tenantId), subscriptionId: plan.subscriptionId, scope: azureManagementScope }) };
    }
  }
}
