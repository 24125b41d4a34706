/**
 * What the API server fills in on create, as its defaulting and registry strategies do, so
 * objects made through the sandbox look like those of a real cluster.
 */
import { type KubeObject } from "./kubeObject";
import { type ResourceType, resourceKey } from "./resourceTypes";

type Mutable = Record<string, unknown>;

function section(object: KubeObject, key: "spec" | "status"): Mutable {
  const current = object[key];
  if (typeof current === "object" && current !== null && !Array.isArray(current)) return current as Mutable;
  const fresh: Mutable = {};
  object[key] = fresh;
  return fresh;
}

/** Service cluster IPs come from 10.0.0.0/16, as on AKS with the default service CIDR. */
export class ClusterIpAllocator {
  private next = 10;
  allocate(): string {
    const n = this.next++;
    return `10.0.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }
}

/** Fills defaults into a fresh copy of an object about to be created; the status the client sent is replaced. */
export function withCreateDefaults(type: ResourceType, input: KubeObject, clusterIps: ClusterIpAllocator): KubeObject {
  const object: KubeObject = structuredClone(input);
  const name = object.metadata.name ?? "";
  switch (resourceKey(type)) {
    case "/namespaces":
      object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": name };
      section(object, "spec").finalizers ??= ["kubernetes"];
      object.status = { phase: "Active" };
      break;
    case "/pods": {
      const spec = section(object, "spec");
      spec.restartPolicy ??= "Always";
      spec.dnsPolicy ??= "ClusterFirst";
      spec.schedulerName ??= "default-scheduler";
      spec.terminationGracePeriodSeconds ??= 30;
      spec.serviceAccountName ??= "default";
      object.status = { phase: "Pending", qosClass: "BestEffort" };
      break;
    }
    case "/services": {
      const spec = section(object, "spec");
      spec.type ??= "ClusterIP";
      spec.sessionAffinity ??= "None";
      if (spec.type !== "ExternalName" && spec.clusterIP === undefined) {
        spec.clusterIP = clusterIps.allocate();
        spec.clusterIPs = [spec.clusterIP];
      }
      object.status = { loadBalancer: {} };
      break;
    }
    case "apps/deployments": {
      const spec = section(object, "spec");
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
      delete object.status;
      break;
    }
    case "apps/replicasets":
      section(object, "spec").replicas ??= 1;
      delete object.status;
      break;
    default:
      if (type.subresources.includes("status")) delete object.status;
  }
  return object;
}
