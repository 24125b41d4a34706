import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type * as z from "zod";

/**
 * A small JSON file in the extension's global storage, validated on read and written
 * atomically (temp file, then rename). Used instead of Memento, whose writes browser-based
 * VS Code flushes late: a reload right after a choice would forget it.
 */
export class StateFile<S extends z.ZodType> {
  private readonly file: string;

  constructor(
    storageDir: string,
    name: string,
    private readonly schema: S,
  ) {
    this.file = path.join(storageDir, name);
  }

  /** The stored value, or undefined when there is none or it is damaged. */
  async read(): Promise<z.infer<S> | undefined> {
    try {
      const parsed = this.schema.safeParse(JSON.parse(await readFile(this.file, "utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async write(value: z.infer<S>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.schema.parse(value)));
    await rename(tmp, this.file);
  }
}
