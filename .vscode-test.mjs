// npm run test:electron: the extension-host suites under @vscode/test-cli, which downloads
// VS Code and so needs internet. Offline, npm test runs the same files in code-server.
// Both ends of the range engines.vscode claims, as npm test does: 1.90 and the current release.
import { defineConfig } from "@vscode/test-cli";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(root, "test/fixtures");

const common = {
  // activation.test first: it must run before anything activates the extension (test-cli drops the repeat).
  files: ["out/test/extensionHost/activation.test.js", "out/test/extensionHost/**/*.test.js"],
  extensionDevelopmentPath: root,
  workspaceFolder: path.join(fixtures, "workspace"),
  env: {
    AIPLAT_TEST_FIXTURES: fixtures,
    KUBECONFIG: [path.join(fixtures, "kubeconfig/team-a.yaml"), path.join(fixtures, "kubeconfig/team-b.yaml")].join(path.delimiter),
  },
  mocha: { ui: "tdd", timeout: 30000 },
};

export default defineConfig([
  { ...common, label: "oldest", version: "1.90.2" },
  { ...common, label: "stable", version: "stable" },
]);
