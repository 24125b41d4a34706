/**
 * The sandbox's metrics stack, started next to its API server: the exporter server, the
 * backfilled history, the file_sd targets and the real Prometheus that scrapes them, which also
 * backs the service proxy of the demo's monitoring/kube-prometheus-stack-prometheus.
 */
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type SandboxApiServer } from "../apiServer";
import { writeBackfill } from "./backfill";
import { SandboxExporters } from "./exporters";
import { sandboxPrometheusConfig } from "./prometheusConfig";
import { createBlocksFromOpenMetrics, type RunningPrometheus, startPrometheus } from "./prometheusServer";
import { ScrapeTargetsFile } from "./scrapeTargetsFile";

/** The Service kube-prometheus-stack creates, which the demo scenario has and the product detects. */
export const sandboxPrometheusService = { namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: 9090 } as const;

export interface SandboxMetricsOptions {
  /** Days of history promtool writes before Prometheus starts; 0 starts empty. Default 7. */
  backfillDays?: number;
  /** Folder for the TSDB, its config and the target files, created fresh and removed on stop. A temp folder by default. */
  dir?: string;
  /** Default "15s". */
  scrapeInterval?: string;
  /** Progress and Prometheus' own log lines. */
  log?: (line: string) => void;
}

export interface SandboxMetrics {
  readonly prometheus: RunningPrometheus;
  readonly exporters: SandboxExporters;
  readonly targets: ScrapeTargetsFile;
  /** "monitoring/kube-prometheus-stack-prometheus:9090": the service-proxy way to Prometheus. */
  readonly serviceProxy: string;
  /** What the backfill wrote, if it ran. */
  readonly backfill: { series: number; samples: number } | undefined;
  stop(): Promise<void>;
}

export async function startSandboxMetrics(server: SandboxApiServer, opts: SandboxMetricsOptions = {}): Promise<SandboxMetrics> {
  const log = opts.log ?? (() => {});
  const dir = opts.dir ? path.resolve(opts.dir) : await mkdtemp(path.join(tmpdir(), "aiplat-prometheus-"));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const store = server.store;
  const cleanups: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => log(`[metrics] stopping: ${(e as Error).message}`));
  };
  try {
    const exporters = await SandboxExporters.start(store);
    cleanups.push(() => exporters.stop());
    const tsdb = path.join(dir, "tsdb");
    const days = opts.backfillDays ?? 7;
    let backfill: { series: number; samples: number } | undefined;
    if (days > 0) {
      // History ends now and live scrapes start after it: the head block accepts only samples newer than the last block.
      const file = path.join(dir, "backfill.om");
      backfill = await writeBackfill(store, { now: Date.now(), days, file });
      log(`[metrics] backfilled ${days} d: ${backfill.series} series, ${backfill.samples} samples`);
      // promtool rereads the file once per block window: one window for the whole range takes a
      // third of the time of daily blocks (7 d: 8 s instead of 24 s). Prometheus keeps bigger blocks as they are.
      await createBlocksFromOpenMetrics(file, tsdb, { maxBlockDuration: `${days * 24}h` });
      await rm(file, { force: true });
    }
    const targets = await ScrapeTargetsFile.start(store, { dir: path.join(dir, "targets"), exportersUrl: exporters.url });
    cleanups.push(() => targets.stop());
    const prometheus = await startPrometheus({
      dataDir: tsdb,
      configYaml: sandboxPrometheusConfig({ podsFile: targets.podsFile, gpuNodesFile: targets.gpuNodesFile, nodesFile: targets.nodesFile, ...(opts.scrapeInterval ? { scrapeInterval: opts.scrapeInterval } : {}) }),
      // Retention counts from the newest block, so the backfill is safe; keep a month like a real setup.
      retention: `${Math.max(30, days + 1)}d`,
      log,
    });
    cleanups.push(() => prometheus.stop());
    const { namespace, name, port } = sandboxPrometheusService;
    server.registerServiceBackend(namespace, name, prometheus.url);
    cleanups.push(() => {
      server.unregisterServiceBackend(namespace, name);
      return Promise.resolve();
    });
    return { prometheus, exporters, targets, serviceProxy: `${namespace}/${name}:${port}`, backfill, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
