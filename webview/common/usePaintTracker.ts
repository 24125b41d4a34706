import { useCallback, useEffect, useRef, useState } from "react";
import { markViewPainted, markViewReceived } from "./paintSignal";

export interface PaintTracker {
  /** The number of the current view (0 before the first). */
  readonly seq: number;
  /** A new view arrived with these charts to draw; returns its number. */
  readonly received: (chartIds: readonly string[]) => number;
  /** A chart of the current view drew; once all have, the view counts as painted. */
  readonly painted: (chartId: string) => void;
}

/**
 * Which charts of the current view are still to draw (paintSignal.ts tells the tests and the
 * bench). A view without a chart is painted as soon as React has rendered it.
 */
export function usePaintTracker(): PaintTracker {
  const [seq, setSeq] = useState(0);
  const count = useRef(0);
  const pending = useRef<{ seq: number; left: Set<string>; charts: number }>({ seq: 0, left: new Set(), charts: 0 });

  useEffect(() => {
    const p = pending.current;
    if (seq > 0 && p.seq === seq && p.charts === 0) markViewPainted(seq, 0);
  }, [seq]);

  const received = useCallback((chartIds: readonly string[]): number => {
    const next = ++count.current;
    markViewReceived(next);
    pending.current = { seq: next, left: new Set(chartIds), charts: chartIds.length };
    setSeq(next);
    return next;
  }, []);

  const painted = useCallback((chartId: string): void => {
    const p = pending.current;
    if (!p.left.delete(chartId) || p.left.size > 0) return;
    markViewPainted(p.seq, p.charts);
  }, []);

  return { seq, received, painted };
}
