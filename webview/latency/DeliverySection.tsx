/**
 * The latency dashboard's Delivery section for the shown service: deploys per week (bars, change
 * failures stacked on top), weekly change failure rate and deployment success against the seeds'
 * target lines, time to mitigate and newcomer lead time. Each verdict is said in words, never by
 * colour alone, and the weekly table behind the charts is keyboard reachable.
 */
import { useMemo, useRef } from "react";
import type { DeliveryReport, DeliveryServiceRow } from "../../src/shared/protocol/delivery";
import { BarChart } from "../common/BarChart";
import type { ThemeColors } from "../common/themeColors";
import { deliveryBlindSpotText } from "./deliveryBlindSpotText";
import { cfrStanding, formatDuration, formatRate, successStanding, type TargetStanding, weeklyColumns } from "./deliveryChart";
import { DeliveryRateChart } from "./DeliveryRateChart";

export interface DeliverySectionProps {
  readonly report: DeliveryReport;
  readonly colors: ThemeColors;
}

const standingClass: Record<TargetStanding, string> = { mature: "tile-ok", met: "tile-ok", missed: "tile-missed", "no-data": "" };

function cfrWords(s: TargetStanding, t: DeliveryReport["targets"]): string {
  switch (s) {
    case "mature":
      return `Below the mature target (< ${formatRate(t.changeFailureRateMature)})`;
    case "met":
      return `Below the initial target (< ${formatRate(t.changeFailureRateInitial)}), above the mature one (${formatRate(t.changeFailureRateMature)})`;
    case "missed":
      return `Above the target (< ${formatRate(t.changeFailureRateInitial)} initial, < ${formatRate(t.changeFailureRateMature)} mature)`;
    case "no-data":
      return "No deploy to judge yet";
  }
}

function successWords(s: TargetStanding, t: DeliveryReport["targets"]): string {
  const target = `the target (> ${formatRate(t.deploymentSuccessRate)})`;
  return s === "no-data" ? "No deploy attempted yet" : s === "missed" ? `Not above ${target}` : `Above ${target}`;
}

function leadTimeText(row: DeliveryServiceRow): { value: string; note: string } {
  if (!row.scaffold) return { value: "—", note: "No scaffold of this service in the window" };
  if (row.scaffold.firstDeployAt === null) return { value: "Not deployed yet", note: `Scaffolded ${row.scaffold.at.slice(0, 10)}` };
  return { value: formatDuration(row.leadTime.medianSeconds), note: `Scaffolded ${row.scaffold.at.slice(0, 10)}, first healthy deploy ${row.scaffold.firstDeployAt.slice(0, 10)}` };
}

export function DeliverySection({ report, colors }: DeliverySectionProps): React.JSX.Element {
  const row = report.services[0];
  const section = useRef<HTMLElement>(null);
  const painted = useRef(new Set<string>());
  const columns = useMemo(() => weeklyColumns(row?.weekly ?? []), [row?.weekly]);
  const fills = useMemo(() => [colors.series[0] ?? colors.foreground, colors.threshold], [colors]);
  // For tests, which cannot see into a canvas: how many of the two charts have drawn.
  const onPainted = (id: string) => (): void => {
    painted.current.add(id);
    if (section.current) section.current.dataset.chartsPainted = String(painted.current.size);
  };
  const t = report.targets;
  const days = Math.round(report.window.days);
  return (
    <section className="delivery" ref={section} data-testid="delivery-section" aria-labelledby="delivery-title">
      <h2 id="delivery-title">Delivery (last {days} days)</h2>
      {!row ? (
        <p className="delivery-empty" data-testid="delivery-empty">
          No deploys, rollbacks or scaffolds of this service in the audit log or the rollout history.
        </p>
      ) : (
        <>
          <div className="delivery-tiles">
            <div className="tile" data-testid="delivery-frequency" data-value={row.deploysPerWeek}>
              <span className="tile-label">Deploys per week</span>
              <span className="tile-value">{row.deploysPerWeek.toFixed(1)}</span>
              <span className="tile-note">
                {row.deploys.succeeded} succeeded{row.deploys.byOthers > 0 ? `, ${row.deploys.byOthers} made outside AI Platform Ops` : ""}
              </span>
            </div>
            <div className={`tile ${standingClass[cfrStanding(row.changeFailure.rate, t)]}`} data-testid="delivery-cfr" data-standing={cfrStanding(row.changeFailure.rate, t)}>
              <span className="tile-label">Change failure rate</span>
              <span className="tile-value">{formatRate(row.changeFailure.rate)}</span>
              <span className="tile-note">
                {row.changeFailure.failed} of {row.changeFailure.judged} deploys rolled back or hot-fixed within 24 h. {cfrWords(cfrStanding(row.changeFailure.rate, t), t)}
                {row.changeFailure.pending > 0 ? `; ${row.changeFailure.pending} too recent to judge` : ""}
              </span>
            </div>
            <div className={`tile ${standingClass[successStanding(row.deploymentSuccess.rate, t)]}`} data-testid="delivery-success" data-standing={successStanding(row.deploymentSuccess.rate, t)}>
              <span className="tile-label">Deployment success</span>
              <span className="tile-value">{formatRate(row.deploymentSuccess.rate)}</span>
              <span className="tile-note">
                {row.deploymentSuccess.succeeded} of {row.deploymentSuccess.attempted} deploys. {successWords(successStanding(row.deploymentSuccess.rate, t), t)}
              </span>
            </div>
            <div className="tile" data-testid="delivery-mttm" data-count={row.timeToMitigate.count}>
              <span className="tile-label">Time to mitigate (median)</span>
              <span className="tile-value">{formatDuration(row.timeToMitigate.medianSeconds)}</span>
              <span className="tile-note">
                {row.timeToMitigate.count > 0 ? `p90 ${formatDuration(row.timeToMitigate.p90Seconds)} over ${row.timeToMitigate.count} ${row.timeToMitigate.count === 1 ? "rollback" : "rollbacks"}, detection to healthy` : "No rollback with a detection time"}
                {row.timeToMitigate.withoutDetection > 0 ? `; ${row.timeToMitigate.withoutDetection} without one` : ""}
              </span>
            </div>
            <div className="tile" data-testid="delivery-lead-time">
              <span className="tile-label">Newcomer lead time</span>
              <span className="tile-value">{leadTimeText(row).value}</span>
              <span className="tile-note">{leadTimeText(row).note}</span>
            </div>
          </div>
          <div className="delivery-charts">
            <div className="panel">
              <h3>Deploys per week</h3>
              <BarChart
                testId="delivery-weekly-chart"
                label={`Deploys per week of ${row.service.name}, change failures stacked on top`}
                xs={columns.xs}
                layers={columns.layers}
                fills={fills}
                spanSeconds={7 * 86_400}
                format={(v) => (Number.isFinite(v) ? String(Math.round(v)) : "—")}
                colors={colors}
                onPainted={onPainted("weekly")}
              />
            </div>
            <div className="panel">
              <h3>Change failure rate and deployment success by week</h3>
              <DeliveryRateChart
                testId="delivery-rates-chart"
                label={`Weekly change failure rate and deployment success of ${row.service.name}, with target lines`}
                xs={columns.xs}
                cfr={columns.cfr}
                success={columns.success}
                targets={t}
                colors={colors}
                onPainted={onPainted("rates")}
              />
            </div>
          </div>
          <div className="data-table delivery-table" data-testid="delivery-table">
            <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="delivery-table-caption">
              <table>
                <caption id="delivery-table-caption">Delivery by week (weeks start Monday, UTC)</caption>
                <thead>
                  <tr>
                    <th scope="col">Week of</th>
                    <th scope="col">Deploys</th>
                    <th scope="col">Change failures</th>
                    <th scope="col">Change failure rate</th>
                    <th scope="col">Deployment success</th>
                  </tr>
                </thead>
                <tbody>
                  {row.weekly.map((w, i) => (
                    <tr key={w.weekStart} data-week={w.weekStart.slice(0, 10)}>
                      <th scope="row">
                        <time dateTime={w.weekStart}>{w.weekStart.slice(0, 10)}</time>
                      </th>
                      <td>{w.deploys}</td>
                      <td>{w.changeFailures}</td>
                      <td>{formatRate(columns.cfr[i] ?? Number.NaN)}</td>
                      <td>{Number.isNaN(columns.success[i] ?? Number.NaN) ? "no data" : `${formatRate(columns.success[i] ?? 0)} (${w.succeededAttempts}/${w.attempted})`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
      {report.blindSpots.length > 0 && (
        <ul className="delivery-notes" data-testid="delivery-notes">
          {report.blindSpots.map((b, i) => (
            <li key={i}>{deliveryBlindSpotText(b)}</li>
          ))}
        </ul>
      )}
      <p className="delivery-definitions">
        A change failure is a deploy whose next change, within 24 h, is a rollback or a hotfix (a reason matching /{report.hotfixPattern}/i). Success counts audit-logged deploys that succeeded against those
        that succeeded or failed. Time to mitigate runs from the regression's detection to the rollback's healthy rollout; lead time from the scaffold to the first healthy deploy.
      </p>
    </section>
  );
}
