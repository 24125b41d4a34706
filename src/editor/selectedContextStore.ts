import * as z from "zod";
import { StateFile } from "./stateFile";

const Stored = z.object({
  selectedContext: z.string().min(1).max(253).optional(),
  /** Per context: the namespace the trees show; absent means all. */
  namespaces: z.record(z.string(), z.string().min(1).max(63)).optional(),
});

/** Remembers the chosen context, and the namespace chosen for each context. */
export class SelectedContextStore {
  private readonly file: StateFile<typeof Stored>;

  constructor(storageDir: string) {
    this.file = new StateFile(storageDir, "selected-context.json", Stored);
  }

  async read(): Promise<string | undefined> {
    return (await this.file.read())?.selectedContext;
  }

  async write(name: string): Promise<void> {
    await this.file.write({ ...(await this.file.read()), selectedContext: name });
  }

  async namespaceOf(context: string): Promise<string | undefined> {
    return (await this.file.read())?.namespaces?.[context];
  }

  async setNamespace(context: string, namespace: string | undefined): Promise<void> {
    const current = (await this.file.read()) ?? {};
    const namespaces = { ...current.namespaces };
    if (namespace === undefined) delete namespaces[context];
    else namespaces[context] = namespace;
    await this.file.write({ ...current, namespaces });
  }
}
