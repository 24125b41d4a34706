/**
 * Writes schemas/aiplatform.schema.json from the zod schema, the one source of truth. The
 * extension contributes the file (yamlValidation/jsonValidation) so the editor validates and
 * completes aiplatform.yaml; a unit test fails when the committed file is stale.
 *
 *   tsx scripts/manifestSchema.ts [--check]
 */
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { manifestJsonSchemaText } from "../src/core/manifest/manifestJsonSchema";

const file = path.resolve(__dirname, "../schemas/aiplatform.schema.json");

async function main(): Promise<void> {
  const text = manifestJsonSchemaText();
  if (process.argv.includes("--check")) {
    const current = await readFile(file, "utf8").catch(() => "");
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), file)} is stale: run npm run schema\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(file, text);
}

void main();
