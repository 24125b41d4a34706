/**
 * The tree nodes VS Code holds, one object per id, with who is whose parent. VS Code compares
 * elements by identity, so a row must be handed back as the same object; the registry keeps it,
 * and drops it (with everything under it) as soon as its parent is listed without it or its
 * object goes, so churning pods and events do not pile up nodes.
 */
export class NodeRegistry<N extends { readonly id: string }> {
  private readonly nodes = new Map<string, N>();
  private readonly parents = new Map<string, string>();
  /** Parent id ("" for the root) → child ids. */
  private readonly children = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(id: string): N | undefined {
    return this.nodes.get(id);
  }

  parentOf(node: N): N | undefined {
    const parent = this.parents.get(node.id);
    return parent ? this.nodes.get(parent) : undefined;
  }

  hasChildren(id: string | undefined): boolean {
    return (this.children.get(id ?? "")?.size ?? 0) > 0;
  }

  /** The registered object for this id under this parent; a node whose fields changed is replaced. */
  intern(fresh: N, parentId: string | undefined): N {
    const parent = parentId ?? "";
    const existing = this.nodes.get(fresh.id);
    const node = existing && sameFields(existing, fresh) ? existing : fresh;
    this.nodes.set(fresh.id, node);
    const previous = this.parents.get(fresh.id);
    if (previous !== parent) {
      if (previous !== undefined) this.detach(previous, fresh.id);
      this.parents.set(fresh.id, parent);
      const set = this.children.get(parent);
      if (set) set.add(fresh.id);
      else this.children.set(parent, new Set([fresh.id]));
    }
    return node;
  }

  /** The children a parent has now: registered, and the ones it no longer has pruned. */
  list(parentId: string | undefined, fresh: readonly N[]): N[] {
    const parent = parentId ?? "";
    const keep = new Set(fresh.map((n) => n.id));
    for (const id of [...(this.children.get(parent) ?? [])]) if (!keep.has(id)) this.delete(id);
    return fresh.map((n) => this.intern(n, parent));
  }

  /** The object went: forget its node and everything under it. */
  delete(id: string): void {
    for (const child of [...(this.children.get(id) ?? [])]) this.delete(child);
    this.children.delete(id);
    this.nodes.delete(id);
    const parent = this.parents.get(id);
    this.parents.delete(id);
    if (parent !== undefined) this.detach(parent, id);
  }

  clear(): void {
    this.nodes.clear();
    this.parents.clear();
    this.children.clear();
  }

  /** Entries in the parent and child indexes, which must track `size`. */
  indexSizes(): { readonly parents: number; readonly children: number } {
    return { parents: this.parents.size, children: [...this.children.values()].reduce((n, s) => n + s.size, 0) };
  }

  private detach(parent: string, id: string): void {
    const set = this.children.get(parent);
    set?.delete(id);
    if (set?.size === 0) this.children.delete(parent);
  }
}

function sameFields<N extends object>(a: N, b: N): boolean {
  const keys = Object.keys(a) as (keyof N)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
