import type { LatencyView } from "../../src/shared/protocol/latency";
import { formatNumber, formatTime } from "../common/valueFormat";

/** Said when p95 after a deploy is more than 10% worse than before it. */
export function RegressionBanner({ regression }: { readonly regression: NonNullable<LatencyView["regression"]> }): React.JSX.Element {
  const what = regression.revision !== undefined ? `revision ${regression.revision}` : "the change";
  return (
    <div className="regression-banner" role="alert" data-testid="regression-banner" data-revision={regression.revision}>
      <strong>Latency regression:</strong> p95 rose {formatNumber(regression.change * 100)} % after {what} at {formatTime(regression.changedAt)} (
      {formatNumber(regression.baselineP95Ms)} ms before, {formatNumber(regression.afterP95Ms)} ms after).
    </div>
  );
}
