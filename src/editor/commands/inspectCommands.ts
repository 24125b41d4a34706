import type { V1Pod } from "@kubernetes/client-node";
import * as vscode from "vscode";
import type { LogSource } from "../../core/kube/workloads/podLogs";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId, ViewId } from "../contributionIds";
import { yamlUri, type ObjectRef } from "../documents/kubeYamlDocuments";
import { describeUri } from "../documents/workloadDescribeDocuments";
import { logUri } from "../documents/workloadLogDocuments";
import * as z from "zod";
import { DeploymentsNode, workloadOfNode } from "../views/deployments/deploymentsTree";
import { GpuNodesNode } from "../views/gpuNodes/gpuNodesTree";
import type { CommandRunner } from "./commandRunner";
import type { GpuNodesTreeProvider } from "../views/gpuNodes/gpuNodesTreeProvider";

interface ContainerPick extends vscode.QuickPickItem {
  readonly sources: readonly LogSource[];
}

/** YAML, logs and "reveal related": read-only, so they work in Restricted Mode too. */
export function registerInspectCommands(
  runner: CommandRunner,
  connection: ClusterConnection,
  gpuNodes: GpuNodesTreeProvider,
  gpuNodesView: vscode.TreeView<GpuNodesNode>,
): vscode.Disposable[] {
  const workloadOf = (node: DeploymentsNode): Workload | undefined => workloadOfNode(connection.model, node);
  const podOf = (node: DeploymentsNode | GpuNodesNode | undefined): V1Pod | undefined => {
    if (!node || !("namespace" in node) || !("name" in node)) return undefined;
    return connection.current?.pods.get(node.namespace, node.name);
  };

  /** Logs of a pod, or of a workload's pods with a picker of pods and containers. */
  const openLogs = async (node: DeploymentsNode | undefined, follow: boolean): Promise<number | undefined> => {
    const pod = podOf(node);
    const w = node ? workloadOf(node) : undefined;
    const pods = pod ? [pod] : w ? [...(connection.model?.workloads.podsOf(w) ?? [])] : [];
    if (pods.length === 0) {
      void vscode.window.showInformationMessage("There are no pods to show logs of.");
      return undefined;
    }
    const sources = pods.flatMap((p) => (p.spec?.containers ?? []).map((c) => ({ namespace: p.metadata?.namespace ?? "", pod: p.metadata?.name ?? "", container: c.name })));
    const containers = [...new Set(sources.map((s) => s.container))];
    let chosen: readonly LogSource[] = sources;
    if (containers.length > 1 || pods.length > 1) {
      const items: ContainerPick[] = [
        { label: "$(list-flat) All pods and containers", description: `${sources.length} streams, merged in time order`, sources },
        ...containers.map((c) => ({ label: `$(symbol-field) ${c}`, description: "every pod", sources: sources.filter((s) => s.container === c) })),
        ...(pods.length > 1 ? sources.map((s) => ({ label: `$(symbol-event) ${s.pod}`, description: s.container, sources: [s] })) : []),
      ];
      const pick = await vscode.window.showQuickPick(items, { title: `Logs of ${w?.name ?? pod?.metadata?.name ?? ""}`, placeHolder: "Which pods and containers", matchOnDescription: true });
      if (!pick) return undefined;
      chosen = pick.sources;
    }
    const title = `${(w?.namespace ?? pod?.metadata?.namespace) ?? ""}-${w?.name ?? pod?.metadata?.name ?? "logs"}`;
    const doc = await vscode.workspace.openTextDocument(logUri(title, chosen, follow));
    await vscode.languages.setTextDocumentLanguage(doc, "log");
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc.lineCount;
  };

  return [
    runner.registerRowCommand(CommandId.describeWorkload, DeploymentsNode, async (node) => {
      const w = node ? workloadOf(node) : undefined;
      if (!w) return undefined;
      const doc = await vscode.workspace.openTextDocument(describeUri(w.id));
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.getText();
    }),
    runner.registerRowCommand(CommandId.showYaml, z.union([DeploymentsNode, GpuNodesNode]), async (node) => {
      let ref: ObjectRef | undefined;
      if (node?.type === "node") ref = { kind: "Node", namespace: undefined, name: node.node };
      else if (node?.type === "pod" || node?.type === "nodePod" || node?.type === "pendingPod") ref = { kind: "Pod", namespace: node.namespace, name: node.name };
      else if (node) {
        const w = node.type === "pool" || node.type === "pending" ? undefined : workloadOf(node);
        if (w) ref = { kind: w.kind, namespace: w.namespace, name: w.name };
      }
      if (!ref) return undefined;
      const doc = await vscode.workspace.openTextDocument(yamlUri(ref));
      await vscode.languages.setTextDocumentLanguage(doc, "yaml");
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.uri.toString();
    }),

    runner.registerRowCommand(CommandId.showLogs, DeploymentsNode, (node) => openLogs(node, false)),
    runner.registerRowCommand(CommandId.followLogs, DeploymentsNode, (node) => openLogs(node, true)),

    runner.registerRowCommand(CommandId.revealNode, DeploymentsNode, async (node) => {
      const nodeName = podOf(node)?.spec?.nodeName;
      const target = nodeName ? gpuNodes.nodeFor(nodeName) : undefined;
      if (!target) {
        void vscode.window.showInformationMessage(nodeName ? `Node ${nodeName} is not a GPU node.` : "This pod is not on a node yet.");
        return;
      }
      await vscode.commands.executeCommand(`${ViewId.gpuNodes}.focus`);
      await gpuNodesView.reveal(target, { select: true, focus: true, expand: true });
    }),
  ];
}
