import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ModelRegistry } from "../core/registry/modelRegistry";
import { parseTrackingUri, registryTargetFromEnv } from "../core/registry/registryTarget";
import type { CliIo } from "./aiplat";
import { cliAzureCredential } from "./metricsCommand";
import { describeRegistryFromEnvProblem, RegistryEnv } from "./modelsErrors";

/**
 * The model registry the approval gate asks (`aiplat check --live`, `aiplat deploy`): MLflow's
 * own variables, so a shell or CI job set up for the mlflow client gates deploys as is. Unset
 * MLFLOW_TRACKING_URI is not an error here: the gate then says it did not check.
 */
export type CliRegistry =
  | { readonly kind: "none" }
  | { readonly kind: "ready"; readonly registry: ModelRegistry }
  /** Set but unusable (a bad URI, half of basic auth, an unreadable CA file): the message says which variable. */
  | { readonly kind: "invalid"; readonly message: string };

export async function cliRegistryFromEnv(io: CliIo): Promise<CliRegistry> {
  const uri = io.env[RegistryEnv.trackingUri]?.trim();
  if (!uri) return { kind: "none" };
  const parsed = parseTrackingUri(uri);
  // Azure's SDK loads only for an azureml:// registry, and only when no token was given.
  const azure = parsed.ok && parsed.kind === "azureml" && !io.env[RegistryEnv.token] ? await cliAzureCredential(io.env) : undefined;
  const target = await registryTargetFromEnv(io.env, (p) => fs.readFile(path.resolve(io.cwd, p), "utf8"), azure);
  if (!target.ok) return { kind: "invalid", message: describeRegistryFromEnvProblem(target) };
  const { createMlflowRegistry } = await import("../core/registry/mlflowRegistry");
  return { kind: "ready", registry: createMlflowRegistry(target.target) };
}
