/**
 * The simulated kube-controller-manager, scheduler, kubelets and KServe controller: started
 * against a store when the API server listens, fed by the store's change stream, stopped with
 * the server and started afresh (on the new store, if there is one) after a restart.
 */
import { type ApiVerbs } from "../apiVerbs";
import { type ObjectStore } from "../objectStore";
import { type PodLogs } from "../podLogs";
import { type ControllerContext, type Controller } from "./controllerContext";
import { type ResolvedControllerOptions } from "./controllerOptions";
import { DeploymentController } from "./deploymentController";
import { EventRecorder } from "./eventRecorder";
import { InferenceServiceController } from "./inferenceServiceController";
import { Kubelet } from "./kubelet";
import { ReplicaSetController } from "./replicaSetController";
import { Scheduler } from "./scheduler";
import { WorkQueue } from "./workQueue";

export class ControllerManager {
  private running: { queue: WorkQueue; unsubscribe: () => void; kubelet: Kubelet } | undefined;

  constructor(
    readonly options: ResolvedControllerOptions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  start(store: ObjectStore, verbs: ApiVerbs, logs: PodLogs): void {
    this.stop();
    const queue = new WorkQueue(this.options.onError);
    // The deployment controller calls the ReplicaSet controller directly, which needs the context first.
    const late: { replicaSets?: ReplicaSetController } = {};
    const ctx: ControllerContext = {
      store,
      verbs,
      logs,
      queue,
      events: new EventRecorder(store, verbs, this.now),
      options: this.options,
      now: this.now,
      syncReplicaSet: (namespace, name) => late.replicaSets?.sync(namespace, name),
    };
    const replicaSets = new ReplicaSetController(ctx);
    late.replicaSets = replicaSets;
    const kubelet = new Kubelet(ctx);
    const controllers: Controller[] = [new DeploymentController(ctx), replicaSets, new Scheduler(ctx), kubelet, new InferenceServiceController(ctx)];
    const unsubscribe = store.subscribe((event) => {
      for (const c of controllers) c.handle(event);
    });
    this.running = { queue, unsubscribe, kubelet };
    for (const c of controllers) c.resync();
  }

  stop(): void {
    if (!this.running) return;
    this.running.unsubscribe();
    this.running.queue.stop();
    this.running = undefined;
  }
}
