/**
 * The sandbox's synthetic traffic: a deterministic (seeded) model of what each model server sees,
 * minute by minute. The live exporters and the 7-day backfill both read it, so a chart continues
 * seamlessly across "now". Everything is a pure function of (seed, service, pod, minute): no clocks,
 * no randomness, so the same minute always has the same requests, errors and latency.
 *
 * The profile of a pod comes from its runtime (picked by container image) and from its
 * ReplicaSet's pod template: the annotations sandbox.aiplatform.dev/latency-factor and
 * sandbox.aiplatform.dev/error-ratio make a revision slower or failing, which is how the demo's
 * incident (vllm-llama3-70b revision 2: p95 doubles, 5xx from 0.2% to 3%) is written. The
 * Deployment's annotations sandbox.aiplatform.dev/rps and sandbox.aiplatform.dev/gpu-utilisation set
 * the service's demand and how busy its GPUs are, which is how the demo's cost story is written.
 */

export type RuntimeId = "vllm" | "triton" | "kserve" | "fastapi";

export const latencyFactorAnnotation = "sandbox.aiplatform.dev/latency-factor";
export const errorRatioAnnotation = "sandbox.aiplatform.dev/error-ratio";
export const rpsAnnotation = "sandbox.aiplatform.dev/rps";
export const gpuUtilisationAnnotation = "sandbox.aiplatform.dev/gpu-utilisation";

/** The GPU busy fraction at mean load when a service does not say: a well-used GPU. */
export const defaultGpuBusy = 0.7;

export const minuteMs = 60_000;

/** vllm/vllm-openai, tritonserver, kserve/… are recognised; every other image is a FastAPI app. */
export function runtimeOfImage(image: string): RuntimeId | undefined {
  const repository = (image.split("@")[0] ?? image).replace(/:[^/:]*$/, "").toLowerCase();
  const last = repository.split("/").pop() ?? repository;
  if (/(^|\/)vllm\//.test(repository) || last.startsWith("vllm")) return "vllm";
  if (last.includes("tritonserver")) return "triton";
  if (/(^|\/)kserve\//.test(repository)) return "kserve";
  return undefined;
}

/** A lognormal latency: median in seconds and the sigma of its log. */
export interface Lognormal {
  median: number;
  sigma: number;
}

export interface ServiceProfile {
  runtime: RuntimeId;
  /** Requests per second for the whole service at the daily mean. */
  baseRps: number;
  /** Relative swing of the daily cycle (peak 15:00 UTC, trough 03:00 UTC). */
  diurnal: number;
  /** The request latency: vLLM end-to-end, Triton request, KServe predict, FastAPI handler. */
  latency: Lognormal;
  errorRatio: number;
  /** vLLM only: time to first token and inter-token latency. */
  ttft?: Lognormal;
  itl?: Lognormal;
  promptTokens?: number;
  /** How busy the service's GPUs are at mean load, 0–1. */
  gpuBusy: number;
}

/** What a Deployment says about its service's demand: mean requests/s and GPU busy fraction. */
export interface ServiceTraffic {
  rps?: number;
  gpuBusy?: number;
}

export function serviceTraffic(annotations: Record<string, string> | undefined): ServiceTraffic {
  const rps = Number.parseFloat(annotations?.[rpsAnnotation] ?? "");
  const busy = Number.parseFloat(annotations?.[gpuUtilisationAnnotation] ?? "");
  return {
    ...(Number.isFinite(rps) && rps >= 0 ? { rps } : {}),
    ...(Number.isFinite(busy) && busy >= 0 && busy <= 1 ? { gpuBusy: busy } : {}),
  };
}

/** What a ReplicaSet's pod template says about the revision's behaviour. */
export interface RevisionTraits {
  latencyFactor: number;
  errorRatio?: number;
}

/**
 * What the demo's builds do, by image tag: a manifest deploy (which cannot set the sandbox's
 * annotations) picks a good or a bad build by its image alone, so a canary of it passes or fails
 * its analysis. Matched on the image's last path segment and tag, whatever the registry.
 */
export const demoImageTraits: readonly { readonly image: RegExp; readonly traits: RevisionTraits; readonly what: string }[] = [
  { image: /(^|\/)reranker-onnx:1\.4\.0-rc1(@|$)/, traits: { latencyFactor: 2.5 }, what: "a release candidate 2.5 × slower" },
  { image: /(^|\/)reranker-onnx:1\.4\.0-rc2(@|$)/, traits: { latencyFactor: 1, errorRatio: 0.05 }, what: "a release candidate failing 5 % of requests" },
  { image: /(^|\/)reranker-onnx:1\.3\.1(@|$)/, traits: { latencyFactor: 1 }, what: "a good build" },
  { image: /(^|\/)reranker-onnx:1\.3\.0(@|$)/, traits: { latencyFactor: 1 }, what: "the build before it" },
];

/** The traits of the first listed demo build among the images; undefined for any other image. */
export function imageTraits(images: readonly string[]): RevisionTraits | undefined {
  for (const image of images) {
    const known = demoImageTraits.find((t) => t.image.test(image));
    if (known) return known.traits;
  }
  return undefined;
}

/** A template's annotations win over its images' traits: the demo incident sets them on purpose. */
export function revisionTraits(templateAnnotations: Record<string, string> | undefined, images: readonly string[] = []): RevisionTraits {
  const factor = Number.parseFloat(templateAnnotations?.[latencyFactorAnnotation] ?? "");
  const ratio = Number.parseFloat(templateAnnotations?.[errorRatioAnnotation] ?? "");
  const byImage = imageTraits(images);
  const errorRatio = Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : byImage?.errorRatio;
  return {
    latencyFactor: Number.isFinite(factor) && factor > 0 ? factor : (byImage?.latencyFactor ?? 1),
    ...(errorRatio !== undefined ? { errorRatio } : {}),
  };
}

// ---------------------------------------------------------------- deterministic noise

/** FNV-1a of a string: the stable key of a service or pod. */
export function hashKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) from a key, a seed and an integer (murmur3's finaliser). */
export function uniform(key: number, seed: number, n: number, salt = 0): number {
  let h = (key ^ Math.imul(seed + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n | 0, 0xc2b2ae35) ^ Math.imul((n / 4294967296) | 0, 0x27d4eb2f) ^ Math.imul(salt + 1, 0x165667b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

// ---------------------------------------------------------------- distributions

/** erf by Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7): plenty for bucket fractions. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

/** P(X <= x) for a lognormal with log-mean mu and log-sigma sigma. */
export function lognormalCdf(x: number, mu: number, sigma: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  return 0.5 * (1 + erf((Math.log(x) - mu) / (sigma * Math.SQRT2)));
}

const zOf: Record<string, number> = { "0.5": 0, "0.9": 1.2815515655, "0.95": 1.6448536270, "0.99": 2.3263478740, "0.999": 3.0902323062 };

/** The q-quantile of a lognormal, for the quantiles servers publish in summaries. */
export function lognormalQuantile(q: number, mu: number, sigma: number): number {
  const z = zOf[String(q)];
  if (z === undefined) throw new Error(`no z for quantile ${q}`);
  return Math.exp(mu + sigma * z);
}

export function lognormalMean(mu: number, sigma: number): number {
  return Math.exp(mu + (sigma * sigma) / 2);
}

// ---------------------------------------------------------------- profiles

const runtimeDefaults: Record<RuntimeId, ServiceProfile> = {
  // Llama-3-70B on 8 A100s: short chat completions, ~45 tokens/s per request.
  vllm: {
    runtime: "vllm",
    baseRps: 5,
    diurnal: 0.45,
    latency: { median: 0.75, sigma: 0.35 },
    ttft: { median: 0.17, sigma: 0.45 },
    itl: { median: 0.022, sigma: 0.3 },
    promptTokens: 420,
    errorRatio: 0.002,
    gpuBusy: defaultGpuBusy,
  },
  triton: { runtime: "triton", baseRps: 40, diurnal: 0.4, latency: { median: 0.018, sigma: 0.45 }, errorRatio: 0.001, gpuBusy: defaultGpuBusy },
  kserve: { runtime: "kserve", baseRps: 12, diurnal: 0.35, latency: { median: 0.014, sigma: 0.3 }, errorRatio: 0.001, gpuBusy: defaultGpuBusy },
  fastapi: { runtime: "fastapi", baseRps: 30, diurnal: 0.4, latency: { median: 0.035, sigma: 0.4 }, errorRatio: 0.002, gpuBusy: defaultGpuBusy },
};

/**
 * A service's profile: its runtime's defaults, varied per service so no two look alike, unless
 * its Deployment sets the demand and GPU busy fraction (serviceTraffic).
 */
export function serviceProfile(runtime: RuntimeId, serviceKey: string, seed: number, traffic: ServiceTraffic = {}): ServiceProfile {
  const base = runtimeDefaults[runtime];
  const key = hashKey(serviceKey);
  const vary = (salt: number, spread: number): number => 1 + spread * (2 * uniform(key, seed, -1, salt) - 1);
  return {
    ...base,
    baseRps: traffic.rps ?? base.baseRps * vary(1, 0.4),
    gpuBusy: traffic.gpuBusy ?? base.gpuBusy,
    latency: { median: base.latency.median * vary(2, 0.25), sigma: base.latency.sigma },
    errorRatio: base.errorRatio * vary(3, 0.3),
  };
}

// ---------------------------------------------------------------- one minute of traffic

/** The pod a minute is computed for: its service's profile, its revision, its share of the load. */
export interface PodTraffic {
  profile: ServiceProfile;
  traits: RevisionTraits;
  serviceKey: number;
  podKey: number;
  /** Replicas sharing the service's load. */
  replicas: number;
  seed: number;
}

export interface LogParams {
  mu: number;
  sigma: number;
}

export interface MinuteTraffic {
  minute: number;
  requests: number;
  errors: number;
  /** Load relative to the daily mean (0.55 at night … 1.45 at the afternoon peak). */
  load: number;
  /** Requests/s this pod serves in this minute. */
  rps: number;
  latency: LogParams;
  ttft?: LogParams;
  itl?: LogParams;
  /** vLLM: tokens generated and prompt tokens processed in this minute. */
  generationTokens: number;
  promptTokens: number;
  running: number;
  waiting: number;
  /** How busy the pod's GPUs are this minute, 0–1: the service's busy fraction moving with the load. */
  gpuBusy: number;
  /** A per-minute uniform used to dither integer rounding the same way for every bucket. */
  dither: number;
}

/** Relative load at a time: the daily cycle, a slow weekly drift and minute-scale jitter. */
export function loadAt(profile: ServiceProfile, serviceKey: number, seed: number, minute: number): number {
  const hourUtc = ((minute / 60) % 24 + 24) % 24;
  const daily = Math.sin((2 * Math.PI * (hourUtc - 9)) / 24);
  const weekly = 0.06 * Math.sin((2 * Math.PI * minute) / (7 * 1440) + (serviceKey % 628) / 100);
  const jitter = 0.08 * (2 * uniform(serviceKey, seed, minute, 11) - 1);
  return Math.max(0.05, 1 + profile.diurnal * daily + weekly + jitter);
}

function logParams(l: Lognormal, scale: number): LogParams {
  return { mu: Math.log(l.median * scale), sigma: l.sigma };
}

/** One minute of one pod's traffic; the same inputs always give the same minute. */
export function minuteTraffic(pod: PodTraffic, minute: number): MinuteTraffic {
  const { profile, traits, seed } = pod;
  const load = loadAt(profile, pod.serviceKey, seed, minute);
  const podShare = 0.9 + 0.2 * uniform(pod.podKey, seed, -1, 21);
  const rps = (profile.baseRps * load * podShare) / Math.max(1, pod.replicas);
  const requests = Math.floor(rps * 60 + uniform(pod.podKey, seed, minute, 22));
  const ratio = (traits.errorRatio ?? profile.errorRatio) * (0.5 + uniform(pod.podKey, seed, minute, 23));
  const errors = Math.min(requests, Math.floor(requests * ratio + uniform(pod.podKey, seed, minute, 24)));
  // Latency grows with load (queueing) and with the revision's factor.
  const scale = traits.latencyFactor * (1 + 0.3 * (load - 1)) * (0.96 + 0.08 * uniform(pod.podKey, seed, minute, 25));
  const latency = logParams(profile.latency, scale);
  const result: MinuteTraffic = {
    minute,
    requests,
    errors,
    load,
    rps,
    latency,
    generationTokens: 0,
    promptTokens: 0,
    running: 0,
    waiting: 0,
    gpuBusy: 0,
    dither: uniform(pod.podKey, seed, minute, 26),
  };
  result.gpuBusy = Math.min(1, profile.gpuBusy * (0.3 + 0.7 * load) * (0.9 + 0.2 * result.dither));
  const meanLatency = lognormalMean(latency.mu, latency.sigma);
  result.running = Math.max(0, Math.round(rps * meanLatency * (0.85 + 0.3 * uniform(pod.podKey, seed, minute, 27))));
  const queueing = Math.max(0, load - 1.15) * 6 + (traits.latencyFactor - 1) * 2.5;
  result.waiting = Math.max(0, Math.round(queueing * (0.5 + uniform(pod.podKey, seed, minute, 28))));
  if (profile.runtime === "vllm" && profile.ttft && profile.itl) {
    result.ttft = logParams(profile.ttft, scale);
    result.itl = logParams(profile.itl, scale);
    const ok = requests - errors;
    const tokensPerRequest = Math.max(1, (meanLatency - lognormalMean(result.ttft.mu, result.ttft.sigma)) / lognormalMean(result.itl.mu, result.itl.sigma));
    result.generationTokens = Math.floor(ok * tokensPerRequest + result.dither);
    result.promptTokens = Math.floor(ok * (profile.promptTokens ?? 400) * (0.8 + 0.4 * uniform(pod.podKey, seed, minute, 29)));
  }
  return result;
}
