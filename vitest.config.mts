import { defineConfig } from "vitest/config";

/**
 * unit and integration run in plain Node. ui drives code-server through Chromium: one file at
 * a time, since each starts its own server, and only from npm test, which packs the VSIX first.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      { test: { name: "integration", include: ["test/integration/**/*.test.ts"], environment: "node", testTimeout: 30_000, fileParallelism: false } },
      {
        test: {
          name: "ui",
          include: ["test/ui/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
