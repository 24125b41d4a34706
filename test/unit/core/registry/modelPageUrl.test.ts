import { describe, expect, test } from "vitest";
import { modelPageUrl } from "../../../../src/core/registry/modelPageUrl";

describe("modelPageUrl", () => {
  test.each([
    { model: "llama3-70b-chat", version: "4", url: "https://mlflow.example.com/#/models/llama3-70b-chat/versions/4" },
    { model: "llama3-70b-chat", version: undefined, url: "https://mlflow.example.com/#/models/llama3-70b-chat" },
    // One route segment each: the slash, space, '#' and '?' in a name must not start a new segment, fragment or query.
    { model: "team/fraud detector#2?", version: "1", url: "https://mlflow.example.com/#/models/team%2Ffraud%20detector%232%3F/versions/1" },
    { model: "modèle", version: "1", url: "https://mlflow.example.com/#/models/mod%C3%A8le/versions/1" },
  ])("$model v$version → $url", ({ model, version, url }) => {
    expect(modelPageUrl({ kind: "mlflow", uiUrl: "https://mlflow.example.com/", model, version })).toBe(url);
  });

  test("the route reads back as the model's name", () => {
    const url = new URL(modelPageUrl({ kind: "mlflow", uiUrl: "http://127.0.0.1:5000", model: "a/b c", version: "2" }));
    expect(url.hash.split("/").map(decodeURIComponent)).toEqual(["#", "models", "a/b c", "versions", "2"]);
  });

  test("Azure ML opens its studio as configured: its routes are not MLflow's", () => {
    expect(modelPageUrl({ kind: "azureml", uiUrl: "https://ml.azure.com", model: "m", version: "1" })).toBe("https://ml.azure.com");
  });
});
