import { describe, expect, it } from "vitest";
import { toStorageUri } from "../../../../src/core/registry/artifactRoots";

const roots = { "mlflow-artifacts:/": "s3://ml-bucket/mlartifacts" };

describe("toStorageUri", () => {
  it.each([
    // The proxied store, as get-download-uri answers on `mlflow server --artifacts-destination s3://ml-bucket/mlartifacts`.
    ["mlflow-artifacts:/1/0a1b2c/artifacts/model", "s3://ml-bucket/mlartifacts/1/0a1b2c/artifacts/model"],
    // The host form names the proxying server; the path under the destination is the same.
    ["mlflow-artifacts://mlflow.corp:5000/1/0a1b2c/artifacts/model", "s3://ml-bucket/mlartifacts/1/0a1b2c/artifacts/model"],
  ])("maps %s through the configured root", (uri, expected) => {
    expect(toStorageUri(uri, roots)).toEqual({ ok: true, storageUri: expected, mappedFrom: "mlflow-artifacts:/" });
  });

  it("joins a root with a trailing slash without doubling it", () => {
    expect(toStorageUri("mlflow-artifacts:/2/x/artifacts", { "mlflow-artifacts:/": "gs://b/root/" })).toMatchObject({ ok: true, storageUri: "gs://b/root/2/x/artifacts" });
  });

  it("explains a proxied URI with no root configured", () => {
    expect(toStorageUri("mlflow-artifacts:/1/abc/artifacts/model", {})).toEqual({ ok: false, kind: "no-root", artifactUri: "mlflow-artifacts:/1/abc/artifacts/model", prefix: "mlflow-artifacts:/" });
  });

  it.each([
    "s3://bucket/models/fraud/3",
    "gs://kfserving-examples/models/mlflow/wine",
    "https://acct.blob.core.windows.net/models/fraud/3",
    "https://acct.z13.blob.storage.azure.net/models/fraud/3",
    "hdfs://namenode/models/fraud",
    "webhdfs://namenode/models/fraud",
    "hf://meta-llama/Meta-Llama-3-8B-Instruct",
    "file:///mnt/models/fraud",
    "/mnt/pvc/models/fraud",
  ])("passes %s through: KServe's storage initializer loads it", (uri) => {
    expect(toStorageUri(uri, roots)).toEqual({ ok: true, storageUri: uri });
  });

  it.each([
    ["models:/fraud/3", "models"],
    ["models:/m-1f0e9a2b3c4d", "models"],
    ["runs:/0a1b2c/model", "runs"],
    ["dbfs:/databricks/mlflow/1/abc", "dbfs"],
    ["azureml://registries/shared/models/fraud/versions/3", "azureml"],
    ["abfss://models@acct.dfs.core.windows.net/fraud/3", "abfss"],
  ])("refuses %s: KServe has no %s scheme", (uri, scheme) => {
    expect(toStorageUri(uri, roots)).toMatchObject({ ok: false, kind: "unsupported-scheme", scheme });
  });

  it("lets a root remap any prefix, the longest first", () => {
    const r = { "abfss://models@acct.dfs.core.windows.net/": "https://acct.blob.core.windows.net/models/", "abfss://": "s3://wrong/" };
    expect(toStorageUri("abfss://models@acct.dfs.core.windows.net/fraud/3", r)).toEqual({
      ok: true,
      storageUri: "https://acct.blob.core.windows.net/models/fraud/3",
      mappedFrom: "abfss://models@acct.dfs.core.windows.net/",
    });
  });
});
