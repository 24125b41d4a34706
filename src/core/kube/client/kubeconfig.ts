import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Cluster, Context, KubeConfig, User } from "@kubernetes/client-node";
import { loadClientNode } from "./clientNode";

/** How a context's user proves who it is; never the secret itself. */
export type AuthKind = "exec" | "auth-provider" | "client-certificate" | "token" | "basic" | "none";

export interface ContextSummary {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string | undefined;
  readonly server: string | undefined;
  readonly auth: AuthKind;
  /** The exec plugin's command, e.g. `kubelogin`; shown so people know a login may be needed. */
  readonly execCommand: string | undefined;
  /** The file that defined the context (the first one, as kubectl merges). */
  readonly sourceFile: string;
}

export type KubeconfigError =
  | { readonly kind: "none-found"; readonly tried: readonly string[] }
  | { readonly kind: "unreadable"; readonly file: string; readonly reason: string }
  | { readonly kind: "invalid"; readonly file: string; readonly reason: string }
  | { readonly kind: "no-contexts"; readonly files: readonly string[] };

export interface LoadedKubeconfig {
  readonly ok: true;
  /** Files that were read, in merge order. */
  readonly files: readonly string[];
  /** Files named in the search path that do not exist; kubectl skips them too. */
  readonly missing: readonly string[];
  readonly contexts: readonly ContextSummary[];
  readonly currentContext: string | undefined;
  /** The merged config, for building API clients. */
  readonly kubeConfig: KubeConfig;
}

export type KubeconfigResult = LoadedKubeconfig | { readonly ok: false; readonly error: KubeconfigError };

export type KubeconfigSource = "setting" | "KUBECONFIG" | "default";

export interface KubeconfigSearch {
  readonly paths: readonly string[];
  readonly source: KubeconfigSource;
}

/**
 * Which files to read, in kubectl's order of precedence: an explicit list (our setting),
 * then the KUBECONFIG search path, then ~/.kube/config.
 */
export function kubeconfigSearchPath(input: {
  readonly configured: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
}): KubeconfigSearch {
  const home = input.homeDir ?? os.homedir();
  const expand = (p: string): string => path.resolve(p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p);
  const unique = (ps: readonly string[]): string[] => [...new Set(ps.map(expand))];
  const configured = input.configured.map((p) => p.trim()).filter((p) => p.length > 0);
  if (configured.length > 0) return { paths: unique(configured), source: "setting" };
  const fromEnv = (input.env["KUBECONFIG"] ?? "").split(path.delimiter).filter((p) => p.length > 0);
  if (fromEnv.length > 0) return { paths: unique(fromEnv), source: "KUBECONFIG" };
  return { paths: [path.join(home, ".kube", "config")], source: "default" };
}

/**
 * Reads and merges kubeconfig files the way kubectl does: the first file to define a cluster,
 * user or context name wins, and the first non-empty current-context wins. Missing files are
 * skipped; a file that exists but cannot be parsed is an error naming that file.
 */
export async function loadKubeconfig(search: KubeconfigSearch, signal?: AbortSignal): Promise<KubeconfigResult> {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, { context: Context; file: string }>();
  const files: string[] = [];
  const missing: string[] = [];
  let currentContext: string | undefined;
  const { KubeConfig } = await loadClientNode();

  for (const file of search.paths) {
    signal?.throwIfAborted();
    let text: string;
    try {
      text = await fs.readFile(file, { encoding: "utf8", signal });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        missing.push(file);
        continue;
      }
      if (code === "ABORT_ERR") throw err;
      return { ok: false, error: { kind: "unreadable", file, reason: describeFsError(err) } };
    }
    files.push(file);
    if (text.trim().length === 0) continue;

    const parsed = new KubeConfig();
    try {
      parsed.loadFromString(text);
    } catch (err) {
      return { ok: false, error: { kind: "invalid", file, reason: firstLine(err) } };
    }
    for (const c of parsed.clusters ?? []) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of parsed.users ?? []) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of parsed.contexts ?? []) if (!contexts.has(c.name)) contexts.set(c.name, { context: c, file });
    if (currentContext === undefined && parsed.currentContext) currentContext = parsed.currentContext;
  }

  if (files.length === 0) return { ok: false, error: { kind: "none-found", tried: search.paths } };
  if (contexts.size === 0) return { ok: false, error: { kind: "no-contexts", files } };

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()].map((c) => c.context),
    currentContext: currentContext ?? "",
  });

  const summaries = [...contexts.values()].map(({ context, file }) =>
    summarize(context, clusters.get(context.cluster), context.user ? users.get(context.user) : undefined, file),
  );
  return {
    ok: true,
    files,
    missing,
    contexts: summaries,
    currentContext: currentContext !== undefined && contexts.has(currentContext) ? currentContext : undefined,
    kubeConfig,
  };
}

/**
 * A KubeConfig whose current context is `name`, for talking to one context without switching
 * the user's (an environment in aiplatform.yaml names its own context). Undefined when the
 * merged kubeconfig has no such context.
 */
export function kubeConfigForContext(loaded: LoadedKubeconfig, name: string): { kubeConfig: KubeConfig; context: ContextSummary } | undefined {
  const context = loaded.contexts.find((c) => c.name === name);
  if (!context) return undefined;
  // The merged config's own class: the package is loaded already, as loadKubeconfig made it.
  const kc = new (loaded.kubeConfig.constructor as new () => KubeConfig)();
  kc.loadFromOptions({ clusters: loaded.kubeConfig.clusters, users: loaded.kubeConfig.users, contexts: loaded.kubeConfig.contexts, currentContext: name });
  return { kubeConfig: kc, context };
}

/** One sentence a person can act on; the editor and the CLI both show it. */
export function describeKubeconfigError(error: KubeconfigError): string {
  switch (error.kind) {
    case "none-found":
      return `No kubeconfig found (looked for ${error.tried.join(", ")}). Set KUBECONFIG, create ~/.kube/config (for AKS: az aks get-credentials), or name the files in the aiPlatform.kubeconfigPaths setting.`;
    case "unreadable":
      return `Cannot read kubeconfig ${error.file}: ${error.reason}.`;
    case "invalid":
      return `Kubeconfig ${error.file} is not valid: ${error.reason}. Fix the file or remove it from the search path.`;
    case "no-contexts":
      return `Kubeconfig ${error.files.join(", ")} defines no contexts. Add one with kubectl config set-context, or az aks get-credentials for AKS.`;
  }
}

function summarize(context: Context, cluster: Cluster | undefined, user: User | undefined, sourceFile: string): ContextSummary {
  return {
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace,
    server: cluster?.server,
    auth: authKind(user),
    execCommand: user?.exec ? commandName(user.exec as object) : undefined,
    sourceFile,
  };
}

function commandName(exec: object): string | undefined {
  const command: unknown = (exec as { command?: unknown }).command;
  return typeof command === "string" ? path.basename(command) : undefined;
}

function authKind(user: User | undefined): AuthKind {
  if (!user) return "none";
  if (user.exec) return "exec";
  if (user.authProvider) return "auth-provider";
  if (user.certData || user.certFile) return "client-certificate";
  if (user.token) return "token";
  if (user.username) return "basic";
  return "none";
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    default:
      return firstLine(err);
  }
}

/** Parser messages carry a snippet of the file after the first line; it can hold tokens, so drop it. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
