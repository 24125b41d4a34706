import { describe, expect, it } from "vitest";
import type { ModelVersion, RegisteredModel } from "../../../../src/core/registry/modelRegistry";
import { degradeFilter, filterLiteral, matchesLocally, nameEqualsFilter } from "../../../../src/core/registry/searchFilter";

/**
 * What MLflow's server reads back from a literal: sqlparse's tokens for strings (sqlparse/keywords.py
 * SQL_REGEX: `'(''|\\\\|\\'|[^'])*'` single, `"(""|\\\\|\\"|[^"])*"` symbol) and
 * search_utils `_strip_quotes`, which drops the two ends and unescapes nothing.
 */
function serverReads(literal: string): string | undefined {
  const token = /^('(''|\\\\|\\'|[^'])*'|"(""|\\\\|\\"|[^"])*")$/s.exec(literal);
  return token ? literal.slice(1, -1) : undefined;
}

describe("filterLiteral", () => {
  it.each(["fraud-detector", "llama 3 8B", "team/recsys/ranker", "модель-ранжирования", "模型✓", 'say "hi"', "it's", "back\\slash", "trailing\\", "100%_done"])(
    "the server reads %s back exactly",
    (name) => {
      const literal = filterLiteral(name);
      expect(literal).toBeDefined();
      expect(serverReads(literal!)).toBe(name);
    },
  );

  it("has no exact literal for a value with both kinds of quote, and falls back to a LIKE the caller narrows", () => {
    expect(filterLiteral(`it's "quoted"`)).toBeUndefined();
    expect(nameEqualsFilter(`it's "quoted"`)).toEqual({ filter: `name LIKE 'it_s _quoted_'`, exact: false });
    expect(nameEqualsFilter("it's")).toEqual({ filter: `name = "it's"`, exact: true });
  });
});

const model = (name: string, tags: Record<string, string> = {}): RegisteredModel => ({ name, latestVersions: [], tags: Object.entries(tags).map(([key, value]) => ({ key, value })), aliases: [] });
const version = (name: string, v: string, extra: Partial<ModelVersion> = {}): ModelVersion => ({ name, version: v, tags: [], aliases: [], ...extra });

describe("degradeFilter (registries without LIKE or tag search)", () => {
  const both = new Set(["like-search", "tag-search"] as const);

  it("leaves a filter alone when the registry lacks nothing it uses", () => {
    expect(degradeFilter("name = 'a'", both)).toBeUndefined();
    expect(degradeFilter("name LIKE '%a%'", new Set())).toBeUndefined();
    expect(degradeFilter(undefined, both)).toBeUndefined();
  });

  it("takes LIKE and tag clauses out and keeps the rest for the server", () => {
    const d = degradeFilter("name ILIKE '%Fraud%' AND tags.team = 'risk' AND name != 'x'", both);
    expect(d?.serverFilter).toBe("name != 'x'");
    expect([...(d?.features ?? [])].sort()).toEqual(["like-search", "tag-search"]);
    expect(d?.local).toHaveLength(2);
  });

  it("does not split at an AND inside a quoted value", () => {
    const d = degradeFilter("name LIKE '%rock AND roll%'", both);
    expect(d?.serverFilter).toBeUndefined();
    expect(d?.local).toEqual([{ target: { kind: "attribute", key: "name" }, comparator: "LIKE", value: "%rock AND roll%" }]);
  });

  it("applies the clauses here as SQL LIKE/ILIKE and MLflow's tag comparisons would", () => {
    const d = degradeFilter("name ILIKE '%fraud%' AND tags.`team name` = 'risk'", both)!;
    expect(matchesLocally(model("Fraud-Detector", { "team name": "risk" }), d.local)).toBe(true);
    expect(matchesLocally(model("Fraud-Detector", { "team name": "ads" }), d.local)).toBe(false);
    // A missing tag matches nothing (search_utils: `if lhs is None: return False`).
    expect(matchesLocally(model("fraud"), d.local)).toBe(false);
    const like = degradeFilter("name LIKE 'a_c%'", both)!;
    expect(matchesLocally(model("abcdef"), like.local)).toBe(true);
    expect(matchesLocally(model("Abcdef"), like.local)).toBe(false);
    // Regex characters in a pattern are literal.
    expect(matchesLocally(model("a.c"), degradeFilter("name LIKE 'a.c'", both)!.local)).toBe(true);
    expect(matchesLocally(model("abc"), degradeFilter("name LIKE 'a.c'", both)!.local)).toBe(false);
  });

  it("reads version attributes: run_id and source_path", () => {
    const d = degradeFilter("source_path LIKE 's3://%' AND run_id ILIKE 'ABC%'", both)!;
    expect(matchesLocally(version("m", "1", { source: "s3://b/1", runId: "abc123" }), d.local)).toBe(true);
    expect(matchesLocally(version("m", "1", { source: "gs://b/1", runId: "abc123" }), d.local)).toBe(false);
  });

  it("gives up rather than guess when a clause to take out cannot be read", () => {
    expect(degradeFilter("name LIKE %fraud%", both)).toBeUndefined();
  });
});
