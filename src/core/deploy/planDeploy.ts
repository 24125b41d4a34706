import type { KubeConfig } from "@kubernetes/client-node";
import { checkWritable, type ReadOnlyPolicy } from "../access/readOnlyContexts";
import { auditDiffDigest, type Actor, type AuditRecord } from "../audit/auditRecord";
import { kubeConfigForContext, type ContextSummary, type LoadedKubeconfig } from "../kube/client/kubeconfig";
import type { KubeObject } from "../kube/objects/kubeObject";
import type { WorkloadRef } from "../kube/objects/workloadRef";
import { revisionAnnotation } from "../kube/objects/wellKnownAnnotations";
import { toComparableYaml } from "../kube/rollout/comparableYaml";
import { applyObjects, fetchLiveObjects, type ApplyOutcome } from "../kube/rollout/serverSideApply";
import { parseManifest } from "../manifest/parseManifest";
import { renderKubernetesObjects } from "../manifest/renderKubernetes";
import type { Environment, ServiceManifest } from "../manifest/serviceManifest";
import { fetchClusterCapacity, type CapacityError } from "../policy/clusterCapacity";
import { evaluatePolicies, type PolicyFinding } from "../policy/policyEvaluator";
import { fetchModelApprovalFacts, type ModelApprovalFacts } from "../registry/modelApproval";
import type { ModelRegistry } from "../registry/modelRegistry";
import { checkDeployApproval } from "./deployApproval";
import { workloadObject } from "./deployAnnotations";
import { failuresOf, type DeployError } from "./deployError";

/** Where planning is, for a progress line. */
export type PlanStage = "rendering" | "checking-policies" | "reading-live" | "checking-approval";

export interface PrepareInput {
  /** The manifest's text, or the manifest already parsed. */
  readonly manifest: string | ServiceManifest;
  readonly env: string;
  readonly kubeconfig: LoadedKubeconfig;
  /** When given, a read-only context is refused before anything is sent to it. */
  readonly readOnly?: ReadOnlyPolicy;
  readonly onStage?: (stage: PlanStage) => void;
  /** The policy findings, as soon as they are known (the editor shows them in Problems). */
  readonly onFindings?: (env: string, findings: readonly PolicyFinding[]) => void;
  /** The environment's model registry, for the model-approved gate; without it the gate says it did not check. */
  readonly registry?: ModelRegistry;
}

export interface DeployInput extends PrepareInput {
  readonly readOnly: ReadOnlyPolicy;
  /** The hash-chained audit log that holds approvals (and gets the deploy's record). */
  readonly auditFile: string;
  /** Who deploys through a context: the kube user, the git user and the OS user. */
  readonly actorFor: (context: ContextSummary) => Promise<Actor>;
  /** "approve" previews a change for a teammate to approve, so it needs no approval itself. */
  readonly purpose?: "deploy" | "approve";
  readonly now?: () => Date;
  /** The diff, as soon as it is known: the editor opens it before an approval refusal too. */
  readonly onDiff?: (diff: DeployDiff) => void;
}

/** The manifest rendered and checked for one environment, with the cluster it goes to. */
export interface PreparedDeploy {
  readonly manifest: ServiceManifest;
  readonly env: string;
  readonly environment: Environment;
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
  readonly objects: readonly KubeObject[];
  readonly findings: readonly PolicyFinding[];
  /** Why free GPUs were not read (the gpu-capacity rule then says it did not check). */
  readonly capacityUnread: CapacityError | undefined;
  /** What the registry said of the model version (undefined when no registry was given). */
  readonly modelApproval: ModelApprovalFacts | undefined;
}

/** kubectl diff's two sides: live, and what a server-side dry run of the apply returns. */
export interface DeployDiff {
  readonly liveText: string;
  readonly desiredText: string;
  /** Of live and desired together: what the audit record says was applied. */
  readonly diffDigest: string;
  /** Of the rendered objects alone: what an approval approves. */
  readonly desiredDigest: string;
  /** Every object is in the cluster as desired already. */
  readonly unchanged: boolean;
}

export type ApprovalState = { readonly kind: "not-required" } | { readonly kind: "not-needed"; readonly why: "unchanged" | "approving" } | { readonly kind: "approved"; readonly by: AuditRecord };

export interface DeployPlan extends PreparedDeploy {
  readonly actor: Actor;
  /** The object the rollout is followed on; undefined when the manifest renders none. */
  readonly workload: WorkloadRef | undefined;
  /** What the audit record and Event name: the workload, else the Service. */
  readonly auditObject: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  readonly liveObjects: readonly (KubeObject | undefined)[];
  readonly revisionBefore: string | undefined;
  /** A live InferenceService's predictor, kept on the new one for a rollback. */
  readonly livePredictor: unknown;
  /** Per object, what the server-side dry run says the apply would do (created, configured, unchanged). */
  readonly dryRun: readonly Extract<ApplyOutcome, { ok: true }>[];
  readonly diff: DeployDiff;
  readonly approval: ApprovalState;
}

export type PrepareResult = { readonly ok: true; readonly prepared: PreparedDeploy } | { readonly ok: false; readonly error: DeployError };
export type PlanResult = { readonly ok: true; readonly plan: DeployPlan } | { readonly ok: false; readonly error: DeployError };

const cancelled = { ok: false, error: { kind: "cancelled" } } as const;

/** Parse → environment → context → render → policy gates (with the cluster's free GPUs). Reads only. */
export async function prepareDeploy(input: PrepareInput, signal: AbortSignal): Promise<PrepareResult> {
  let manifest: ServiceManifest;
  if (typeof input.manifest === "string") {
    const parsed = parseManifest(input.manifest);
    if (!parsed.ok) return { ok: false, error: { kind: "invalid-manifest", problems: parsed.problems } };
    manifest = parsed.manifest;
  } else manifest = input.manifest;
  const { env } = input;
  const environment = Object.hasOwn(manifest.environments, env) ? manifest.environments[env] : undefined;
  if (!environment) return { ok: false, error: { kind: "unknown-environment", env, known: Object.keys(manifest.environments) } };
  const found = kubeConfigForContext(input.kubeconfig, environment.context);
  if (!found) return { ok: false, error: { kind: "unknown-context", context: environment.context, env, files: input.kubeconfig.files } };
  const refusal = input.readOnly ? checkWritable(found.context.name, input.readOnly) : undefined;
  if (refusal) return { ok: false, error: refusal };

  input.onStage?.("rendering");
  const rendered = renderKubernetesObjects(manifest, env);
  if (!rendered.ok) return { ok: false, error: { kind: "render-failed", env, message: rendered.error } };
  input.onStage?.("checking-policies");
  // The registry and the cluster are asked at once: neither answer depends on the other.
  const [capacity, modelApproval] = await Promise.all([
    fetchClusterCapacity(found.kubeConfig, signal),
    input.registry ? fetchModelApprovalFacts(manifest, env, input.registry, signal) : Promise.resolve(undefined),
  ]);
  if (signal.aborted) return cancelled;
  // A server that does not answer will not answer the dry run either: say so now, not after a second timeout.
  if (!capacity.ok && capacity.error.kind === "unreachable") return { ok: false, error: { kind: "unreachable", context: found.context.name, message: capacity.error.message } };
  const findings = evaluatePolicies({
    manifest,
    envName: env,
    environment,
    objects: rendered.objects,
    ...(capacity.ok ? { cluster: capacity.capacity } : {}),
    ...(modelApproval ? { model: modelApproval } : {}),
  });
  input.onFindings?.(env, findings);
  return {
    ok: true,
    prepared: { manifest, env, environment, kc: found.kubeConfig, context: found.context, objects: rendered.objects, findings, capacityUnread: capacity.ok ? undefined : capacity.error, modelApproval },
  };
}

/**
 * Everything before a deploy changes anything: render for the environment, the policy gates,
 * a server-side dry run and the live ↔ desired diff (kubectl diff semantics), and the approval
 * check for environments that need one. The editor and `aiplat deploy` both start here.
 */
export async function planDeploy(input: DeployInput, signal: AbortSignal): Promise<PlanResult> {
  const prepared = await prepareDeploy(input, signal);
  if (!prepared.ok) return prepared;
  const p = prepared.prepared;
  const errors = p.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) return { ok: false, error: { kind: "blocked", env: p.env, findings: errors } };

  input.onStage?.("reading-live");
  // As `kubectl diff` does: the desired side is what a server-side dry run of the apply returns, so
  // API defaults and fields other managers own do not show as changes, and a bad object fails here.
  const [live, dry] = await Promise.all([fetchLiveObjects(p.kc, p.objects, { signal }), applyObjects(p.kc, p.objects, { dryRun: true, signal })]);
  if (signal.aborted) return cancelled;
  const unreadable = failuresOf(live);
  const unreachable = [...unreadable, ...failuresOf(dry.outcomes)].find((f) => f.error.kind === "unreachable");
  if (unreachable) return { ok: false, error: { kind: "unreachable", context: p.context.name, message: unreachable.error.message } };
  if (unreadable.length > 0) return { ok: false, error: { kind: "live-unreadable", context: p.context.name, failures: unreadable } };
  if (!dry.ok) return { ok: false, error: { kind: "dry-run-refused", failures: failuresOf(dry.outcomes) } };

  const liveObjects = live.map((l) => (l.ok ? l.live : undefined));
  const liveText = liveObjects.map((o, i) => (o ? toComparableYaml(o) : `# ${p.objects[i]?.kind} ${p.objects[i]?.metadata.name}: not in the cluster yet\n`)).join("---\n");
  const dryRun = dry.outcomes.flatMap((o) => (o.ok ? [o] : []));
  const desiredText = dryRun.map((o) => toComparableYaml(o.object)).join("---\n");
  // An approval is of the rendered objects, which do not change from one dry run to the next (a dry-run Service gets a new IP each time).
  const renderedText = p.objects.map((o) => toComparableYaml(o)).join("---\n");
  const diff: DeployDiff = { liveText, desiredText, diffDigest: auditDiffDigest(`${liveText}\0${desiredText}`), desiredDigest: auditDiffDigest(renderedText), unchanged: liveText === desiredText };
  input.onDiff?.(diff);

  const workload = workloadObject(p.objects);
  const at = workload ? p.objects.indexOf(workload) : -1;
  const liveWorkload = at >= 0 ? live[at] : undefined;
  const liveRaw = liveWorkload?.ok ? liveWorkload.raw : undefined;
  const namespace = p.environment.namespace;
  const target: WorkloadRef | undefined = workload ? { kind: workload.kind as WorkloadRef["kind"], namespace, name: workload.metadata.name } : undefined;
  const auditObject = workload ? { apiVersion: workload.apiVersion, kind: workload.kind, namespace, name: workload.metadata.name } : { apiVersion: "v1", kind: "Service", namespace, name: p.manifest.name };
  const actor = await input.actorFor(p.context);

  let approval: ApprovalState = { kind: "not-required" };
  if (p.environment.approvalRequired) {
    if (diff.unchanged) approval = { kind: "not-needed", why: "unchanged" };
    else if (input.purpose === "approve") approval = { kind: "not-needed", why: "approving" };
    else {
      input.onStage?.("checking-approval");
      const checked = await checkDeployApproval({
        env: p.env,
        auditFile: input.auditFile,
        context: p.context.name,
        namespace,
        object: { kind: auditObject.kind, name: auditObject.name },
        desiredDigest: diff.desiredDigest,
        deployer: actor,
        now: input.now?.() ?? new Date(),
      });
      if (!checked.ok) return { ok: false, error: checked.error };
      approval = { kind: "approved", by: checked.by };
    }
  }
  if (signal.aborted) return cancelled;
  return {
    ok: true,
    plan: {
      ...p,
      actor,
      workload: target,
      auditObject,
      liveObjects,
      revisionBefore: liveRaw?.metadata?.annotations?.[revisionAnnotation],
      livePredictor: liveRaw?.kind === "InferenceService" ? (liveRaw as { spec?: { predictor?: unknown } }).spec?.predictor : undefined,
      dryRun,
      diff,
      approval,
    },
  };
}
