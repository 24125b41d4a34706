/**
 * Markdown text that stays text: escaping for prose and table cells, code spans and blocks that
 * hold any content, and links to files that open in VS Code's preview and on GitHub.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** Markdown's inline markup characters, escaped: cluster text (event messages, reasons) is shown as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`).replace(/&(?=#?\w+;)/g, "&amp;");
}

/** One table cell: escaped, on one line. */
export const markdownCell = (text: string): string => escapeMarkdown(text.replace(/\s*[\r\n]+\s*/g, " "));

/** A code span that holds any text, backticks included. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function codeBlock(text: string, lang: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * A link to a file, relative to the report's folder: VS Code's preview reads a link that starts
 * with "/" as relative to the workspace root and drops file: links (markdown-it refuses the
 * scheme), so a relative path is the one form that opens. Without a report file (a report shown
 * unsaved), a file: URI for other viewers.
 */
export function fileLink(file: string, reportFile: string | undefined, fragment?: string): string {
  if (!reportFile) return `${pathToFileURL(path.resolve(file)).href}${fragment ? `#${fragment}` : ""}`;
  const target = path.relative(path.dirname(reportFile), file);
  const posix = target.split(path.sep).join("/");
  const encoded = posix
    .split("/")
    .map((s) => (/^[A-Za-z]:$/.test(s) ? s : encodeURIComponent(s)))
    .join("/");
  return `${encoded}${fragment ? `#${fragment}` : ""}`;
}
