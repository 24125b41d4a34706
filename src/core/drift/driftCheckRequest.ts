import type { DriftMonitoring } from "../manifest/serviceManifest";
import type { FeatureSpec } from "./driftEngine";
import type { DriftCheckRequest } from "./driftRunner";

/** What a terminal's flags change about a manifest's check. */
export interface DriftCheckOverrides {
  readonly features?: readonly FeatureSpec[];
  readonly psi?: boolean;
  readonly sampleRows?: number;
  readonly seed?: number;
}

/**
 * The check a manifest's `monitoring.drift` asks for (paths relative to `base`, the manifest's
 * folder), with any flags over it: one reading for the editor and `aiplat drift`.
 */
export function driftCheckRequest(base: string, drift: Partial<DriftMonitoring> & Pick<DriftMonitoring, "reference" | "current">, overrides: DriftCheckOverrides = {}): DriftCheckRequest {
  const features = overrides.features ?? drift.features;
  const sampleRows = overrides.sampleRows ?? drift.sample?.rows;
  return {
    reference: drift.reference,
    current: drift.current,
    cwd: base,
    ...(features ? { features } : {}),
    ...(drift.target !== undefined ? { target: drift.target } : {}),
    ...(drift.prediction !== undefined ? { prediction: drift.prediction } : {}),
    ...(overrides.psi || drift.psi ? { psi: true } : {}),
    ...(drift.driftShare !== undefined ? { driftShare: drift.driftShare } : {}),
    ...(sampleRows !== undefined ? { sample: { rows: sampleRows, seed: overrides.seed ?? drift.sample?.seed ?? 0 } } : {}),
  };
}
