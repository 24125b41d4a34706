/** The mark beside a figure that is an estimate: focusable, with a tooltip that says why. */
import { useId } from "react";
import type { EstimateCode } from "../../src/shared/protocol/cost";
import { estimateText } from "./estimateText";

export function EstimateBadge({ codes }: { readonly codes: readonly EstimateCode[] }): React.JSX.Element | null {
  const id = useId();
  if (codes.length === 0) return null;
  const unique = [...new Set(codes)];
  return (
    <span className="estimate">
      <span
        className="estimate-mark"
        tabIndex={0}
        role="img"
        aria-label={unique.length === 1 ? "Estimate" : `Estimate, ${unique.length} reasons`}
        aria-describedby={id}
        data-testid="estimate-mark"
        data-codes={unique.join(" ")}
      >
        <span className="codicon codicon-warning" aria-hidden="true" />
        {unique.length > 1 ? unique.length : null}
      </span>
      <span className="estimate-tooltip" role="tooltip" id={id}>
        <strong>Estimate</strong>
        {unique.map((c) => (
          <span key={c} className="estimate-reason">
            {estimateText[c]}
          </span>
        ))}
      </span>
    </span>
  );
}
