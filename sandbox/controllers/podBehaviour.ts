/**
 * How a simulated container behaves, chosen per pod template with the annotation
 * sandbox.aiplatform.dev/behaviour, and the kubelet's timings and messages for each way of failing.
 */
import { type KubeObject } from "../kubeObject";

export const behaviourAnnotation = "sandbox.aiplatform.dev/behaviour";
export const podBehaviours = ["healthy", "crashloop", "oomkilled", "imagepullbackoff", "readiness-fails", "slow-start"] as const;
export type PodBehaviour = (typeof podBehaviours)[number];

export function behaviourOf(pod: KubeObject): PodBehaviour {
  const value = pod.metadata.annotations?.[behaviourAnnotation];
  return (podBehaviours as readonly string[]).includes(value ?? "") ? (value as PodBehaviour) : "healthy";
}

/**
 * The sandbox's registry holds every image except those whose repository or tag contains
 * this marker (vllm/vllm-openai:does-not-exist, example.com/does-not-exist/x:1), so a bad
 * image fails to pull without annotating the pod, as a typo does on a real cluster.
 */
export const missingImageMarker = "does-not-exist";

export function imageExists(image: string): boolean {
  const withoutDigest = image.split("@")[0] ?? image;
  return !withoutDigest.includes(missingImageMarker);
}

/** Simulated seconds, scaled by ControllerOptions.msPerSecond. */
export const timings = {
  /** A crashing model server gets this far into startup before it exits. */
  crashAfter: 3,
  /** An OOM-killed server serves this long before the kernel kills it. */
  oomAfter: 30,
  slowStart: 30,
  defaultProbePeriod: 10,
  /** The kubelet's container restart and image pull back-off: 10s doubling to 5m. */
  backOffBase: 10,
  backOffMax: 300,
} as const;

/** The back-off before the next restart once a container has failed `failures` times (the first restart is immediate). */
export function backOffSeconds(failures: number): number {
  if (failures <= 1) return 0;
  return Math.min(timings.backOffMax, timings.backOffBase * 2 ** (failures - 2));
}

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${seconds % 60}s`;
}

/** The image reference containerd resolves: docker.io/library/ for bare names, :latest when untagged. */
export function normalizedImage(image: string): string {
  const [first, ...rest] = image.split("/");
  const hasRegistry = rest.length > 0 && first !== undefined && (first.includes(".") || first.includes(":") || first === "localhost");
  let ref = hasRegistry ? image : rest.length === 0 ? `docker.io/library/${image}` : `docker.io/${image}`;
  const lastPart = ref.split("/").pop() ?? "";
  if (!lastPart.includes(":") && !lastPart.includes("@")) ref = `${ref}:latest`;
  return ref;
}

export function imagePullError(image: string): string {
  const ref = normalizedImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}
