/**
 * models:/ URIs as MLflow reads them. The expected values are MLflow's own: the parametrized cases
 * of mlflow/mlflow tests/store/artifact/utils/test_models.py (MLflow 3, ParsedModelUri with model_id).
 */
import { describe, expect, test } from "vitest";
import { formatModelUri, parseModelUri, type ModelReference } from "../../../../src/core/registry/modelReference";

const ref = (uri: string): ModelReference | undefined => {
  const r = parseModelUri(uri);
  return r.ok ? r.reference : undefined;
};

describe("parseModelUri, on MLflow's test cases", () => {
  test.each([
    ["models:/AdsModel1/0", "AdsModel1", "0"],
    ["models:/Ads Model 1/12345", "Ads Model 1", "12345"],
    ["models://////Ads Model 1/12345", "Ads Model 1", "12345"],
    ["models:/12345/67890", "12345", "67890"],
    ["models://profile@databricks/12345/67890", "12345", "67890"],
    ["models:/catalog.schema.model/0", "catalog.schema.model", "0"],
  ])("%s is version %s of %s", (uri, name, version) => {
    expect(ref(uri)).toEqual({ kind: "version", name, version });
  });

  test.each([
    ["models:/AdsModel1/Production", "AdsModel1", "Production"],
    ["models:/AdsModel1/pROduction", "AdsModel1", "pROduction"],
    ["models:/Ads Model 1/None", "Ads Model 1", "None"],
    ["models://////Ads Model 1/Staging", "Ads Model 1", "Staging"],
    ["models://scope:key@databricks/Ads Model 1/None", "Ads Model 1", "None"],
    ["models:/Name/Stage@Alias", "Name", "Stage@Alias"],
    ["models:/Name@Alias/Stage", "Name@Alias", "Stage"],
  ])("%s is the stage of %s", (uri, name, stage) => {
    expect(ref(uri)).toEqual({ kind: "stage", name, stage });
  });

  test.each([
    ["models:/AdsModel1/latest", "AdsModel1"],
    ["models:/AdsModel1/LATEST", "AdsModel1"],
    ["models://////Ads Model 1/latest", "Ads Model 1"],
    ["models://scope:key@databricks/Ads Model 1/latest", "Ads Model 1"],
    ["models:/catalog.schema.model/latest", "catalog.schema.model"],
  ])("%s is the latest of %s", (uri, name) => {
    expect(ref(uri)).toEqual({ kind: "latest", name });
  });

  test.each([
    ["models:/AdsModel1@Champion", "AdsModel1", "Champion"],
    ["models:/AdsModel1@cHAmpion", "AdsModel1", "cHAmpion"],
    ["models:/Ads Model 1@challenger", "Ads Model 1", "challenger"],
    ["models://scope:key/Ads Model 1@None", "Ads Model 1", "None"],
    ["models://////Ads Model 1@TestAlias", "Ads Model 1", "TestAlias"],
    ["models:/catalog.schema.model@None", "catalog.schema.model", "None"],
    ["models:/A!&#$%;{}()[]CrazyName@Alias", "A!&#$%;{}()[]CrazyName", "Alias"],
    ["models:/NameWith@IntheMiddle@Alias", "NameWith@IntheMiddle", "Alias"],
  ])("%s is alias of %s", (uri, name, alias) => {
    expect(ref(uri)).toEqual({ kind: "alias", name, alias });
  });

  test("models:/<id> is an MLflow 3 logged model", () => {
    expect(ref("models:/12345")).toEqual({ kind: "logged-model", modelId: "12345" });
    expect(ref("models:/m-0f3a2b9c4d5e4f60a1b2c3d4e5f60718")).toEqual({ kind: "logged-model", modelId: "m-0f3a2b9c4d5e4f60a1b2c3d4e5f60718" });
  });

  test.each([
    ["models:/", "empty-name"],
    ["models:/ /Stage", "empty-name"],
    ["models:/Name/", "empty-suffix"],
    ["models:/Name@", "empty-alias"],
    ["models:/Name/Stage/0", "too-many-parts"],
    ["models:Name/Stage", "empty-name"],
  ])("%s is not a proper models:/ URI (%s)", (uri, problem) => {
    expect(parseModelUri(uri)).toEqual({ ok: false, kind: "invalid-model-uri", uri, problem });
  });

  test("other schemes are storage, matched against versions' sources; text without a scheme is nothing", () => {
    expect(ref("notmodels:/NameOfModel/12345")).toEqual({ kind: "storage", uri: "notmodels:/NameOfModel/12345" });
    expect(ref("gs://kfserving-examples/models/sklearn/1.0/model")).toEqual({ kind: "storage", uri: "gs://kfserving-examples/models/sklearn/1.0/model" });
    expect(parseModelUri("llama3-70b-chat")).toMatchObject({ ok: false, problem: "not-a-uri" });
  });
});

describe("percent-encoded names (our extension: MLflow has no way to put a '/' in a models:/ name)", () => {
  test.each([
    { name: "team/fraud detector", uri: "models:/team%2Ffraud%20detector/3" },
    { name: "détecteur de fraude ü", uri: "models:/d%C3%A9tecteur%20de%20fraude%20%C3%BC/3" },
  ])("$uri decodes to $name", ({ name, uri }) => {
    expect(ref(uri)).toEqual({ kind: "version", name, version: "3" });
  });

  test.each<ModelReference>([
    { kind: "version", name: "team/fraud detector", version: "12" },
    { kind: "alias", name: "name@with@ats", alias: "champion" },
    { kind: "alias", name: "100% sure?#", alias: "challenger" },
    { kind: "stage", name: "Ünïcödé モデル", stage: "Production" },
    { kind: "latest", name: "a/b" },
    { kind: "logged-model", modelId: "m-0123" },
    { kind: "version", name: "A!&#$%;{}()[]CrazyName", version: "1" },
  ])("formatModelUri($name) reads back as the same reference", (r) => {
    expect(ref(formatModelUri(r))).toEqual(r);
  });

  test("names people type stay readable: Unicode letters are not encoded", () => {
    expect(formatModelUri({ kind: "version", name: "モデル", version: "2" })).toBe("models:/モデル/2");
    expect(formatModelUri({ kind: "alias", name: "llama3-70b-chat", alias: "champion" })).toBe("models:/llama3-70b-chat@champion");
  });
});
