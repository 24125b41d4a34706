/**
 * Which extended resources are GPUs. NVIDIA's device plugin advertises whole GPUs as
 * `nvidia.com/gpu` and, with the MIG "mixed" strategy, each slice profile as its own resource
 * (`nvidia.com/mig-1g.5gb`). With the "single" strategy the slices are advertised as
 * `nvidia.com/gpu` and only the GPU-feature-discovery labels tell them apart.
 */

export const nvidiaGpu = "nvidia.com/gpu";
export const amdGpu = "amd.com/gpu";
const migPrefix = "nvidia.com/mig-";

/** The MIG profile of a resource name (`nvidia.com/mig-3g.20gb` → `3g.20gb`), else undefined. */
export function migProfile(resourceName: string): string | undefined {
  return resourceName.startsWith(migPrefix) && resourceName.length > migPrefix.length ? resourceName.slice(migPrefix.length) : undefined;
}

export function isGpuResourceName(resourceName: string): boolean {
  return resourceName === nvidiaGpu || resourceName === amdGpu || migProfile(resourceName) !== undefined;
}
