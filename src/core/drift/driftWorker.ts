/**
 * The drift worker's entry (bundled as dist/drift-worker.js): reads both sides and runs the
 * check on its own thread, posting progress and then one "done" message (driftRunner.ts).
 * The host cancels by terminating this thread, so nothing here listens for a signal.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readDataset } from "./data/readDataset";
import { computeDrift } from "./driftEngine";
import type { DriftCheckOutcome, DriftCheckRequest, DriftWorkerMessage } from "./driftRunner";

/** Share of the bar for reading each side; the features share the rest. */
const readShare = 30;

function poster(post: (m: DriftWorkerMessage) => void): (percent: number, message: string) => void {
  let last = -1;
  let lastMessage = "";
  return (percent, message) => {
    const p = Math.max(0, Math.min(100, Math.floor(percent)));
    // One message per whole percent or new step: a million-row read reports often.
    if (p === last && message === lastMessage) return;
    last = p;
    lastMessage = message;
    post({ type: "progress", percent: p, message });
  };
}

export async function runInWorker(request: DriftCheckRequest, post: (m: DriftWorkerMessage) => void): Promise<DriftCheckOutcome> {
  const progress = poster(post);
  const named = request.features?.map((f) => f.name) ?? [];
  // Read only what is judged when features are listed; absent names stay absent (readDataset).
  const columns = named.length > 0 ? [...named, ...[request.target, request.prediction].filter((c): c is string => c !== undefined)] : undefined;
  const read = async (side: "reference" | "current", offset: number) => {
    progress(offset, `Reading ${side}`);
    return readDataset(request[side], {
      cwd: request.cwd,
      columns,
      sample: request.sample,
      maxBytes: request.maxBytes,
      onProgress: (f) => progress(offset + f * readShare, `Reading ${side}`),
    });
  };
  const reference = await read("reference", 0);
  if (!reference.ok) return reference.error.kind === "cancelled" ? { ok: false, error: { kind: "cancelled" } } : { ok: false, error: { kind: "data", side: "reference", error: reference.error } };
  const current = await read("current", readShare);
  if (!current.ok) return current.error.kind === "cancelled" ? { ok: false, error: { kind: "cancelled" } } : { ok: false, error: { kind: "data", side: "current", error: current.error } };

  const result = computeDrift(reference.dataset, current.dataset, {
    features: request.features,
    target: request.target,
    prediction: request.prediction,
    psi: request.psi,
    driftShare: request.driftShare,
    onProgress: (done, total, feature) =>
      progress(2 * readShare + (total > 0 ? ((100 - 2 * readShare) * done) / total : 100 - 2 * readShare), done < total ? `Comparing ${feature} (${done + 1} of ${total})` : `Compared ${total} features`),
  });
  return { ok: true, result };
}

// Only as the drift worker: importing this module elsewhere (a test, a pooled test thread) does nothing.
const data = workerData as { driftCheck?: DriftCheckRequest } | null;
if (parentPort && data?.driftCheck) {
  const port = parentPort;
  const post = (m: DriftWorkerMessage): void => port.postMessage(m);
  runInWorker(data.driftCheck, post).then(
    (outcome) => post({ type: "done", outcome }),
    (err: unknown) => post({ type: "done", outcome: { ok: false, error: { kind: "worker-failed", detail: err instanceof Error ? (err.stack ?? err.message) : String(err) } } }),
  );
}
