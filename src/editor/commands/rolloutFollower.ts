import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { checkChangeReason } from "../../core/audit/changeReason";
import { explainFailure, explainReasonProblem } from "../explain";
import { showUserMessage } from "./commandRunner";
import type { ContextSummary } from "../../core/kube/client/kubeconfig";
import { rollbackInferenceService, type InferenceServiceRollbackResult } from "../../core/kube/rollout/inferenceServiceRollout";
import { getJson } from "../../core/kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../../core/kube/client/resourceTypes";
import { trackRollout, type TrackResult } from "../../core/kube/rollout/rolloutTracker";
import { revisionAnnotation } from "../../core/kube/objects/wellKnownAnnotations";
import { apiVersionOf, type WorkloadRef } from "../../core/kube/objects/workloadRef";
import { undoDeployment, type UndoResult } from "../../core/kube/rollout/rolloutUndo";
import type { AuditTrail } from "../auditTrail";
import { CommandId } from "../contributionIds";
import { withAbortSignal } from "../lifecycle";

export interface ClusterTarget {
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
}

export interface FollowResult {
  readonly outcome: TrackResult["outcome"];
  readonly message: string;
  /** The Deployment's revision once the rollout ended. */
  readonly revision: string | undefined;
}

/**
 * Following rollouts and rolling back, shared by Deploy, Roll Back and the failed-deploy offer:
 * progress in a cancellable notification with kubectl's rollout-status messages, and every
 * rollback written to the audit trail.
 */
export class RolloutFollower {
  constructor(
    private readonly trail: AuditTrail,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** timeoutMs: give up with outcome "timedOut" (kubectl rollout status --timeout); absent: until done or cancelled. */
  follow(target: ClusterTarget, ref: WorkloadRef, title: string, timeoutMs?: number): Thenable<FollowResult> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      withAbortSignal(token, async (signal) => {
        let last = "";
        const result = await trackRollout(target.kc, ref, {
          signal,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          onProgress: ({ message }) => {
            if (message === last) return;
            last = message;
            progress.report({ message });
            this.log.info(`${ref.namespace}/${ref.name}: ${message}`);
          },
        });
        const revision = ref.kind === "Deployment" ? await this.revisionOf(target.kc, ref).catch(() => undefined) : undefined;
        const message = "message" in result && typeof result.message === "string" ? result.message : result.outcome;
        return { outcome: result.outcome, message, revision };
      }),
    );
  }

  /** After a failed rollout: say what failed, and offer the one-click way back. */
  async offerRollback(target: ClusterTarget, ref: WorkloadRef, message: string, production: boolean): Promise<"rolled-back" | "kept"> {
    this.log.error(`Rollout of ${ref.namespace}/${ref.name} failed: ${message}`);
    const choice = await vscode.window.showErrorMessage(`Rollout of ${ref.name} failed: ${message}`, "Roll Back", "Describe", "Show Log");
    if (choice === "Show Log") this.log.show(true);
    if (choice === "Describe") await vscode.commands.executeCommand(CommandId.describeWorkload, { type: "workload", id: `${ref.kind}/${ref.namespace}/${ref.name}` });
    if (choice !== "Roll Back") return "kept";
    const reason = await askReason(ref, production, `roll back failed rollout: ${message}`.slice(0, 200));
    if (reason === undefined) return "kept";
    const done = await this.rollBack(target, ref, { reason });
    return done ? "rolled-back" : "kept";
  }

  /**
   * Rolls back (kubectl rollout undo semantics for a Deployment; canary to 0% or the previous
   * predictor for KServe), records it, and follows the rollout. True when it completed.
   */
  async rollBack(target: ClusterTarget, ref: WorkloadRef, opts: { reason: string; toRevision?: number; detectedAt?: string; incident?: string }): Promise<boolean> {
    // A mitigation's records say when the regression was detected and which incident report it answers.
    const mitigation = { ...(opts.detectedAt ? { detectedAt: opts.detectedAt } : {}), ...(opts.incident ? { incident: opts.incident } : {}) };
    const annotations = await this.trail.annotations(target.context, "rollback", opts.reason);
    const object = { apiVersion: apiVersionOf(ref.kind), kind: ref.kind, namespace: ref.namespace, name: ref.name };
    const result: UndoResult | InferenceServiceRollbackResult = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Rolling back ${ref.name}`, cancellable: true },
      (_p, token) =>
        withAbortSignal(token, (signal): Promise<UndoResult | InferenceServiceRollbackResult> =>
          ref.kind === "Deployment"
            ? undoDeployment(target.kc, ref.namespace, ref.name, { ...(opts.toRevision ? { toRevision: opts.toRevision } : {}), extraAnnotations: annotations, signal })
            : rollbackInferenceService(target.kc, ref.namespace, ref.name, { signal, annotations }),
        ),
    );
    if (!result.ok) {
      await this.trail.record({ ...target, object, action: "rollback", reason: opts.reason, outcome: "failed", detail: result.message, ...mitigation });
      this.log.error(`Roll back ${ref.namespace}/${ref.name}: ${result.message}`);
      void vscode.window.showErrorMessage(`Roll back of ${ref.name} failed: ${result.message}`, "Show Log").then((c) => c && this.log.show(true));
      return false;
    }
    if (result.skipped) {
      await this.trail.record({ ...target, object, action: "rollback", reason: opts.reason, outcome: "skipped", detail: result.message, ...mitigation });
      void vscode.window.showInformationMessage(`${ref.name}: ${result.message}`);
      return true;
    }
    this.log.info(`Roll back ${ref.namespace}/${ref.name}: ${result.message}`);
    const followed = await this.follow(target, ref, `Rolling back ${ref.name}`);
    await this.trail.record({
      ...target,
      object,
      action: "rollback",
      reason: opts.reason,
      revisionBefore: result.fromRevision,
      revisionAfter: followed.revision ?? result.toRevision,
      outcome: followed.outcome === "complete" ? "succeeded" : followed.outcome === "cancelled" ? "cancelled" : "failed",
      ...(followed.outcome === "complete" ? {} : { detail: followed.message }),
      ...mitigation,
      annotated: true,
    });
    if (followed.outcome === "complete") void vscode.window.showInformationMessage(`${ref.name} is rolled back${followed.revision ? ` (now revision ${followed.revision})` : ""}.`);
    else if (followed.outcome !== "cancelled") {
      this.log.error(`Roll back ${ref.namespace}/${ref.name}: the rollout did not complete: ${followed.message}`);
      void showUserMessage(explainFailure(`${ref.name} was rolled back, but the rollout did not complete: ${followed.message}`));
    }
    return followed.outcome === "complete";
  }

  private async revisionOf(kc: KubeConfig, ref: WorkloadRef): Promise<string | undefined> {
    const d = (await getJson(kc, `${collectionPath(ResourceTypes.deployments, ref.namespace)}/${encodeURIComponent(ref.name)}`)) as { metadata?: { annotations?: Record<string, string> } };
    return d.metadata?.annotations?.[revisionAnnotation];
  }
}

/** The reason for a rollback: required in production, prefilled otherwise. */
export async function askReason(ref: WorkloadRef, production: boolean, suggestion: string): Promise<string | undefined> {
  const reason = await vscode.window.showInputBox({
    title: `Why roll back ${ref.name}?`,
    prompt: production ? "Required in production: recorded in the audit log, on the object and in its Event" : "Recorded in the audit log, on the object and in its Event",
    value: production ? "" : suggestion,
    validateInput: (v) => explainReasonProblem(checkChangeReason(v, { required: production }), "A reason is required for a production rollback"),
    ignoreFocusOut: true,
  });
  if (reason === undefined) return undefined;
  return reason.trim() || suggestion;
}
