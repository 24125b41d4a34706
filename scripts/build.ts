/**
 * esbuild for every bundle: the extension host (CommonJS, vscode external), the aiplat CLI,
 * the React webviews (browser IIFE, one per dashboard) and, with --tests, the
 * extension-host test suites and the test-runner extension.
 *
 *   tsx scripts/build.ts [--production] [--watch] [--tests]
 */
import { chmod, readFile, readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import * as esbuild from "esbuild";

const root = path.resolve(__dirname, "..");

/**
 * Modules the extension host loads on first use, each bundled into its own file under dist/lazy/
 * so that activation neither reads nor evaluates them: source module → output name. Only a
 * dynamic import() of one of them is redirected; each bundle carries its own copy of what it
 * shares with the host bundle, so nothing that crosses between them may rely on module identity
 * (they exchange plain data, KubeConfig instances from the one client-node bundle, and services
 * the host built).
 */
const lazyModules: Readonly<Record<string, string>> = {
  "src/core/kube/client/clientNodeExports.ts": "client-node",
  "src/editor/commands/deployCommand.ts": "deploy-commands",
  // Roll Back, with Triage Service and Resume/Abort Canary (rollbackCommand.ts re-exports them).
  "src/editor/commands/rollbackCommand.ts": "rollback-commands",
  // Triage's core and the incident report (markdown, SVG charts through d3): one copy each, loaded by
  // the editor's triage and by aiplat triage / aiplat rollback --incident.
  "src/core/triage/triageWorkload.ts": "triage-core",
  "src/core/triage/incidentFile.ts": "incident-report",
  "src/editor/commands/scaffoldCommand.ts": "scaffold-commands",
  "src/editor/commands/auditCommands.ts": "audit-commands",
  "src/core/manifest/parseManifest.ts": "manifest-parser",
  "src/core/kube/objects/kubeYaml.ts": "kube-yaml",
  "src/editor/panels/latencyPanel.ts": "latency-panel",
  "src/editor/panels/costPanel.ts": "cost-panel",
  "src/editor/panels/driftPanel.ts": "drift-panel",
  "src/editor/commands/metricsCommands.ts": "metrics-commands",
  "src/editor/metrics/metricsSourceFactory.ts": "metrics-sources",
  "src/editor/metrics/latencyData.ts": "latency-data",
  // The cost model, the price book and OpenCost's reader: with the first cost report.
  "src/editor/cost/costData.ts": "cost-data",
  // Drift: the commands, the check (which starts the worker) and the dashboard's data, on first use.
  // Models: the view's feature right after activation (extension.ts); the registry client with the
  // first registry the view connects to; the actions
  // (Deploy This Version, Set Alias…, Compare, Open, Copy) and the Connect wizard on first use.
  "src/editor/models/modelsFeature.ts": "models-feature",
  "src/core/registry/mlflowRegistry.ts": "mlflow-registry",
  "src/editor/models/modelActions.ts": "model-actions",
  "src/editor/models/connectRegistryWizard.ts": "connect-registry",
  "src/editor/drift/driftCommands.ts": "drift-commands",
  "src/editor/drift/driftCheck.ts": "drift-check",
  "src/editor/drift/driftData.ts": "drift-data",
  // @azure/arm-monitor alone is about 280 KB minified: only an Azure Monitor source loads it.
  "src/core/metrics/azureMonitorClient.ts": "arm-monitor",
};

/** `import("…/deployCommand")` becomes `require("<dir>/deploy-commands.js")`, from the host bundle or another lazy one. */
const lazyModulePlugin = (dir: string): esbuild.Plugin => ({
  name: "lazy-modules",
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const source = path.relative(root, path.resolve(args.resolveDir, `${args.path}.ts`));
      const name = lazyModules[source];
      return name ? { path: `${dir}/${name}.js`, external: true } : undefined;
    });
  },
});

/**
 * zod goes into every node bundle (lazy modules, CLI, worker): about 25 KB gzipped each. They all
 * load one copy instead, dist/vendor/zod.js; `toDist` is the way from a bundle's folder to dist/.
 */
const sharedZodPlugin = (toDist: string): esbuild.Plugin => ({
  name: "shared-zod",
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, () => ({ path: `${toDist}vendor/zod.js`, external: true }));
  },
});

/**
 * Webview apps: name → entry. Each becomes dist/webview/<name>.js and, from the CSS it imports
 * (uPlot's and our own), dist/webview/<name>.css; both are loaded by its panel in src/editor/panels.
 */
export const webviewEntries: Readonly<Record<string, string>> = {
  latency: "webview/latency/main.tsx",
  cost: "webview/cost/main.tsx",
  drift: "webview/drift/main.tsx",
};

/**
 * zod's classic namespace re-exports every locale (about 250 KB, a third of a dashboard bundle);
 * webviews word nothing with them (the default English locale is imported on its own), so the
 * webview bundles get an empty namespace instead.
 */
const zodLocalesStub: esbuild.Plugin = {
  name: "zod-locales-stub",
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: "zod-locales", namespace: "zod-locales-stub" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-locales-stub" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

/**
 * The codicon font and stylesheet, as files of their own: vscode-icon links the stylesheet inside
 * its shadow root by the href of the page's <link id="vscode-codicon-stylesheet">.
 */
const codiconEntry = { codicon: "node_modules/@vscode/codicons/dist/codicon.css" };

interface BuildFlags {
  readonly production: boolean;
  readonly watch: boolean;
  readonly tests: boolean;
}

async function productVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

async function configs(flags: BuildFlags): Promise<esbuild.BuildOptions[]> {
  const common: esbuild.BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    logLevel: "warning",
    minify: flags.production,
    sourcemap: flags.production ? false : "linked",
    legalComments: flags.production ? "none" : "eof",
    define: { __AIPLAT_VERSION__: JSON.stringify(await productVersion()) },
  };
  const node: esbuild.BuildOptions = { ...common, platform: "node", format: "cjs", target: "node20" };
  if (flags.tests) return testConfigs(node);
  const list: esbuild.BuildOptions[] = [
    // Lazy modules load with require() in a promise callback: a native import() would start Node's
    // ESM loader inside the extension host, which alone costs tens of milliseconds.
    // The host bundle keeps its own, tree-shaken zod: loading the whole shared one at activation
    // costs about 100 ms (bench activation: 230 ms against 125 ms for extensions.activate()).
    { ...node, entryPoints: { extension: "src/extension.ts" }, outdir: "dist", external: ["vscode"], plugins: [lazyModulePlugin("./lazy")], supported: { "dynamic-import": false } },
    ...Object.entries(lazyModules).map(([source, name]): esbuild.BuildOptions => ({
      ...node,
      entryPoints: [source],
      outfile: `dist/lazy/${name}.js`,
      external: ["vscode"],
      plugins: [lazyModulePlugin("."), sharedZodPlugin("../")],
      supported: { "dynamic-import": false },
    })),
    // The CLI loads the same lazy client-node and Azure Monitor bundles as the extension (dist/lazy/),
    // so the VSIX, which carries both, holds them once.
    { ...node, entryPoints: { cli: "src/cli/main.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" }, plugins: [lazyModulePlugin("./lazy"), sharedZodPlugin("./")], supported: { "dynamic-import": false } },
    // The drift check's worker thread (src/core/drift/driftRunner.ts finds it next to the extension and CLI bundles).
    { ...node, entryPoints: { "drift-worker": "src/core/drift/driftWorker.ts" }, outdir: "dist", plugins: [sharedZodPlugin("./")] },
    // The one zod, without its locales (nothing words errors in Spanish; English is imported on its own).
    { ...node, stdin: { contents: 'export * from "zod";', resolveDir: root, loader: "js", sourcefile: "vendor-zod.js" }, outfile: "dist/vendor/zod.js", plugins: [zodLocalesStub] },
  ];
  if (Object.keys(webviewEntries).length > 0) {
    const browser: esbuild.BuildOptions = { ...common, platform: "browser", target: "es2022", outdir: "dist/webview", define: { ...common.define, "process.env.NODE_ENV": JSON.stringify(flags.production ? "production" : "development") } };
    list.push(
      { ...browser, format: "iife", entryPoints: webviewEntries, jsx: "automatic", plugins: [zodLocalesStub] },
      { ...browser, entryPoints: codiconEntry, sourcemap: false, loader: { ".ttf": "file" }, assetNames: "[name]" },
    );
  }
  return list;
}

/** The extension-host suites (also run by @vscode/test-cli) and the runner extension, into out/. */
async function testConfigs(node: esbuild.BuildOptions): Promise<esbuild.BuildOptions[]> {
  const suites = (await readdir(path.join(root, "test/extensionHost"))).filter((f) => f.endsWith(".test.ts"));
  const test: esbuild.BuildOptions = { ...node, minify: false, external: ["vscode", "mocha"] };
  return [
    { ...test, sourcemap: "inline", entryPoints: suites.map((f) => `test/extensionHost/${f}`), outdir: "out/test/extensionHost" },
    { ...test, sourcemap: false, entryPoints: { extension: "test/harness/runnerExtension/extension.ts" }, outdir: "out/runner-extension" },
  ];
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const flags: BuildFlags = { production: args.has("--production"), watch: args.has("--watch"), tests: args.has("--tests") };
  if (!flags.watch) await rm(path.join(root, flags.tests ? "out" : "dist"), { recursive: true, force: true });
  const options = await configs(flags);
  if (flags.watch) {
    // esbuild logs "[watch] build started/finished" at info level; the watch task matches them.
    for (const o of options) await (await esbuild.context({ ...o, logLevel: "info" })).watch();
    return;
  }
  await Promise.all(options.map((o) => esbuild.build(o)));
  if (!flags.tests) await chmod(path.join(root, "dist/cli.js"), 0o755);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
