import type { CostReport } from "../../shared/protocol/cost";

export type CostLoad = { readonly ok: true; readonly report: CostReport } | { readonly ok: false; readonly message: string; readonly detail?: string };

/**
 * The latest per-service cost report of each context, which the trees read when they render a
 * row (a map lookup). One refresh runs at a time: asking again while one runs joins it, and a
 * refresh for another context aborts the running one. A failed refresh keeps the last report
 * (the trees keep showing it, with its window) and records why.
 */
export class CostReportBoard {
  private readonly reports = new Map<string, CostReport>();
  private readonly problems = new Map<string, string>();
  private running: { readonly context: string; readonly controller: AbortController; readonly done: Promise<void> } | undefined;

  constructor(
    private readonly opts: {
      /** The context whose report changed (a new one, or cleared). */
      readonly onChange: (context: string) => void;
      /** Keeps the map small: reports of this many contexts at most, the oldest dropped first. */
      readonly maxContexts?: number;
    },
  ) {}

  get(context: string | undefined): CostReport | undefined {
    return context === undefined ? undefined : this.reports.get(context);
  }

  /** Why the last refresh of `context` failed, if it did. */
  problem(context: string): string | undefined {
    return this.problems.get(context);
  }

  get busy(): string | undefined {
    return this.running?.context;
  }

  /**
   * A report from elsewhere (the dashboard loaded one): kept when it is per service and newer
   * than the one held, so the trees show the freshest figures without a second computation.
   */
  offer(context: string, report: CostReport): void {
    if (report.aggregate !== "service") return;
    const held = this.reports.get(context);
    if (held && held.computedAt > report.computedAt) return;
    this.set(context, report);
  }

  /** Loads `context`'s report with `load`; resolves when done (or replaced). Never rejects. */
  refresh(context: string, load: (signal: AbortSignal) => Promise<CostLoad>): Promise<void> {
    if (this.running?.context === context) return this.running.done;
    this.running?.controller.abort();
    const controller = new AbortController();
    const done = (async () => {
      let result: CostLoad;
      try {
        result = await load(controller.signal);
      } catch (e) {
        // A loader must return failures as values; one that throws still leaves the last report up.
        result = { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
      if (controller.signal.aborted) return;
      if (result.ok) {
        this.problems.delete(context);
        this.offer(context, result.report);
      } else this.problems.set(context, result.detail ? `${result.message} (${result.detail})` : result.message);
    })().finally(() => {
      if (this.running?.controller === controller) this.running = undefined;
    });
    this.running = { context, controller, done };
    return done;
  }

  /** Stops the running refresh, keeping every report. */
  cancel(): void {
    this.running?.controller.abort();
    this.running = undefined;
  }

  /** Forgets a context's report (its cluster went, or the settings that priced it changed). */
  clear(context?: string): void {
    const contexts = context === undefined ? [...this.reports.keys()] : [context];
    if (context === undefined || this.running?.context === context) this.cancel();
    for (const c of contexts) {
      this.problems.delete(c);
      if (this.reports.delete(c)) this.opts.onChange(c);
    }
  }

  private set(context: string, report: CostReport): void {
    this.reports.delete(context);
    this.reports.set(context, report);
    const max = this.opts.maxContexts ?? 8;
    for (const oldest of this.reports.keys()) {
      if (this.reports.size <= max) break;
      this.reports.delete(oldest);
    }
    this.opts.onChange(context);
  }
}
