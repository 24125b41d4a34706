import * as path from "node:path";
import { type Command, Option } from "commander";
import * as z from "zod";
import { isDns1123Label } from "../core/kube/objects/dns1123";
import { checkModelAliasName } from "../core/registry/modelAliasName";
import { defaultApprovalAlias, type ApprovalCriterion } from "../core/registry/modelApproval";
import type { ArtifactRoots } from "../core/registry/artifactRoots";
import type { ModelRegistry } from "../core/registry/modelRegistry";
import { modelsFilter } from "../core/registry/modelsFilter";
import { parseTrackingUri } from "../core/registry/registryTarget";
import { resolveServedBy } from "../core/registry/servedBy";
import { connectCliContext, ExitCode, loadCliKubeconfig, type CliCommandHost, type CliIo } from "./aiplat";
import { cliRegistryFromEnv } from "./cliModelRegistry";
import { describeRegistryFailureForTerminal, describeRegistryFromEnvProblem, describeRegistryNoteForTerminal, describeTrackingUriProblem, RegistryEnv } from "./modelsErrors";
import { modelListRow, modelsTable, servedTable, versionRow, versionsTable } from "./modelsOutput";
import { describeApproval, listRegisteredModels, readRegistry, readServingWorkloads, servedRows } from "./modelsServed";

const trackingUriFlag = z
  .string()
  .min(1, "--tracking-uri needs a URI")
  .superRefine((uri, ctx) => {
    const parsed = parseTrackingUri(uri);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `--tracking-uri ${uri}: ${describeTrackingUriProblem(parsed)}` });
  });

const common = {
  trackingUri: trackingUriFlag.optional(),
  output: z.enum(["table", "json"]),
};
/** `--artifact-root mlflow-artifacts:/=s3://bucket/mlartifacts`, repeatable: the artifactRoots of the Models view's setting. */
const artifactRoot = z
  .array(z.string().regex(/^[^=\s]+=[^=\s]+$/, "--artifact-root: expected PREFIX=ROOT, e.g. mlflow-artifacts:/=s3://mlflow-bucket/mlartifacts"))
  .default([])
  .transform((pairs): ArtifactRoots => Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])));
const cluster = {
  context: z.string().min(1, "--context needs a name").optional(),
  kubeconfig: z.string().min(1, "--kubeconfig needs at least one path").optional(),
  artifactRoot,
};

const ListOptions = z.object({
  ...common,
  ...cluster,
  filter: z.string().min(1, "--filter needs text or an MLflow filter").regex(/^[^\0\n\r]*$/, "--filter must be one line").optional(),
  servedBy: z.boolean(),
});
const VersionsOptions = z.object(common);
const approvalTag = z
  .string()
  .regex(/^[^=\s][^=]*=.*$/, "--approval-tag: expected key=value, e.g. approval=approved")
  .transform((t) => ({ key: t.slice(0, t.indexOf("=")), value: t.slice(t.indexOf("=") + 1) }));
const ServedOptions = z.object({
  ...common,
  ...cluster,
  namespace: z
    .string()
    .superRefine((n, ctx) => {
      if (!isDns1123Label(n)) ctx.addIssue({ code: "custom", message: `--namespace ${n}: not a DNS-1123 label (lowercase letters, digits and '-', at most 63)` });
    })
    .optional(),
  approvalAlias: z
    .string()
    .superRefine((a, ctx) => {
      if (checkModelAliasName(a) !== undefined) ctx.addIssue({ code: "custom", message: `--approval-alias ${a}: not an alias MLflow accepts (letters, digits, '_' and '-'; not latest or v<number>)` });
    })
    .optional(),
  approvalStage: z.enum(["Staging", "Production"], { error: "--approval-stage: Staging or Production" }).optional(),
  approvalTag: approvalTag.optional(),
});

// Said with the flag, as `aiplat metrics --source` does: `aiplat help …` prints options, not extra help text.
const trackingUriHelp = `the registry: http(s)://… (MLflow) or azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/…/workspaces/<workspace> (default: ${RegistryEnv.trackingUri}). Credentials: ${RegistryEnv.token} (bearer), or ${RegistryEnv.username} and ${RegistryEnv.password} (basic); ${RegistryEnv.caBundle} trusts a private CA; Azure ML signs in with DefaultAzureCredential (az login)`;

function registryOptions(c: Command): Command {
  return c.option("--tracking-uri <uri>", trackingUriHelp).addOption(new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"));
}

function clusterOptions(c: Command): Command {
  return c
    .option("--context <name>", "the kubeconfig context (default: its current context)")
    .option("--kubeconfig <paths>", `kubeconfig files separated by "${path.delimiter}" (default: KUBECONFIG, else ~/.kube/config)`)
    .option(
      "--artifact-root <prefix=root>",
      "where proxied artifacts live, to match a KServe storageUri with a version, e.g. mlflow-artifacts:/=s3://mlflow-bucket/mlartifacts (the server's --artifacts-destination); repeatable",
      (value: string, previous: string[] = []) => [...previous, value],
    );
}

/**
 * `aiplat models list|versions|served`: the registry from a terminal or CI, through the same
 * client and served-by resolution as the Models tree. Exit 1 when the registry fails (or, for
 * served, when something serves a model the registry lacks); 2 when no registry is configured.
 */
export function registerModelsCommand({ program, io, setExitCode }: CliCommandHost): void {
  const models = program
    .command("models")
    .description("the model registry (MLflow or Azure ML): registered models, their versions, and which version each workload serves");

  clusterOptions(
    registryOptions(
      models
        .command("list")
        .description("list the registered models with their latest version and aliases, and how many workloads serve each (when a kubeconfig context is usable)")
        .option("--filter <text>", "only models whose name contains this text, or an MLflow filter such as \"name LIKE 'fraud%'\" or \"tags.team = 'risk'\""),
    ),
  )
    .option("--no-served-by", "do not read the cluster for the served-by counts")
    .action(async (raw: unknown) => setExitCode(await list(ListOptions.parse(raw), io)));

  registryOptions(models.command("versions").description("list every version of a registered model, newest first, with aliases, stage, status, run and source").argument("<name>", "the registered model's name (quote names with spaces)"))
    .action(async (name: string, raw: unknown) => setExitCode(await versions(name, VersionsOptions.parse(raw), io)));

  clusterOptions(
    registryOptions(
      models
        .command("served")
        .description("list each serving workload with the registered model and version it serves, its health and whether that version is approved (shown only: aiplat check --live gates deploys on it); exit 1 when a workload serves a model, version or artifact the registry does not have")
        .option("-n, --namespace <name>", "only the workloads of this namespace (default: all namespaces)")
        .option("--approval-alias <alias>", "a version carrying this alias is approved (default: champion, unless another --approval-… is given)")
        .option("--approval-stage <stage>", "a version in this stage is approved (Staging or Production; stages are deprecated)")
        .option("--approval-tag <key=value>", "a version carrying this tag is approved, e.g. approval=approved"),
    ),
  )
    .action(async (raw: unknown) => setExitCode(await served(ServedOptions.parse(raw), io)));
}

/** The registry from --tracking-uri or MLflow's variables (the approval gate reads the same); undefined once the reason is written (exit 2). */
async function connectRegistry(trackingUri: string | undefined, io: CliIo): Promise<ModelRegistry | undefined> {
  const found = await cliRegistryFromEnv(trackingUri === undefined ? io : { ...io, env: { ...io.env, [RegistryEnv.trackingUri]: trackingUri } });
  if (found.kind === "ready") return found.registry;
  io.err(`aiplat: error: ${found.kind === "none" ? describeRegistryFromEnvProblem({ ok: false, kind: "not-configured" }) : found.message}\n`);
  return undefined;
}

function writeNotes(registry: ModelRegistry, io: CliIo): void {
  for (const n of registry.notes()) io.err(`aiplat: ${describeRegistryNoteForTerminal(n)}\n`);
}

async function list(opts: z.infer<typeof ListOptions>, io: CliIo): Promise<number> {
  const registry = await connectRegistry(opts.trackingUri, io);
  if (!registry) return ExitCode.environment;
  const found = await listRegisteredModels(registry, opts.filter === undefined ? undefined : modelsFilter(opts.filter), io.signal);
  if (!found.ok) {
    io.err(`aiplat: error: ${describeRegistryFailureForTerminal(found.failure, registry)}\n`);
    return ExitCode.failed;
  }
  const counts = opts.servedBy ? await servedByCounts(registry, opts, io) : undefined;
  writeNotes(registry, io);
  const rows = found.value.map((m) => modelListRow(m, counts === undefined ? undefined : (counts.get(m.name) ?? 0)));
  io.out(opts.output === "json" ? `${JSON.stringify(rows, null, 2)}\n` : modelsTable(rows));
  return ExitCode.ok;
}

/**
 * Served-by counts are extra: without a kubeconfig there are none (and no complaint); a cluster
 * or registry that fails here is a warning, since the list itself was read.
 */
async function servedByCounts(registry: ModelRegistry, opts: z.infer<typeof ListOptions>, io: CliIo): Promise<ReadonlyMap<string, number> | undefined> {
  if (opts.context === undefined && opts.kubeconfig === undefined) {
    const loaded = await loadCliKubeconfig(undefined, io);
    if (!loaded.ok || !loaded.currentContext) return undefined;
  }
  const cluster = await connectCliContext(opts, io).catch(() => undefined);
  if (!cluster) {
    io.err("aiplat: warning: no served-by counts (see above)\n");
    return undefined;
  }
  const reading = readServingWorkloads(cluster.kc, cluster.context.name, undefined, io.signal);
  const [workloads, read] = await Promise.all([reading, readRegistry(registry, reading, opts.artifactRoot, io.signal)]);
  if (!workloads.ok) {
    io.err(`aiplat: warning: no served-by counts: ${workloads.message}\n`);
    return undefined;
  }
  if (!read.ok) {
    io.err(`aiplat: warning: no served-by counts: ${describeRegistryFailureForTerminal(read.failure, registry)}\n`);
    return undefined;
  }
  return resolveServedBy(workloads.value, read.value.snapshot).byModel;
}

async function versions(name: string, opts: z.infer<typeof VersionsOptions>, io: CliIo): Promise<number> {
  const registry = await connectRegistry(opts.trackingUri, io);
  if (!registry) return ExitCode.environment;
  // The model first: an empty listing cannot tell "no versions" from "no such model".
  const model = await registry.getRegisteredModel(name, io.signal);
  if (!model.ok) {
    const missing = model.failure.kind === "api-error" && model.failure.errorCode === "RESOURCE_DOES_NOT_EXIST";
    io.err(`aiplat: error: ${missing ? `no registered model named "${name}" in ${registry.displayUrl} (aiplat models list --filter shows similar names)` : describeRegistryFailureForTerminal(model.failure, registry)}\n`);
    return ExitCode.failed;
  }
  const all = await registry.listAllVersions(name, io.signal ? { signal: io.signal } : {});
  if (!all.ok) {
    io.err(`aiplat: error: ${describeRegistryFailureForTerminal(all.failure, registry)}\n`);
    return ExitCode.failed;
  }
  writeNotes(registry, io);
  const rows = all.value.map(versionRow);
  io.out(opts.output === "json" ? `${JSON.stringify(rows, null, 2)}\n` : versionsTable(rows));
  return ExitCode.ok;
}

/** The flags' criteria, else the manifest's default (environments.<env>.modelApproval unset): the champion alias. */
function approvalCriteria(opts: z.infer<typeof ServedOptions>): readonly ApprovalCriterion[] {
  const criteria: ApprovalCriterion[] = [
    ...(opts.approvalAlias !== undefined ? [{ kind: "alias" as const, alias: opts.approvalAlias }] : []),
    ...(opts.approvalStage !== undefined ? [{ kind: "stage" as const, stage: opts.approvalStage }] : []),
    ...(opts.approvalTag !== undefined ? [{ kind: "tag" as const, ...opts.approvalTag }] : []),
  ];
  return criteria.length > 0 ? criteria : [{ kind: "alias", alias: defaultApprovalAlias }];
}

async function served(opts: z.infer<typeof ServedOptions>, io: CliIo): Promise<number> {
  const registry = await connectRegistry(opts.trackingUri, io);
  if (!registry) return ExitCode.environment;
  const cluster = await connectCliContext(opts, io);
  if (!cluster) return ExitCode.failed;
  const reading = readServingWorkloads(cluster.kc, cluster.context.name, opts.namespace, io.signal);
  const [workloads, read] = await Promise.all([reading, readRegistry(registry, reading, opts.artifactRoot, io.signal)]);
  if (!workloads.ok) {
    io.err(`aiplat: error: ${workloads.message}\n`);
    return ExitCode.failed;
  }
  if (!read.ok) {
    io.err(`aiplat: error: ${describeRegistryFailureForTerminal(read.failure, registry)}\n`);
    return ExitCode.failed;
  }
  writeNotes(registry, io);
  const criteria = approvalCriteria(opts);
  const rows = servedRows(workloads.value, resolveServedBy(workloads.value, read.value.snapshot), read.value.versions, criteria);
  io.out(
    opts.output === "json"
      ? `${JSON.stringify({ context: cluster.context.name, registry: registry.displayUrl, approval: criteria, workloads: rows }, null, 2)}\n`
      : servedTable(rows, describeApproval(criteria)),
  );
  const missing = rows.filter((r) => r.inRegistry === false);
  if (missing.length > 0) {
    io.err(`aiplat: ${missing.length} ${missing.length === 1 ? "workload serves" : "workloads serve"} a model the registry does not have: ${missing.map((r) => `${r.namespace}/${r.name}`).join(", ")}\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}
