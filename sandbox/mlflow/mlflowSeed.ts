/**
 * What the sandbox registry starts with: registered models, their versions (numbered 1, 2, …
 * in order), aliases and the training runs behind them. mlflowDemo.ts and mlflowScale.ts build
 * these; MlflowStore.load takes them.
 */

/** model_version_stages.py: ALL_STAGES, matched case-insensitively (get_canonical_stage). */
export const stages = ["None", "Staging", "Production", "Archived"] as const;
export type Stage = (typeof stages)[number];
export type VersionStatus = "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY";

export interface MlflowSeedVersion {
  source: string;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: Readonly<Record<string, string>>;
  stage?: Stage;
  status?: VersionStatus;
  statusMessage?: string;
  userId?: string;
  /** Epoch ms; default: the store's clock. */
  createdAt?: number;
  /** MLflow 3: where a logged model's artifacts are when `source` is models:/m-<id> (get-download-uri answers it). */
  storageLocation?: string;
}

export interface MlflowSeedModel {
  name: string;
  description?: string;
  tags?: Readonly<Record<string, string>>;
  createdAt?: number;
  /** Numbered 1, 2, … in order. */
  versions: readonly MlflowSeedVersion[];
  /** alias → version number. */
  aliases?: Readonly<Record<string, number>>;
}

/** A tracking-server run, for runs/get (Compare with Serving reads its params and metrics). */
export interface MlflowSeedRun {
  runId: string;
  experimentId: string;
  runName?: string;
  userId?: string;
  startTime: number;
  endTime?: number;
  artifactUri: string;
  params?: Readonly<Record<string, string>>;
  metrics?: Readonly<Record<string, number>>;
  tags?: Readonly<Record<string, string>>;
}

export interface MlflowSeed {
  models: readonly MlflowSeedModel[];
  runs?: readonly MlflowSeedRun[];
}
