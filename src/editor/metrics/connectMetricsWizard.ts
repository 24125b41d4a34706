import * as vscode from "vscode";
import type { DetectedPrometheus } from "../../core/metrics/prometheusDiscovery";
import type { MetricsSourceSetting } from "../../core/metrics/metricsSettings";
import type { MetricsError } from "../../core/metrics/metricsSource";
import { describeMetricsError } from "../explain";
import { MultiStepInput, type WizardStep } from "../wizard/multiStepInput";
import { originOf, secretKeyFor } from "./metricsSourceResolution";

/** What the wizard collected; nothing is written until `save` in the command. */
export interface ConnectAnswers {
  choice: { readonly kind: "detected"; readonly found: DetectedPrometheus } | { readonly kind: "url" | "azure-prometheus" | "azure-monitor" } | undefined;
  url: string;
  authKind: "none" | "bearer" | "basic";
  username: string;
  /** Held in memory until saved; never logged. */
  secret: string | undefined;
  subscriptionId: string;
  tenantId: string;
  resourceId: string;
  /** The tested entry and the test's report. */
  entry: MetricsSourceSetting | undefined;
  report: string;
  target: vscode.ConfigurationTarget | undefined;
  /** Set when a plain prompt (the password box) was dismissed: the wizard ends without saving. */
  cancelled: boolean;
}

export type TestOutcome = { readonly ok: true; readonly report: string } | { readonly ok: false; readonly error: MetricsError | string };

export interface ConnectWizardInput {
  readonly context: string;
  /** Prometheus found in the cluster, tested; undefined when no cluster is connected. */
  readonly detected: readonly DetectedPrometheus[] | undefined;
  /** Tests an entry (with the secret the person typed) under progress; cancellable. */
  readonly test: (entry: MetricsSourceSetting, secret: string | undefined) => Promise<TestOutcome | undefined>;
  readonly workspaceOpen: boolean;
}

type SourceItem = vscode.QuickPickItem & { readonly choice: NonNullable<ConnectAnswers["choice"]> };
type AuthItem = vscode.QuickPickItem & { readonly auth: ConnectAnswers["authKind"] };
type ResultItem = vscode.QuickPickItem & { readonly action: "save" | "back" };
type WhereItem = vscode.QuickPickItem & { readonly target: vscode.ConfigurationTarget };

const title = "Connect Metrics";
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function urlProblem(value: string, opts: { readonly httpsOnly: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "An http or https URL, e.g. https://prometheus.example.com or http://localhost:9090";
  }
  if (url.protocol !== "https:" && (opts.httpsOnly || url.protocol !== "http:")) return opts.httpsOnly ? "Azure Monitor managed Prometheus is served over https" : "An http or https URL";
  if (url.username || url.password) return "No user or password in the URL: the next steps ask for them and keep them in VS Code's secret storage";
  if (url.search || url.hash) return "The base URL only, without ?query or #fragment (a path prefix such as /prometheus is fine)";
  return undefined;
}

/** A Prometheus URL entry; its secret is named after the context and origin, so entering it again replaces it. */
function urlEntry(context: string, s: ConnectAnswers): MetricsSourceSetting {
  const auth = s.authKind === "none" ? undefined : { kind: s.authKind, ...(s.authKind === "basic" ? { username: s.username } : {}), secretKey: secretKeyFor(context, originOf(s.url)) };
  return { context, kind: "prometheus", url: s.url, ...(auth ? { auth } : {}) };
}

function detectedItem(d: DetectedPrometheus): SourceItem {
  const where = `${d.namespace}/${d.service}:${d.port}`;
  return {
    label: `${d.ok ? "$(pass)" : "$(warning)"} ${d.flavor === "labelled" ? "Prometheus" : d.flavor}`,
    description: where,
    detail: d.ok ? `Prometheus${d.version ? ` ${d.version}` : ""}, answered through the API server's service proxy` : (describeMetricsError(d.error) ?? "cancelled"),
    choice: { kind: "detected", found: d },
  };
}

/**
 * Detected Prometheus, or a URL, or Azure Monitor (managed Prometheus, platform metrics) → auth
 * → test → where to save. Back works on every step; Escape anywhere saves nothing.
 */
export async function runConnectMetricsWizard(input: ConnectWizardInput): Promise<ConnectAnswers | undefined> {
  const answers: ConnectAnswers = { choice: undefined, url: "", authKind: "none", username: "", secret: undefined, subscriptionId: "", tenantId: "", resourceId: "", entry: undefined, report: "", target: undefined, cancelled: false };
  const wizard = new MultiStepInput(5);

  const pickSource: WizardStep<ConnectAnswers> = async (w, s) => {
    const items: SourceItem[] = [
      ...(input.detected ?? []).map(detectedItem),
      { label: "$(link) Enter a Prometheus URL…", detail: "A Prometheus (or Thanos, Mimir, VictoriaMetrics) query URL, with bearer or basic auth if it needs it", choice: { kind: "url" } },
      { label: "$(azure) Azure Monitor managed Prometheus…", detail: "The workspace's query endpoint; signs in with your Microsoft account", choice: { kind: "azure-prometheus" } },
      { label: "$(azure) Azure Monitor platform metrics…", detail: "Azure ML online endpoints and AKS metrics by subscription; signs in with your Microsoft account", choice: { kind: "azure-monitor" } },
    ];
    const found = input.detected === undefined ? "not connected to the cluster, so nothing was detected" : input.detected.length === 0 ? "no Prometheus found in the cluster" : `${input.detected.filter((d) => d.ok).length} of ${input.detected.length} Prometheus found in the cluster answer`;
    const chosen = await w.pick({ title: `${title} for ${input.context}`, placeholder: `Where do this context's metrics come from? (${found})`, items });
    s.choice = chosen.choice;
    switch (chosen.choice.kind) {
      case "detected": {
        const d = chosen.choice.found;
        s.entry = { context: input.context, kind: "prometheus", service: { namespace: d.namespace, name: d.service, port: d.port, scheme: d.scheme } };
        return testSource;
      }
      case "azure-monitor":
        return askSubscription;
      default:
        return askUrl;
    }
  };
  const askUrl: WizardStep<ConnectAnswers> = async (w, s) => {
    const azure = s.choice?.kind === "azure-prometheus";
    s.url = (
      await w.input({
        title,
        prompt: azure ? "The Azure Monitor workspace's query endpoint (Overview → Query endpoint)" : "The Prometheus URL",
        value: s.url,
        placeholder: azure ? "https://<workspace>.<region>.prometheus.monitor.azure.com" : "https://prometheus.example.com",
        validate: (v) => urlProblem(v, { httpsOnly: azure }),
      })
    ).replace(/\/+$/, "");
    if (azure) {
      s.entry = { context: input.context, kind: "azure-managed-prometheus", url: s.url };
      return testSource;
    }
    return pickAuth;
  };
  const pickAuth: WizardStep<ConnectAnswers> = async (w, s) => {
    const items: AuthItem[] = [
      { label: "No authentication", auth: "none" },
      { label: "Bearer token", detail: "Sent as Authorization: Bearer; kept in VS Code's secret storage", auth: "bearer" },
      { label: "User name and password", detail: "HTTP basic auth; the password is kept in VS Code's secret storage", auth: "basic" },
    ];
    const chosen = await w.pick({ title, placeholder: `How does ${originOf(s.url)} authenticate?`, items, activeItem: items.find((i) => i.auth === s.authKind) });
    s.authKind = chosen.auth;
    if (chosen.auth === "basic") return askUsername;
    if (chosen.auth === "bearer") return askSecret;
    s.secret = undefined;
    s.entry = urlEntry(input.context, s);
    return testSource;
  };
  const askUsername: WizardStep<ConnectAnswers> = async (w, s) => {
    s.username = await w.input({ title, prompt: "User name", value: s.username, validate: (v) => (v ? undefined : "A user name") });
    return askSecret;
  };
  const askSecret: WizardStep<ConnectAnswers> = async (_w, s) => {
    // A password box: the wizard's input shows what is typed, this one does not.
    const secret = await vscode.window.showInputBox({
      title,
      prompt: s.authKind === "bearer" ? `Bearer token for ${originOf(s.url)}` : `Password of ${s.username} at ${originOf(s.url)}`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : "Required"),
    });
    if (secret === undefined) {
      s.cancelled = true;
      return undefined;
    }
    s.secret = secret;
    s.entry = urlEntry(input.context, s);
    return testSource;
  };
  const askSubscription: WizardStep<ConnectAnswers> = async (w, s) => {
    s.subscriptionId = await w.input({ title, prompt: "Azure subscription id", value: s.subscriptionId, placeholder: "00000000-0000-0000-0000-000000000000", validate: (v) => (guid.test(v) ? undefined : "A subscription id (a GUID)") });
    return askResource;
  };
  const askResource: WizardStep<ConnectAnswers> = async (w, s) => {
    s.resourceId = await w.input({
      title,
      prompt: "Optional: the resource to test with, e.g. an Azure ML online endpoint's resource id (leave empty to only sign in)",
      value: s.resourceId,
      placeholder: "/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…/onlineEndpoints/…",
      validate: (v) => (v === "" || /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+/i.test(v) ? undefined : "An ARM resource id: /subscriptions/…/resourceGroups/…/providers/…"),
    });
    s.entry = { context: input.context, kind: "azure-monitor", azure: { subscriptionId: s.subscriptionId, ...(s.resourceId ? { resourceId: s.resourceId } : {}) } };
    return testSource;
  };
  const testSource: WizardStep<ConnectAnswers> = async (w, s) => {
    const entry = s.entry;
    if (!entry) return undefined;
    const outcome = await input.test(entry, s.secret);
    if (outcome === undefined) {
      s.cancelled = true;
      return undefined;
    }
    s.report = outcome.ok ? outcome.report : typeof outcome.error === "string" ? outcome.error : (describeMetricsError(outcome.error, entry.kind) ?? "The test was cancelled.");
    const items: ResultItem[] = outcome.ok
      ? [
          { label: `$(check) Use it for ${input.context}`, detail: s.report, action: "save" },
          { label: "$(arrow-left) Choose another source", action: "back" },
        ]
      : [
          { label: "$(arrow-left) Change the settings", detail: s.report, action: "back" },
          { label: `$(warning) Save it anyway for ${input.context}`, detail: "The Deployments rows will say what fails until it answers", action: "save" },
        ];
    const chosen = await w.pick({ title, placeholder: outcome.ok ? "The source answered:" : "The test failed:", items });
    if (chosen.action === "back") return pickSource;
    return pickWhere;
  };
  const pickWhere: WizardStep<ConnectAnswers> = async (w, s) => {
    const items: WhereItem[] = [{ label: "User settings", detail: "For every workspace on this machine", target: vscode.ConfigurationTarget.Global }];
    if (input.workspaceOpen && vscode.workspace.isTrusted) items.push({ label: "Workspace settings", detail: "Only in this workspace (shared if .vscode/settings.json is committed; secrets never are)", target: vscode.ConfigurationTarget.Workspace });
    if (items.length === 1) {
      s.target = items[0]?.target;
      return undefined;
    }
    s.target = (await w.pick({ title, placeholder: "Save the source in…", items })).target;
    return undefined;
  };

  const finished = await wizard.run(pickSource, answers);
  return finished && !answers.cancelled && answers.entry && answers.target !== undefined ? answers : undefined;
}
