import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { SandboxApiServer } from "../../sandbox/apiServer";

/**
 * Turns the first pod of a workload into a crash-looping one, as the kubelet would report it
 * (a waiting container with CrashLoopBackOff, not Ready), through the API server's status
 * subresource: what the views must notice without a refresh.
 */
export async function makePodCrashLoop(server: SandboxApiServer, namespace: string, workload: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace });
  const pod = pods.items.find((p) => p.metadata?.name?.startsWith(`${workload}-`));
  if (!pod?.status?.containerStatuses?.[0]) throw new Error(`the scenario has no ${namespace}/${workload} pod`);
  pod.status.containerStatuses[0] = {
    ...pod.status.containerStatuses[0],
    ready: false,
    restartCount: 6,
    state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container" } },
    lastState: { terminated: { exitCode: 1, reason: "Error" } },
  };
  pod.status.conditions = pod.status.conditions?.map((c) => (c.type === "Ready" || c.type === "ContainersReady" ? { ...c, status: "False" } : c));
  await core.replaceNamespacedPodStatus({ name: pod.metadata?.name ?? "", namespace, body: pod });
}
