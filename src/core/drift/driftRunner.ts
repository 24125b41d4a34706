/**
 * The host side of a drift check: starts the drift worker (driftWorker.ts) on a worker thread,
 * relays its progress and returns its result. Reading the files and every statistic happen in the
 * worker, so the extension host's event loop only sees a few small messages; cancelling
 * terminates the worker, which stops it mid-sort as well as mid-read.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { DriftResult } from "../../shared/protocol/drift";
import type { DataError } from "./data/dataset";
import type { DriftComputation, FeatureSpec } from "./driftEngine";

export interface DriftCheckRequest {
  /** File, directory or glob, relative to `cwd`. */
  readonly reference: string;
  readonly current: string;
  readonly cwd: string;
  readonly features?: readonly FeatureSpec[];
  readonly target?: string;
  readonly prediction?: string;
  readonly psi?: boolean;
  readonly driftShare?: number;
  /** Sample each side to this many rows, reproducibly. */
  readonly sample?: { readonly rows: number; readonly seed: number };
  /** Refuse inputs larger than this (readDataset's default otherwise). */
  readonly maxBytes?: number;
}

export type DriftCheckError =
  /** A side could not be read; `error` names the file, row and column where that applies. */
  | { readonly kind: "data"; readonly side: "reference" | "current"; readonly error: Exclude<DataError, { kind: "cancelled" }> }
  | { readonly kind: "cancelled" }
  /** The worker could not start, crashed (out of memory, a bug) or answered something unreadable: `detail` is for the log. */
  | { readonly kind: "worker-failed"; readonly detail: string };

export type DriftCheckOutcome = { readonly ok: true; readonly result: DriftComputation } | { readonly ok: false; readonly error: DriftCheckError };

/** What the worker posts. */
export type DriftWorkerMessage = { readonly type: "progress"; readonly percent: number; readonly message: string } | { readonly type: "done"; readonly outcome: DriftCheckOutcome };

export interface RunDriftCheckOptions {
  readonly signal?: AbortSignal;
  /** 0–100 and what is happening, at most a few times per percent. */
  readonly onProgress?: (percent: number, message: string) => void;
  /** The worker script, when not the one next to this module's bundle (tests, bench). */
  readonly workerScript?: string;
}

const DriftComputationSchema = DriftResult.omit({ service: true, modelVersion: true });

/** The bundle's file name, written by scripts/build.ts next to dist/extension.js and dist/cli.js. */
export const driftWorkerBundle = "drift-worker.js";

type WorkerStart = { readonly ok: true; readonly script: string; readonly eval: boolean } | { readonly ok: false; readonly detail: string };

/**
 * Bundled, this module lives in dist/ (extension, CLI) or dist/lazy/ (a lazily loaded feature), and
 * the worker bundle in dist/. From the sources (vitest, tsx) the worker is the .ts entry, run through
 * tsx's require hook since a worker thread does not inherit the parent's loader.
 */
function workerStart(explicit: string | undefined): WorkerStart {
  if (explicit !== undefined) {
    if (!explicit.endsWith(".ts")) return existsSync(explicit) ? { ok: true, script: explicit, eval: false } : { ok: false, detail: `no drift worker at ${explicit}` };
    return fromSource(explicit);
  }
  if (__filename.endsWith(".ts")) return fromSource(path.join(__dirname, "driftWorker.ts"));
  const candidates = [path.join(__dirname, driftWorkerBundle), path.join(__dirname, "..", driftWorkerBundle)];
  const found = candidates.find((c) => existsSync(c));
  return found ? { ok: true, script: found, eval: false } : { ok: false, detail: `no drift worker bundle at ${candidates.join(" or ")}` };
}

function fromSource(entry: string): WorkerStart {
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve("tsx/cjs/api");
  } catch (err) {
    return { ok: false, detail: `cannot run ${entry} without tsx: ${String(err)}` };
  }
  return { ok: true, script: `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(entry)});`, eval: true };
}

export function runDriftCheck(request: DriftCheckRequest, opts: RunDriftCheckOptions = {}): Promise<DriftCheckOutcome> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) return Promise.resolve({ ok: false, error: { kind: "cancelled" } });
  const start = workerStart(opts.workerScript);
  if (!start.ok) return Promise.resolve({ ok: false, error: { kind: "worker-failed", detail: start.detail } });

  return new Promise<DriftCheckOutcome>((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(start.script, { eval: start.eval, workerData: { driftCheck: request } });
    } catch (err) {
      resolve({ ok: false, error: { kind: "worker-failed", detail: String(err) } });
      return;
    }
    let settled = false;
    const settle = (outcome: DriftCheckOutcome): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      // The worker has posted its answer or failed; either way nothing more is wanted from it.
      void worker.terminate();
      resolve(outcome);
    };
    const onAbort = (): void => settle({ ok: false, error: { kind: "cancelled" } });
    signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (message: DriftWorkerMessage) => {
      if (settled) return;
      if (message.type === "progress") {
        onProgress?.(message.percent, message.message);
        return;
      }
      if (!message.outcome.ok) {
        settle(message.outcome);
        return;
      }
      // Parse what crossed the thread boundary, as every reader of this shape does.
      const parsed = DriftComputationSchema.safeParse(message.outcome.result);
      settle(parsed.success ? { ok: true, result: parsed.data } : { ok: false, error: { kind: "worker-failed", detail: `the drift result does not parse: ${parsed.error.message.slice(0, 2000)}` } });
    });
    worker.on("error", (err: Error) => settle({ ok: false, error: { kind: "worker-failed", detail: err.stack ?? String(err) } }));
    worker.on("exit", (code) => settle({ ok: false, error: { kind: "worker-failed", detail: `the drift worker exited with code ${code} before answering` } }));
  });
}
