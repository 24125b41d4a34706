/**
 * The estimate marks of one computation, bounded: every mark up to `perCode` of each code, then
 * one summary mark per code saying how many more there were and of what. A cluster without
 * metrics has a "no-usage" mark for each of its 10,000 pods; the report keeps the first few and
 * the count, and each pod's row still carries its codes.
 */
import type { EstimateCode, EstimateMark } from "../../shared/protocol/cost";

export class EstimateMarks {
  private readonly kept: EstimateMark[] = [];
  private readonly seen = new Set<string>();
  private readonly counts = new Map<EstimateCode, number>();
  private readonly more = new Map<EstimateCode, { count: number; example: string }>();

  constructor(private readonly perCode = 25) {}

  add(mark: EstimateMark): void {
    const identity = `${mark.code}\u0000${mark.subject}\u0000${mark.detail ?? ""}`;
    if (this.seen.has(identity)) return;
    this.seen.add(identity);
    const count = this.counts.get(mark.code) ?? 0;
    this.counts.set(mark.code, count + 1);
    if (count < this.perCode) {
      this.kept.push(mark);
      return;
    }
    const more = this.more.get(mark.code);
    if (more) more.count++;
    else this.more.set(mark.code, { count: 1, example: mark.subject });
  }

  addAll(marks: readonly EstimateMark[]): void {
    for (const m of marks) this.add(m);
  }

  list(): EstimateMark[] {
    const summaries: EstimateMark[] = [...this.more].map(([code, { count, example }]) => ({
      code,
      subject: `${count} more`,
      detail: `${count} more marks of this kind, e.g. ${example}`.slice(0, 2000),
    }));
    return [...this.kept, ...summaries];
  }
}
