import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import type { RegistrySetting } from "../../core/registry/registrySettings";
import { parseTrackingUri } from "../../core/registry/registryTarget";
import { showUserMessage } from "../commands/commandRunner";
import { SettingKey } from "../contributionIds";
import { explainNotConnected } from "../explain";
import type { KubeContextModel } from "../kubeContextModel";
import { withAbortSignal } from "../lifecycle";
import { encodeStoredSecret, secretKeyFor } from "../metrics/metricsSourceResolution";
import { MicrosoftSessionCredential } from "../metrics/microsoftCredential";
import { MultiStepInput, type WizardStep } from "../wizard/multiStepInput";
import { planRegistryTarget, registrySecretStorageKey, type ModelsRegistryConnection } from "./modelsRegistryConnection";
import { describeRegistryFailure } from "./registryFailureText";

const title = "Connect Model Registry";

interface Answers {
  kind: "mlflow" | "azureml";
  trackingUri: string;
  authKind: "none" | "basic" | "bearer";
  username: string;
  /** Held in memory until saved; never logged. */
  secret: string | undefined;
  entry: RegistrySetting | undefined;
  report: string;
  target: vscode.ConfigurationTarget | undefined;
  cancelled: boolean;
}

/** Why a typed tracking URI cannot be used, or undefined. */
export function trackingUriProblem(value: string, kind: "mlflow" | "azureml"): string | undefined {
  const parsed = parseTrackingUri(value);
  if (!parsed.ok) {
    switch (parsed.kind) {
      case "credentials-in-uri":
        return "No user or password in the URI: the next steps ask for them and keep them in VS Code's secret storage";
      case "unsupported-scheme":
        return `A ${parsed.scheme}: URI is a local store; the registry is reached over http(s)${kind === "azureml" ? " or azureml://" : ""}`;
      case "not-an-azureml-workspace":
        return "azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/<name>";
      case "invalid-uri":
        return kind === "azureml" ? "The workspace's MLflow tracking URI (az ml workspace show --query mlflow_tracking_uri)" : "An http or https URL, e.g. https://mlflow.example.com";
    }
  }
  if (kind === "mlflow" && parsed.kind === "azureml") return "That is an Azure ML workspace: go Back and choose Azure ML";
  return undefined;
}

/** The settings entry the answers describe; a secret is named after the context and origin, so entering it again replaces it. */
export function registryEntry(context: string, a: Pick<Answers, "kind" | "trackingUri" | "authKind" | "username">): RegistrySetting {
  const parsed = parseTrackingUri(a.trackingUri);
  const origin = parsed.ok ? parsed.restBase.origin : a.trackingUri;
  const auth = a.kind === "azureml" || a.authKind === "none" ? undefined : { kind: a.authKind, ...(a.authKind === "basic" ? { username: a.username } : {}), secretKey: secretKeyFor(context, origin) };
  return { context, kind: a.kind, trackingUri: a.trackingUri, ...(auth ? { auth } : {}) };
}

/**
 * The setting's new value with `entry` for its context: an entry for the same context is replaced
 * in place; every other entry (even one that does not validate) is kept as it was.
 */
export function withRegistryEntry(existing: unknown, entry: RegistrySetting): unknown[] {
  const list = Array.isArray(existing) ? [...(existing as unknown[])] : [];
  const same = list.findIndex((e) => typeof e === "object" && e !== null && (e as { context?: unknown }).context === entry.context);
  if (same >= 0) list[same] = entry;
  else list.push(entry);
  return list;
}

type KindItem = vscode.QuickPickItem & { readonly registryKind: Answers["kind"] };
type AuthItem = vscode.QuickPickItem & { readonly auth: Answers["authKind"] };
type ResultItem = vscode.QuickPickItem & { readonly action: "save" | "back" };
type WhereItem = vscode.QuickPickItem & { readonly target: vscode.ConfigurationTarget };

/**
 * Registry kind → tracking URI (validated) → auth → secret → a test (one model listed, under
 * progress, cancellable) → where to save. Nothing is written until the end; Escape saves nothing.
 */
async function runWizard(context: string, test: (entry: RegistrySetting, secret: string | undefined) => Promise<string | { readonly ok: true; readonly report: string } | undefined>): Promise<Answers | undefined> {
  const answers: Answers = { kind: "mlflow", trackingUri: "", authKind: "none", username: "", secret: undefined, entry: undefined, report: "", target: undefined, cancelled: false };
  const wizard = new MultiStepInput(5);
  const pickKind: WizardStep<Answers> = async (w, s) => {
    const items: KindItem[] = [
      { label: "$(database) MLflow tracking server", detail: "http(s)://…, with no auth, a bearer token or a user name and password", registryKind: "mlflow" },
      { label: "$(azure) Azure ML workspace", detail: "azureml://<region>.api.azureml.ms/mlflow/v1.0/…; signs in with your Microsoft account", registryKind: "azureml" },
    ];
    s.kind = (await w.pick({ title: `${title} for ${context}`, placeholder: "Which registry serves this context's models?", items, activeItem: items.find((i) => i.registryKind === s.kind) })).registryKind;
    return askUri;
  };
  const askUri: WizardStep<Answers> = async (w, s) => {
    s.trackingUri = (
      await w.input({
        title,
        prompt: s.kind === "azureml" ? "The workspace's MLflow tracking URI" : "The MLflow tracking URI",
        value: s.trackingUri,
        placeholder: s.kind === "azureml" ? "azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/…/workspaces/…" : "https://mlflow.example.com",
        validate: (v) => trackingUriProblem(v.trim(), s.kind),
      })
    ).trim();
    if (s.kind === "azureml") {
      s.entry = registryEntry(context, s);
      return testStep;
    }
    return pickAuth;
  };
  const pickAuth: WizardStep<Answers> = async (w, s) => {
    const items: AuthItem[] = [
      { label: "No authentication", auth: "none" },
      { label: "Bearer token", detail: "MLFLOW_TRACKING_TOKEN's equivalent; kept in VS Code's secret storage", auth: "bearer" },
      { label: "User name and password", detail: "HTTP basic auth (mlflow server --app-name basic-auth); the password is kept in VS Code's secret storage", auth: "basic" },
    ];
    s.authKind = (await w.pick({ title, placeholder: "How does the tracking server authenticate?", items, activeItem: items.find((i) => i.auth === s.authKind) })).auth;
    if (s.authKind === "basic") return askUsername;
    if (s.authKind === "bearer") return askSecret;
    s.secret = undefined;
    s.entry = registryEntry(context, s);
    return testStep;
  };
  const askUsername: WizardStep<Answers> = async (w, s) => {
    s.username = await w.input({ title, prompt: "User name", value: s.username, validate: (v) => (v ? undefined : "A user name") });
    return askSecret;
  };
  const askSecret: WizardStep<Answers> = async (_w, s) => {
    // A password box: the wizard's input shows what is typed, this one does not.
    const secret = await vscode.window.showInputBox({ title, prompt: s.authKind === "bearer" ? "Token" : `Password of ${s.username}`, password: true, ignoreFocusOut: true, validateInput: (v) => (v ? undefined : "Required") });
    if (secret === undefined) {
      s.cancelled = true;
      return undefined;
    }
    s.secret = secret;
    s.entry = registryEntry(context, s);
    return testStep;
  };
  const testStep: WizardStep<Answers> = async (w, s) => {
    if (!s.entry) return undefined;
    const outcome = await test(s.entry, s.secret);
    if (outcome === undefined) {
      s.cancelled = true;
      return undefined;
    }
    const ok = typeof outcome !== "string";
    s.report = typeof outcome === "string" ? outcome : outcome.report;
    const items: ResultItem[] = ok
      ? [
          { label: `$(check) Use it for ${context}`, detail: s.report, action: "save" },
          { label: "$(arrow-left) Change the settings", action: "back" },
        ]
      : [
          { label: "$(arrow-left) Change the settings", detail: s.report, action: "back" },
          { label: `$(warning) Save it anyway for ${context}`, detail: "The Models view will say what fails until it answers", action: "save" },
        ];
    const chosen = await w.pick({ title, placeholder: ok ? "The registry answered:" : "The test failed:", items });
    return chosen.action === "back" ? pickKind : pickWhere;
  };
  const pickWhere: WizardStep<Answers> = async (w, s) => {
    const items: WhereItem[] = [{ label: "User settings", detail: "For every workspace on this machine", target: vscode.ConfigurationTarget.Global }];
    if ((vscode.workspace.workspaceFolders?.length ?? 0) > 0 && vscode.workspace.isTrusted) items.push({ label: "Workspace settings", detail: "Only in this workspace (secrets are never written there)", target: vscode.ConfigurationTarget.Workspace });
    s.target = items.length === 1 ? items[0]?.target : (await w.pick({ title, placeholder: "Save the registry in…", items })).target;
    return undefined;
  };
  const finished = await wizard.run(pickKind, answers);
  return finished && !answers.cancelled && answers.entry && answers.target !== undefined ? answers : undefined;
}

/** Connect Model Registry…: the wizard, from the kind to the saved entry. */
export async function connectRegistry(deps: { readonly model: KubeContextModel; readonly registry: ModelsRegistryConnection; readonly secrets: vscode.SecretStorage; readonly log: vscode.LogOutputChannel }): Promise<void> {
  const context = deps.registry.contextName;
  if (context === undefined) {
    void showUserMessage(explainNotConnected());
    return;
  }
  const test = (entry: RegistrySetting, secret: string | undefined): Promise<string | { ok: true; report: string } | undefined> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing ${entry.trackingUri}…`, cancellable: true }, (_p, token) =>
        withAbortSignal(token, async (signal) => {
          const parsed = parseTrackingUri(entry.trackingUri);
          const origin = parsed.ok ? parsed.restBase.origin : "";
          const ca = entry.caFile ? await readFile(entry.caFile, "utf8").catch(() => undefined) : undefined;
          // Interactive: the Azure ML test is where the person signs in.
          const planned = planRegistryTarget(entry, { secret: secret === undefined ? undefined : { origin, value: secret }, ca, azure: () => new MicrosoftSessionCredential(vscode.authentication, { interactive: true }) });
          if (!planned.ok) return planned.problem;
          const { createMlflowRegistry } = await import("../../core/registry/mlflowRegistry");
          const client = createMlflowRegistry(planned.target);
          const answer = await client.searchRegisteredModels({ maxResults: 1, signal });
          if (signal.aborted) return undefined;
          if (!answer.ok) return describeRegistryFailure(answer.failure, client.displayUrl) ?? "The test was cancelled.";
          const notes = client.notes().map((n) => n.detail);
          return { ok: true as const, report: `${client.displayUrl} answered${answer.value.items.length === 0 ? " (no registered models yet)" : `: ${answer.value.items[0]?.name ?? ""}${answer.value.nextPageToken ? " and more" : ""}`}.${notes.length > 0 ? ` ${notes.join("; ")}.` : ""}` };
        }),
      ),
    );
  const answers = await runWizard(context, test);
  if (!answers?.entry || answers.target === undefined) return;
  const entry = answers.entry;
  const secretKey = entry.auth?.secretKey;
  if (secretKey !== undefined && answers.secret !== undefined) {
    const parsed = parseTrackingUri(entry.trackingUri);
    if (parsed.ok) await deps.secrets.store(registrySecretStorageKey(secretKey), encodeStoredSecret({ origin: parsed.restBase.origin, value: answers.secret }));
  }
  const config = vscode.workspace.getConfiguration();
  const inspected = config.inspect<unknown>(SettingKey.modelRegistries);
  const existing = answers.target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
  await config.update(SettingKey.modelRegistries, withRegistryEntry(existing, entry), answers.target);
  deps.registry.invalidate();
  deps.log.info(`Connect Model Registry: saved the ${entry.kind} registry for ${context} in ${answers.target === vscode.ConfigurationTarget.Global ? "user" : "workspace"} settings. ${answers.report}`);
  void vscode.window.showInformationMessage(`Model registry for ${context}: ${answers.report}`);
}
