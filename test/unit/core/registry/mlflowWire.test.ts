import { describe, expect, it } from "vitest";
import { GetRegisteredModelResponse, ModelVersionResponse, SearchModelVersionsResponse, SearchRegisteredModelsResponse, toModelVersion, toRegisteredModel } from "../../../../src/core/registry/mlflowWire";

/**
 * Bodies as MLflow's server writes them (mlflow/utils/proto_json_utils.py `message_to_json`:
 * snake_case, int64 as numbers, unset fields left out), e.g. the REST API docs' example of
 * registered-models/get and a version registered from a run.
 */
describe("MLflow registry wire", () => {
  it("maps a registered model with every field, version as a string and timestamps as numbers", () => {
    const body = {
      registered_model: {
        name: "fraud-detector",
        creation_timestamp: 1700000000000,
        last_updated_timestamp: 1700000500000,
        description: "Gradient boosted trees",
        latest_versions: [
          { name: "fraud-detector", version: "3", creation_timestamp: 1700000400000, last_updated_timestamp: 1700000400000, current_stage: "Production", source: "s3://ml/1/abc/artifacts/model", run_id: "abc", status: "READY" },
        ],
        tags: [{ key: "team", value: "risk" }],
        aliases: [{ alias: "champion", version: "3" }],
      },
    };
    const parsed = GetRegisteredModelResponse.parse(body);
    const model = toRegisteredModel(parsed.registered_model);
    expect(model).toEqual({
      name: "fraud-detector",
      creationTimestamp: 1700000000000,
      lastUpdatedTimestamp: 1700000500000,
      description: "Gradient boosted trees",
      latestVersions: [
        {
          name: "fraud-detector",
          version: "3",
          creationTimestamp: 1700000400000,
          lastUpdatedTimestamp: 1700000400000,
          currentStage: "Production",
          source: "s3://ml/1/abc/artifacts/model",
          runId: "abc",
          status: "READY",
          // latest_versions carry no aliases (mlflow#9952): absent means none.
          tags: [],
          aliases: [],
        },
      ],
      tags: [{ key: "team", value: "risk" }],
      aliases: [{ alias: "champion", version: "3" }],
    });
  });

  it("reads omitted empties as empty lists and leaves absent fields absent", () => {
    const parsed = ModelVersionResponse.parse({ model_version: { name: "m", version: "1" } });
    expect(toModelVersion(parsed.model_version)).toEqual({ name: "m", version: "1", tags: [], aliases: [] });
    expect(SearchRegisteredModelsResponse.parse({})).toEqual({ registered_models: [], next_page_token: undefined });
    expect(SearchModelVersionsResponse.parse({ model_versions: [] }).next_page_token).toBeUndefined();
  });

  it("keeps an opaque page token and reads an empty one as the last page", () => {
    expect(SearchModelVersionsResponse.parse({ model_versions: [], next_page_token: "eyJvZmZzZXQiOiAxMDB9" }).next_page_token).toBe("eyJvZmZzZXQiOiAxMDB9");
    expect(SearchModelVersionsResponse.parse({ model_versions: [], next_page_token: "" }).next_page_token).toBeUndefined();
  });

  it("accepts protobuf's int64-as-string timestamps and a numeric version, and ignores fields it does not know", () => {
    const parsed = ModelVersionResponse.parse({ model_version: { name: "m", version: 7, creation_timestamp: "1700000000000", model_id: "m-0123", deployment_job_state: {} } });
    expect(toModelVersion(parsed.model_version)).toEqual({ name: "m", version: "7", creationTimestamp: 1700000000000, tags: [], aliases: [] });
  });

  it("keeps MLflow 3's models:/m-<uuid> source and the registry's text as it is", () => {
    const description = "<img src=x onerror=alert(1)> **bold** [run](command:workbench.action.terminal.new)";
    const parsed = ModelVersionResponse.parse({ model_version: { name: "llama 3/8B ✓", version: "2", source: "models:/m-1f0e9a2b3c4d", description, tags: [{ key: "note", value: "" }] } });
    const v = toModelVersion(parsed.model_version);
    expect(v.source).toBe("models:/m-1f0e9a2b3c4d");
    expect(v.description).toBe(description);
    expect(v.name).toBe("llama 3/8B ✓");
    expect(v.tags).toEqual([{ key: "note", value: "" }]);
  });

  it("refuses shapes the product cannot use", () => {
    expect(ModelVersionResponse.safeParse({ model_version: { name: "m" } }).success).toBe(false);
    expect(ModelVersionResponse.safeParse({ model_version: { name: "m", version: "1", tags: "a=b" } }).success).toBe(false);
    expect(SearchRegisteredModelsResponse.safeParse({ registered_models: {} }).success).toBe(false);
    expect(ModelVersionResponse.safeParse({ model_version: { name: "m", version: "1", creation_timestamp: "yesterday" } }).success).toBe(false);
  });
});
