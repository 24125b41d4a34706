// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The layering of ../shared/STYLE.md: arrows point inward. Only src/editor and the composition
 * root import 'vscode'; core and cli never reach the editor; webviews and the shared protocol
 * see only src/shared; product code never imports the sandbox.
 */
const vscode = { paths: [{ name: "vscode", message: "Only src/editor and src/extension.ts import 'vscode'." }] };
const editor = { patterns: [{ group: ["**/editor/**", "**/extension"], message: "core, cli and shared never import the editor layer." }] };
const sandbox = { patterns: [{ group: ["**/sandbox/**"], message: "Product code never imports the sandbox." }] };
const coreAndNode = { patterns: [{ group: ["**/core/**", "**/cli/**", "node:*"], message: "Webviews and the shared protocol see only src/shared." }] };
const cli = { patterns: [{ group: ["**/cli/**"], message: "core never imports the CLI." }] };
/**
 * Inside core/kube arrows point inward: client <- objects <- cache, workloads, gpu <- rollout.
 * @param {string[]} above the concepts a layer may not import
 */
const kubeLayer = (above) => ({ patterns: [{ regex: `(^|/)kube/(${above.join("|")})/|^\\.\\./(${above.join("|")})/`, message: "core/kube arrows point inward: client <- objects <- cache, workloads, gpu <- rollout." }] });
const onlyZod = { patterns: [{ regex: "^(?!zod$|\\./)", message: "src/shared imports only zod (and its own files)." }] };
/** @param {...{paths?: object[], patterns?: object[]}} parts */
const restricted = (...parts) => ({ paths: parts.flatMap((p) => p.paths ?? []), patterns: parts.flatMap((p) => p.patterns ?? []) });

export default tseslint.config(
  { ignores: ["dist/**", "out/**", ".vscode-test/**", "node_modules/**", "test-results/**", "*.vsix", ".vscode-test.mjs", "eslint.config.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports." },
        { selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']", message: 'Use `import * as z from "zod"`: the named z export keeps every zod locale (about 260 KB) in the bundle; the namespace import lets esbuild drop them.' },
      ],
    },
  },
  // The aiplat launcher is ES5 on purpose (an old Node must parse it to say which Node it needs).
  {
    files: ["bin/**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, ecmaVersion: 5, sourceType: "script", globals: { require: "readonly", process: "readonly" } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, "@typescript-eslint/no-require-imports": "off" },
  },
  { files: ["src/cli/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox)] } },
  { files: ["src/core/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, cli)] } },
  { files: ["src/core/kube/client/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, cli, kubeLayer(["objects", "cache", "workloads", "gpu", "rollout"]))] } },
  { files: ["src/core/kube/objects/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, cli, kubeLayer(["cache", "workloads", "gpu", "rollout"]))] } },
  { files: ["src/core/kube/{cache,workloads,gpu}/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, cli, kubeLayer(["rollout"]))] } },
  { files: ["webview/**/*.{ts,tsx}"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, coreAndNode)] } },
  { files: ["src/shared/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, coreAndNode, onlyZod)] } },
  { files: ["src/editor/**/*.ts", "src/extension.ts"], rules: { "no-restricted-imports": ["error", restricted(sandbox)] } },
  // Bundle weight: client-node and the Azure SDK load on first use; zod's named `z` export drags
  // every locale (about 260 KB) into a bundle (see no-restricted-syntax above).
  {
    files: ["src/**/*.ts", "webview/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@kubernetes/client-node", allowTypeImports: true, message: "Import client-node values through loadClientNode() (src/core/kube/client/clientNode.ts), so activation does not load it." },
            { name: "@azure/arm-monitor", allowTypeImports: true, message: "Import the Azure Monitor SDK through src/core/metrics/azureMonitorClient.ts (its own lazy bundle)." },
          ],
        },
      ],
    },
  },
  { files: ["src/core/kube/client/clientNodeExports.ts", "src/core/metrics/azureMonitorClient.ts"], rules: { "@typescript-eslint/no-restricted-imports": "off" } },
  // Tools read their configuration from a default export.
  { files: ["*.config.ts", "*.config.mts"], rules: { "no-restricted-syntax": "off" } },
);
