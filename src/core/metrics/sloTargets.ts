/**
 * The objectives a service is held to: what its manifest's `slo` says, and the platform's tier
 * defaults for the rest (p95 < 200 ms for real-time endpoints, < 2 s for LLM ones; error rate
 * < 1 %; availability 99.9 % for tier-1 services, 99.5 % for internal ones).
 */
import { sloAnnotation } from "../kube/objects/wellKnownAnnotations";
import { Slo } from "../manifest/serviceManifest";
import type { RuntimeId } from "./metricsTarget";

export type SloTier = "tier-1" | "internal";

/** The manifest's `slo` block (src/core/manifest/serviceManifest.ts Slo); every field optional. */
export interface SloSpec {
  readonly p95LatencyMs?: number | undefined;
  readonly errorRate?: number | undefined;
  readonly availability?: number | undefined;
  readonly tier?: SloTier | undefined;
}

export interface ResolvedSlo {
  readonly tier: SloTier;
  /** A fraction: 0.999. The error budget is 1 − availability. */
  readonly availability: number;
  readonly p95LatencyMs: number;
  /** A fraction: 0.01. */
  readonly errorRate: number;
  /** "manifest slo", "tier-1 default", or "manifest slo + tier-1 default" when mixed. */
  readonly origin: string;
}

export const tierAvailability: Readonly<Record<SloTier, number>> = { "tier-1": 0.999, internal: 0.995 };
export const defaultErrorRate = 0.01;
export const realTimeP95Ms = 200;
export const llmP95Ms = 2000;

/** LLM servers answer in seconds (whole generations), so they get the LLM latency default. */
export function defaultP95LatencyMs(runtime: RuntimeId): number {
  return runtime === "vllm" ? llmP95Ms : realTimeP95Ms;
}

/**
 * Fills what the manifest leaves out from the tier defaults. Without a tier anywhere a service
 * counts as tier-1: the stricter default, so an unlabelled production service is not let off.
 */
export function resolveSlo(spec: SloSpec | undefined, runtime: RuntimeId, opts: { tier?: SloTier } = {}): ResolvedSlo {
  const tier = spec?.tier ?? opts.tier ?? "tier-1";
  const given = [spec?.p95LatencyMs, spec?.errorRate, spec?.availability].filter((v) => v !== undefined).length;
  const origin = given === 3 ? "manifest slo" : given === 0 ? `${tier} default` : `manifest slo + ${tier} default`;
  return {
    tier,
    availability: spec?.availability ?? tierAvailability[tier],
    p95LatencyMs: spec?.p95LatencyMs ?? defaultP95LatencyMs(runtime),
    errorRate: spec?.errorRate ?? defaultErrorRate,
    origin,
  };
}

/**
 * The objectives a rendered workload carries (renderKubernetes writes the manifest's `slo` as
 * JSON); undefined when it carries none or the value is not an `slo` block (hand-edited, newer).
 */
export function sloSpecOfAnnotations(annotations: Readonly<Record<string, string>> | undefined): SloSpec | undefined {
  const text = annotations?.[sloAnnotation];
  if (text === undefined) return undefined;
  try {
    const parsed = Slo.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
