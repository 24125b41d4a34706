/**
 * The sandbox registry's filter grammar, table-driven. Expected clauses and outcomes follow
 * mlflow/utils/search_utils.py @01a226fb (SearchModelUtils / SearchModelVersionUtils): AND
 * only, quotes trimmed but never unescaped, identifiers split on the first dot, LIKE as SQL
 * (% any run, _ one character) and case-sensitive as the file store's regex, ILIKE not.
 */
import { describe, expect, it } from "vitest";
import { MlflowError } from "../../../../sandbox/mlflow/mlflowError";
import { compareClause, createPageToken, type FilterClause, likePattern, parsePageToken, parseSearchFilter, validateModelFilter, validateVersionFilter } from "../../../../sandbox/mlflow/mlflowSearchFilter";

describe("parseSearchFilter", () => {
  const cases: [string, FilterClause[]][] = [
    ["", []],
    ["name = 'fraud'", [{ type: "attribute", key: "name", comparator: "=", value: "fraud" }]],
    ["name like '%llama%'", [{ type: "attribute", key: "name", comparator: "LIKE", value: "%llama%" }]],
    [`name = "partner's-forecast"`, [{ type: "attribute", key: "name", comparator: "=", value: "partner's-forecast" }]],
    // sqlparse keeps '' inside the literal and _strip_quotes only trims the ends.
    ["name = 'a''b'", [{ type: "attribute", key: "name", comparator: "=", value: "a''b" }]],
    ["tags.team = 'llm' AND tag.`git commit` != 'x'", [
      { type: "tag", key: "team", comparator: "=", value: "llm" },
      { type: "tag", key: "git commit", comparator: "!=", value: "x" },
    ]],
    ["tags.mlflow.source.git.commit LIKE 'ab%'", [{ type: "tag", key: "mlflow.source.git.commit", comparator: "LIKE", value: "ab%" }]],
    ["attribute.name ILIKE '%Ü%'", [{ type: "attribute", key: "name", comparator: "ILIKE", value: "%Ü%" }]],
    ["version_number >= 3 and run_id IN ('a1', 'b2')", [
      { type: "attribute", key: "version_number", comparator: ">=", value: 3 },
      { type: "attribute", key: "run_id", comparator: "IN", value: ["a1", "b2"] },
    ]],
  ];
  it.each(cases)("%s", (filter, expected) => {
    expect(parseSearchFilter(filter)).toEqual(expected);
  });

  it.each(["name = 'a' OR name = 'b'", "name = 'a' AND", "(name = 'a')", "name 'a'", "name = 'unterminated", "metrics.x > 1"])("refuses %s with INVALID_PARAMETER_VALUE", (filter) => {
    const attempt = (): void => {
      validateModelFilter(parseSearchFilter(filter));
    };
    expect(attempt).toThrow(MlflowError);
    try {
      attempt();
    } catch (e) {
      expect((e as MlflowError).errorCode).toBe("INVALID_PARAMETER_VALUE");
      expect((e as MlflowError).httpStatus).toBe(400);
    }
  });
});

describe("which keys each search accepts", () => {
  it.each([
    ["name = 'a'", true, true],
    ["tags.k = 'v'", true, true],
    ["version_number = 2", false, true],
    ["source_path LIKE 's3://%'", false, true],
    ["run_id IN ('a')", false, true],
    ["name IN ('a')", false, false],
    ["tags.k > 'v'", false, false],
  ])("%s: models %s, versions %s", (filter, models, versions) => {
    const clauses = parseSearchFilter(filter);
    const accepts = (validate: (c: readonly FilterClause[]) => void): boolean => {
      try {
        validate(clauses);
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(MlflowError);
        return false;
      }
    };
    expect(accepts(validateModelFilter)).toBe(models);
    expect(accepts(validateVersionFilter)).toBe(versions);
  });
});

describe("LIKE and ILIKE", () => {
  it.each([
    ["llama3-70b-chat", "llama%", false, true],
    ["llama3-70b-chat", "LLAMA%", false, false],
    ["llama3-70b-chat", "LLAMA%", true, true],
    ["llama3-70b-chat", "llama_-70b%", false, true],
    ["a.b", "a_b", false, true],
    ["axb", "a.b", false, false], // a dot is a literal, not a regex wildcard
    ["vision/yolov8-detector", "%/yolo%", false, true],
    ["übersetzer", "Ü%", true, true],
  ])("%s LIKE %s (ilike %s) → %s", (value, pattern, ilike, expected) => {
    expect(likePattern(pattern, ilike).test(value)).toBe(expected);
  });

  it("never matches an absent tag, not even with !=", () => {
    expect(compareClause(undefined, { type: "tag", key: "k", comparator: "!=", value: "x" })).toBe(false);
  });
});

describe("page tokens", () => {
  it("are base64 of Python's json.dumps({'offset': N}) and read back", () => {
    expect(createPageToken(100)).toBe(Buffer.from('{"offset": 100}').toString("base64"));
    expect(parsePageToken(createPageToken(1000))).toBe(1000);
    expect(parsePageToken(undefined)).toBe(0);
  });
  it.each(["%%%", "abc", Buffer.from("nope").toString("base64"), Buffer.from('{"offset": 0}').toString("base64")])("refuses %s", (token) => {
    expect(() => parsePageToken(token)).toThrow(/^Invalid page token/);
  });
});
