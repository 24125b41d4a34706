/** The knobs of the simulated control plane: how long pods take to start and how fast simulated time runs. */

export interface ControllerOptions {
  /**
   * Real milliseconds per simulated second for the kubelet's clocks: crash-loop and image-pull
   * back-offs, probe periods, slow starts, OOM kills. 1000 is real time; the default 100 runs
   * ten times faster. Messages keep the real durations ("back-off 20s"). Progress deadlines are
   * not scaled: kubectl and the user measure them in real seconds.
   */
  msPerSecond?: number;
  /** How long a bound pod spends in ContainerCreating, picked at random in [min, max] ms. */
  podStartDelayMs?: [number, number];
  /** Reports a reconcile that threw (it is retried); silent by default. */
  onError?: (key: string, error: unknown) => void;
}

export interface ResolvedControllerOptions {
  msPerSecond: number;
  podStartDelayMs: [number, number];
  onError: (key: string, error: unknown) => void;
}

export function resolveControllerOptions(options: boolean | ControllerOptions | undefined): ResolvedControllerOptions | undefined {
  if (options === undefined || options === false) return undefined;
  const given = options === true ? {} : options;
  return {
    msPerSecond: given.msPerSecond ?? 100,
    podStartDelayMs: given.podStartDelayMs ?? [300, 800],
    onError: given.onError ?? (() => undefined),
  };
}
