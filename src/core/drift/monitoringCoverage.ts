import { serviceLabel } from "../kube/workloads/inferenceWorkload";
import type { Workload } from "../kube/workloads/workloadIndex";
import { sloSpecOfAnnotations, type SloSpec } from "../metrics/sloTargets";
import type { ServiceManifest } from "../manifest/serviceManifest";
import type { Coverage } from "../../shared/protocol/drift";

/**
 * Monitoring coverage of production services, against the seeds' target of 90 % of production
 * models with drift monitoring. A service counts as monitored for:
 * - latency: its SLO names a p95 latency (the manifest's `slo`, or the aiplatform.dev/slo
 *   annotation a deployed workload carries); tier defaults alone are not a configuration;
 * - errors: its SLO names an error rate or an availability;
 * - drift: its manifest has `monitoring.drift`;
 * - data quality: a drift check (it measures missing shares, new categories, out-of-range
 *   values) or `monitoring.dataQuality: true`.
 * Production is what the manifests say: an environment with `production: true`, and in the
 * cluster any workload in a context and namespace such an environment deploys to (the rule the
 * editor's isProductionTarget uses for rollbacks).
 */

export const coverageTarget = 0.9;

export interface CoverageManifest {
  /** Where the manifest is, for the service's row when it is not (yet) in the cluster. */
  readonly file: string;
  readonly manifest: ServiceManifest;
}

/** A cluster workload, reduced to what coverage reads. */
export interface CoverageWorkload {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** A Deployments row as coverage sees it: the InferenceService's metadata, else the Deployment's. */
export function coverageWorkloadOf(context: string, w: Workload): CoverageWorkload {
  const meta = w.inferenceService?.metadata ?? w.deployment?.metadata;
  return { context, namespace: w.namespace, name: w.name, labels: meta?.labels, annotations: meta?.annotations };
}

interface Configured {
  latency: boolean;
  errors: boolean;
  dataQuality: boolean;
  drift: boolean;
}

const sloConfigured = (slo: SloSpec | undefined): Pick<Configured, "latency" | "errors"> => ({
  latency: slo?.p95LatencyMs !== undefined,
  errors: slo?.errorRate !== undefined || slo?.availability !== undefined,
});

function manifestConfigured(m: ServiceManifest): Configured {
  const drift = m.monitoring?.drift !== undefined;
  return { ...sloConfigured(m.slo), drift, dataQuality: drift || m.monitoring?.dataQuality === true };
}

const productionEnvironments = (m: ServiceManifest): ServiceManifest["environments"][string][] => Object.values(m.environments).filter((e) => e.production);

/** The manifest a workload was rendered from names it: its service label, else its name. */
const serviceNameOf = (w: CoverageWorkload): string => w.labels?.[serviceLabel] ?? w.labels?.["app.kubernetes.io/name"] ?? w.name;

export function monitoringCoverage(input: { readonly manifests: readonly CoverageManifest[]; readonly workloads?: readonly CoverageWorkload[] }): Coverage {
  type Row = Coverage["services"][number];
  const rows = new Map<string, Row>();
  const merge = (service: string, where: "workspace" | "cluster", c: Configured): void => {
    const before = rows.get(service);
    if (!before) {
      rows.set(service, { service, where, ...c });
      return;
    }
    rows.set(service, {
      service,
      where: before.where === where ? where : "both",
      latency: before.latency || c.latency,
      errors: before.errors || c.errors,
      dataQuality: before.dataQuality || c.dataQuality,
      drift: before.drift || c.drift,
    });
  };

  // Every production target (context, namespace) the manifests declare, with the manifests deploying there.
  const targets = new Map<string, CoverageManifest[]>();
  const key = (context: string, namespace: string): string => `${context}\u0000${namespace}`;
  for (const m of input.manifests) {
    const envs = productionEnvironments(m.manifest);
    if (envs.length === 0) continue;
    // A manifest is one service, whatever number of production environments it has; named as the cluster names it.
    const first = envs[0];
    merge(first ? `${first.namespace}/${m.manifest.name}` : m.manifest.name, "workspace", manifestConfigured(m.manifest));
    for (const e of envs) {
      for (const ns of [e.namespace, ...(e.allowedNamespaces ?? [])]) {
        const k = key(e.context, ns);
        targets.set(k, [...(targets.get(k) ?? []), m]);
      }
    }
  }

  for (const w of input.workloads ?? []) {
    const here = targets.get(key(w.context, w.namespace));
    if (!here) continue;
    const own = here.find((m) => m.manifest.name === serviceNameOf(w));
    const fromCluster: Configured = { ...sloConfigured(sloSpecOfAnnotations(w.annotations)), drift: false, dataQuality: false };
    if (own) {
      // The row of its manifest: what the workspace configures, and what the deployed objects carry.
      const first = productionEnvironments(own.manifest)[0];
      merge(first ? `${first.namespace}/${own.manifest.name}` : own.manifest.name, "cluster", fromCluster);
    } else merge(`${w.namespace}/${w.name}`, "cluster", fromCluster);
  }

  const services = [...rows.values()].sort((a, b) => a.service.localeCompare(b.service, "en"));
  const n = services.length;
  const share = (k: keyof Configured): number => (n === 0 ? 0 : services.filter((s) => s[k]).length / n);
  return { productionServices: n, latency: share("latency"), errors: share("errors"), dataQuality: share("dataQuality"), drift: share("drift"), target: coverageTarget, services };
}
