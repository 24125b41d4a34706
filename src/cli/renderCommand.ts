import * as path from "node:path";
import { Option } from "commander";
import * as z from "zod";
import { toKubeYamlStream } from "../core/kube/objects/kubeYaml";
import { parseManifest } from "../core/manifest/parseManifest";
import { renderKubernetesObjects } from "../core/manifest/renderKubernetes";
import { ExitCode, type CliCommandHost, type CliIo } from "./aiplat";
import { readManifestFile } from "../core/manifest/readManifestFile";

const RenderOptions = z.object({
  env: z.string().min(1, "--env needs an environment name, e.g. --env dev"),
  output: z.enum(["yaml", "json"]),
});


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

async function render(manifestArg: string, opts: z.infer<typeof RenderOptions>, io: CliIo): Promise<number> {
  const file = path.resolve(io.cwd, manifestArg);
  const read = await readManifestFile(file);
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
