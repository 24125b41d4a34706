import * as path from "node:path";
import { runCli } from "../../../src/cli/aiplat";

export const templatesDir = path.resolve(__dirname, "../../../templates");

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs aiplat in-process, capturing what it prints, as a terminal user would see it. */
export async function runAiplat(args: readonly string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env: opts.env ?? {}, cwd: opts.cwd ?? process.cwd(), templatesDir });
  return { code, out, err };
}
