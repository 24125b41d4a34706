import type { WorkloadIndex } from "../../core/kube/workloads/workloadIndex";
import type { ArtifactRoots } from "../../core/registry/artifactRoots";
import type { ModelRegistry, RegistryFailure } from "../../core/registry/modelRegistry";
import { scanRegistry } from "../../core/registry/registryScan";
import { resolveServedBy, servingReferences, type RegistrySnapshot, type ServingWorkload } from "../../core/registry/servedBy";
import type { ServedByState } from "./modelsTree";
import { describeRegistryFailure } from "./registryFailureText";

/**
 * What serves each registered version, kept for the Models view: the cluster's workloads
 * (servingReferences over the ClusterModel's index, recomputed on each cluster change) resolved
 * against a snapshot of the whole registry (core's scanRegistry, as `aiplat models` reads it) — so a model on a page the tree has not loaded, or a KServe storageUri that only a
 * version's source names, still resolves. The snapshot is read again by `refresh` (the view's
 * poll); the resolution is recomputed from it on every cluster change, without a request.
 * A failed read keeps the last snapshot and claims no finding it cannot back.
 */
export class ModelsServedBy {
  private snapshot: RegistrySnapshot | undefined;
  private failure: RegistryFailure | undefined;
  private serving: readonly ServingWorkload[] = [];
  /** name\0version → its download URI, once asked: a version's artefacts do not move. */
  private readonly downloadUris = new Map<string, string | null>();
  private aliasesProbed = false;
  private stateValue: ServedByState = { resolved: undefined, problem: undefined };

  constructor(
    private readonly registry: ModelRegistry,
    private readonly roots: ArtifactRoots,
  ) {}

  get state(): ServedByState {
    return this.stateValue;
  }

  /** Whether any workload names a model or loads a storage URI: without one, the registry is not scanned. */
  get needsRegistry(): boolean {
    return this.serving.some((w) => w.reference !== undefined || w.storageUri !== undefined);
  }

  /** The cluster changed: what serves what, from the snapshot held. */
  setWorkloads(index: WorkloadIndex | undefined): ServedByState {
    this.serving = index ? servingReferences(index) : [];
    return this.resolve();
  }

  /** Reads the registry again (every model, every version) and resolves. */
  async refresh(signal: AbortSignal): Promise<ServedByState> {
    if (!this.needsRegistry) {
      this.failure = undefined;
      return this.resolve();
    }
    const scan = await scanRegistry(this.registry, this.serving, { roots: this.roots, downloadUris: this.downloadUris, aliasesProbed: this.aliasesProbed, signal });
    if (!scan.ok) {
      if (scan.failure.kind !== "aborted") this.failure = scan.failure;
      return this.resolve();
    }
    this.failure = undefined;
    this.aliasesProbed = scan.value.aliasesProbed;
    this.snapshot = scan.value.snapshot;
    return this.resolve();
  }

  private resolve(): ServedByState {
    const problem = this.failure ? describeRegistryFailure(this.failure, this.registry.displayUrl) : undefined;
    if (!this.snapshot) {
      this.stateValue = { resolved: undefined, problem: this.needsRegistry ? problem : undefined };
      return this.stateValue;
    }
    const resolved = resolveServedBy(this.serving, this.snapshot);
    this.stateValue = { resolved, problem };
    return this.stateValue;
  }
}
