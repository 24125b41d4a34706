/**
 * Incident reports on disk: `.aiplatform/incidents/<UTC yyyymmddThhmmssZ>-<service>.md` inside
 * the workspace folder, never outside it and never over an existing report; and the later update
 * that records the mitigation taken in a report already written.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, realpath, rename, unlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import {
  mitigationTakenBody,
  mitigationTakenItem,
  mitigationTakenMarkers,
  mitigationTimelineRow,
  renderIncidentMarkdown,
  timeToMitigateLine,
  timelineEndMarker,
  type IncidentMarkdownOptions,
  type MitigationTaken,
} from "./incidentMarkdown";
import type { Runbooks } from "./runbookLinks";
import type { TriageReport } from "./triageReport";

/** One module for the report's writers and renderer: it is the lazy bundle "incident-report" (scripts/build.ts), d3 and all. */
export { renderIncidentMarkdown } from "./incidentMarkdown";

export const incidentsRelativeDir = ".aiplatform/incidents";

/**
 * The workspace's copy of the built-in runbook, written beside the incidents the first time one
 * links to it and never replaced after: the links then survive the extension's upgrade (its folder
 * name carries the version) and travel with the reports, and a team may edit its copy.
 */
export const workspaceRunbookRelativePath = ".aiplatform/runbooks/triage-runbook.md";

export type IncidentFileError =
  /** `.aiplatform` or `incidents` is a link that leads out of the workspace folder. */
  | { readonly kind: "outside-folder"; readonly dir: string; readonly resolved: string }
  | { readonly kind: "not-found"; readonly file: string }
  | { readonly kind: "io"; readonly path: string; readonly code?: string; readonly message: string };

export type IncidentWriteResult =
  | { readonly ok: true; readonly file: string; readonly relativePath: string; readonly markdown: string }
  | { readonly ok: false; readonly error: IncidentFileError };

export type IncidentUpdateResult = { readonly ok: true; readonly recorded: boolean } | { readonly ok: false; readonly error: IncidentFileError };

const errorOf = (err: unknown, p: string): IncidentFileError => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return { kind: "not-found", file: p };
  return { kind: "io", path: p, ...(code ? { code } : {}), message: err instanceof Error ? err.message : String(err) };
};

/** `20261201T063000Z-vllm-llama3-70b.md`: sorts by time; the name is a DNS-1123 name, kept to safe characters anyway. */
export function incidentFileName(generatedAt: string, serviceName: string): string {
  const stamp = new Date(generatedAt).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
  const safe = serviceName.replace(/[^a-z0-9.-]/gi, "-").slice(0, 100) || "service";
  return `${stamp}-${safe}.md`;
}

/**
 * Writes the report into `<workspaceDir>/.aiplatform/incidents/`. A report of the same second and
 * service is kept: this one gets `-2`, `-3`… The text goes to a temporary file first and is
 * hard-linked into place, which fails rather than replaces when the name exists, so a reader
 * never sees half a report and nothing is overwritten.
 */
export async function writeIncidentReport(workspaceDir: string, report: TriageReport, opts: Omit<IncidentMarkdownOptions, "reportFile" | "incidentPath">): Promise<IncidentWriteResult> {
  const root = path.resolve(workspaceDir);
  const dir = path.join(root, ...incidentsRelativeDir.split("/"));
  let realDir: string;
  try {
    await mkdir(dir, { recursive: true });
    const realRoot = await realpath(root);
    realDir = await realpath(dir);
    if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)) return { ok: false, error: { kind: "outside-folder", dir, resolved: realDir } };
  } catch (err) {
    return { ok: false, error: errorOf(err, dir) };
  }
  const runbooks = await builtInInWorkspace(root, opts.runbooks);
  const name = incidentFileName(report.generatedAt, report.service.name);
  const temp = path.join(realDir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    for (let n = 1; n <= 100; n++) {
      const fileName = n === 1 ? name : name.replace(/\.md$/, `-${n}.md`);
      const file = path.join(dir, fileName);
      const markdown = renderIncidentMarkdown(report, { ...opts, runbooks, reportFile: file, incidentPath: path.relative(root, file).split(path.sep).join("/") });
      await writeFile(temp, markdown, { flag: "wx", mode: 0o644 });
      try {
        await link(temp, path.join(realDir, fileName));
        return { ok: true, file, relativePath: path.relative(root, file).split(path.sep).join("/"), markdown };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    }
    return { ok: false, error: { kind: "io", path: path.join(dir, name), code: "EEXIST", message: "100 reports of this service in the same second already exist" } };
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    return { ok: false, error: errorOf(err, path.join(dir, name)) };
  }
}

/** The runbooks with the built-in one's workspace copy in its place; the original when the copy cannot be made. */
async function builtInInWorkspace(root: string, runbooks: Runbooks): Promise<Runbooks> {
  const copy = path.join(root, ...workspaceRunbookRelativePath.split("/"));
  try {
    await mkdir(path.dirname(copy), { recursive: true });
    try {
      await writeFile(copy, await readFile(runbooks.builtIn, "utf8"), { flag: "wx", mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const [realRoot, realCopy] = await Promise.all([realpath(root), realpath(copy)]);
    return realCopy.startsWith(realRoot + path.sep) ? { ...runbooks, builtIn: copy } : runbooks;
  } catch {
    return runbooks;
  }
}

const startMarker = /^<!-- aiplat:mitigation-taken(?: detected="([^"]*)")? -->$/;

/** When the incident a report describes was detected (its mitigation marker), for the mitigation's audit record. */
export async function readIncidentDetectedAt(file: string): Promise<{ readonly ok: true; readonly detectedAt: string | undefined } | { readonly ok: false; readonly error: IncidentFileError }> {
  try {
    const text = await readFile(file, "utf8");
    const detectedAt = text
      .split(/\r?\n/)
      .map((l) => startMarker.exec(l.trim())?.[1])
      .find((d) => d !== undefined && Number.isFinite(Date.parse(d)));
    return { ok: true, detectedAt };
  } catch (err) {
    return { ok: false, error: errorOf(err, file) };
  }
}

/**
 * Records a mitigation in a report written earlier: an item in its "Taken" section and a row at
 * the end of its timeline. The rest of the file (someone's postmortem notes) is left as it is. A
 * mitigation already recorded (same audit seq) is not added twice. The file is replaced whole
 * through a rename, so a reader sees the old report or the new one.
 */
export async function recordMitigationTaken(file: string, taken: MitigationTaken, opts: Pick<IncidentMarkdownOptions, "auditFile"> = {}): Promise<IncidentUpdateResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { ok: false, error: errorOf(err, file) };
  }
  const links = { reportFile: file, ...(opts.auditFile ? { auditFile: opts.auditFile } : {}) };
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => startMarker.test(l.trim()));
  const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && l.trim() === mitigationTakenMarkers.end);
  const recorded = new RegExp(`audit #${taken.auditSeq ?? 0}(\\]|$)`);
  if (taken.auditSeq !== undefined && lines.slice(start + 1, end < 0 ? undefined : end).some((l) => l.startsWith("- ") && recorded.test(l))) return { ok: true, recorded: false };
  if (start >= 0 && end > start) {
    const detectedAt = startMarker.exec(lines[start]?.trim() ?? "")?.[1];
    const items = [...lines.slice(start + 1, end).filter((l) => l.startsWith("- ")), mitigationTakenItem(taken, links)];
    const mitigatedAt = items.map(succeededAt).filter((t) => Number.isFinite(t));
    const body = detectedAt && mitigatedAt.length ? [...items, "", timeToMitigateLine(detectedAt, new Date(Math.min(...mitigatedAt)).toISOString())] : items;
    lines.splice(start + 1, end - start - 1, ...body);
  } else {
    // Someone removed the section: the record goes at the end, markers and all.
    lines.push("", "## Mitigation taken", "", mitigationTakenMarkers.start, mitigationTakenBody([taken], links), mitigationTakenMarkers.end, "");
  }
  const tableEnd = lines.findIndex((l) => l.trim() === timelineEndMarker);
  if (tableEnd > 0) {
    // The table's last row sits above the blank line before the marker.
    let at = tableEnd;
    while (at > 0 && (lines[at - 1] ?? "").trim() === "") at--;
    lines.splice(at, 0, mitigationTimelineRow(taken, links));
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, lines.join(eol), { flag: "wx", mode: 0o644 });
    await rename(temp, file);
    return { ok: true, recorded: true };
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    return { ok: false, error: errorOf(err, file) };
  }
}

/** When a "succeeded" item of the Taken section happened ("- 2026-12-01 06:31:02 UTC: … by …, succeeded…"); NaN for others. */
function succeededAt(item: string): number {
  const m = /^- (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC: .*, succeeded(?: \(|;|$)/.exec(item);
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : NaN;
}
