/** What the harness hands the runner extension, and what it writes back. */
export type HarnessSpec =
  | { readonly mode: "mocha"; readonly mochaPath: string; readonly files: readonly string[]; readonly resultsPath: string; readonly extensionId: string }
  | { readonly mode: "bench"; readonly resultsPath: string; readonly extensionId: string }
  /** Two phases: write `${resultsPath}.ready.json` when the tree is ready, then the rest once `loadDonePath` exists. */
  | { readonly mode: "cluster-bench"; readonly resultsPath: string; readonly extensionId: string; readonly loadDonePath: string };

export interface TestOutcome {
  readonly title: string;
  readonly state: "passed" | "failed" | "pending";
  readonly durationMs: number;
  readonly error?: string;
}

export interface SuiteResults {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: readonly TestOutcome[];
}
