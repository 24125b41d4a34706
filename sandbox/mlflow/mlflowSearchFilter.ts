/**
 * The registry's search grammar as the MLflow server parses it (mlflow/utils/search_utils.py
 * @01a226fb: SearchModelUtils, SearchModelVersionUtils; the SQL store's checks in
 * model_registry/sqlalchemy_store.py), for the sandbox registry:
 *   filter   := clause (AND clause)*          — no OR, no parentheses around clauses
 *   clause   := identifier comparator value
 *   identifier: name | attribute.name | tags.<key> | tag.<key> (key bare, `backticked` or "quoted");
 *               versions also version_number, run_id, source_path
 *   value    := 'single-quoted' | "double-quoted" | number | ('a', 'b')   (IN, run_id only)
 * Quotes are trimmed, never unescaped (_strip_quotes): a name holding ' is matched with a
 * double-quoted value. LIKE/ILIKE follow SQL (% and _), LIKE case-sensitive as the file store's
 * regex. order_by: "<key> [ASC|DESC]". Page tokens: base64(JSON {"offset": N}).
 */
import { MlflowError, invalidParameter } from "./mlflowError";

export interface FilterClause {
  readonly type: "attribute" | "tag";
  readonly key: string;
  /** Upper case: =, !=, <, <=, >, >=, LIKE, ILIKE, IN. */
  readonly comparator: string;
  readonly value: string | number | readonly string[];
}

type Token =
  | { kind: "word"; text: string }
  | { kind: "string"; text: string }
  | { kind: "dq"; text: string }
  | { kind: "backtick"; text: string }
  | { kind: "number"; text: string }
  | { kind: "op"; text: string }
  | { kind: "punct"; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (): never => {
    throw invalidParameter(`Error on parsing filter '${filter}'`);
  };
  while (i < filter.length) {
    const c = filter[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      // sqlparse's string literal: '' and \' stay inside the literal (String.Single).
      let j = i + 1;
      while (j < filter.length) {
        const d = filter[j];
        if (d === "\\" && c !== "`") j += 2;
        else if (d === c && filter[j + 1] === c) j += 2;
        else if (d === c) break;
        else j++;
      }
      if (j >= filter.length) fail();
      const text = filter.slice(i + 1, j);
      tokens.push(c === "'" ? { kind: "string", text } : c === '"' ? { kind: "dq", text } : { kind: "backtick", text });
      i = j + 1;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(filter.slice(i));
    if (op) {
      tokens.push({ kind: "op", text: op[1] ?? "" });
      i += op[1]?.length ?? 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(filter.slice(i));
    if (num) {
      tokens.push({ kind: "number", text: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === ".") {
      tokens.push({ kind: "punct", text: c });
      i++;
      continue;
    }
    const word = /^[\p{L}_][\p{L}\p{N}_-]*/u.exec(filter.slice(i));
    if (word) {
      tokens.push({ kind: "word", text: word[0] });
      i += word[0].length;
      continue;
    }
    fail();
  }
  return tokens;
}

const keywordComparators = new Set(["LIKE", "ILIKE", "IN"]);

/** Parses into clauses, checking only the grammar; validateModelFilter/validateVersionFilter check keys. */
export function parseSearchFilter(filter: string | undefined): FilterClause[] {
  if (!filter || filter.trim() === "") return [];
  const tokens = tokenize(filter);
  const clauses: FilterClause[] = [];
  let i = 0;
  const invalid = (from: number): never => {
    const rest = tokens
      .slice(from)
      .map((t) => (t.kind === "string" ? `'${t.text}'` : t.kind === "dq" ? `"${t.text}"` : t.text))
      .join(" ");
    throw invalidParameter(`Invalid clause(s) in filter string: ${rest}`);
  };
  for (;;) {
    const start = i;
    // identifier: word ( . (word|backtick|dq) )?
    const head = tokens[i];
    if (!head || (head.kind !== "word" && head.kind !== "backtick" && head.kind !== "dq")) invalid(start);
    let identifier = head?.text ?? "";
    let key: string | undefined;
    i++;
    if (tokens[i]?.kind === "punct" && tokens[i]?.text === ".") {
      const part = tokens[i + 1];
      if (!part || (part.kind !== "word" && part.kind !== "backtick" && part.kind !== "dq" && part.kind !== "number")) invalid(start);
      key = part?.text ?? "";
      i += 2;
      // tags.mlflow.source.git.commit: MLflow splits on the first dot only.
      while (part?.kind === "word" && tokens[i]?.kind === "punct" && tokens[i]?.text === "." && (tokens[i + 1]?.kind === "word" || tokens[i + 1]?.kind === "number")) {
        key += `.${tokens[i + 1]?.text ?? ""}`;
        i += 2;
      }
    }
    let comparator: string;
    const opToken = tokens[i];
    if (opToken?.kind === "op") {
      comparator = opToken.text;
      i++;
    } else if (opToken?.kind === "word" && keywordComparators.has(opToken.text.toUpperCase())) {
      comparator = opToken.text.toUpperCase();
      i++;
    } else if (opToken?.kind === "word" && opToken.text.toUpperCase() === "NOT" && tokens[i + 1]?.kind === "word" && tokens[i + 1]?.text.toUpperCase() === "IN") {
      comparator = "NOT IN";
      i += 2;
    } else {
      return invalid(start);
    }
    let value: string | number | string[];
    const v = tokens[i];
    if (v?.kind === "string" || v?.kind === "dq") {
      value = v.text;
      i++;
    } else if (v?.kind === "number") {
      value = Number(v.text);
      i++;
    } else if (v?.kind === "punct" && v.text === "(") {
      const list: string[] = [];
      i++;
      for (;;) {
        const item = tokens[i];
        if (item?.kind === "string") list.push(item.text);
        else
          throw invalidParameter(
            list.length === 0 && item?.kind === "punct" && item.text === ")"
              ? "While parsing a list in the query, expected a non-empty list of string values, but got empty list"
              : "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.",
          );
        i++;
        const sep = tokens[i];
        if (sep?.kind === "punct" && sep.text === ",") {
          i++;
          continue;
        }
        if (sep?.kind === "punct" && sep.text === ")") {
          i++;
          break;
        }
        throw invalidParameter("While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.");
      }
      value = list;
    } else {
      return invalid(start);
    }
    if (key === undefined) {
      clauses.push({ type: "attribute", key: identifier, comparator, value });
    } else {
      const entity = identifier;
      if (!["attribute", "tag", "tags"].includes(entity)) {
        throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
      }
      identifier = key;
      clauses.push({ type: entity === "attribute" ? "attribute" : "tag", key: identifier, comparator, value });
    }
    if (i >= tokens.length) break;
    const and = tokens[i];
    if (and?.kind === "word" && and.text.toUpperCase() === "AND") {
      i++;
      if (i >= tokens.length) invalid(i - 1);
      continue;
    }
    invalid(i);
  }
  return clauses;
}

const stringComparators = new Set(["=", "!=", "LIKE", "ILIKE"]);
const numericComparators = new Set(["=", "!=", "<", "<=", ">", ">="]);

/** Registered models: attribute `name` (=, !=, LIKE, ILIKE) and tags (sqlalchemy_store._get_search_registered_model_filter_query). */
export function validateModelFilter(clauses: readonly FilterClause[]): void {
  for (const c of clauses) {
    if (c.type === "attribute") {
      if (c.key !== "name") throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '{'name'}'`);
      if (!stringComparators.has(c.comparator)) throw invalidParameter(`Invalid comparator for attribute: ${c.comparator}`);
    } else if (!stringComparators.has(c.comparator)) {
      throw invalidParameter(`Invalid comparator for tag: ${c.comparator}`);
    }
    if (typeof c.value !== "string") throw invalidParameter(`Expected a quoted string value for ${c.type === "tag" ? "tag (e.g. 'my-value')" : "attributes"}. Got value ${String(c.value)}`);
  }
}

/** Model versions: name, run_id, source_path (IN for run_id only), numeric version_number, tags. */
export function validateVersionFilter(clauses: readonly FilterClause[]): void {
  const valid = ["name", "version_number", "run_id", "source_path"];
  for (const c of clauses) {
    if (c.type === "tag") {
      if (!stringComparators.has(c.comparator)) throw invalidParameter(`Invalid comparator for tag: ${c.comparator}`);
      if (typeof c.value !== "string") throw invalidParameter(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${String(c.value)}`);
      continue;
    }
    if (!valid.includes(c.key)) throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '{'name', 'version_number', 'run_id', 'source_path'}'`);
    if (c.key === "version_number") {
      if (!numericComparators.has(c.comparator)) throw invalidParameter(`Invalid comparator for attribute: ${c.comparator}`);
      if (Array.isArray(c.value) || !Number.isInteger(Number(c.value))) throw invalidParameter(`Invalid value for version_number: ${String(c.value)}. Expected an integer.`);
      continue;
    }
    if (typeof c.value === "number") throw invalidParameter(`Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.`);
    if (Array.isArray(c.value) && c.key !== "run_id") throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    if (!stringComparators.has(c.comparator) && !(c.comparator === "IN" && c.key === "run_id")) throw invalidParameter(`Invalid comparator for attribute: ${c.comparator}`);
  }
}

/** SQL LIKE as a RegExp: % any run, _ one character, everything else literal. */
export function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "%") source += "[\\s\\S]*";
    else if (ch === "_") source += "[\\s\\S]";
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, caseInsensitive ? "iu" : "u");
}

/** One clause against one value (undefined: the attribute or tag is absent, which never matches). */
export function compareClause(lhs: string | number | undefined, clause: FilterClause): boolean {
  if (lhs === undefined) return false;
  const { comparator, value } = clause;
  if (comparator === "IN") return Array.isArray(value) && value.includes(String(lhs));
  if (typeof lhs === "number") {
    const rhs = Number(value);
    switch (comparator) {
      case "=":
        return lhs === rhs;
      case "!=":
        return lhs !== rhs;
      case "<":
        return lhs < rhs;
      case "<=":
        return lhs <= rhs;
      case ">":
        return lhs > rhs;
      case ">=":
        return lhs >= rhs;
      default:
        return false;
    }
  }
  const rhs = String(value);
  switch (comparator) {
    case "=":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "LIKE":
      return likePattern(rhs, false).test(lhs);
    case "ILIKE":
      return likePattern(rhs, true).test(lhs);
    default:
      return false;
  }
}

export interface OrderBy {
  readonly key: string;
  readonly ascending: boolean;
}

/**
 * One order_by entry ("name", "last_updated_timestamp DESC", "`name` asc"), checked against the
 * keys the endpoint sorts by (SearchUtils._parse_order_by_string, then the entity's key check).
 */
export function parseOrderBy(clause: string, validKeys: readonly string[]): OrderBy {
  const parts = clause.trim().replace(/`/g, "").split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 2) throw invalidParameter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  let ascending = true;
  if (parts.length === 2) {
    const order = (parts[1] ?? "").toLowerCase();
    if (order !== "asc" && order !== "desc") throw invalidParameter(`Invalid ordering key in order_by clause '${clause}'.`);
    ascending = order === "asc";
  }
  let key = parts[0] ?? "";
  const dot = key.indexOf(".");
  if (dot >= 0) {
    const entity = key.slice(0, dot);
    if (!["attribute", "tag", "tags"].includes(entity)) throw invalidParameter(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
    if (entity !== "attribute") throw invalidParameter(`Invalid order_by entity: tag`);
    key = key.slice(dot + 1);
  }
  if (!validKeys.includes(key)) throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '{${validKeys.map((k) => `'${k}'`).join(", ")}}'`);
  return { key, ascending };
}

/** SearchUtils.create_page_token: base64 of Python's json.dumps({"offset": N}). */
export function createPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, "utf8").toString("base64");
}

/** SearchUtils.parse_start_offset_from_page_token, with its messages. */
export function parsePageToken(token: string | undefined): number {
  if (!token) return 0;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) throw invalidParameter("Invalid page token, could not base64-decode");
  const decoded = Buffer.from(token, "base64").toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=b'${decoded}'`);
  }
  const offset = typeof parsed === "object" && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  if (!offset) throw invalidParameter(`Invalid page token, parsed value=${decoded}`);
  const n = Number(offset);
  if (!Number.isInteger(n) || n < 0) throw invalidParameter(`Invalid page token, not stringable ${JSON.stringify(offset)}`);
  return n;
}

/** The order_by list checked (no key twice), then the endpoint's tiebreaks for keys it lacks. */
export function orderClauses(orderBy: readonly string[], valid: readonly string[], tiebreaks: readonly OrderBy[]): OrderBy[] {
  const order: OrderBy[] = [];
  for (const clause of orderBy) {
    const parsed = parseOrderBy(clause, valid);
    if (order.some((o) => o.key === parsed.key)) throw new MlflowError("INTERNAL_ERROR", `\`order_by\` contains duplicate fields: [${orderBy.map((o) => `'${o}'`).join(", ")}]`);
    order.push(parsed);
  }
  for (const t of tiebreaks) if (!order.some((o) => o.key === t.key)) order.push(t);
  return order;
}

export function orderComparator<T>(order: readonly OrderBy[], value: (item: T, key: string) => string | number): (a: T, b: T) => number {
  return (a, b) => {
    for (const { key, ascending } of order) {
      const x = value(a, key);
      const y = value(b, key);
      // Byte order, as the databases compare names (not locale order).
      const d = x < y ? -1 : x > y ? 1 : 0;
      if (d !== 0) return ascending ? d : -d;
    }
    return 0;
  };
}

/** SearchUtils.paginate: the slice at the token's offset, and a token only when more remain. */
export function page<T, J>(items: readonly T[], offset: number, maxResults: number, json: (item: T) => J): { items: J[]; nextPageToken?: string } {
  const end = offset + maxResults;
  const slice = items.slice(offset, end).map(json);
  return end < items.length ? { items: slice, nextPageToken: createPageToken(end) } : { items: slice };
}
