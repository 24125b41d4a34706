import { describe, expect, test } from "vitest";
import type { ModelRegistry, RegistryResult } from "../../../../src/core/registry/modelRegistry";
import { versionStorageUri } from "../../../../src/core/registry/versionStorageUri";

/** Only get-download-uri is asked; any other call would be a bug, so the rest is absent. */
function registryAnswering(answer: RegistryResult<string>): { registry: ModelRegistry; asked: string[] } {
  const asked: string[] = [];
  const registry = {
    getDownloadUri: (name: string, version: string) => {
      asked.push(`${name}/${version}`);
      return Promise.resolve(answer);
    },
  } as unknown as ModelRegistry;
  return { registry, asked };
}

const roots = { "mlflow-artifacts:/": "s3://mlflow-bucket/mlartifacts" };

describe("versionStorageUri: what a KServe storageUri must be for one version", () => {
  test.each([
    { name: "a version registered from Azure Blob loads as is", uri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3", expected: { ok: true, storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3" } },
    { name: "MLflow's proxied store maps through the configured root", uri: "mlflow-artifacts:/1/models/m-0a1b/artifacts", expected: { ok: true, storageUri: "s3://mlflow-bucket/mlartifacts/1/models/m-0a1b/artifacts" } },
    { name: "runs:/ names a run, not storage", uri: "runs:/abc/model", expected: { ok: false, kind: "unsupported-scheme" } },
    { name: "file:// loads in KServe but aiplatform.yaml does not take it", uri: "file:///mnt/models/x", expected: { ok: false, kind: "not-a-manifest-uri" } },
  ])("$name", async ({ uri, expected }) => {
    const { registry, asked } = registryAnswering({ ok: true, value: uri });
    expect(await versionStorageUri(registry, "fraud xgboost/β", "3", roots)).toMatchObject({ ...expected, downloadUri: uri });
    expect(asked).toEqual(["fraud xgboost/β/3"]);
  });

  test("mlflow-artifacts:/ without a configured root is explained, not guessed", async () => {
    const { registry } = registryAnswering({ ok: true, value: "mlflow-artifacts:/1/models/m-0a1b/artifacts" });
    expect(await versionStorageUri(registry, "m", "1", {})).toEqual({ ok: false, kind: "no-root", downloadUri: "mlflow-artifacts:/1/models/m-0a1b/artifacts" });
  });

  test("a registry failure comes back as it is", async () => {
    const failure = { kind: "api-error", status: 404, errorCode: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=m, version=9) not found" } as const;
    const { registry } = registryAnswering({ ok: false, failure });
    expect(await versionStorageUri(registry, "m", "9", roots)).toEqual({ ok: false, kind: "registry", failure });
  });
});
