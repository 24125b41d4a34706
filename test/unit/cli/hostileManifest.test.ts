import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { hostileManifests } from "../core/manifest/hostileManifests";
import { runAiplat } from "./runAiplat";

/** `aiplat check` and `aiplat render` refuse the hostile corpus the same way: exit 1, the file's line, and the reason. */

const dir = mkdtempSync(path.join(tmpdir(), "aiplat-hostile-cli-"));

describe("aiplat check and render refuse hostile manifests with the line and the reason", () => {
  test.each(hostileManifests.filter((m) => !m.textOnly))("$name", async ({ name, text, message, line }) => {
    const file = `m-${name.replace(/\W+/g, "-")}.yaml`;
    writeFileSync(path.join(dir, file), text);
    const check = await runAiplat(["check", file], { cwd: dir });
    expect(check.code).toBe(ExitCode.failed);
    expect(check.out).toContain(`${file}:${line}:`);
    expect(check.out.replace(/^.*? error schema: /m, "")).toMatch(message);
    expect(check.out).toContain("is not a valid service manifest");

    const render = await runAiplat(["render", file, "--env", "dev"], { cwd: dir });
    expect(render.code).toBe(ExitCode.failed);
    expect(render.out).toBe("");
    expect(render.err).toContain(`${file}:${line}:`);
  });

  test.each([
    { name: "utf16.yaml", bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name: x\n", "utf16le")]), says: "is UTF-16 text (little-endian); a manifest is UTF-8: save it as UTF-8" },
    { name: "double-bom.yaml", bytes: Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0x31, 0x0a]), says: "starts with two UTF-8 byte-order marks" },
    { name: "latin1.yaml", bytes: Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]), says: "is not valid UTF-8: the byte 0xE9 at line 1, column 4" },
  ])("$name: the file's encoding is named, exit 1", async ({ name, bytes, says }) => {
    writeFileSync(path.join(dir, name), bytes);
    for (const args of [["check", name], ["render", name, "--env", "dev"]]) {
      const r = await runAiplat(args, { cwd: dir });
      expect(r.code).toBe(ExitCode.failed);
      expect(r.err).toContain(says);
      expect(r.out).toBe("");
    }
  });
});
