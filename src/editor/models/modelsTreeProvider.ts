import * as vscode from "vscode";
import type { RegistryNote } from "../../core/registry/modelRegistry";
import { healthIcon } from "../views/healthIcons";
import type { ModelsCatalog } from "./modelsCatalog";
import { modelsRowText, type RowText } from "./modelsRowText";
import { ModelsTree, type ModelsNode, type ServedByState } from "./modelsTree";

export interface ModelsViewData {
  catalog(): ModelsCatalog | undefined;
  servedBy(): ServedByState;
  /** The registry's display URL, for failures. */
  registryUrl(): string;
  /** The MLflow UI, for run links. */
  uiUrl(): string;
  notes(): readonly RegistryNote[];
}

const collapsible: Readonly<Record<RowText["collapsible"], vscode.TreeItemCollapsibleState>> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/**
 * Registered models → versions (newest first) → the workloads serving each, plus "Serving, not in
 * the registry", rendered from the registry data the feature holds and the served-by resolution.
 * A model's first page of versions is asked for when the row is expanded (VS Code shows its
 * progress bar meanwhile). After a poll or a cluster change, `repaint` fires only the rows whose
 * children or text changed.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelsNode | ModelsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly tree: ModelsTree;

  constructor(private readonly data: ModelsViewData) {
    this.tree = new ModelsTree({ catalog: () => data.catalog(), servedBy: () => data.servedBy() }, (node) => rowKey(this.text(node)));
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    const text = this.text(node);
    this.tree.rendered(node, rowKey(text));
    return toTreeItem(node, text);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    if (node?.type === "model") await this.data.catalog()?.ensureVersions(node.name);
    return this.tree.getChildren(node);
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    return this.tree.getParent(node);
  }

  /** Fires the rows whose children or text changed since VS Code last read them. */
  repaint(): void {
    const changes = this.tree.changes();
    if (changes === "root") this.changed.fire(undefined);
    else if (changes.length > 0) this.changed.fire(changes);
  }

  /** Everything afresh: another registry, filter or context. */
  reset(): void {
    this.tree.reset();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private text(node: ModelsNode): RowText {
    const catalog = this.data.catalog();
    if (!catalog) return { label: "(no registry)", collapsible: "none" };
    return modelsRowText(node, { catalog, served: this.data.servedBy(), registryUrl: this.data.registryUrl(), uiUrl: this.data.uiUrl(), notes: this.data.notes(), now: Date.now() });
  }
}

/**
 * Ages change every minute; comparing them would fire every row on every poll. The key leaves the
 * relative times out, so a row repaints when the registry or the cluster changed it.
 */
function rowKey(text: RowText): string {
  return JSON.stringify(text, (key, value: unknown) => (typeof value === "string" && (key === "description" || key === "tooltip" || key === "accessibilityLabel") ? value.replace(/\b\d+[smhd](\d+[smh])?\b/g, "") : value));
}

function toTreeItem(node: ModelsNode, text: RowText): vscode.TreeItem {
  const item = new vscode.TreeItem(text.label, collapsible[text.collapsible]);
  item.id = node.id;
  if (text.description) item.description = text.description;
  if (text.tooltip !== undefined) {
    // Registry text is untrusted: no command links, no HTML, no theme icons from it.
    const md = new vscode.MarkdownString(text.tooltip, false);
    md.isTrusted = false;
    md.supportHtml = false;
    item.tooltip = md;
  }
  if (text.icon) item.iconPath = "health" in text.icon ? healthIcon(text.icon.health) : new vscode.ThemeIcon(text.icon.codicon, text.icon.color ? new vscode.ThemeColor(text.icon.color) : undefined);
  if (text.contextValue) item.contextValue = text.contextValue;
  if (text.command) item.command = { command: text.command.command, title: text.command.title, arguments: [...text.command.args] };
  if (text.accessibilityLabel) item.accessibilityInformation = { label: text.accessibilityLabel };
  return item;
}
