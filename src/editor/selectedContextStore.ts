import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import * as z from "zod";

const Stored = z.object({ selectedContext: z.string().min(1).max(253) });

/**
 * Remembers the chosen context in a small file in the extension's global storage, written
 * atomically when the choice is made. Memento writes are flushed late in browser-based VS Code,
 * so a reload right after choosing would forget the choice.
 */
export class SelectedContextStore {
  private readonly file: string;

  constructor(storageDir: string) {
    this.file = path.join(storageDir, "selected-context.json");
  }

  async read(): Promise<string | undefined> {
    try {
      const parsed = Stored.safeParse(JSON.parse(await readFile(this.file, "utf8")));
      return parsed.success ? parsed.data.selectedContext : undefined;
    } catch {
      return undefined;
    }
  }

  async write(name: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Stored.parse({ selectedContext: name })));
    await rename(tmp, this.file);
  }
}
