import { readFile } from "node:fs/promises";
import type { TokenCredential } from "@azure/core-auth";
import * as vscode from "vscode";
import type { ModelRegistry } from "../../core/registry/modelRegistry";
import { RegistrySetting, registryForContext } from "../../core/registry/registrySettings";
import { trustedSettingScopes } from "../config";
import { azureMlScope, parseTrackingUri, registryTargetFromEnv, type RegistryAuth, type RegistryTarget } from "../../core/registry/registryTarget";
import { ContextKey, SettingKey } from "../contributionIds";
import type { KubeContextModel } from "../kubeContextModel";
import { decodeStoredSecret, originOf, type StoredMetricsSecret } from "../metrics/metricsSourceResolution";
import { MicrosoftSessionCredential } from "../metrics/microsoftCredential";
import type { ModelsRegistryState } from "./modelsFeature";

/** The SecretStorage key of a registry secret named by `auth.secretKey`; apart from the metrics ones. */
export function registrySecretStorageKey(secretKey: string): string {
  return `aiPlatform.models.secret.${secretKey}`;
}

export interface RegistriesRead {
  /** Valid entries, the workspace's before the user's. */
  readonly entries: readonly RegistrySetting[];
  /** One line per rejected entry, for the log. */
  readonly problems: readonly string[];
}

/**
 * Validates each scope's entries one by one, so one bad entry does not take the others down.
 * Scopes in precedence order; the caller leaves the workspace's out in Restricted Mode (a cloned
 * repository could otherwise point the registry queries, with the user's stored secret, elsewhere).
 */
export function registriesOfScopes(scopes: readonly (readonly [string, unknown])[]): RegistriesRead {
  const entries: RegistrySetting[] = [];
  const problems: string[] = [];
  for (const [scope, raw] of scopes) {
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) {
      problems.push(`Setting ${SettingKey.modelRegistries} in ${scope} settings must be a list of registries; ignored.`);
      continue;
    }
    raw.forEach((entry: unknown, i) => {
      const parsed = RegistrySetting.safeParse(entry);
      if (parsed.success) {
        entries.push(parsed.data);
        return;
      }
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
      problems.push(`Setting ${SettingKey.modelRegistries}[${i}] in ${scope} settings is ignored: ${where}${issue?.message ?? "invalid"}.`);
    });
  }
  return { entries, problems };
}

export type RegistryPlan = { readonly ok: true; readonly target: RegistryTarget } | { readonly ok: false; readonly problem: string };

/**
 * The target for one settings entry. `secret` is what SecretStorage holds under its secretKey; it
 * is sent only to the origin it was entered for. Problems are sentences; they never hold a secret.
 */
export function planRegistryTarget(entry: RegistrySetting, deps: { readonly secret: StoredMetricsSecret | undefined; readonly ca: string | undefined; readonly azure: () => TokenCredential }): RegistryPlan {
  const parsed = parseTrackingUri(entry.trackingUri);
  if (!parsed.ok) return { ok: false, problem: `The tracking URI of the registry for ${entry.context} is not usable (${parsed.kind}).` };
  const base = { kind: entry.kind, restBase: parsed.restBase, displayUrl: parsed.displayUrl, ...(deps.ca !== undefined ? { ca: deps.ca } : {}) };
  if (entry.kind === "azureml") return { ok: true, target: { ...base, auth: { kind: "azure", credential: deps.azure(), scope: azureMlScope } } };
  const auth = entry.auth ?? { kind: "none" as const };
  if (auth.kind === "none") return { ok: true, target: { ...base, auth: { kind: "none" } } };
  const origin = parsed.restBase.origin;
  const name = auth.secretKey ?? "";
  if (!deps.secret) return { ok: false, problem: `The ${auth.kind === "basic" ? "password" : "token"} for ${origin} (secret "${name}") is not stored on this machine. Run Connect Model Registry… to enter it.` };
  if (deps.secret.origin !== origin) {
    return { ok: false, problem: `The stored secret "${name}" was entered for ${deps.secret.origin}, but the setting now points at ${origin}; it is not sent there. Run Connect Model Registry… to enter credentials for ${origin}.` };
  }
  const credentials: RegistryAuth = auth.kind === "bearer" ? { kind: "bearer", token: deps.secret.value } : { kind: "basic", username: auth.username ?? "", password: deps.secret.value };
  return { ok: true, target: { ...base, auth: credentials } };
}

/** Where Open in MLflow goes: the setting's uiUrl, else the tracking server itself (Azure ML has no MLflow UI there). */
export function uiUrlOf(entry: RegistrySetting | undefined, target: RegistryTarget): string {
  if (entry?.uiUrl) return entry.uiUrl.replace(/\/+$/, "");
  if (target.kind === "azureml") return "https://ml.azure.com";
  return target.restBase.href.replace(/\/+$/, "");
}

/**
 * The model registry of the selected kube context: its entry in `aiPlatform.models.registries`
 * (secrets from SecretStorage, the Microsoft sign-in for Azure ML), else MLFLOW_TRACKING_URI and
 * friends from the editor's environment, as `aiplat` reads them. Built on the first ask and again
 * after anything it depends on changes (the setting, the context, a stored secret, trust); each
 * change fires onDidChange. Secrets never reach the log.
 */
export class ModelsRegistryConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private entries: readonly RegistrySetting[] = [];
  private resolving: Promise<ModelsRegistryState> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly model: KubeContextModel,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    let context = this.contextName;
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SettingKey.modelRegistries)) this.reread();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread()),
      model.onDidChange(() => {
        if (this.contextName === context) return;
        context = this.contextName;
        this.invalidate();
      }),
      secrets.onDidChange((e) => {
        const key = this.entry?.auth?.secretKey;
        if (key !== undefined && e.key === registrySecretStorageKey(key)) this.invalidate();
      }),
    ];
    this.reread();
  }

  get contextName(): string | undefined {
    const s = this.model.state;
    return s.kind === "ready" ? s.selected?.name : undefined;
  }

  /** The selected context's entry, if any. */
  get entry(): RegistrySetting | undefined {
    const context = this.contextName;
    return context === undefined ? undefined : registryForContext(this.entries, context);
  }

  /** Whether a registry serves the selected context (an entry, or MLFLOW_TRACKING_URI). */
  get configured(): boolean {
    return this.contextName !== undefined && (this.entry !== undefined || Boolean(this.env.MLFLOW_TRACKING_URI?.trim()));
  }

  state(): Promise<ModelsRegistryState> {
    this.resolving ??= this.resolve();
    return this.resolving;
  }

  /**
   * The registry of any context, e.g. the one a manifest's environment deploys to: the selected
   * context's is the one state() holds; another's is built for the asker and not kept.
   */
  stateFor(context: string): Promise<ModelsRegistryState> {
    return context === this.contextName ? this.state() : this.resolveFor(context);
  }

  /** Asks again on the next state() (Connect Model Registry… stored a secret). */
  invalidate(): void {
    this.resolving = undefined;
    void vscode.commands.executeCommand("setContext", ContextKey.registryConnected, this.configured);
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private reread(): void {
    const read = registriesOfScopes(trustedSettingScopes(SettingKey.modelRegistries));
    for (const p of read.problems) this.log.warn(p);
    this.entries = read.entries;
    this.invalidate();
  }

  private resolve(): Promise<ModelsRegistryState> {
    const context = this.contextName;
    return context === undefined ? Promise.resolve({ kind: "none", context }) : this.resolveFor(context);
  }

  private async resolveFor(context: string): Promise<ModelsRegistryState> {
    const azure = (): TokenCredential => new MicrosoftSessionCredential(vscode.authentication, { interactive: false });
    const entry = registryForContext(this.entries, context);
    let target: RegistryTarget;
    if (entry) {
      const secretKey = entry.auth?.secretKey;
      const secret = secretKey === undefined ? undefined : decodeStoredSecret(await this.secrets.get(registrySecretStorageKey(secretKey)));
      let ca: string | undefined;
      if (entry.caFile) {
        try {
          ca = await readFile(entry.caFile, "utf8");
        } catch (err) {
          return this.problem(context, `The CA file ${entry.caFile} of the registry for ${context} cannot be read (${err instanceof Error ? err.message : String(err)}).`);
        }
      }
      const planned = planRegistryTarget(entry, { secret, ca, azure });
      if (!planned.ok) return this.problem(context, planned.problem);
      target = planned.target;
    } else {
      const fromEnv = await registryTargetFromEnv(this.env, (p) => readFile(p, "utf8"), azure());
      if (!fromEnv.ok) {
        if (fromEnv.kind === "not-configured") return { kind: "none", context };
        return this.problem(context, `MLFLOW_TRACKING_* in the editor's environment is not usable (${fromEnv.kind}); run Connect Model Registry… to configure the registry for ${context} instead.`);
      }
      target = fromEnv.target;
    }
    const { createMlflowRegistry } = await import("../../core/registry/mlflowRegistry");
    const registry: ModelRegistry = createMlflowRegistry(target);
    this.log.info(`Model registry for ${context}: ${registry.displayUrl}${entry ? "" : " (from MLFLOW_TRACKING_URI)"}.`);
    return { kind: "ready", context, registry, uiUrl: uiUrlOf(entry, target), artifactRoots: entry?.artifactRoots ?? {} };
  }

  private problem(context: string, problem: string): ModelsRegistryState {
    this.log.warn(`Model registry for ${context}: ${problem}`);
    return { kind: "problem", context, problem };
  }
}

/** The origin a secret is bound to, for the wizard's stored secret. */
export function registryOrigin(trackingUri: string): string {
  const parsed = parseTrackingUri(trackingUri);
  return parsed.ok ? parsed.restBase.origin : originOf(trackingUri);
}
