import * as path from "node:path";
import * as readline from "node:readline";
import { runCli } from "./aiplat";

// Ctrl-C stops a long wait cleanly (the command says what state it left); a second one ends at once.
const interrupted = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("aiplat: interrupted; stopping…\n");
  interrupted.abort();
  process.once("SIGINT", () => process.exit(130));
});

/** A question at the terminal; only offered when there is a person at one (not in CI). */
function ask(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    rl.on("SIGINT", () => rl.close());
    rl.on("close", () => resolve(undefined));
    rl.question(question, (answer) => {
      resolve(answer);
      rl.close();
    });
  });
}

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  // main.ts is bundled to dist/cli.js; the templates ship beside dist/.
  templatesDir: path.resolve(__dirname, "../templates"),
  signal: interrupted.signal,
  ...(process.stdin.isTTY && process.stderr.isTTY ? { ask } : {}),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A person reads one line; a bug report wants the stack, which AIPLAT_DEBUG=1 prints.
    const debug = Boolean(process.env["AIPLAT_DEBUG"]);
    const text = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
    process.stderr.write(`aiplat: unexpected error: ${text}${debug ? "" : " (AIPLAT_DEBUG=1 shows where)"}\n`);
    process.exitCode = 1;
  },
);
