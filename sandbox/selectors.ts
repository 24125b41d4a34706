/**
 * Label and field selectors, parsed the way the API server parses them
 * (k8s.io/apimachinery/pkg/labels and pkg/fields) and matched against objects.
 */

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export class SelectorError extends Error {}

const labelKeyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses: "a in (x,y),b" is two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0) throw new SelectorError(`unbalanced parentheses in selector "${text}"`);
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new SelectorError(`unbalanced parentheses in selector "${text}"`);
  parts.push(current);
  return parts;
}

function checkKey(key: string): string {
  if (!labelKeyPattern.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!labelValuePattern.test(value)) throw new SelectorError(`invalid label value: "${value}"`);
  return value;
}

function parseRequirement(raw: string): LabelRequirement {
  const text = raw.trim();
  if (text === "") throw new SelectorError("found '', expected: identifier");
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (setMatch) {
    const [, key = "", op = "", list = ""] = setMatch;
    const values = list.split(",").map((v) => checkValue(v.trim()));
    return { key: checkKey(key), operator: op as "in" | "notin", values };
  }
  if (text.startsWith("!")) return { key: checkKey(text.slice(1).trim()), operator: "!", values: [] };
  const opMatch = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(text);
  if (opMatch) {
    const [, key = "", op = "", value = ""] = opMatch;
    if (op === "<" || op === ">") {
      if (!/^-?\d+$/.test(value.trim())) throw new SelectorError(`for 'gt', 'lt' operators, the value must be an integer: "${value}"`);
      return { key: checkKey(key), operator: op === ">" ? "gt" : "lt", values: [value.trim()] };
    }
    return { key: checkKey(key), operator: op === "!=" ? "!=" : "=", values: [checkValue(value.trim())] };
  }
  if (/\s/.test(text)) throw new SelectorError(`unable to parse requirement: "${text}"`);
  return { key: checkKey(text), operator: "exists", values: [] };
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (selector === undefined || selector.trim() === "") return [];
  return splitTopLevel(selector).map(parseRequirement);
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  const all = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(all, r.key);
    const value = all[r.key];
    switch (r.operator) {
      case "=":
        return has && value === r.values[0];
      case "!=":
        return !has || value !== r.values[0];
      case "in":
        return has && value !== undefined && r.values.includes(value);
      case "notin":
        return !has || value === undefined || !r.values.includes(value);
      case "exists":
        return has;
      case "!":
        return !has;
      case "gt":
      case "lt": {
        if (!has || value === undefined || !/^-?\d+$/.test(value)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.operator === "gt" ? n > bound : n < bound;
      }
    }
  });
}

/** Splits on an unescaped separator; field selector values escape "\", "," and "=" with a backslash. */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + (text[i + 1] ?? "");
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeFieldValue(value: string): string {
  return value.replace(/\\(.)/g, (_m, ch: string) => {
    if (ch === "\\" || ch === "," || ch === "=") return ch;
    throw new SelectorError(`invalid field selector value escape: \\${ch}`);
  });
}

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (selector === undefined || selector.trim() === "") return [];
  return splitEscaped(selector, ",").map((term) => {
    const match = /^([^=!]+?)\s*(==|=|!=)(.*)$/.exec(term.trim());
    if (!match) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = "", op = "", value = ""] = match;
    return { field: field.trim(), operator: op === "!=" ? "!=" : "=", value: unescapeFieldValue(value) };
  });
}

/** Boolean fields the server reads as "false" when they are absent. */
const falseWhenAbsent = new Set(["spec.unschedulable", "spec.hostNetwork"]);

/** The string a field selector compares against: missing fields are "", booleans "true"/"false". */
export function fieldValue(object: unknown, field: string): string {
  const path = field === "source" ? "source.component" : field;
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return "";
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === "string") return current;
  if (typeof current === "boolean" || typeof current === "number") return String(current);
  return falseWhenAbsent.has(field) ? "false" : "";
}

export function matchesFields(requirements: readonly FieldRequirement[], object: unknown): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator === "="));
}
