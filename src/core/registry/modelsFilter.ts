import { filterLiteral } from "./searchFilter";

/**
 * Free text is a name search; text that starts like a clause (`name LIKE …`, `tags.team = …`)
 * is MLflow's own filter grammar (search_utils.py), passed as typed.
 */
const clause = /^\s*(name|tags?\.(`[^`]*`|"[^"]*"|[\w.-]+)|`[^`]*`)\s*(=|!=|<>|\bI?LIKE\b|\bIN\b)/i;

/**
 * What a person types in `aiplat models list --filter` or the Models view's Filter Models…, as
 * MLflow's grammar takes it. A name search is quoted with filterLiteral (the server never
 * unescapes a quote inside a literal, so a name with a quote travels in the other kind). A text
 * with both kinds of quote matches them with `_` (any one character): a search may find a little
 * more than typed, never less. `%` and `_` stay wildcards for the same reason.
 */
export function modelsFilter(text: string): string {
  if (clause.test(text)) return text;
  const pattern = `%${text}%`;
  return `name ILIKE ${filterLiteral(pattern) ?? `'${pattern.replace(/['"]/g, "_")}'`}`;
}
