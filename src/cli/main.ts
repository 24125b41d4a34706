import * as path from "node:path";
import { runCli } from "./aiplat";

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  // main.ts is bundled to dist/cli.js; the templates ship beside dist/.
  templatesDir: path.resolve(__dirname, "../templates"),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`aiplat: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
