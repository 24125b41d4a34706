import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { describeKubeconfigError, kubeConfigForContext, type KubeconfigResult } from "../core/kube/client/kubeconfig";
import { parseManifest } from "../core/manifest/parseManifest";
import { renderKubernetesObjects } from "../core/manifest/renderKubernetes";
import type { ServiceManifest } from "../core/manifest/serviceManifest";
import { fetchClusterCapacity, type ClusterCapacity } from "../core/policy/clusterCapacity";
import { manifestLocator, type ManifestLocation } from "../core/manifest/manifestLocations";
import { evaluatePolicies, type PolicyFinding } from "../core/policy/policyEvaluator";
import { ExitCode, loadCliKubeconfig, type CliCommandHost, type CliIo } from "./aiplat";
import { readManifestFile } from "../core/manifest/readManifestFile";
import { fetchModelApprovalFacts, type ModelApprovalFacts } from "../core/registry/modelApproval";
import { cliRegistryFromEnv } from "./cliModelRegistry";

const CheckOptions = z.object({
  env: z.string().min(1, "--env needs an environment name, e.g. --env prod").optional(),
  live: z.boolean().default(false),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  output: z.enum(["text", "json"]),
  unpinnedProd: z.enum(["error", "warning"]).default("error"),
});
type CheckOptions = z.infer<typeof CheckOptions>;


export function registerCheckCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("check")
    .description("run the policy gates on aiplatform.yaml, like a linter: exit 1 on any error finding, 0 when only warnings remain")
    .argument("<manifest>", "the service manifest, e.g. aiplatform.yaml")
    .option("-e, --env <name>", "check one environment (default: every environment in the manifest)")
    .option("--live", "read free GPUs from each environment's cluster (its kubeconfig context) for the gpu-capacity rule, and the model version's approval from the registry (MLFLOW_TRACKING_URI) for model-approved")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" for --live (default: KUBECONFIG, else ~/.kube/config)`)
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(
      new Option("--unpinned-prod <severity>", "how a production image without a digest counts: error, or warning (\"not yet deployable\"; deploy still refuses it)")
        .choices(["error", "warning"])
        .default("error"),
    )
    .action(async (manifest: string, raw: unknown) => {
      setExitCode(await check(manifest, CheckOptions.parse(raw), io));
    });
}

/**
 * A freshly scaffolded service has a tag, not a digest, in production until its first image is
 * built and pushed. `--unpinned-prod warning` (what the scaffolded CI workflow passes for
 * production environments) reports that as "not yet deployable" instead of failing the build,
 * so the golden path is green on the first pull request while every other production gate still
 * fails it; deploy runs the same rule as an error regardless, so production stays safe.
 */
const unpinnedRule = "immutable-image-in-production";

interface Located extends PolicyFinding {
  readonly location: ManifestLocation;
}

const at = (shown: string, l: ManifestLocation): string => `${shown}:${l.line}:${l.column}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 || word === "info" ? "" : "s"}`;

/** Free GPUs of an environment's cluster, or why they could not be read. */
async function liveCapacity(loaded: KubeconfigResult, manifest: ServiceManifest, env: string): Promise<{ ok: true; capacity: ClusterCapacity } | { ok: false; message: string }> {
  if (!loaded.ok) return { ok: false, message: describeKubeconfigError(loaded.error) };
  const contextName = manifest.environments[env]?.context ?? "";
  const target = kubeConfigForContext(loaded, contextName);
  if (!target) return { ok: false, message: `the kubeconfig has no context ${contextName} (environments.${env}.context); kubectl config get-contexts lists those it has` };
  const result = await fetchClusterCapacity(target.kubeConfig);
  if (!result.ok) return { ok: false, message: `cannot read nodes and pods from context ${contextName}: ${result.error.message}` };
  return { ok: true, capacity: result.capacity };
}

async function check(manifestArg: string, opts: CheckOptions, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, manifestArg);
  const shown = path.relative(io.cwd, file) || file;
  const read = await readManifestFile(file);
  if (!read.ok) {
    io.err(`aiplat: ${read.message}\n`);
    return ExitCode.failed;
  }

  // YAML syntax errors and schema issues, each with its line and column (the editor shows the same).
  const parsed = parseManifest(read.text);
  if (!parsed.ok) {
    if (opts.output === "json") {
      io.out(`${JSON.stringify({ file: shown, valid: false, problems: parsed.problems.map((p) => ({ message: p.message, path: p.path, location: p.range })) }, null, 2)}\n`);
    } else {
      for (const p of parsed.problems) io.out(`${at(shown, p.range)} error schema: ${p.message}\n`);
      io.out(`${shown} is not a valid service manifest: ${plural(parsed.problems.length, "problem")}\n`);
    }
    return ExitCode.failed;
  }
  const manifest = parsed.manifest;
  const names = Object.keys(manifest.environments);
  if (opts.env !== undefined && !names.includes(opts.env)) {
    io.err(`aiplat: ${shown} has no environment ${JSON.stringify(opts.env)}; it defines ${names.join(", ")}\n`);
    return ExitCode.usage;
  }
  const envs = opts.env !== undefined ? [opts.env] : names;

  let failed = false;
  const loaded = opts.live ? await loadCliKubeconfig(opts.kubeconfig, io) : undefined;
  if (loaded && !loaded.ok) {
    io.err(`aiplat: --live needs a kubeconfig: ${describeKubeconfigError(loaded.error)}\n`);
    return ExitCode.environment;
  }
  // The approval gate asks the registry only with --live: a plain check stays offline, like gpu-capacity.
  const registry = opts.live ? await cliRegistryFromEnv(io) : { kind: "none" as const };
  if (registry.kind === "invalid") {
    io.err(`aiplat: model approval not checked: ${registry.message}\n`);
    failed = true;
  }
  const locate = manifestLocator(read.text);
  const findings: Located[] = [];
  const notYetDeployable = new Set<string>();
  for (const env of envs) {
    const environment = manifest.environments[env];
    const rendered = renderKubernetesObjects(manifest, env);
    if (!environment || !rendered.ok) {
      io.err(`aiplat: ${rendered.ok ? `no environment ${env}` : rendered.error}\n`);
      failed = true;
      continue;
    }
    let cluster: ClusterCapacity | undefined;
    const signal = io.signal ?? new AbortController().signal;
    const [live, model]: [Awaited<ReturnType<typeof liveCapacity>> | undefined, ModelApprovalFacts | undefined] = await Promise.all([
      loaded ? liveCapacity(loaded, manifest, env) : undefined,
      registry.kind === "ready" ? fetchModelApprovalFacts(manifest, env, registry.registry, signal) : undefined,
    ]);
    if (live?.ok) cluster = live.capacity;
    else if (live) {
      io.err(`aiplat: ${env}: GPU capacity not checked: ${live.message}\n`);
      failed = true;
    }
    const found = evaluatePolicies({ manifest, envName: env, environment, objects: rendered.objects, ...(cluster ? { cluster } : {}), ...(model ? { model } : {}) }).map((f) => {
      if (f.ruleId !== unpinnedRule || opts.unpinnedProd !== "warning") return f;
      notYetDeployable.add(env);
      return { ...f, severity: "warning" as const };
    });
    const located = found.map((f) => ({ ...f, location: locate(f.manifestPath) }));
    // Linter order within an environment: by place in the file.
    located.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
    findings.push(...located);
  }

  const count = (s: PolicyFinding["severity"]): number => findings.filter((f) => f.severity === s).length;
  const summary = { errors: count("error"), warnings: count("warning"), info: count("info") };
  if (opts.output === "json") {
    io.out(`${JSON.stringify({ file: shown, valid: true, environments: envs, findings, summary, notYetDeployable: [...notYetDeployable] }, null, 2)}\n`);
  } else {
    for (const f of findings) io.out(`${at(shown, f.location)} ${f.severity} ${f.ruleId}: ${f.message} [${f.environment}]  fix: ${f.fixHint}\n`);
    const tally = findings.length === 0 ? "no findings" : [plural(summary.errors, "error"), plural(summary.warnings, "warning"), plural(summary.info, "info")].join(", ");
    io.out(`${shown}: ${tally} (${envs.join(", ")})\n`);
    for (const env of notYetDeployable) io.out(`${env} is not yet deployable: its image is not pinned by digest, so aiplat deploy and the editor refuse it until image: is <repository>@sha256:<digest>\n`);
  }
  return summary.errors > 0 || failed ? ExitCode.failed : ExitCode.ok;
}
