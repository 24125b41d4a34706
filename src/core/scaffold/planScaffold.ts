import { productVersion } from "../productVersion";
import { Document } from "yaml";
import type { KubeObject } from "../kube/objects/kubeObject";
import { toKubeYaml } from "../kube/objects/kubeYaml";
import { renderKubernetesObjects } from "../manifest/renderKubernetes";
import { gpuResourceName, modelUri } from "../manifest/renderWorkload";
import { manifestApiVersion, ServiceManifest, ServiceName } from "../manifest/serviceManifest";
import { manifestFileName } from "../manifest/manifestFileName";
import { renderMustache } from "./renderMustache";
import type { ScaffoldError } from "./scaffoldError";
import { isSafeRelativePath } from "./safeWrite";
import { applyOverrides } from "./setOverrides";
import type { LoadedTemplate } from "./templateCatalog";

/**
 * Everything a scaffold writes, rendered in memory: aiplatform.yaml, the Kubernetes objects
 * for the first environment under k8s/, and the template's own files. Pure: nothing touches
 * the disk, so previews and tests see exactly what would be written.
 */

export interface PlannedFile {
  /** Relative to the output directory, '/'-separated. */
  readonly path: string;
  readonly content: string;
}

export interface ScaffoldPlanRequest {
  readonly name: string;
  readonly set: readonly string[];
  readonly now?: Date;
}

export type PlanResult =
  | { readonly ok: true; readonly manifest: ServiceManifest; readonly files: readonly PlannedFile[] }
  | { readonly ok: false; readonly error: ScaffoldError };

/** The name goes into paths and files, so it is checked before anything else uses it. */
export function validateServiceName(name: string): ScaffoldError | undefined {
  const parsed = ServiceName.safeParse(name);
  return parsed.success ? undefined : { kind: "invalid-name", name, reason: parsed.error.issues[0]?.message ?? "not a DNS-1123 label" };
}

export function planScaffold(template: LoadedTemplate, req: ScaffoldPlanRequest): PlanResult {
  const nameError = validateServiceName(req.name);
  if (nameError) return { ok: false, error: nameError };
  const now = req.now ?? new Date();

  const base = { apiVersion: manifestApiVersion, kind: "InferenceServiceManifest", name: req.name, ...fillName(template.defaults, req.name) };
  const overridden = applyOverrides(base, req.set);
  if (!overridden.ok) return { ok: false, error: { kind: "invalid-set", ...overridden.error } };
  const parsed = ServiceManifest.safeParse(overridden.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "(top level)"}: ${i.message}`);
    return { ok: false, error: { kind: "invalid-manifest", issues } };
  }
  const manifest = parsed.data;
  const envName = Object.keys(manifest.environments)[0] ?? "";
  const rendered = renderKubernetesObjects(manifest, envName);
  if (!rendered.ok) return { ok: false, error: { kind: "invalid-manifest", issues: [rendered.error] } };

  const files: PlannedFile[] = [{ path: manifestFileName, content: manifestYaml(manifest) }];
  const date = now.toISOString().slice(0, 10);
  for (const obj of rendered.objects) files.push({ path: `k8s/${obj.kind.toLowerCase()}.yaml`, content: kubeFile(obj, envName, manifest, date) });
  const view = templateView(template, manifest, envName, rendered.objects, date);
  for (const f of template.files) {
    const outPath = renderMustache(f.path, { name: manifest.name });
    if (!isSafeRelativePath(outPath)) return { ok: false, error: { kind: "outside-target", path: outPath, dir: "the output directory" } };
    files.push({ path: outPath, content: renderMustache(f.source, view) });
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) return { ok: false, error: { kind: "invalid-template", templateId: template.id, message: `${f.path} is written twice` } };
    seen.add(f.path);
  }
  return { ok: true, manifest, files };
}

/** Fills `{{name}}` into the template's default strings (structure first, text second). */
function fillName(value: unknown, name: string): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return renderMustache(v, { name });
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as Record<string, unknown>;
}

function manifestYaml(manifest: ServiceManifest): string {
  const doc = new Document(manifest, { version: "1.1", aliasDuplicateObjects: false });
  doc.commentBefore = ` The service manifest: aiplat renders, checks and deploys ${manifest.name} from this file.\n Check it with: npx aiplat check ${manifestFileName} --env <environment>`;
  return doc.toString({ lineWidth: 0 });
}

function kubeFile(obj: KubeObject, envName: string, manifest: ServiceManifest, date: string): string {
  const header = [
    `# ${obj.kind} ${manifest.name}, rendered from ${manifestFileName} for environment "${envName}" on ${date}.`,
    `# Generated for review and GitOps: aiplat renders from ${manifestFileName}, so edit that file, not this one,`,
    `# and re-render with: npx aiplat render ${manifestFileName} --env ${envName}`,
  ].join("\n");
  return `${header}\n${toKubeYaml(obj)}`;
}

const percent = (fraction: number): string => `${Number((fraction * 100).toFixed(3))}%`;

/** What the mustache sources see. Every value is validated manifest data or fixed text. */
function templateView(template: LoadedTemplate, m: ServiceManifest, envName: string, objects: readonly KubeObject[], date: string): object {
  const env = m.environments[envName];
  const gpu = m.resources.gpu;
  const workload = m.runtime === "kserve" ? "inferenceservice" : "deployment";
  return {
    name: m.name,
    templateId: template.id,
    templateTitle: template.title,
    description: m.description ?? "",
    owner: m.owner ?? "",
    runtime: m.runtime,
    isVllm: m.runtime === "vllm",
    isTriton: m.runtime === "triton",
    isKserve: m.runtime === "kserve",
    isPython: m.runtime === "python",
    image: m.image ?? "",
    port: m.port,
    modelUri: modelUri(m),
    modelVersion: m.model.version ?? "unversioned",
    modelFormat: m.modelFormat ?? "",
    gpu: gpu ? { count: gpu.count, type: gpu.type ?? "", mig: gpu.mig ?? "", resource: gpuResourceName(m) ?? "" } : false,
    env: { name: envName, namespace: env?.namespace ?? "", context: env?.context ?? "" },
    environments: Object.entries(m.environments).map(([name, e]) => ({ name, namespace: e.namespace, context: e.context, production: e.production, approvalRequired: e.approvalRequired })),
    workload,
    workloadRef: `${workload}/${m.name}`,
    canary: m.rollout.strategy === "canary" ? { steps: m.rollout.steps.map((s) => `${s.traffic}%`).join(" → ") } : false,
    slo: {
      any: m.slo.p95LatencyMs !== undefined || m.slo.errorRate !== undefined || m.slo.availability !== undefined,
      p95LatencyMs: m.slo.p95LatencyMs ?? false,
      errorRate: m.slo.errorRate !== undefined ? percent(m.slo.errorRate) : false,
      availability: m.slo.availability !== undefined ? percent(m.slo.availability) : false,
    },
    kinds: objects.map((o) => ({ kind: o.kind, file: `k8s/${o.kind.toLowerCase()}.yaml` })),
    date,
    // The scaffolded CI pins the aiplat that wrote it.
    aiplat: { version: productVersion },
  };
}
