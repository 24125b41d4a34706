/** What `npm run package` produces: the VSIX a user installs and the CLI `npx aiplat` runs. */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import * as yauzl from "yauzl";
import { packageExtension } from "../../scripts/package";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
let vsix: string;

async function entries(file: string): Promise<string[]> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(file, { lazyEntries: true });
  return new Promise((resolve, reject) => {
    const names: string[] = [];
    zip.on("entry", (e: yauzl.Entry) => {
      names.push(e.fileName);
      zip.readEntry();
    });
    zip.on("end", () => resolve(names));
    zip.on("error", reject);
    zip.readEntry();
  });
}

beforeAll(async () => {
  vsix = process.env["AIPLAT_VSIX"] ?? (await packageExtension());
}, 120_000);

describe("the packaged VSIX", () => {
  test("is under 2 MB", () => {
    expect(statSync(vsix).size).toBeLessThan(2 * 1024 * 1024);
  });

  test("holds the bundle, manifest, docs, icons, schema and templates, and no sources, tests, maps or node_modules", async () => {
    const names = await entries(vsix);
    for (const needed of ["extension/package.json", "extension/dist/extension.js", "extension/dist/lazy/client-node.js", "extension/dist/lazy/deploy-commands.js", "extension/dist/lazy/manifest-parser.js", "extension/readme.md", "extension/media/icon.png", "extension/media/activitybar.svg",
      // What the scaffold, the manifest validation and the walkthrough read at run time.
      "extension/schemas/aiplatform.schema.json",
      "extension/templates/vllm/template.yaml",
      "extension/media/walkthrough/scaffold.md",
      // The runbook an incident report links to when the service has none of its own.
      "extension/media/runbooks/triage-runbook.md",
      "extension/dist/lazy/rollback-commands.js",
      // aiplat, which the extension puts on the integrated terminals' PATH.
      "extension/bin/aiplat.cjs",
      "extension/dist/cli.js",
    ]) {
      expect(names).toContain(needed);
    }
    expect(names.filter((n) => /\.(ts|map)$|node_modules\/|^extension\/(src|test|scripts|bench)\//.test(n))).toEqual([]);
  });

  test("the host bundle is minified, with no source map or comments", () => {
    const bundle = readFileSync(path.join(root, "dist/extension.js"), "utf8");
    expect(bundle).not.toMatch(/^\/\/# sourceMappingURL=/m);
    // Our class names are mangled and our doc comments gone.
    expect(bundle).not.toContain("KubeContextModel");
    expect(bundle).not.toContain("Composition root");
  });

  test("the host bundle leaves client-node to its own file, loaded on first use", () => {
    const bundle = readFileSync(path.join(root, "dist/extension.js"), "utf8");
    // client-node's own class and error texts live only in its lazy bundle; so does the YAML library.
    expect(bundle).not.toContain("No active cluster!");
    expect(bundle).toContain("./lazy/client-node.js");
    expect(readFileSync(path.join(root, "dist/lazy/client-node.js"), "utf8")).toContain("No active cluster!");
    expect(bundle).not.toContain("aliasDuplicateObjects");
    expect(readFileSync(path.join(root, "dist/lazy/kube-yaml.js"), "utf8")).toContain("aliasDuplicateObjects");
  });
});

describe("aiplat from the packaged build", () => {
  const cli = path.join(root, "dist/cli.js");

  test("--help works and names the subcommands", () => {
    const out = execFileSync(cli, ["--help"], { encoding: "utf8" });
    expect(out).toMatch(/^Usage: aiplat/);
    expect(out).toContain("contexts");
  });

  test("--version is the package version", () => {
    expect(execFileSync(cli, ["--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
  });
});
