import * as vscode from "vscode";
import type { ServedObject as KubeObject } from "../../core/kube/objects/kubeObject";
import type { ClusterConnection } from "../clusterConnection";

export const yamlScheme = "aiplatform-k8s";

/** kind/namespace/name of an object, as it appears in its document's URI. */
export interface ObjectRef {
  readonly kind: "Deployment" | "InferenceService" | "Pod" | "Node";
  readonly namespace: string | undefined;
  readonly name: string;
}

export function yamlUri(ref: ObjectRef): vscode.Uri {
  return vscode.Uri.from({ scheme: yamlScheme, path: `/${ref.kind}/${ref.namespace ?? "_"}/${ref.name}.yaml` });
}

function parse(uri: vscode.Uri): ObjectRef | undefined {
  const m = /^\/(Deployment|InferenceService|Pod|Node)\/([^/]+)\/([^/]+)\.yaml$/.exec(uri.path);
  if (!m) return undefined;
  return { kind: m[1] as ObjectRef["kind"], namespace: m[2] === "_" ? undefined : m[2], name: m[3] ?? "" };
}

/**
 * Read-only YAML of an object from the live cache (managedFields already stripped). An open
 * document follows the object: it changes when the object changes.
 */
export class KubeYamlDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: ClusterConnection) {
    this.subscription = connection.onDidChangeObjects((change) => {
      const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === yamlScheme);
      if (open.length === 0) return;
      for (const { object } of change.changes) {
        const uri = yamlUri({ kind: change.type.kind as ObjectRef["kind"], namespace: object.metadata?.namespace, name: object.metadata?.name ?? "" });
        if (open.some((d) => d.uri.toString() === uri.toString())) this.changed.fire(uri);
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parse(uri);
    const cache = this.connection.current;
    if (!ref || !cache) return "# Not connected to a cluster.\n";
    const informer = { Deployment: cache.deployments, InferenceService: cache.inferenceServices, Pod: cache.pods, Node: cache.nodes }[ref.kind];
    const object: KubeObject | undefined = ref.namespace ? informer.get(ref.namespace, ref.name) : informer.get(ref.name);
    if (!object) return `# ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name} no longer exists.\n`;
    // The YAML library loads with the first document, not with the extension (its own file in dist/lazy).
    const { toKubeYaml } = await import("../../core/kube/objects/kubeYaml");
    return toKubeYaml(object);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
