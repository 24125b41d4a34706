import { readFile, stat } from "node:fs/promises";

/** Far above any real aiplatform.yaml; refuses a wrong path to a large file before reading it. */
const maxFileBytes = 1024 * 1024;

/** The text of a manifest file, or a sentence saying why it cannot be read. */
export async function readManifestFile(file: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, message: `${file} is not a file` };
    if (info.size > maxFileBytes) return { ok: false, message: `${file} is ${Math.round(info.size / 1024)} KB; a service manifest is far smaller` };
    return { ok: true, text: await readFile(file, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === "ENOENT" ? `${file} does not exist` : `cannot read ${file} (${err instanceof Error ? err.message : String(err)})` };
  }
}
