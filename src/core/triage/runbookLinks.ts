/**
 * Which runbook section each failure class links to: the service's own `runbook.md` (beside its
 * aiplatform.yaml; the scaffold writes one with a section per class) when it has that section,
 * else the built-in runbook shipped with the extension and the CLI.
 */
import * as path from "node:path";
import type { FailureClass, TriageReport } from "./triageReport";

/** The built-in runbook, relative to the extension's (or the npm package's) root. */
export const builtInRunbookRelativePath = "media/runbooks/triage-runbook.md";

/** The runbook a service's manifest sits beside. */
export const serviceRunbookFileName = "runbook.md";

export function builtInRunbookPath(packageRoot: string): string {
  return path.join(packageRoot, ...builtInRunbookRelativePath.split("/"));
}

export interface RunbookFile {
  readonly path: string;
  readonly text: string;
}

export interface Runbooks {
  /** The service's runbook.md, read, when it has one. */
  readonly service?: RunbookFile;
  /** The built-in runbook's path. */
  readonly builtIn: string;
}

export interface RunbookLink {
  readonly class: FailureClass;
  readonly file: string;
  readonly anchor: string;
  readonly origin: "service" | "built-in";
}

/**
 * The anchor of a class's section. Runbook headings are the class ids themselves (`### oom`), so
 * GitHub's and VS Code's heading slugs, which differ on punctuation, both give the id unchanged.
 */
export function runbookAnchor(failureClass: FailureClass): string {
  return failureClass;
}

/**
 * A heading's slug as github-slugger makes it (VS Code's preview agrees for these): lower case,
 * punctuation dropped, each space a hyphen. Inline code and emphasis markers go first.
 */
export function headingSlug(heading: string): string {
  return heading
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a markdown text defines: ATX heading slugs (repeats get -1, -2 as on GitHub) and explicit `<a id|name="…">`. */
export function markdownAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fenceMark) {
      if (fence === undefined) fence = fenceMark;
      else if (fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = headingSlug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)\s*=\s*["']([^"']+)["']/gi)) if (m[1]) anchors.add(m[1]);
  }
  return anchors;
}

/** The link for one class: the service's section when its runbook has one, else the built-in one. */
export function runbookLink(failureClass: FailureClass, runbooks: Runbooks, serviceAnchors?: ReadonlySet<string>): RunbookLink {
  const anchor = runbookAnchor(failureClass);
  const service = runbooks.service;
  if (service && (serviceAnchors ?? markdownAnchors(service.text)).has(anchor)) return { class: failureClass, file: service.path, anchor, origin: "service" };
  return { class: failureClass, file: runbooks.builtIn, anchor, origin: "built-in" };
}

/** One link per failure class the report found, in the order of its findings. */
export function runbookLinks(report: Pick<TriageReport, "findings">, runbooks: Runbooks): RunbookLink[] {
  const serviceAnchors = runbooks.service ? markdownAnchors(runbooks.service.text) : undefined;
  const classes = [...new Set(report.findings.map((f) => f.class))];
  return classes.map((c) => runbookLink(c, runbooks, serviceAnchors));
}
