// npm run test:electron: the extension-host suites under @vscode/test-cli, which downloads
// VS Code and so needs internet. Offline, npm test runs the same files in code-server.
import { defineConfig } from "@vscode/test-cli";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(root, "test/fixtures");

export default defineConfig({
  files: "out/test/extensionHost/**/*.test.js",
  version: "1.90.0",
  extensionDevelopmentPath: root,
  workspaceFolder: path.join(fixtures, "workspace"),
  env: {
    AIPLAT_TEST_FIXTURES: fixtures,
    KUBECONFIG: [path.join(fixtures, "kubeconfig/team-a.yaml"), path.join(fixtures, "kubeconfig/team-b.yaml")].join(path.delimiter),
  },
  mocha: { ui: "tdd", timeout: 30000 },
});
