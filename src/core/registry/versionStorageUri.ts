import { storageUri as manifestStorageUri } from "../manifest/serviceManifest";
import { toStorageUri } from "./artifactRoots";
import type { ModelRegistry, RegistryFailure } from "./modelRegistry";

/**
 * What a KServe service's storageUri must be to load one registered version. KServe cannot load
 * `models:/` (kserve#3555), so the version's artifact location comes from get-download-uri (its
 * `source` may be models:/m-<uuid> in MLflow 3) and a proxied `mlflow-artifacts:/` location is
 * mapped through the configured artifact root to the bucket behind it.
 */
export type VersionStorageResult =
  | { readonly ok: true; readonly storageUri: string; readonly downloadUri: string }
  | { readonly ok: false; readonly kind: "registry"; readonly failure: RegistryFailure }
  /** mlflow-artifacts:/… and no artifactRoots entry for it: the bucket behind the proxy is not known here. */
  | { readonly ok: false; readonly kind: "no-root"; readonly downloadUri: string }
  /** runs:/, models:/, dbfs:/ …: not a location a storage initializer can fetch. */
  | { readonly ok: false; readonly kind: "unsupported-scheme"; readonly downloadUri: string }
  /** A location KServe could fetch that aiplatform.yaml's storageUri does not accept (file://, hdfs://). */
  | { readonly ok: false; readonly kind: "not-a-manifest-uri"; readonly downloadUri: string; readonly storageUri: string };

export async function versionStorageUri(
  registry: ModelRegistry,
  name: string,
  version: string,
  roots: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<VersionStorageResult> {
  const download = await registry.getDownloadUri(name, version, signal);
  if (!download.ok) return { ok: false, kind: "registry", failure: download.failure };
  const downloadUri = download.value;
  const mapped = toStorageUri(downloadUri, roots);
  // Anything but a missing root is a location no storage initializer loads.
  if (!mapped.ok) return { ok: false, kind: mapped.kind === "no-root" ? "no-root" : "unsupported-scheme", downloadUri };
  if (!manifestStorageUri.test(mapped.storageUri)) return { ok: false, kind: "not-a-manifest-uri", downloadUri, storageUri: mapped.storageUri };
  return { ok: true, storageUri: mapped.storageUri, downloadUri };
}
