import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { toKubeYamlStream } from "../core/kube/kubeYaml";
import { parseManifest } from "../core/manifest/parseManifest";
import { renderKubernetesObjects } from "../core/manifest/renderKubernetes";
import { ExitCode, type CliCommandHost, type CliIo } from "./aiplat";

const RenderOptions = z.object({
  env: z.string().min(1, "--env needs an environment name, e.g. --env dev"),
  output: z.enum(["yaml", "json"]),
});

/** Larger than any manifest; stops `aiplat render /dev/zero` from reading forever. */
const maxFileBytes = 1024 * 1024;

export function registerRenderCommand({ program, io, setExitCode }: CliCommandHost): void {
  program
    .command("render")
    .description("print the Kubernetes objects aiplatform.yaml describes for one environment, ready for kubectl apply -f -")
    .argument("<manifest>", "the service manifest, e.g. aiplatform.yaml")
    .requiredOption("-e, --env <name>", "the environment to render, e.g. dev")
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .action(async (manifest: string, raw: unknown) => {
      const opts = RenderOptions.parse(raw);
      setExitCode(await render(manifest, opts, io));
    });
}

async function readManifestText(file: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, message: `${file} is not a file` };
    if (info.size > maxFileBytes) return { ok: false, message: `${file} is ${Math.round(info.size / 1024)} KB; a service manifest is far smaller` };
    return { ok: true, text: await readFile(file, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === "ENOENT" ? `${file} does not exist` : `cannot read ${file} (${err instanceof Error ? err.message : String(err)})` };
  }
}

async function render(manifestArg: string, opts: z.infer<typeof RenderOptions>, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, manifestArg);
  const read = await readManifestText(file);
  if (!read.ok) {
    io.err(`aiplat: ${read.message}\n`);
    return ExitCode.failed;
  }
  const parsed = parseManifest(read.text);
  if (!parsed.ok) {
    const shown = path.relative(io.cwd, file) || file;
    io.err(`aiplat: ${shown} is not a valid service manifest:\n`);
    for (const p of parsed.problems) io.err(`  ${shown}:${p.range.line}:${p.range.column}: ${p.message}\n`);
    return ExitCode.failed;
  }
  const result = renderKubernetesObjects(parsed.manifest, opts.env);
  if (!result.ok) {
    io.err(`aiplat: ${result.error} Choose one with --env.\n`);
    return ExitCode.usage;
  }
  io.out(opts.output === "json" ? `${JSON.stringify({ apiVersion: "v1", kind: "List", items: result.objects }, null, 2)}\n` : toKubeYamlStream(result.objects));
  return ExitCode.ok;
}
