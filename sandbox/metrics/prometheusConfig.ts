/**
 * The scrape configuration of the sandbox's Prometheus: a pod job, a GPU-node job and a kubelet job over the
 * file_sd files ScrapeTargetsFile keeps current. Not kubernetes_sd, because Debian's Prometheus
 * is built without it (see scrapeTargetsFile.ts); the target labels are the ones a kubernetes_sd
 * setup with kube-prometheus' relabelling gives.
 */
import { stringify } from "yaml";
import { kubeletJob } from "./cadvisorMetrics";
import { dcgmJob, modelServerJob } from "./exporters";

export interface SandboxScrapeConfigOptions {
  /** ScrapeTargetsFile.podsFile. */
  podsFile: string;
  /** ScrapeTargetsFile.gpuNodesFile. */
  gpuNodesFile: string;
  /** ScrapeTargetsFile.nodesFile: the kubelets' cAdvisor. */
  nodesFile?: string;
  /** Default "15s", as kube-prometheus-stack. */
  scrapeInterval?: string;
}


/** The prometheus.yml for the sandbox. */
export function sandboxPrometheusConfig(opts: SandboxScrapeConfigOptions): string {
  const interval = opts.scrapeInterval ?? "15s";
  // inotify applies a rewrite at once; the refresh is a safety net for file systems without it.
  const fileSd = (file: string) => [{ files: [file], refresh_interval: "30s" }];
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [
      { job_name: modelServerJob, file_sd_configs: fileSd(opts.podsFile) },
      // dcgm-exporter labels each GPU with the namespace and pod using it: those win, as with
      // honorLabels: true in the GPU operator's ServiceMonitor.
      { job_name: dcgmJob, honor_labels: true, file_sd_configs: fileSd(opts.gpuNodesFile) },
      // cAdvisor's namespace, pod and container win too: kube-prometheus-stack's kubelet ServiceMonitor sets honorLabels.
      ...(opts.nodesFile ? [{ job_name: kubeletJob, honor_labels: true, file_sd_configs: fileSd(opts.nodesFile) }] : []),
    ],
  };
  return stringify(config);
}
