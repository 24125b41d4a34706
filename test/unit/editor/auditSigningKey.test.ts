/**
 * "Set Audit Signing Key…" and the SecretStorage key source: a key entered or generated in the
 * editor signs the records every writer appends (checked with Python's hmac), the environment's
 * key wins as in aiplat, and the key never reaches the log.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { appendAuditRecord } from "../../../src/core/audit/auditLog";
import { auditKeyEnv } from "../../../src/core/audit/auditSigningKey";
import { auditEntry, tempDir } from "../core/audit/auditEntries";

const ui = vi.hoisted(() => ({
  pick: undefined as string | undefined,
  input: undefined as string | undefined,
  confirm: undefined as string | undefined,
  clipboard: [] as string[],
  infos: [] as string[],
}));

vi.mock("vscode", () => ({
  window: {
    showQuickPick: (items: { label: string }[]) => Promise.resolve(items.find((i) => i.label === ui.pick)),
    showInputBox: (opts: { validateInput: (v: string) => string | undefined }) => Promise.resolve(ui.input !== undefined && opts.validateInput(ui.input) === undefined ? ui.input : undefined),
    showWarningMessage: () => Promise.resolve(ui.confirm),
    showInformationMessage: (text: string) => {
      ui.infos.push(text);
      return Promise.resolve(undefined);
    },
  },
  env: { clipboard: { writeText: (t: string) => Promise.resolve(void ui.clipboard.push(t)) } },
  Disposable: { from: (...ds: { dispose(): void }[]) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
  workspace: {},
}));

const { setAuditSigningKey, useSecretStorageAuditKey, auditKeySecret } = await import("../../../src/editor/auditTrail");

/** SecretStorage as VS Code gives it: get/store/delete, and onDidChange for each. */
function fakeSecrets() {
  const values = new Map<string, string>();
  const listeners: ((e: { key: string }) => void)[] = [];
  const fire = (key: string) => listeners.forEach((l) => l({ key }));
  return {
    values,
    get: (k: string) => Promise.resolve(values.get(k)),
    store: (k: string, v: string) => Promise.resolve(void (values.set(k, v), fire(k))),
    delete: (k: string) => Promise.resolve(void (values.delete(k), fire(k))),
    keys: () => Promise.resolve([...values.keys()]),
    onDidChange: (l: (e: { key: string }) => void) => {
      listeners.push(l);
      return { dispose: () => undefined };
    },
  };
}
function fakeLog() {
  const lines: string[] = [];
  const put = (t: string) => void lines.push(t);
  return { lines, info: put, warn: put, error: put, debug: put, trace: put };
}

const pythonHmac = (k: string, message: string): string =>
  execFileSync("python3", ["-c", "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())", k, message], { encoding: "utf8" }).trim();

const { dir, cleanup } = tempDir("audit-key-editor-");
afterAll(cleanup);
let n = 0;
const append = async () => {
  const r = await appendAuditRecord(path.join(dir, `ws-${++n}`, "audit.jsonl"), auditEntry());
  if (!r.ok) throw new Error(r.error);
  return r.record;
};

let secrets: ReturnType<typeof fakeSecrets>;
let log: ReturnType<typeof fakeLog>;
let installed: { dispose(): void };
beforeEach(() => {
  Object.assign(ui, { pick: undefined, input: undefined, confirm: undefined, clipboard: [], infos: [] });
  secrets = fakeSecrets();
  log = fakeLog();
  installed = useSecretStorageAuditKey(secrets);
});
afterEach(() => {
  installed.dispose();
  delete process.env[auditKeyEnv];
});

describe("Set Audit Signing Key…", () => {
  test("an entered key is stored in SecretStorage and signs the next record; the log never names it", async () => {
    const key = "our team's audit secret";
    Object.assign(ui, { pick: "Enter a key…", input: key });
    await setAuditSigningKey(secrets, log as never);
    expect(secrets.values.get(auditKeySecret)).toBe(key);
    const record = await append();
    expect(record.mac).toBe(pythonHmac(key, record.hash));
    expect(log.lines.join("\n")).not.toContain(key);
  });

  test("a key shorter than 16 characters is not accepted", async () => {
    Object.assign(ui, { pick: "Enter a key…", input: "short" });
    await setAuditSigningKey(secrets, log as never);
    expect(secrets.values.has(auditKeySecret)).toBe(false);
    expect((await append()).mac).toBeUndefined();
  });

  test("a generated key is 32 random bytes in hex, copied to the clipboard once, and used", async () => {
    ui.pick = "Generate a new key";
    await setAuditSigningKey(secrets, log as never);
    const key = secrets.values.get(auditKeySecret)!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(ui.clipboard).toEqual([key]);
    const record = await append();
    expect(record.mac).toBe(pythonHmac(key, record.hash));
    expect(log.lines.join("\n") + ui.infos.join("\n")).not.toContain(key);
  });

  test("removing the key (after the modal) leaves new records unkeyed", async () => {
    await secrets.store(auditKeySecret, "a key that was set before");
    Object.assign(ui, { pick: "Remove the key", confirm: "Remove" });
    await setAuditSigningKey(secrets, log as never);
    expect(secrets.values.has(auditKeySecret)).toBe(false);
    expect((await append()).mac).toBeUndefined();
  });

  test(`${auditKeyEnv} in the editor's environment wins over the stored key, as in aiplat`, async () => {
    await secrets.store(auditKeySecret, "the stored key, long enough");
    process.env[auditKeyEnv] = "the environment's key, long";
    const record = await append();
    expect(record.mac).toBe(pythonHmac("the environment's key, long", record.hash));
  });
});

