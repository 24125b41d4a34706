/**
 * KServe's InferenceService controller in RawDeployment mode: a predictor Deployment (and
 * Service) per InferenceService with the model server image of its model format, and the
 * Knative-style status: conditions, URLs, revisions and traffic, canary splits included.
 * PredictorReady mirrors the Deployment's Available condition, as KServe's does, so an
 * InferenceService stays Ready while a new pod crash-loops behind an available one (kserve#1859).
 */
import { type KubeObject } from "../kubeObject";
import { type StoreEvent } from "../objectStore";
import { type Controller, type ControllerContext, isKind, kinds, writeObject } from "./controllerContext";
import { type Condition, type Container, type Deployment, type PodTemplate, conditionOf, controllerUid, timestamp } from "./kubeShapes";
import { behaviourAnnotation } from "./podBehaviour";
import { equalIgnoreHash } from "./podTemplateHash";

const serverImages: Record<string, string> = {
  sklearn: "kserve/sklearnserver",
  xgboost: "kserve/xgbserver",
  lightgbm: "kserve/lgbserver",
  huggingface: "kserve/huggingfaceserver",
  pmml: "kserve/pmmlserver",
  paddle: "kserve/paddleserver",
};
const defaultVersion = "v0.14.0";

interface Predictor {
  model?: { modelFormat?: { name?: string }; storageUri?: string; runtimeVersion?: string; resources?: Container["resources"] };
  containers?: Container[];
  minReplicas?: number;
  canaryTrafficPercent?: number;
  [format: string]: unknown;
}

interface InferenceService extends KubeObject {
  spec: { predictor?: Predictor };
  status?: {
    observedGeneration?: number;
    url?: string;
    address?: { url?: string };
    conditions?: Condition[];
    components?: { predictor?: PredictorStatus };
    [key: string]: unknown;
  };
}

interface Traffic {
  tag?: string;
  revisionName: string;
  percent: number;
  latestRevision: boolean;
}

interface PredictorStatus {
  url?: string;
  latestCreatedRevision?: string;
  latestReadyRevision?: string;
  latestRolledoutRevision?: string;
  previousRolledoutRevision?: string;
  traffic?: Traffic[];
}

/** The model server container for a predictor: by model format, or the predictor's own containers. */
export function predictorContainer(name: string, predictor: Predictor): Container {
  if (predictor.containers?.[0]) return { ...predictor.containers[0], name: predictor.containers[0].name || "kserve-container" };
  const legacy = Object.keys(serverImages).find((f) => typeof predictor[f] === "object");
  const model = predictor.model ?? (legacy ? (predictor[legacy] as Predictor["model"]) : undefined) ?? {};
  const format = predictor.model?.modelFormat?.name ?? legacy ?? "sklearn";
  const image = `${serverImages[format] ?? "kserve/sklearnserver"}:${model.runtimeVersion ?? defaultVersion}`;
  const args = [`--model_name=${name}`, "--model_dir=/mnt/models", "--http_port=8080"];
  return {
    name: "kserve-container",
    image,
    args,
    ...(model.storageUri ? { env: [{ name: "STORAGE_URI", value: model.storageUri }] } : {}),
    ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
    ...(model.resources ? { resources: model.resources } : {}),
  };
}

export const revisionName = (isvc: string, n: number): string => `${isvc}-predictor-${String(n).padStart(5, "0")}`;

function withConditions(current: readonly Condition[], updates: Condition[]): Condition[] {
  const merged = new Map(current.map((c) => [c.type, c]));
  for (const u of updates) {
    const old = merged.get(u.type);
    merged.set(u.type, old && old.status === u.status ? { ...u, lastTransitionTime: old.lastTransitionTime } : u);
  }
  return [...merged.values()].sort((a, b) => a.type.localeCompare(b.type));
}

export class InferenceServiceController implements Controller {
  constructor(private readonly ctx: ControllerContext) {}

  handle(event: StoreEvent): void {
    if (isKind(event, kinds.inferenceServices)) {
      if (event.type !== "DELETED") this.enqueue(event.object.metadata.namespace ?? "", event.object.metadata.name ?? "");
    } else if (isKind(event, kinds.deployments) && event.type === "MODIFIED") {
      const owner = event.object.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === "InferenceService");
      if (owner && JSON.stringify(event.object.status) !== JSON.stringify(event.previous?.status)) this.enqueue(event.object.metadata.namespace ?? "", owner.name);
    }
  }

  /** A scenario's InferenceServices whose status already answers their spec are left as they are, until something changes. */
  resync(): void {
    for (const isvc of this.ctx.store.list(kinds.inferenceServices) as InferenceService[]) {
      const namespace = isvc.metadata.namespace ?? "";
      const predictor = this.ctx.store.get(kinds.deployments, namespace, `${isvc.metadata.name ?? ""}-predictor`);
      if (!predictor || isvc.status?.observedGeneration !== isvc.metadata.generation) this.enqueue(namespace, isvc.metadata.name ?? "");
    }
  }

  private enqueue(namespace: string, name: string): void {
    this.ctx.queue.add(`isvc:${namespace}/${name}`, () => this.reconcile(namespace, name));
  }

  private template(isvc: InferenceService): PodTemplate {
    const name = isvc.metadata.name ?? "";
    const behaviour = isvc.metadata.annotations?.[behaviourAnnotation];
    return {
      metadata: {
        labels: { app: `isvc.${name}-predictor`, component: "predictor", "serving.kserve.io/inferenceservice": name },
        ...(behaviour ? { annotations: { [behaviourAnnotation]: behaviour } } : {}),
      },
      spec: { containers: [predictorContainer(name, isvc.spec.predictor ?? {})] },
    };
  }

  reconcile(namespace: string, name: string): void {
    const isvc = this.ctx.store.get(kinds.inferenceServices, namespace, name) as InferenceService | undefined;
    if (!isvc) return;
    const deploymentName = `${name}-predictor`;
    const template = this.template(isvc);
    const labels = template.metadata?.labels ?? {};
    const ownerReferences = [{ apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", name, uid: isvc.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }];
    const replicas = isvc.spec.predictor?.minReplicas ?? 1;
    let deployment = this.ctx.store.get(kinds.deployments, namespace, deploymentName) as Deployment | undefined;
    const predictorStatus: PredictorStatus = { ...isvc.status?.components?.predictor };
    let created = Number(/-(\d{5})$/.exec(predictorStatus.latestCreatedRevision ?? "")?.[1] ?? 0);
    if (!deployment) {
      deployment = this.ctx.verbs.create(
        kinds.deployments,
        namespace,
        {
          metadata: { name: deploymentName, namespace, labels, annotations: { "serving.kserve.io/deploymentMode": "RawDeployment" }, ownerReferences },
          spec: { replicas, selector: { matchLabels: { app: labels.app ?? "" } }, template },
        },
        { dryRun: false },
      ) as Deployment;
      created += 1;
    } else if (controllerUid(deployment) === isvc.metadata.uid && (!equalIgnoreHash(deployment.spec.template, template) || deployment.spec.replicas !== replicas)) {
      if (!equalIgnoreHash(deployment.spec.template, template)) created += 1;
      deployment = writeObject(this.ctx, kinds.deployments, { ...deployment, spec: { ...deployment.spec, replicas, template } });
    }
    created = Math.max(created, 1);
    if (!this.ctx.store.get(kinds.services, namespace, deploymentName)) {
      this.ctx.verbs.create(
        kinds.services,
        namespace,
        { metadata: { name: deploymentName, namespace, labels, ownerReferences }, spec: { selector: { app: labels.app ?? "" }, ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }] } },
        { dryRun: false },
      );
    }
    this.writeStatus(isvc, deployment, predictorStatus, created);
  }

  private writeStatus(isvc: InferenceService, deployment: Deployment, predictor: PredictorStatus, created: number): void {
    const name = isvc.metadata.name ?? "";
    const namespace = isvc.metadata.namespace ?? "";
    const now = timestamp(this.ctx.now());
    const latest = revisionName(name, created);
    const available = conditionOf(deployment.status?.conditions, "Available");
    const s = deployment.status ?? {};
    const replicas = deployment.spec.replicas ?? 1;
    const rolledOut = (s.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === replicas && (s.availableReplicas ?? 0) >= replicas && (s.replicas ?? 0) === replicas;
    const next: PredictorStatus = { ...predictor, url: `http://${name}-predictor.${namespace}.example.com`, latestCreatedRevision: latest };
    if (rolledOut) {
      next.latestReadyRevision = latest;
      const canary = isvc.spec.predictor?.canaryTrafficPercent;
      const rolled = predictor.latestRolledoutRevision;
      if (canary !== undefined && canary < 100 && rolled && rolled !== latest) {
        next.previousRolledoutRevision = rolled;
        next.traffic = [
          { tag: "latest", revisionName: latest, percent: canary, latestRevision: true },
          { tag: "prev", revisionName: rolled, percent: 100 - canary, latestRevision: false },
        ];
      } else {
        if (rolled && rolled !== latest) next.previousRolledoutRevision = rolled;
        next.latestRolledoutRevision = latest;
        next.traffic = [{ revisionName: latest, percent: 100, latestRevision: true }];
      }
    }
    const predictorReady: Condition =
      available?.status === "True"
        ? { type: "PredictorReady", status: "True", lastTransitionTime: now }
        : { type: "PredictorReady", status: available?.status ?? "Unknown", lastTransitionTime: now, reason: available?.reason ?? "Uninitialized", message: available?.message ?? "Waiting for the predictor Deployment to become available" };
    const ingressReady: Condition = { type: "IngressReady", status: "True", lastTransitionTime: now };
    const ready: Condition = predictorReady.status === "True" ? { type: "Ready", status: "True", lastTransitionTime: now } : { ...predictorReady, type: "Ready" };
    const status = {
      ...isvc.status,
      observedGeneration: isvc.metadata.generation,
      url: `http://${name}.${namespace}.example.com`,
      address: { url: `http://${name}-predictor.${namespace}.svc.cluster.local` },
      modelStatus: {
        states: { activeModelState: available?.status === "True" ? "Loaded" : "Pending", targetModelState: "Loaded" },
        transitionStatus: rolledOut ? "UpToDate" : "InProgress",
        copies: { failedCopies: 0, totalCopies: replicas },
      },
      components: { ...isvc.status?.components, predictor: next },
      conditions: withConditions(isvc.status?.conditions ?? [], [ingressReady, predictorReady, ready]),
    };
    if (JSON.stringify(status) === JSON.stringify(isvc.status ?? {})) return;
    writeObject(this.ctx, kinds.inferenceServices, { ...isvc, status }, "status");
  }
}
