import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse } from "yaml";
import * as z from "zod";
import type { ScaffoldError } from "./scaffoldError";

/**
 * Scaffold templates are data: `templates/<id>/template.yaml` says what the template is, the
 * manifest defaults, and which files to render from which mustache sources. Sources are
 * relative to the template's folder and may be shared (`../_common/runbook.md.mustache`),
 * but never leave the templates folder.
 */

export const templateFileName = "template.yaml";
const templateId = /^[a-z][a-z0-9-]{0,39}$/;

/** An output path: relative, '/'-separated, no '.', '..' or empty segments. `{{name}}` is filled in. */
const OutputPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!\/)(?!.*\/\/)(?!(.*\/)?\.\.?(\/|$))[A-Za-z0-9._{}/-]+$/, "a relative path such as app/main.py");

const TemplateFile = z.object({ path: OutputPath, source: z.string().min(1).max(200) }).strict();

export const TemplateSpec = z
  .object({
    title: z.string().min(1).max(80),
    description: z.string().min(1).max(200),
    detail: z.string().max(2000).default(""),
    /** A partial aiplatform.yaml: everything but apiVersion, kind and name. String values may use {{name}}. */
    defaults: z.record(z.string(), z.unknown()),
    files: z.array(TemplateFile).max(50).default([]),
  })
  .strict();

export interface TemplateSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly detail: string;
}

export interface LoadedTemplate extends TemplateSummary {
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Output path (may hold {{name}}) → the mustache source's text. */
  readonly files: readonly { readonly path: string; readonly source: string }[];
}

export type CatalogResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScaffoldError };

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The ids of the folders that hold a template.yaml, sorted. */
async function templateIds(templatesDir: string): Promise<CatalogResult<string[]>> {
  try {
    const entries = await readdir(templatesDir, { withFileTypes: true });
    const ids: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !templateId.test(entry.name)) continue;
      const hasSpec = (await readdir(path.join(templatesDir, entry.name))).includes(templateFileName);
      if (hasSpec) ids.push(entry.name);
    }
    return { ok: true, value: ids.sort() };
  } catch (err) {
    return { ok: false, error: { kind: "io", path: templatesDir, message: `cannot read the templates folder (${errorMessage(err)})` } };
  }
}

async function readSpec(templatesDir: string, id: string): Promise<CatalogResult<z.infer<typeof TemplateSpec>>> {
  const file = path.join(templatesDir, id, templateFileName);
  let data: unknown;
  try {
    data = parse(await readFile(file, "utf8"));
  } catch (err) {
    return { ok: false, error: { kind: "invalid-template", templateId: id, message: `${file}: ${errorMessage(err)}` } };
  }
  const spec = TemplateSpec.safeParse(data);
  if (!spec.success) {
    const issues = spec.error.issues.map((i) => `${i.path.map(String).join(".") || "(top)"}: ${i.message}`).join("; ");
    return { ok: false, error: { kind: "invalid-template", templateId: id, message: `${file}: ${issues}` } };
  }
  return { ok: true, value: spec.data };
}

export async function listTemplates(templatesDir: string): Promise<CatalogResult<TemplateSummary[]>> {
  const ids = await templateIds(templatesDir);
  if (!ids.ok) return ids;
  const summaries: TemplateSummary[] = [];
  for (const id of ids.value) {
    const spec = await readSpec(templatesDir, id);
    if (!spec.ok) return spec;
    summaries.push({ id, title: spec.value.title, description: spec.value.description, detail: spec.value.detail });
  }
  return { ok: true, value: summaries };
}

/** The template and its sources' text. The id is checked against the catalog before it touches a path. */
export async function loadTemplate(templatesDir: string, id: string): Promise<CatalogResult<LoadedTemplate>> {
  const ids = await templateIds(templatesDir);
  if (!ids.ok) return ids;
  if (!ids.value.includes(id)) return { ok: false, error: { kind: "unknown-template", templateId: id, known: ids.value } };
  const spec = await readSpec(templatesDir, id);
  if (!spec.ok) return spec;
  const root = path.resolve(templatesDir);
  const files: { path: string; source: string }[] = [];
  for (const f of spec.value.files) {
    const source = path.resolve(root, id, f.source);
    const rel = path.relative(root, source);
    if (rel.startsWith("..") || path.isAbsolute(rel)) {
      return { ok: false, error: { kind: "invalid-template", templateId: id, message: `the source ${f.source} lies outside the templates folder` } };
    }
    try {
      files.push({ path: f.path, source: await readFile(source, "utf8") });
    } catch (err) {
      return { ok: false, error: { kind: "invalid-template", templateId: id, message: `cannot read ${f.source} (${errorMessage(err)})` } };
    }
  }
  const { title, description, detail, defaults } = spec.value;
  return { ok: true, value: { id, title, description, detail, defaults, files } };
}
