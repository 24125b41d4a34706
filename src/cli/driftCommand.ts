import { driftCheckRequest } from "../core/drift/driftCheckRequest";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { manifestFileNames } from "../core/manifest/manifestFileName";
import { parseManifest } from "../core/manifest/parseManifest";
import { readManifestFile } from "../core/manifest/readManifestFile";
import type { DriftFeatureSpec, DriftMonitoring } from "../core/manifest/serviceManifest";
import { DriftResult } from "../shared/protocol/drift";
import { ExitCode, type CliCommandHost, type CliIo } from "./aiplat";

/** A path or glob on one line, as the manifest takes them. */
const specFlag = (flag: string) => z.string().min(1, `${flag} needs a file or glob`).regex(/^[^\0\n\r]*$/, `${flag} must be one line`);

const DriftOptions = z.object({
  reference: specFlag("--reference").optional(),
  current: specFlag("--current").optional(),
  manifest: z.string().min(1, "--manifest needs a file path").optional(),
  features: z
    .string()
    .transform((t) => [...new Set(t.split(",").map((f) => f.trim()))])
    .refine((fs) => fs.every((f) => f !== ""), "--features: a comma-separated list of column names, e.g. age,income")
    .optional(),
  psi: z.boolean().default(false),
  sample: z.coerce.number<string>({ error: "--sample: a whole number of rows" }).int("--sample: a whole number of rows").min(1, "--sample: at least 1 row").max(100_000_000).optional(),
  seed: z.coerce.number<string>({ error: "--seed: a whole number from 0" }).int("--seed: a whole number from 0").min(0, "--seed: a whole number from 0").max(2 ** 32 - 1, "--seed: at most 2^32 − 1").optional(),
  service: z.string().min(1).max(500).optional(),
  failOnDrift: z.boolean().default(false),
  save: z.boolean().default(false),
  output: z.enum(["table", "json"]),
});
type DriftOptions = z.infer<typeof DriftOptions>;

/**
 * `aiplat drift`: compare a current dataset with a reference the way Evidently's data drift preset
 * does, from the same engine as the editor's drift dashboard. With --fail-on-drift it is a CI gate:
 * exit 1 when the dataset drifts, 2 when no verdict could be reached (bad flags, unreadable data).
 */
export function registerDriftCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("drift")
    .description("check a current dataset (CSV, Parquet, JSON Lines) for drift against a reference, per feature and for the dataset, with Evidently's tests and thresholds; --fail-on-drift exits 1 when the dataset drifts")
    .option("--reference <path>", "the reference data: a file or glob (default: the manifest's monitoring.drift.reference)")
    .option("--current <path>", "the current data: a file or glob (default: the manifest's monitoring.drift.current)")
    .option("--manifest <file>", "the service manifest whose monitoring.drift to use (default: aiplatform.yaml in the current folder, if it has one)")
    .option("--features <names>", "only these columns, comma-separated (default: the manifest's features, else every column both sides share)")
    .option("--psi", "also compute PSI for each feature (Evidently's binning)")
    .option("--sample <rows>", "check a seeded random sample of this many rows per side")
    .option("--seed <n>", "the sample's seed (default: the manifest's, else 0)")
    .option("--service <name>", "the service the check is for, for --save without a manifest (default: the manifest's name)")
    .option("--fail-on-drift", "exit 1 when the dataset drifts (for CI); 2 when there is no verdict (unreadable data, a partial result)")
    .option("--save", "keep the result under .aiplatform/drift/<service>/ in the current folder, as history for the drift dashboard")
    .addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (raw: unknown) => {
      setExitCode(await drift(DriftOptions.parse(raw), io));
    });
}

/** The check to run: the specs relative to `base`, and what the manifest (if any) adds. */
interface DriftPlan {
  readonly base: string;
  readonly reference: string;
  readonly current: string;
  readonly monitoring: Partial<DriftMonitoring>;
  readonly service: string | null;
  readonly modelVersion: string | null;
}

/** A flag's path, made relative to the manifest's folder the other specs are relative to. */
function relativeTo(base: string, flag: string, cwd: string): string {
  if (path.isAbsolute(flag)) return flag;
  const rel = path.relative(base, path.resolve(cwd, flag));
  return rel.split(path.sep).join("/");
}

/**
 * Where the check's inputs come from: --manifest, else aiplatform.yaml here when it has
 * monitoring.drift; --reference and --current win over the manifest's. A manifest that was named
 * and cannot be used is an error; one merely found here is only used when it has monitoring.drift.
 */
async function planCheck(opts: DriftOptions, io: CliIo): Promise<{ ok: true; plan: DriftPlan } | { ok: false; message: string }> {
  const named = opts.manifest !== undefined ? path.resolve(io.cwd, opts.manifest) : undefined;
  const file = named ?? manifestFileNames.map((f) => path.join(io.cwd, f)).find((f) => existsSync(f));
  let monitoring: Partial<DriftMonitoring> = {};
  let base = io.cwd;
  let service: string | null = opts.service ?? null;
  let modelVersion: string | null = null;
  if (file !== undefined) {
    const shown = path.relative(io.cwd, file) || file;
    const read = await readManifestFile(file);
    const parsed = read.ok ? parseManifest(read.text) : undefined;
    const problem = !read.ok ? read.message : parsed && !parsed.ok ? `${shown} is not a valid service manifest (aiplat check ${shown} says where): ${parsed.problems[0]?.message ?? "invalid"}` : undefined;
    const drift = parsed?.ok ? parsed.manifest.monitoring?.drift : undefined;
    if (problem !== undefined) {
      if (named !== undefined || opts.reference === undefined || opts.current === undefined) return { ok: false, message: problem };
      io.err(`aiplat: warning: ${problem}; ignored, since --reference and --current are given\n`);
    } else if (parsed?.ok && drift === undefined && named !== undefined) {
      return { ok: false, message: `${shown} has no monitoring.drift; add one (reference, current) or pass --reference and --current without --manifest` };
    } else if (parsed?.ok && drift !== undefined) {
      monitoring = drift;
      base = path.dirname(file);
      service ??= parsed.manifest.name;
      modelVersion = parsed.manifest.model.version ?? null;
    }
  }
  const reference = opts.reference !== undefined ? relativeTo(base, opts.reference, io.cwd) : monitoring.reference;
  const current = opts.current !== undefined ? relativeTo(base, opts.current, io.cwd) : monitoring.current;
  if (reference === undefined || current === undefined) {
    const missing = [reference === undefined ? "--reference" : undefined, current === undefined ? "--current" : undefined].filter(Boolean).join(" and ");
    return { ok: false, message: `pass ${missing}, or run where aiplatform.yaml has monitoring.drift (or name it with --manifest)` };
  }
  return { ok: true, plan: { base, reference, current, monitoring, service, modelVersion } };
}

/** The manifest's feature overrides, narrowed to --features when given. */
function featureSpecs(flag: readonly string[] | undefined, fromManifest: readonly DriftFeatureSpec[] | undefined): DriftFeatureSpec[] | undefined {
  if (flag === undefined) return fromManifest ? [...fromManifest] : undefined;
  return flag.map((name) => fromManifest?.find((f) => f.name === name) ?? { name });
}

/** Progress on one rewritten stderr line, only when a person watches a terminal (ask is offered then). */
function progressLine(io: CliIo): { update: (percent: number, message: string) => void; clear: () => void } {
  if (!io.ask) return { update: () => undefined, clear: () => undefined };
  let shown = false;
  return {
    update: (percent, message) => {
      shown = true;
      io.err(`\r\x1b[Kaiplat: ${Math.round(percent)} % ${message}`);
    },
    clear: () => {
      if (shown) io.err("\r\x1b[K");
    },
  };
}

async function drift(opts: DriftOptions, io: CliIo): Promise<number> {
  const planned = await planCheck(opts, io);
  if (!planned.ok) {
    io.err(`aiplat: error: ${planned.message}\n`);
    return ExitCode.usage;
  }
  const { plan } = planned;
  // Refuse an unusable --service before reading gigabytes.
  const { driftHistoryDir, writeDriftHistory } = await import("../core/drift/driftHistory");
  const { describeDriftCheckErrorForTerminal, describeDriftHistoryErrorForTerminal } = await import("./driftErrors");
  if (opts.save) {
    if (plan.service === null) {
      io.err("aiplat: error: --save keeps the result under the service's name: pass --service <name>, or use a manifest with monitoring.drift\n");
      return ExitCode.usage;
    }
    const dir = driftHistoryDir(io.cwd, plan.service);
    if (!dir.ok) {
      io.err(`aiplat: error: ${describeDriftHistoryErrorForTerminal(dir.error)}\n`);
      return ExitCode.usage;
    }
  }
  const m = plan.monitoring;
  const features = featureSpecs(opts.features, m.features);
  // The engine and its worker load with this command only.
  const { runDriftCheck } = await import("../core/drift/driftRunner");
  const progress = progressLine(io);
  const ran = await runDriftCheck(
    driftCheckRequest(plan.base, { ...m, reference: plan.reference, current: plan.current }, { ...(features ? { features } : {}), ...(opts.psi ? { psi: true } : {}), ...(opts.sample !== undefined ? { sampleRows: opts.sample } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) }),
    { ...(io.signal ? { signal: io.signal } : {}), onProgress: progress.update },
  );
  progress.clear();
  if (!ran.ok) {
    io.err(`aiplat: error: ${describeDriftCheckErrorForTerminal(ran.error)}\n`);
    if (ran.error.kind === "worker-failed" && io.env["AIPLAT_DEBUG"]) io.err(`${ran.error.detail}\n`);
    // Exit 1 means "the dataset drifts" to a CI gate, so anything that leaves no verdict is 2.
    return ExitCode.usage;
  }
  const result = DriftResult.parse({ ...ran.result, service: plan.service, modelVersion: plan.modelVersion });
  io.out(opts.output === "json" ? `${JSON.stringify(result, null, 2)}\n` : (await import("./driftOutput")).driftTable(result));
  if (opts.save && plan.service !== null) {
    const saved = await writeDriftHistory(io.cwd, plan.service, result);
    if (!saved.ok) {
      io.err(`aiplat: error: ${describeDriftHistoryErrorForTerminal(saved.error)}\n`);
      return ExitCode.environment;
    }
    io.err(`aiplat: saved ${path.relative(io.cwd, saved.file)}\n`);
  }
  if (!opts.failOnDrift) return ExitCode.ok;
  // A gate passes only on a whole verdict: a partial result, or one where no feature could be judged, is not one.
  const judged = result.features.filter((f) => f.score !== null).length;
  if (result.partial) {
    io.err(`aiplat: error: the result is partial (${result.partial.reason}); no verdict\n`);
    return ExitCode.usage;
  }
  if (judged === 0) {
    io.err("aiplat: error: no feature could be checked (see above); no verdict\n");
    return ExitCode.usage;
  }
  if (result.datasetDrift) {
    io.err(`aiplat: dataset drift: ${result.driftedFeatures} of ${judged} features drifted (${Math.round(result.driftShare * 100)} % ≥ ${Math.round(result.driftShareThreshold * 100)} %)\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}
