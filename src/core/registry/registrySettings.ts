import * as z from "zod";
import { refineUniqueContexts, settingForContext, settingIssues, settingsAuth, type SettingIssue } from "../metrics/metricsSettings";
import { parseTrackingUri } from "./registryTarget";

/**
 * The setting `aiPlatform.models.registries`: which model registry serves which kube context.
 * Secrets never live here, as with metrics sources: `auth.secretKey` names one kept in VS Code's
 * SecretStorage (aiplat reads MLFLOW_TRACKING_* instead).
 */

const artifactPrefix = z
  .string()
  .regex(/^[a-z][a-z0-9+.-]*:/i, "an artifact URI prefix with its scheme, e.g. mlflow-artifacts:/")
  .max(2048, "longer than a URI prefix should be");
const storageRoot = z
  .string()
  .regex(/^([a-z][a-z0-9+.-]*:\/\/.+|\/.+)$/i, "a storage root KServe loads from, e.g. s3://bucket/mlartifacts or gs://bucket/path")
  .max(2048, "longer than a storage root should be");

export const RegistrySetting = z
  .strictObject({
    /** A kube context name, or a pattern with `*` for any run of characters. */
    context: z.string().trim().min(1, "an empty context name").max(253, "longer than a context name can be"),
    kind: z.enum(["mlflow", "azureml"], "one of mlflow, azureml"),
    /** MLflow's tracking URI: http(s)://… or azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/…/workspaces/…. */
    trackingUri: z.string().trim().min(1, "an empty tracking URI"),
    auth: settingsAuth("the Connect Model Registry command").optional(),
    /** A PEM file with the CA that signed the registry's certificate. */
    caFile: z.string().min(1, "an empty path").optional(),
    /** Where proxied artifacts really live, for KServe's storageUri. */
    artifactRoots: z.record(artifactPrefix, storageRoot).optional(),
    /** Where "Open in MLflow" goes; the tracking URI by default. */
    uiUrl: z.url({ protocol: /^https?$/, error: "an http or https URL" }).optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string): void => ctx.addIssue({ code: "custom", path: [path], message });
    const parsed = parseTrackingUri(s.trackingUri);
    if (!parsed.ok) {
      switch (parsed.kind) {
        case "credentials-in-uri":
          issue("trackingUri", "no user or password in the URI: use auth with secretKey");
          break;
        case "unsupported-scheme":
          issue("trackingUri", `a ${parsed.scheme}: tracking URI is a local store; the registry is reached over http(s) or azureml://`);
          break;
        case "not-an-azureml-workspace":
          issue("trackingUri", "azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/<name>");
          break;
        case "invalid-uri":
          issue("trackingUri", "an http(s) or azureml:// URI");
          break;
      }
    } else if (parsed.kind !== s.kind && !(s.kind === "azureml" && parsed.kind === "mlflow" && s.trackingUri.startsWith("https:"))) {
      // An Azure ML workspace may be given by its https form; an azureml:// URI is never plain MLflow.
      issue("kind", parsed.kind === "azureml" ? "an azureml:// tracking URI is kind azureml" : "kind azureml takes the workspace's azureml:// or https tracking URI");
    }
    if (s.kind === "azureml" && s.auth !== undefined && s.auth.kind !== "none") issue("auth", "Azure ML uses your Microsoft sign-in, not auth");
    if (s.uiUrl !== undefined && /^[^/]+:\/\/[^/]*@/.test(s.uiUrl)) issue("uiUrl", "no user or password in the URL");
  });
export type RegistrySetting = z.infer<typeof RegistrySetting>;

export const RegistriesSetting = z
  .array(RegistrySetting)
  .max(200, "at most 200 registries")
  .superRefine(refineUniqueContexts);
export type RegistriesSetting = z.infer<typeof RegistriesSetting>;

export type RegistrySettingsResult = { readonly ok: true; readonly registries: RegistriesSetting } | { readonly ok: false; readonly issues: readonly SettingIssue[] };

/** Validates the raw setting; undefined or null means none configured. */
export function parseRegistrySettings(raw: unknown): RegistrySettingsResult {
  if (raw === undefined || raw === null) return { ok: true, registries: [] };
  const parsed = RegistriesSetting.safeParse(raw);
  return parsed.success ? { ok: true, registries: parsed.data } : { ok: false, issues: settingIssues(parsed.error) };
}

/** The registry for a kube context: an exact name first, else the first pattern that matches. */
export function registryForContext(settings: readonly RegistrySetting[], context: string): RegistrySetting | undefined {
  return settingForContext(settings, context);
}
