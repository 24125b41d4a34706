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
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
    },
  },
  { files: ["src/core/**/*.ts", "src/cli/**/*.ts"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox)] } },
  { files: ["src/shared/**/*.ts", "webview/**/*.{ts,tsx}"], rules: { "no-restricted-imports": ["error", restricted(vscode, editor, sandbox, coreAndNode)] } },
  { files: ["src/editor/**/*.ts", "src/extension.ts"], rules: { "no-restricted-imports": ["error", restricted(sandbox)] } },
  // Tools read their configuration from a default export.
  { files: ["*.config.ts", "*.config.mts"], rules: { "no-restricted-syntax": "off" } },
);
