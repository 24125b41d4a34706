import * as z from "zod";
import { versionKey, type ServedBy } from "../../core/registry/servedBy";
import { NodeRegistry } from "../views/nodeRegistry";
import type { ModelsCatalog } from "./modelsCatalog";

/**
 * The rows of the Models view, as plain records: ids only, resolved against the registry data
 * and the ClusterModel on every read (the tree keeps no copies). The schema is what a row command
 * (Deploy This Version, Set Alias…, Compare, Open, Copy) checks its argument against first.
 */

const Id = z.string().min(1).max(4096);
/** MLflow puts no length limit in the proto; 1 KiB keeps a forged argument small. */
const Name = z.string().min(1).max(1024);
const Version = z.string().min(1).max(64);

export const ModelsNode = z.discriminatedUnion("type", [
  /** A registered model: latest version, alias chips, "served by N". */
  z.object({ type: z.literal("model"), id: Id, name: Name }),
  /** One version, newest first under its model. */
  z.object({ type: z.literal("version"), id: Id, name: Name, version: Version }),
  /**
   * A Deployment or InferenceService: under the version its model resolves to, or under "Serving,
   * not in the registry". Its id is the ClusterModel's workload id, as on the Deployments tree's
   * workload row, so that row's commands (Describe, Latency Dashboard, Roll Back) take it as it
   * is; a workload resolves to one version at most, so it appears once in this tree too.
   */
  z.object({ type: z.literal("workload"), id: Id }),
  /** "Serving, not in the registry". */
  z.object({ type: z.literal("unregisteredGroup"), id: Id }),
  /** "Load more…" after each page of models, or of one model's versions. */
  z.object({ type: z.literal("loadMoreModels"), id: Id }),
  z.object({ type: z.literal("loadMoreVersions"), id: Id, name: Name }),
  /** What failed, where it failed; the rows already shown stay. `name` for a model's versions. */
  z.object({ type: z.literal("problem"), id: Id, scope: z.enum(["models", "versions", "servedBy"]), name: Name.optional() }),
]);
export type ModelsNode = Readonly<z.infer<typeof ModelsNode>>;

// Names may hold "/", spaces and Unicode; encoding keeps the id's separators unambiguous.
const enc = encodeURIComponent;

export const modelsNodeId = {
  model: (name: string) => `m:${enc(name)}`,
  version: (name: string, version: string) => `m:${enc(name)}/v:${enc(version)}`,
  unregisteredGroup: "unregistered",
  loadMoreModels: "more:models",
  loadMoreVersions: (name: string) => `m:${enc(name)}/more`,
  modelsProblem: "problem:models",
  versionsProblem: (name: string) => `m:${enc(name)}/problem`,
  servedByProblem: "unregistered/problem",
} as const;

export function modelNode(name: string): ModelsNode {
  return { type: "model", id: modelsNodeId.model(name), name };
}

export function versionNode(name: string, version: string): ModelsNode {
  return { type: "version", id: modelsNodeId.version(name, version), name, version };
}

/**
 * The registered model and version a row is about; a workload row is about the version it
 * serves, which the served-by resolution (`resolved`) says.
 */
export function modelOfNode(node: ModelsNode, resolved?: ServedBy): { readonly name: string; readonly version?: string } | undefined {
  switch (node.type) {
    case "model":
      return { name: node.name };
    case "version":
      return { name: node.name, version: node.version };
    case "workload": {
      const r = resolved?.byWorkload.get(node.id);
      return r?.kind === "resolved" ? { name: r.name, version: r.version } : undefined;
    }
    case "loadMoreVersions":
      return { name: node.name };
    case "problem":
      return node.name === undefined ? undefined : { name: node.name };
    default:
      return undefined;
  }
}

/** What the view shows of served-by: the last resolution, and why it is incomplete when it is. */
export interface ServedByState {
  readonly resolved: ServedBy | undefined;
  /** Set when the registry could not be asked about every model a workload names: no finding is claimed then. */
  readonly problem: string | undefined;
}

export interface ModelsTreeData {
  /** The registry data under the current filter; undefined while no registry is connected. */
  catalog(): ModelsCatalog | undefined;
  servedBy(): ServedByState;
}

/**
 * The shape of the Models view without VS Code: which rows a parent has, in which order, and —
 * after a registry answer or a cluster change — which rows to fire: a parent whose list of
 * children changed, and a row whose rendered text changed (keys the provider records when it
 * renders). Rows stay the same objects while their fields do (NodeRegistry), so VS Code keeps
 * expansion and selection across polls.
 */
export class ModelsTree {
  readonly registry = new NodeRegistry<ModelsNode>();
  /** The text each row was last rendered with, by id. */
  private readonly shown = new Map<string, string>();
  /** The ids VS Code was last given under each parent ("" for the root), in order. */
  private readonly listed = new Map<string, readonly string[]>();

  constructor(
    private readonly data: ModelsTreeData,
    /** The row's rendered text, as one comparable string. */
    private readonly rowKey: (node: ModelsNode) => string,
  ) {}

  getChildren(node?: ModelsNode): ModelsNode[] {
    const rows = this.registry.list(node?.id, this.listChildren(node));
    this.listed.set(node?.id ?? "", rows.map((n) => n.id));
    return rows;
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    return this.registry.parentOf(node);
  }

  /** The provider rendered this row with this text. */
  rendered(node: ModelsNode, key: string): void {
    this.shown.set(node.id, key);
  }

  /**
   * The rows to fire after the data changed: "root" when the root's rows changed, else each row
   * whose children or text changed. A row VS Code was never given is not fired.
   */
  changes(): ModelsNode[] | "root" {
    const root = this.listed.get("");
    if (root) {
      const before = root;
      const after = this.listChildren(undefined).map((n) => n.id);
      // VS Code reads the whole tree again; the registry hands back the same objects for the same rows.
      if (!sameIds(before, after)) return "root";
    }
    const fired = new Map<string, ModelsNode>();
    // Parents first: a relisted parent re-renders its children anyway.
    for (const [id, before] of [...this.listed]) {
      if (id === "") continue;
      const node = this.registry.get(id);
      if (!node) {
        this.listed.delete(id);
        continue;
      }
      const fresh = this.listChildren(node);
      if (!sameIds(before, fresh.map((n) => n.id))) {
        fired.set(id, node);
        // Their nodes are listed again when VS Code asks; drop the stale ones now.
        this.getChildren(node);
      }
    }
    for (const [id, key] of [...this.shown]) {
      const node = this.registry.get(id);
      if (!node) {
        this.shown.delete(id);
        continue;
      }
      const now = this.rowKey(node);
      // Fired once: VS Code renders it again (or not, if it is scrolled away; it is then read fresh).
      if (now !== key) {
        fired.set(id, node);
        this.shown.set(id, now);
      }
    }
    return [...fired.values()];
  }

  /** Everything afresh: another registry, filter or context. */
  reset(): void {
    this.forgetAll();
  }

  private forgetAll(): void {
    this.registry.clear();
    this.shown.clear();
    this.listed.clear();
  }

  private listChildren(node: ModelsNode | undefined): ModelsNode[] {
    const catalog = this.data.catalog();
    if (!catalog) return [];
    const served = this.data.servedBy();
    if (!node) {
      const rows: ModelsNode[] = catalog.models().map((m) => modelNode(m.name));
      if (catalog.modelsNextPageToken !== undefined) rows.push({ type: "loadMoreModels", id: modelsNodeId.loadMoreModels });
      if (catalog.modelsFailure) rows.push({ type: "problem", id: modelsNodeId.modelsProblem, scope: "models" });
      // Findings need the whole registry's answer, not the filter's: shown without a filter only.
      if (catalog.filter === undefined && ((served.resolved?.unregistered.length ?? 0) > 0 || served.problem !== undefined)) {
        rows.push({ type: "unregisteredGroup", id: modelsNodeId.unregisteredGroup });
      }
      return rows;
    }
    switch (node.type) {
      case "model": {
        const versions = catalog.versionsOf(node.name);
        if (!versions) return [];
        const rows: ModelsNode[] = versions.items.map((v) => versionNode(node.name, v.version));
        if (versions.nextPageToken !== undefined) rows.push({ type: "loadMoreVersions", id: modelsNodeId.loadMoreVersions(node.name), name: node.name });
        if (versions.failure) rows.push({ type: "problem", id: modelsNodeId.versionsProblem(node.name), scope: "versions", name: node.name });
        return rows;
      }
      case "version":
        return (served.resolved?.byVersion.get(versionKey(node.name, node.version)) ?? []).map((w) => ({ type: "workload", id: w.id }));
      case "unregisteredGroup": {
        const rows: ModelsNode[] = (served.resolved?.unregistered ?? []).map((u) => ({ type: "workload", id: u.workload.id }));
        if (served.problem !== undefined) rows.push({ type: "problem", id: modelsNodeId.servedByProblem, scope: "servedBy" });
        return rows;
      }
      default:
        return [];
    }
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
