import { describe, expect, test } from "vitest";
import { checkModelAliasName } from "../../../../src/core/registry/modelAliasName";

/**
 * Expected verdicts from MLflow's _validate_model_alias_name (mlflow/utils/validation.py), its regexes run in
 * Python 3.11.7. One deliberate difference: Python's `$` lets "champion\n" through; we refuse it.
 */
describe("checkModelAliasName follows MLflow's alias rules", () => {
  test.each([
    { alias: "champion", problem: undefined },
    { alias: "challenger", problem: undefined },
    { alias: "prod_2024-06", problem: undefined },
    { alias: "v1beta", problem: undefined },
    { alias: "version3", problem: undefined },
    { alias: "модель", problem: undefined },
    { alias: "冠军", problem: undefined },
    { alias: "x".repeat(255), problem: undefined },
    { alias: "😀".repeat(1), problem: "bad-characters" },
    { alias: "", problem: "empty" },
    { alias: "my alias", problem: "bad-characters" },
    { alias: "champion.v2", problem: "bad-characters" },
    { alias: "a/b", problem: "bad-characters" },
    { alias: "champion\n", problem: "bad-characters" },
    { alias: "x".repeat(256), problem: "too-long" },
    { alias: "latest", problem: "reserved-latest" },
    { alias: "LaTeSt", problem: "reserved-latest" },
    { alias: "v3", problem: "reserved-version" },
    { alias: "V10", problem: "reserved-version" },
    { alias: "v٣", problem: "reserved-version" },
  ])("$alias → $problem", ({ alias, problem }) => {
    expect(checkModelAliasName(alias)?.kind).toBe(problem);
  });

  test("length is counted in characters, as Python's len does: 255 Cyrillic letters pass, 256 do not", () => {
    expect(checkModelAliasName("я".repeat(255))).toBeUndefined();
    expect(checkModelAliasName("я".repeat(256))).toEqual({ kind: "too-long", length: 256, max: 255 });
  });
});
