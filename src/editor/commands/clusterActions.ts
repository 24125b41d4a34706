import * as vscode from "vscode";
import { describeActionError, restartDeployment, scaleDeployment, setNodeSchedulable, type ActionResult } from "../../core/kube/rollout/clusterActions";
import type { AuditTrail, ObjectChange } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import { withAbortSignal } from "../lifecycle";
import { DeploymentsNode, workloadIdOfNode } from "../views/deployments/deploymentsTree";
import { GpuNodesNode } from "../views/gpuNodes/gpuNodesTree";
import { explainFailure, explainNotConnected } from "../explain";
import { showUserMessage, type CommandRunner } from "./commandRunner";

/**
 * Restart, scale, cordon and uncordon: each asks first and reports failures through the log with
 * a Show Log button. The runner refuses them in Restricted Mode and on a read-only context.
 */
export function registerClusterActions(runner: CommandRunner, connection: ClusterConnection, trail: AuditTrail, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const run = async (title: string, audit: Pick<ObjectChange, "object" | "action" | "detail">, work: (signal: AbortSignal) => Promise<ActionResult>): Promise<boolean> => {
    const kc = connection.kubeConfig;
    const state = connection.state;
    if (!kc || state.kind === "none") {
      void showUserMessage(explainNotConnected());
      return false;
    }
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
      withAbortSignal(token, work),
    );
    await trail.record({ kc, context: state.context, ...audit, outcome: result.ok ? "succeeded" : "failed", ...(result.ok ? {} : { detail: describeActionError(result.error) }) });
    if (result.ok) {
      log.info(`${title}: done.`);
      return true;
    }
    const text = describeActionError(result.error);
    log.error(`${title}: ${text}`);
    void showUserMessage(explainFailure(`${title} failed. ${text}`));
    return false;
  };
  const workloadOf = (node: DeploymentsNode | undefined): { namespace: string; name: string; deployment: string | undefined; kind: string } | undefined => {
    const id = node ? workloadIdOfNode(node) : undefined;
    const w = id ? connection.model?.workloads.workload(id) : undefined;
    return w ? { namespace: w.namespace, name: w.name, deployment: w.deployment?.metadata?.name, kind: w.kind } : undefined;
  };

  return [
    runner.registerRowCommand(CommandId.restartWorkload, DeploymentsNode, async (node) => {
      const w = workloadOf(node);
      if (!w?.deployment) return false;
      const confirm = await vscode.window.showWarningMessage(
        `Restart ${w.name} in ${w.namespace}?`,
        { modal: true, detail: `Every pod of Deployment ${w.deployment} is replaced, a few at a time, as kubectl rollout restart does.` },
        "Restart",
      );
      if (confirm !== "Restart") return false;
      const object = { apiVersion: "apps/v1", kind: "Deployment", namespace: w.namespace, name: w.deployment };
      return run(`Restarting ${w.namespace}/${w.deployment}`, { object, action: "restart" }, (signal) => restartDeployment(connection.kubeConfig!, w.namespace, w.deployment!, new Date(), signal));
    }),
    runner.registerRowCommand(CommandId.scaleWorkload, DeploymentsNode, async (node) => {
      const w = workloadOf(node);
      if (!w?.deployment || w.kind !== "Deployment") return false;
      const current = connection.current?.deployments.get(w.namespace, w.deployment)?.spec?.replicas ?? 1;
      const input = await vscode.window.showInputBox({
        title: `Scale ${w.namespace}/${w.name}`,
        prompt: `Replicas (now ${current})`,
        value: String(current),
        validateInput: (v) => (/^\d{1,4}$/.test(v.trim()) && Number(v) <= 1000 ? undefined : "A whole number from 0 to 1000"),
      });
      if (input === undefined) return false;
      const replicas = Number(input.trim());
      if (replicas === current) return false;
      if (replicas === 0) {
        const confirm = await vscode.window.showWarningMessage(`Scale ${w.name} to 0?`, { modal: true, detail: "It stops serving until scaled up again." }, "Scale to 0");
        if (confirm !== "Scale to 0") return false;
      }
      const object = { apiVersion: "apps/v1", kind: "Deployment", namespace: w.namespace, name: w.deployment };
      return run(`Scaling ${w.namespace}/${w.deployment} to ${replicas}`, { object, action: "scale", detail: `replicas ${current} → ${replicas}` }, (signal) => scaleDeployment(connection.kubeConfig!, w.namespace, w.deployment!, replicas, signal));
    }),
    ...([
      [CommandId.cordonNode, false, "Cordon"],
      [CommandId.uncordonNode, true, "Uncordon"],
    ] as const).map(([id, schedulable, verb]) =>
      runner.registerRowCommand(id, GpuNodesNode, async (node) => {
        const name = node?.type === "node" ? node.node : undefined;
        if (!name) return false;
        const detail = schedulable ? "New pods may be scheduled on it again." : "No new pods are scheduled on it; running pods stay.";
        const confirm = await vscode.window.showWarningMessage(`${verb} node ${name}?`, { modal: true, detail }, verb);
        if (confirm !== verb) return false;
        const object = { apiVersion: "v1", kind: "Node", namespace: undefined, name };
        return run(`${verb}ing ${name}`, { object, action: schedulable ? "uncordon" : "cordon" }, (signal) => setNodeSchedulable(connection.kubeConfig!, name, schedulable, signal));
      }),
    ),
  ];
}
