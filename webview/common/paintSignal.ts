/**
 * Signals for the UI test and the bench, which cannot see inside a canvas: when a view arrived
 * and when every chart it carries has drawn. `document.body.dataset.painted` holds the number of
 * the last view fully painted (1 for the first), and performance marks bracket each view.
 */
let firstPaintMarked = false;

export function markViewReceived(seq: number): void {
  document.body.dataset.viewSeq = String(seq);
  performance.mark(`aiplat:view-received:${seq}`);
}

export function markViewPainted(seq: number, charts: number): void {
  performance.mark(`aiplat:view-painted:${seq}`);
  if (!firstPaintMarked) {
    firstPaintMarked = true;
    performance.mark("aiplat:first-paint");
  }
  document.body.dataset.chartsPainted = String(charts);
  document.body.dataset.painted = String(seq);
}
