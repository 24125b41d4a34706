import * as z from "zod";
import { dns1123Label, dns1123LabelMaxLength } from "../kube/objects/dns1123";
import { checkResourceQuantity, type ResourceQuantityProblem } from "../kube/objects/resourceQuantity";
import { ColumnType, DriftMethod } from "../../shared/protocol/drift";
import { checkModelAliasName } from "../registry/modelAliasName";
import { parseModelUri } from "../registry/modelReference";

/**
 * `aiplatform.yaml`: one declarative file per inference service. This schema is the single
 * source of truth: the JSON Schema the editor validates and completes with is generated from
 * it (scripts/build.ts → schemas/aiplatform.schema.json), and every reader parses through it.
 */

export const manifestApiVersion = "aiplatform.dev/v1";

/** DNS-1123 label (RFC 1123): what a Service name must be, so it holds for every object we render. */
export const ServiceName = z
  .string()
  .min(1, "a name is required")
  .max(dns1123LabelMaxLength, "at most 63 characters (a DNS-1123 label)")
  .regex(dns1123Label, "lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123), e.g. llama3-chat");

/**
 * Kubernetes quantities ("500m", "4", "16Gi", "1.5"), checked as the API server would
 * (resourceQuantity.ts follows apimachinery's grammar), with the message at the field.
 */
const quantityShape = /^[+-]?[0-9.]+([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const quantityIssue: Record<ResourceQuantityProblem["kind"], (unit: "cpu" | "bytes") => string> = {
  "not-a-quantity": (unit) => `not a Kubernetes quantity; write it like ${unit === "cpu" ? '"500m" or "4"' : '"512Mi" or "16Gi"'} (suffixes Ki Mi Gi Ti Pi Ei, m k M G T P E, or an exponent such as 1e3)`,
  negative: () => "must not be negative: the API server refuses a negative request or limit",
  "too-large": (unit) => `too large: Kubernetes counts ${unit === "cpu" ? "CPU in int64 millicores" : "bytes in an int64"}, so this would overflow`,
  "not-whole": () => "must be a whole number",
};
function resourceQuantity(unit: "cpu" | "bytes") {
  return z
    // zod's number refuses Infinity (YAML's 1e309 and .inf) before the refinement could word it.
    .union([z.string().regex(quantityShape, quantityIssue["not-a-quantity"](unit)), z.number().min(0, quantityIssue.negative(unit))], {
      error: (iss) => (typeof iss.input === "number" ? quantityIssue[iss.input < 0 ? "negative" : "too-large"](unit) : quantityIssue["not-a-quantity"](unit)),
    })
    .superRefine((q, ctx) => {
      // zod runs refinements after a failed union too; the union has spoken for these.
      if ((typeof q === "string" && !quantityShape.test(q)) || (typeof q === "number" && q < 0) || (typeof q !== "string" && typeof q !== "number")) return;
      const problem = checkResourceQuantity(q, unit);
      if (problem) ctx.addIssue({ code: "custom", message: quantityIssue[problem.kind](unit) });
    });
}
export const CpuQuantity = resourceQuantity("cpu");
export const MemoryQuantity = resourceQuantity("bytes");

export const Runtime = z.enum(["vllm", "triton", "kserve", "python"]);
export type Runtime = z.infer<typeof Runtime>;

export const KserveModelFormat = z.enum(["sklearn", "xgboost", "huggingface"]);

/**
 * Registry URIs carry a version; storage URIs point at the artefact itself. `%` lets a name with
 * spaces, slashes or Unicode travel percent-encoded (models:/team%2Ffraud%20detector).
 */
export const registryUri = /^(models|runs|azureml|mlflow):\/\/?[A-Za-z0-9._\-/:@%]+$/;
export const storageUri = /^(s3|gs|azureblob|https|hf|pvc|oci):\/\/[A-Za-z0-9._\-/:@+=%~]+$/;
/** models:/<name>: a registered model, without version or alias. */
export const registeredModelUri = /^models:\/[A-Za-z0-9._\-%]+$/;
/** models:/<name>@<alias>: MLflow's alias form (models.py); the alias names the version. */
export const registeredModelAliasUri = /^models:\/[A-Za-z0-9._\-%]+@[A-Za-z0-9_-]+$/;

const ModelVersionField = z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, "a version such as 3 or 2024-06-01");

export const ModelRef = z.union([
  z
    .object({
      registry: z.string().regex(registryUri, "a registry URI such as models:/llama3-chat (MLflow), azureml://registries/r/models/m"),
      version: ModelVersionField,
    })
    .strict(),
  z
    .object({
      registry: z
        .string()
        // The branch zod reports for a registry without a version: say both ways out.
        .regex(registeredModelAliasUri, 'a registry model needs a version (version: "3") or an alias (registry: models:/<name>@champion)')
        .describe("A registered model alias (MLflow): the version the alias points at when the service is deployed."),
      /** Absent: the alias names the version (typed `undefined`, so every variant reads `model.version`). */
      version: z.never().optional(),
    })
    .strict(),
  z
    .object({
      storageUri: z.string().regex(storageUri, "a storage URI such as s3://bucket/path, gs://…, pvc://claim/path or hf://org/model"),
      version: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/).optional(),
      /** Which registered model this artefact is a version of (with `version`): what Deploy This Version writes for KServe. */
      registry: z
        .string()
        .regex(registeredModelUri, "the registered model the storageUri is a version of, models:/<name>")
        .optional()
        .describe("The registered model (models:/<name>) this storageUri is a version of; version then says which."),
    })
    .strict(),
]);
export type ModelRef = z.infer<typeof ModelRef>;

/** An OCI reference: registry/repo[:tag][@sha256:…]. No whitespace, quotes or newlines. */
export const imageReference = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
export const ImageRef = z.string().max(512).regex(imageReference, "an image reference such as vllm/vllm-openai:v0.6.3 or repo/name@sha256:<64 hex>");

export const MigProfile = z.string().regex(/^[1-7]g\.[0-9]+gb$/, 'a MIG profile such as "1g.10gb" or "3g.40gb"');
export const Gpu = z
  .object({
    count: z.number().int("a whole number: Kubernetes counts GPUs (nvidia.com/gpu) in whole devices; use mig for a slice").min(1).max(16).default(1),
    /** The nvidia.com/gpu.product label value of the nodes to run on, e.g. NVIDIA-A100-SXM4-80GB. */
    type: z.string().max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "a label value such as NVIDIA-A100-SXM4-80GB").optional(),
    mig: MigProfile.optional(),
  })
  .strict();

export const Resources = z
  .object({
    cpu: CpuQuantity.optional(),
    memory: MemoryQuantity.optional(),
    /** Limits default to the requests; set them to allow bursting. */
    cpuLimit: CpuQuantity.optional(),
    memoryLimit: MemoryQuantity.optional(),
    gpu: Gpu.optional(),
  })
  .strict();
export type Resources = z.infer<typeof Resources>;

export const Scaling = z
  .object({
    minReplicas: z.number().int().min(0).max(1000).default(1),
    maxReplicas: z.number().int().min(1).max(1000).default(1),
    target: z
      .object({
        metric: z.enum(["cpu", "memory", "concurrency", "rps"]).default("cpu"),
        value: z.number().positive().max(100_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.minReplicas <= s.maxReplicas, { message: "minReplicas must not exceed maxReplicas", path: ["minReplicas"] });

export const Probe = z
  .object({
    path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, "an HTTP path such as /health").default("/health"),
    port: z.number().int().min(1).max(65535).optional(),
    initialDelaySeconds: z.number().int().min(0).max(3600).default(10),
    periodSeconds: z.number().int().min(1).max(3600).default(10),
    failureThreshold: z.number().int().min(1).max(100).default(3),
  })
  .strict();
export const Probes = z.object({ readiness: Probe.optional(), liveness: Probe.optional(), startup: Probe.optional() }).strict();

export const Slo = z
  .object({
    p95LatencyMs: z.number().positive().max(600_000).optional(),
    /** A fraction: 0.01 means 1% of requests may fail. */
    errorRate: z.number().min(0).max(1).optional(),
    /** A fraction: 0.999 means three nines. */
    availability: z.number().min(0).max(1).optional(),
    /** Picks the defaults for what is not given: 99.9% availability for tier-1, 99.5% for internal. */
    tier: z.enum(["tier-1", "internal"]).optional().describe("tier-1 (99.9% availability by default) or internal (99.5%)."),
  })
  .strict();

/** What the service may cost; `aiplat cost --check` fails a pipeline when it costs more. */
export const Cost = z
  .object({
    /** USD per 1,000 successful inferences, as `aiplat cost` computes it (the pods' allocated cost ÷ requests × 1000). */
    budgetPer1k: z
      .number()
      .positive("a budget above 0, in USD per 1,000 inferences, e.g. 0.25")
      .max(1_000_000)
      .optional()
      .describe("USD per 1,000 successful inferences; aiplat cost --check exits 1 when the service costs more."),
  })
  .strict();

/**
 * `monitoring.drift`: the data a drift check compares, as `aiplat drift` and the editor's Run
 * Drift Check read it. Methods and thresholds default to Evidently's (src/core/drift).
 */
export const DriftFeature = z
  .object({
    name: z.string().min(1).max(500),
    type: ColumnType.optional().describe("numerical or categorical; inferred from the data when omitted."),
    method: DriftMethod.optional().describe("The test (Evidently's names); by default chosen from the type, the reference's size and the number of unique values."),
    threshold: z.number().min(0).max(1_000_000).optional().describe("p-value (ks, chisquare, z: drift when below) or distance (the others: drift when at or above)."),
  })
  .strict();
export type DriftFeatureSpec = z.infer<typeof DriftFeature>;

/** Paths and globs are relative to the manifest's folder. */
const dataSpec = z.string().min(1).max(2000).regex(/^[^\0\n\r]*$/, "one path or glob on one line");

export const DriftMonitoring = z
  .object({
    reference: dataSpec.describe("The reference data: a CSV, Parquet or JSON Lines file or glob, relative to this manifest, e.g. data/reference.parquet."),
    current: dataSpec.describe("The current data to compare with the reference, e.g. data/current/*.csv."),
    features: z
      .array(DriftFeature)
      .max(5000)
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, "each feature is listed once")
      .optional()
      .describe("The columns to check (default: every column both sides share), with type, method and threshold overrides."),
    target: z.string().min(1).max(500).optional().describe("The target (ground-truth) column, checked for drift apart from the features."),
    prediction: z.string().min(1).max(500).optional().describe("The model's prediction column, checked for prediction drift."),
    psi: z.boolean().optional().describe("Also compute PSI per numerical feature (Evidently's binning)."),
    driftShare: z.number().gt(0).max(1).optional().describe("The dataset drifts when at least this share of features drift (default 0.5)."),
    sample: z
      .object({ rows: z.number().int().min(1).max(100_000_000), seed: z.number().int().min(0).max(2 ** 32 - 1).default(0) })
      .strict()
      .optional()
      .describe("Check a seeded random sample of this many rows per side instead of every row."),
  })
  .strict();
export type DriftMonitoring = z.infer<typeof DriftMonitoring>;

export const Monitoring = z
  .object({
    drift: DriftMonitoring.optional().describe("Data and prediction drift: reference and current data, features, thresholds."),
    /** Data quality is watched outside this tool (e.g. by a pipeline); a drift check also checks it. */
    dataQuality: z.boolean().optional().describe("true when the service's input data quality is monitored elsewhere; a drift check counts as data-quality monitoring too."),
  })
  .strict();

/**
 * What counts as an approved model version in an environment; any one listed criterion
 * approves. With none listed, the alias `champion` (MLflow's own example of an approval alias).
 */
export const ModelApproval = z
  .object({
    alias: z
      .string()
      .superRefine((alias, ctx) => {
        const problem = checkModelAliasName(alias);
        if (problem) ctx.addIssue({ code: "custom", message: "an MLflow alias: letters, digits, '_' and '-', not 'latest' or v<number>" });
      })
      .optional()
      .describe("The alias an approved version carries, e.g. champion."),
    stage: z.enum(["Production", "Staging"]).optional().describe("The (deprecated) registry stage an approved version is in."),
    tag: z
      .string()
      .max(5000)
      .regex(/^[^=\n]+=[^\n]*$/, "a version tag as key=value, e.g. approval=approved")
      .optional()
      .describe("A version tag, key=value, that an approved version carries, e.g. approval=approved."),
  })
  .strict();
export type ModelApproval = z.infer<typeof ModelApproval>;

export const Environment = z
  .object({
    context: z.string().min(1).max(253).regex(/^[^\s"'`\\]+$/, "a kubeconfig context name (no spaces or quotes)"),
    namespace: ServiceName.describe("the namespace to deploy into (DNS-1123)"),
    /** Other namespaces this environment may deploy to; the policy gate refuses the rest. */
    allowedNamespaces: z.array(ServiceName).optional(),
    production: z.boolean().default(false),
    approvalRequired: z.boolean().default(false),
    modelApproval: ModelApproval.optional().describe(
      "What makes a registry model version approved here (the model-approved policy): an alias (default champion), a stage or a tag. Production environments check it even when omitted.",
    ),
  })
  .strict();
export type Environment = z.infer<typeof Environment>;

/** Seconds as a number, or a duration as Argo Rollouts writes one: "30s", "5m", "1h". */
export const AnalysisDuration = z.union([z.number().int().min(1).max(86_400), z.string().regex(/^[1-9][0-9]{0,4}(s|m|h)$/, 'a duration such as "30s", "5m" or "1h"')]);

/**
 * A step's metric analysis, with Argo Rollouts' AnalysisRun fields: a measurement every `interval`,
 * `count` in all; more than `failureLimit` failed measurements roll the canary back, more than
 * `inconclusiveLimit` inconclusive ones (no traffic, metrics unreachable) hold it for a person.
 */
export const CanaryAnalysis = z
  .object({
    interval: AnalysisDuration.describe('Time between measurements, e.g. "1m" (each measures the interval before it).'),
    count: z.number().int().min(1).max(1000).describe("How many measurements the step takes."),
    failureLimit: z.number().int().min(0).max(1000).default(0).describe("Failed measurements allowed; one more rolls the canary back (Argo's default 0)."),
    inconclusiveLimit: z.number().int().min(0).max(1000).optional().describe("Inconclusive measurements allowed; one more holds the canary (default 0)."),
  })
  .strict();
export type CanaryAnalysis = z.infer<typeof CanaryAnalysis>;

export const CanaryStep = z
  .object({
    traffic: z.number().int().min(1).max(100),
    pauseSeconds: z.number().int().min(0).max(86_400).optional(),
    analysis: CanaryAnalysis.optional().describe("This step's analysis; the rollout's analysis applies when omitted."),
  })
  .strict();
export const Rollout = z.discriminatedUnion("strategy", [
  z
    .object({
      strategy: z.literal("rolling"),
      maxSurge: z.union([z.number().int().min(0), z.string().regex(/^[0-9]{1,3}%$/)]).default("25%"),
      maxUnavailable: z.union([z.number().int().min(0), z.string().regex(/^[0-9]{1,3}%$/)]).default(0),
      progressDeadlineSeconds: z.number().int().min(10).max(86_400).default(600),
    })
    .strict(),
  z
    .object({
      strategy: z.literal("canary"),
      steps: z
        .array(CanaryStep)
        .min(1)
        .refine((steps) => steps.every((s, i) => i === 0 || s.traffic > (steps[i - 1]?.traffic ?? 0)), "canary traffic must increase step by step"),
      analysis: CanaryAnalysis.optional().describe("The analysis of every step that names none: the canary's p95 and error ratio against the SLO and the baseline."),
      tolerance: z.number().min(0).max(10).optional().describe("How much slower than the pre-canary baseline p95 the canary may be, as a fraction (default 0.1: 10 %)."),
    })
    .strict(),
]);
export type Rollout = z.infer<typeof Rollout>;

export const ServiceManifest = z
  .object({
    apiVersion: z.literal(manifestApiVersion),
    kind: z.literal("InferenceServiceManifest"),
    name: ServiceName.describe("The service's name (DNS-1123 label): every Kubernetes object is named after it."),
    description: z.string().max(500).optional(),
    owner: z.string().max(120).optional(),
    runtime: Runtime.describe("The serving runtime, i.e. which template: vllm (OpenAI-compatible LLM server), triton (ONNX/TensorRT), kserve (InferenceService) or python (FastAPI + ONNX Runtime)."),
    /** KServe only: the predictor's model format. */
    modelFormat: KserveModelFormat.optional().describe("KServe only: the predictor's model format."),
    model: ModelRef.describe("The model: a registry URI with a version (models:/<name> + version), an MLflow alias (models:/<name>@champion), or a storage URI (KServe: with the registered version it is, registry + version)."),
    /** Digest-pinned (…@sha256:…) for production; KServe picks its runtime image itself when omitted. */
    image: ImageRef.optional().describe("The container image. Production environments require a digest (…@sha256:…)."),
    port: z.number().int().min(1).max(65535).default(8080).describe("The port the server listens on."),
    resources: Resources.default({}).describe("CPU and memory requests (limits default to them), and GPUs: a count and type, or a MIG profile."),
    scaling: Scaling.default({ minReplicas: 1, maxReplicas: 1 }).describe("Replica bounds and the autoscaling target."),
    probes: Probes.default({}).describe("HTTP readiness, liveness and startup probes."),
    slo: Slo.default({}).describe("Service-level objectives: p95 latency (ms), error rate and availability (fractions)."),
    cost: Cost.optional().describe("Cost budget: budgetPer1k, USD per 1,000 inferences, checked by aiplat cost --check."),
    monitoring: Monitoring.optional().describe("Model monitoring: drift checks (aiplat drift, the drift dashboard) and data quality."),
    environments: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "an environment name such as dev, staging or prod"), Environment)
      .refine((e) => Object.keys(e).length > 0, "name at least one environment")
      .describe("Named environments (dev, prod…): each gives a kube context, a namespace, and whether it is production and needs approval."),
    rollout: Rollout.describe("How a new version goes out: rolling, or metric-gated canary steps (KServe: canaryTrafficPercent; other runtimes: a <name>-canary Deployment weighted by replicas, an approximate split).").default({ strategy: "rolling", maxSurge: "25%", maxUnavailable: 0, progressDeadlineSeconds: 600 }),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.runtime === "kserve" && !m.modelFormat) ctx.addIssue({ code: "custom", path: ["modelFormat"], message: "a KServe service needs modelFormat: sklearn, xgboost or huggingface" });
    if (m.runtime !== "kserve" && m.modelFormat) ctx.addIssue({ code: "custom", path: ["modelFormat"], message: "modelFormat applies to the kserve runtime only" });
    if (m.runtime !== "kserve" && !m.image) ctx.addIssue({ code: "custom", path: ["image"], message: `the ${m.runtime} runtime needs an image` });
    if (m.runtime === "kserve" && !("storageUri" in m.model)) ctx.addIssue({ code: "custom", path: ["model"], message: "KServe loads the model from a storageUri (s3://, gs://, pvc://, hf://…)" });
    modelRefIssues(m.model, ctx);
    if (m.resources.gpu?.mig && m.resources.gpu.type) ctx.addIssue({ code: "custom", path: ["resources", "gpu", "mig"], message: "give either a GPU type or a MIG profile, not both" });
  });
export type ServiceManifest = z.infer<typeof ServiceManifest>;

/**
 * What the union cannot say: a models:/ registry is a name (with `version`) or an alias, never
 * both and never a stage or `latest` (they move, so neither approval nor a rollback could pin them).
 */
function modelRefIssues(model: ModelRef, ctx: z.RefinementCtx): void {
  if ("storageUri" in model) {
    if (model.registry && !model.version) ctx.addIssue({ code: "custom", path: ["model", "version"], message: 'say which version of the registered model the storageUri is (version: "3")' });
    return;
  }
  if (!model.registry.startsWith("models:")) return;
  const parsed = parseModelUri(model.registry);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", path: ["model", "registry"], message: "a registered model, models:/<name> (with version) or models:/<name>@<alias>; encode a '/' in a name as %2F" });
    return;
  }
  const ref = parsed.reference;
  if (ref.kind === "alias" && "version" in model) {
    ctx.addIssue({ code: "custom", path: ["model", "version"], message: "models:/<name>@<alias> names its version through the alias: drop version, or write registry: models:/<name> with version" });
  } else if (ref.kind === "version" || ref.kind === "stage" || ref.kind === "latest") {
    ctx.addIssue({ code: "custom", path: ["model", "registry"], message: `write the registered model's name only (models:/${ref.name.replace(/[%/@?#\s]/g, encodeURIComponent)}) and the version in version` });
  }
}
export type ServiceManifestInput = z.input<typeof ServiceManifest>;
