/**
 * The file_sd target files the sandbox's Prometheus reads: one target group per serving model
 * server pod, per GPU node (dcgm-exporter) and per node (the kubelet's cAdvisor), rewritten as the store changes. Debian's Prometheus is built without
 * kubernetes_sd (its NEWS.Debian, 1.5.0: "Kubernetes support has been completely removed"), so
 * the sandbox does the discovery a kubernetes_sd pod/node role plus kube-prometheus' relabelling
 * would do, and Prometheus picks the files up through inotify.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { type ObjectStore } from "../objectStore";
import { findResource } from "../resourceTypes";
import { kubeletTargetLabels } from "./cadvisorMetrics";
import { nodeTargetLabels, podTargetLabels } from "./exporters";
import { liveTarget } from "./runtimeMetricsTarget";

const podsType = findResource("", "v1", "pods")!;
const nodesType = findResource("", "v1", "nodes")!;

/** A file_sd target group: `[{ "targets": [...], "labels": {...} }]` is the file's whole content. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * Every pod whose model server is up, scraped at the exporter server's /pods/<ns>/<pod>/metrics,
 * with the target labels kube-prometheus gives a pod (job, instance = podIP:port, namespace, pod),
 * the same ones the backfill writes so that history and live series are one series.
 */
export function podTargetGroups(store: ObjectStore, exporterAddress: string): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const pod of store.list(podsType)) {
    const namespace = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    const live = liveTarget(store, namespace, name);
    if (!live) continue;
    groups.push({ targets: [exporterAddress], labels: { __metrics_path__: `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/metrics`, ...podTargetLabels(live.target) } });
  }
  return groups.sort((a, b) => (a.labels.__metrics_path__! < b.labels.__metrics_path__! ? -1 : 1));
}

/**
 * Every node with a GPU, scraped at /nodes/<node>/metrics: where the GPU operator runs
 * dcgm-exporter (GPU feature discovery's nvidia.com/gpu.product label). A NotReady node stays a
 * target, and is down, as its exporter would be.
 */
export function gpuNodeTargetGroups(store: ObjectStore, exporterAddress: string): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const node of store.list(nodesType)) {
    if (!node.metadata.labels?.["nvidia.com/gpu.product"]) continue;
    groups.push({ targets: [exporterAddress], labels: { __metrics_path__: `/nodes/${encodeURIComponent(node.metadata.name ?? "")}/metrics`, ...nodeTargetLabels(node) } });
  }
  return groups.sort((a, b) => (a.labels.node! < b.labels.node! ? -1 : 1));
}

/**
 * Every node's kubelet, scraped at /nodes/<node>/metrics/cadvisor with kube-prometheus-stack's
 * kubelet target labels (job kubelet, metrics_path /metrics/cadvisor, instance <IP>:10250, node).
 */
export function kubeletTargetGroups(store: ObjectStore, exporterAddress: string): TargetGroup[] {
  return store
    .list(nodesType)
    .map((node): TargetGroup => ({ targets: [exporterAddress], labels: { __metrics_path__: `/nodes/${encodeURIComponent(node.metadata.name ?? "")}/metrics/cadvisor`, ...kubeletTargetLabels(node) } }))
    .sort((a, b) => ((a.labels.node ?? "") < (b.labels.node ?? "") ? -1 : 1));
}

/** Keeps dir/pods.json, dir/gpu-nodes.json and dir/nodes.json equal to the store's Running pods, GPU nodes and nodes. */
export class ScrapeTargetsFile {
  private readonly written = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly store: ObjectStore,
    private readonly exporterAddress: string,
    readonly podsFile: string,
    readonly gpuNodesFile: string,
    readonly nodesFile: string,
  ) {}

  /** Writes both files, then rewrites them (debounced by debounceMs) whenever a pod or node changes. */
  static async start(store: ObjectStore, opts: { dir: string; exportersUrl: string; debounceMs?: number }): Promise<ScrapeTargetsFile> {
    await mkdir(opts.dir, { recursive: true });
    const files = new ScrapeTargetsFile(store, new URL(opts.exportersUrl).host, path.join(opts.dir, "pods.json"), path.join(opts.dir, "gpu-nodes.json"), path.join(opts.dir, "nodes.json"));
    await files.flush();
    const debounceMs = opts.debounceMs ?? 200;
    files.unsubscribe = store.subscribe((event) => {
      if (event.resource.group !== "" || (event.resource.plural !== "pods" && event.resource.plural !== "nodes")) return;
      files.timer ??= setTimeout(() => {
        files.timer = undefined;
        void files.flush();
      }, debounceMs);
    });
    return files;
  }

  /** Writes whatever changed now; resolves when it is on disk. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      await this.write(this.podsFile, podTargetGroups(this.store, this.exporterAddress));
      await this.write(this.gpuNodesFile, gpuNodeTargetGroups(this.store, this.exporterAddress));
      await this.write(this.nodesFile, kubeletTargetGroups(this.store, this.exporterAddress));
    });
    return this.writing;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
  }

  /** Write-then-rename, so Prometheus never reads half a file. */
  private async write(file: string, groups: TargetGroup[]): Promise<void> {
    const text = `${JSON.stringify(groups, null, 1)}\n`;
    if (this.written.get(file) === text) return;
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
    this.written.set(file, text);
  }
}
