import type { ClusterModelChange } from "../../core/kube/cache/clusterModel";
import { NodeRegistry } from "./nodeRegistry";

/** The rows one or more model changes touch: ids of rows, or the whole tree. */
export interface AffectedRows {
  readonly root: boolean;
  readonly ids: readonly string[];
}

/**
 * The shape of a tree over the ClusterModel, without VS Code: which nodes a parent has, which
 * rows a model change touches, and a registry pruned as objects go. The provider on top only
 * renders; keeping the shape here lets plain Node tests drive a tree through hours of churn.
 */
export abstract class ModelTree<N extends { readonly id: string }> {
  readonly registry = new NodeRegistry<N>();

  /** The children of a node, or the root rows, as fresh node records. */
  protected abstract listChildren(node: N | undefined): N[];
  /** The parent of a node, as a fresh record, for reveal. */
  protected abstract parentRecord(node: N): N | undefined;
  /** Whether the object a node stands for is still in the model. */
  protected abstract exists(node: N): boolean;
  /** Which rows a change touches. */
  protected abstract affected(change: ClusterModelChange): AffectedRows;

  getChildren(node?: N): N[] {
    return this.registry.list(node?.id, this.listChildren(node));
  }

  getParent(node: N): N | undefined {
    const fresh = this.parentRecord(node);
    if (!fresh) return undefined;
    const grand = this.parentRecord(fresh);
    return this.registry.intern(fresh, grand?.id);
  }

  /** Interns a node that VS Code has not listed yet (reveal), with its ancestors. */
  protected internWithAncestors(node: N): N {
    const parent = this.parentRecord(node);
    return this.registry.intern(node, parent ? this.internWithAncestors(parent).id : undefined);
  }

  /** Whether the tree shows anything a change touches. */
  touches(change: ClusterModelChange): boolean {
    const a = this.affected(change);
    return a.root || a.ids.length > 0;
  }

  /**
   * After the debounce: drops the nodes of objects that went, relists the touched rows that
   * have listed children (which prunes theirs), and says which rows to refresh. Only rows VS
   * Code was given are refreshed; a row it never asked for cannot be stale.
   */
  refresh(changes: readonly ClusterModelChange[]): N[] | "root" {
    let root = false;
    const ids = new Set<string>();
    for (const change of changes) {
      const a = this.affected(change);
      root ||= a.root;
      for (const id of a.ids) ids.add(id);
    }
    if (root) {
      if (this.registry.hasChildren(undefined)) this.getChildren(undefined);
    }
    const refreshed: string[] = [];
    for (const id of ids) {
      const node = this.registry.get(id);
      if (!node) continue;
      if (!this.exists(node)) {
        this.registry.delete(id);
        continue;
      }
      if (this.registry.hasChildren(id)) this.getChildren(node);
      refreshed.push(id);
    }
    // Relisting may have replaced or dropped some of them.
    return root ? "root" : refreshed.flatMap((id) => this.registry.get(id) ?? []);
  }

  reset(): void {
    this.registry.clear();
  }
}
