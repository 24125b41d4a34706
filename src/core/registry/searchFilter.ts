import type { ModelVersion, RegisteredModel, RegistryFeature } from "./modelRegistry";

/**
 * MLflow's search filter as far as this client needs it (mlflow/utils/search_utils.py
 * @01a226fb): quoting a value so the server reads back exactly that value, and taking out the
 * clauses Azure ML refuses (LIKE/ILIKE, tags) so they can run here instead.
 *
 * The server tokenises with sqlparse — `'(''|\\\\|\\'|[^'])*'` for single-quoted strings,
 * `"(""|\\\\|\\"|[^"])*"` for double-quoted ones — and `_strip_quotes` only drops the two ends:
 * neither `''` nor `\'` is unescaped. So a value with a single quote can only travel in double
 * quotes, and one with both kinds of quote cannot travel exactly at all.
 */
export function filterLiteral(value: string): string | undefined {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return undefined;
}

/**
 * `name = <value>` that the server reads back exactly; for a name with both kinds of quote, a
 * LIKE pattern with `_` (any one character) for each quote, which the caller must narrow by
 * comparing names itself.
 */
export function nameEqualsFilter(name: string): { readonly filter: string; readonly exact: boolean } {
  const literal = filterLiteral(name);
  if (literal !== undefined) return { filter: `name = ${literal}`, exact: true };
  return { filter: `name LIKE '${name.replace(/['"]/g, "_")}'`, exact: false };
}

type Comparator = "=" | "!=" | "LIKE" | "ILIKE";

/** A clause taken out of the server's filter, to be checked here. */
export interface LocalClause {
  readonly target: { readonly kind: "attribute"; readonly key: string } | { readonly kind: "tag"; readonly key: string };
  readonly comparator: Comparator;
  readonly value: string;
}

export interface DegradedFilter {
  /** What is left for the server; undefined when nothing is. */
  readonly serverFilter: string | undefined;
  readonly local: readonly LocalClause[];
  readonly features: readonly RegistryFeature[];
}

/** Splits at AND outside quotes and parentheses (MLflow has no OR). */
function splitClauses(filter: string): string[] {
  const clauses: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && /\s/.test(c) && /^\s+AND\s/i.test(filter.slice(i))) {
      clauses.push(filter.slice(start, i).trim());
      i += /^\s+AND\s+/i.exec(filter.slice(i))![0].length - 1;
      start = i + 1;
    }
  }
  clauses.push(filter.slice(start).trim());
  return clauses.filter((c) => c.length > 0);
}

const clausePattern = /^((?:[A-Za-z_][\w]*\.)?(?:`[^`]+`|"[^"]+"|[\w.-]+))\s*(=|!=|\bLIKE\b|\bILIKE\b)\s*('.*'|".*")$/is;

function parseClause(text: string): LocalClause | undefined {
  const m = clausePattern.exec(text);
  if (!m) return undefined;
  const [, identifier, op, literal] = m as unknown as [string, string, string, string];
  const dot = identifier.indexOf(".");
  const entity = dot < 0 ? undefined : identifier.slice(0, dot);
  const unquote = (s: string): string => (/^(['"`]).*\1$/s.test(s) ? s.slice(1, -1) : s);
  const comparator = op.toUpperCase() as Comparator;
  const value = literal.slice(1, -1);
  if (entity === "tag" || entity === "tags") return { target: { kind: "tag", key: unquote(identifier.slice(dot + 1)) }, comparator, value };
  const key = entity === "attribute" || entity === "attr" ? identifier.slice(dot + 1) : identifier;
  return { target: { kind: "attribute", key: unquote(key) }, comparator, value };
}

/**
 * The filter with the clauses a registry lacks (LIKE/ILIKE, tag search) taken out, or undefined
 * when there is nothing to take out or a clause to take out cannot be read here.
 */
export function degradeFilter(filter: string | undefined, lacking: ReadonlySet<RegistryFeature>): DegradedFilter | undefined {
  if (!filter?.trim()) return undefined;
  const server: string[] = [];
  const local: LocalClause[] = [];
  const features = new Set<RegistryFeature>();
  for (const text of splitClauses(filter)) {
    const clause = parseClause(text);
    const isTag = clause?.target.kind === "tag" || /^tags?\./i.test(text);
    const isLike = clause ? clause.comparator === "LIKE" || clause.comparator === "ILIKE" : /\s(I?LIKE)\s/i.test(text);
    const take = (isTag && lacking.has("tag-search")) || (isLike && lacking.has("like-search"));
    if (!take) {
      server.push(text);
      continue;
    }
    if (!clause) return undefined;
    local.push(clause);
    if (isTag) features.add("tag-search");
    if (isLike) features.add("like-search");
  }
  if (local.length === 0) return undefined;
  return { serverFilter: server.length ? server.join(" AND ") : undefined, local, features: [...features] };
}

/** What a filter asks for that some registries refuse. */
export function filterFeatures(filter: string | undefined): RegistryFeature[] {
  const degraded = degradeFilter(filter, new Set(["like-search", "tag-search"]));
  return degraded ? [...degraded.features] : [];
}

/** SQL LIKE: `%` any run, `_` any one character, everything else literal. */
function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const body = [...pattern].map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, ignoreCase ? "isu" : "su");
}

function compare(actual: string | undefined, clause: LocalClause): boolean {
  // MLflow: a missing attribute or tag matches nothing, not even `!=`.
  if (actual === undefined) return false;
  switch (clause.comparator) {
    case "=":
      return actual === clause.value;
    case "!=":
      return actual !== clause.value;
    case "LIKE":
      return likeRegExp(clause.value, false).test(actual);
    case "ILIKE":
      return likeRegExp(clause.value, true).test(actual);
  }
}

function attributeOf(item: RegisteredModel | ModelVersion, key: string): string | undefined {
  if (key === "name") return item.name;
  if ("version" in item) {
    if (key === "run_id") return item.runId;
    if (key === "source_path") return item.source;
    if (key === "version_number") return item.version;
  }
  return undefined;
}

/** Whether an item passes the clauses taken out of the server's filter. */
export function matchesLocally(item: RegisteredModel | ModelVersion, clauses: readonly LocalClause[]): boolean {
  return clauses.every((clause) => {
    const actual = clause.target.kind === "tag" ? item.tags.find((t) => t.key === clause.target.key)?.value : attributeOf(item, clause.target.key);
    return compare(actual, clause);
  });
}
