import type { MetricsError, MetricsResult } from "../../core/metrics/metricsSource";
import type { MetricsTarget } from "../../core/metrics/metricsTarget";
import type { ServiceMetricsSnapshot } from "../../core/metrics/serviceMetrics";

/** What a Deployments row shows of its metrics: a snapshot, or why there is none. */
export type RowMetrics =
  | { readonly kind: "ok"; readonly source: string; readonly snapshot: ServiceMetricsSnapshot }
  | { readonly kind: "failed"; readonly source: string; readonly error: MetricsError };

export interface BoardTarget {
  /** The tree row's id (the workload id). */
  readonly id: string;
  readonly target: MetricsTarget;
}

export type ReadMetrics = (target: MetricsTarget, signal: AbortSignal) => Promise<MetricsResult<ServiceMetricsSnapshot>>;

const fixed = (x: number | null | undefined, digits: number): string => (x === null || x === undefined ? "-" : Number.isFinite(x) ? x.toFixed(digits) : String(x));

/**
 * What a row renders from its metrics, rounded to what a person can see; two snapshots with the
 * same key look the same, so the row is not fired again.
 */
export function renderKey(row: RowMetrics): string {
  if (row.kind === "failed") return `failed|${row.source}|${row.error.kind}|${row.error.query ?? ""}|${"detail" in row.error ? row.error.detail : ""}`;
  const s = row.snapshot;
  return [
    "ok",
    row.source,
    s.slo.status,
    s.slo.summary,
    fixed(s.p50Ms, 0),
    fixed(s.p95Ms, 0),
    fixed(s.p99Ms, 0),
    fixed(s.errorRatio, 5),
    fixed(s.rps, 2),
    fixed(s.slo.errorBudgetRemaining, 4),
    ...s.slo.burnRates.map((b) => fixed(b.rate, 1)),
    Object.keys(s.failures).sort().join(","),
  ].join("|");
}

/**
 * The metrics of the Deployments rows, keyed by workload id: a small map the tree reads when it
 * renders a row. A refresh reads at most `concurrency` services at a time, replaces the previous
 * refresh (which is aborted), and reports only the rows whose rendering changed.
 */
export class SloStatusBoard {
  private readonly rows = new Map<string, { readonly row: RowMetrics; readonly key: string }>();
  private round: AbortController | undefined;

  constructor(
    private readonly opts: {
      readonly concurrency: number;
      /** Rows whose rendering changed; called as results arrive. */
      readonly onChange: (ids: readonly string[]) => void;
    },
  ) {}

  get(id: string): RowMetrics | undefined {
    return this.rows.get(id)?.row;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Reads every target's metrics with `read`; resolves when the round ends or is replaced. */
  async refresh(targets: readonly BoardTarget[], source: string, read: ReadMetrics): Promise<void> {
    this.round?.abort();
    const round = new AbortController();
    this.round = round;
    // Rows that left the tree leave the map; nothing renders them any more.
    const wanted = new Set(targets.map((t) => t.id));
    for (const id of [...this.rows.keys()]) if (!wanted.has(id)) this.rows.delete(id);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!round.signal.aborted) {
        const item = targets[next++];
        if (!item) return;
        let result: MetricsResult<ServiceMetricsSnapshot>;
        try {
          result = await read(item.target, round.signal);
        } catch (e) {
          // A reader must return failures as values; one that throws still leaves the other rows up.
          result = { ok: false, error: { kind: "bad-response", status: 0, detail: e instanceof Error ? e.message : String(e), source } };
        }
        if (round.signal.aborted) return;
        if (!result.ok && result.error.kind === "cancelled") continue;
        this.set(item.id, result.ok ? { kind: "ok", source, snapshot: result.value } : { kind: "failed", source, error: result.error });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.opts.concurrency, targets.length)) }, worker));
    if (this.round === round) this.round = undefined;
  }

  /** Stops the running refresh and forgets every row (another context, another source, none). */
  clear(): void {
    this.round?.abort();
    this.round = undefined;
    const ids = [...this.rows.keys()];
    this.rows.clear();
    if (ids.length > 0) this.opts.onChange(ids);
  }

  /** Stops the running refresh, keeping what the rows show. */
  cancel(): void {
    this.round?.abort();
    this.round = undefined;
  }

  private set(id: string, row: RowMetrics): void {
    const key = renderKey(row);
    if (this.rows.get(id)?.key === key) return;
    this.rows.set(id, { row, key });
    this.opts.onChange([id]);
  }
}
