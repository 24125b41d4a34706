import * as z from "zod";

/**
 * The setting `aiPlatform.metrics.sources`: which metrics source serves which kube context. A
 * Prometheus is reached by URL or through the API server's service proxy; Azure Monitor managed
 * Prometheus by its query endpoint with an Entra ID token; Azure Monitor platform metrics by
 * subscription. Secrets never live here: `auth.secretKey` names one kept in VS Code's
 * SecretStorage (or, for aiplat, in an environment variable; see metricsSecretEnvVar).
 */

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and '-'")
  .max(63, "at most 63 characters");

const ServicePort = z.union([
  z.number().int("a whole number").min(1, "a port from 1 to 65535").max(65535, "a port from 1 to 65535"),
  z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a port number or a port name such as http-web")
    .max(15, "a port name has at most 15 characters"),
]);

const PrometheusService = z.strictObject({
  namespace: dnsLabel,
  name: dnsLabel,
  port: ServicePort,
  scheme: z.enum(["http", "https"]).default("http"),
});

const authKeys = ["kind", "username", "secretKey"] as const;
/** Keys people reach for that would put a secret in settings.json. */
const secretLikeKeys = /^(password|token|secret|apiKey|bearer|credentials?)$/i;

/**
 * `auth` as settings hold it, shared by metrics sources and model registries: a kind, a username
 * for basic, and the name of a stored secret. `storeWith` names where the secret is stored
 * instead (a command), for the issue raised when someone writes the secret itself.
 */
export function settingsAuth(storeWith: string) {
  return z
    .looseObject({
      kind: z.enum(["none", "basic", "bearer"]),
      username: z.string().min(1, "an empty username").optional(),
      secretKey: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, "the name of a stored secret: letters, digits, '.', '_' and '-', at most 64")
        .optional(),
    })
    .superRefine((auth, ctx) => {
      for (const key of Object.keys(auth)) {
        if ((authKeys as readonly string[]).includes(key)) continue;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: secretLikeKeys.test(key)
            ? `secrets do not belong in settings: store it with ${storeWith} and name it in secretKey`
            : `unknown key; expected ${authKeys.join(", ")}`,
        });
      }
      if (auth.kind === "basic" && !auth.username) ctx.addIssue({ code: "custom", path: ["username"], message: "basic auth needs a username" });
      if (auth.kind !== "none" && !auth.secretKey) ctx.addIssue({ code: "custom", path: ["secretKey"], message: `${auth.kind} auth needs secretKey, the name of the stored password or token` });
      if (auth.kind === "none" && (auth.username || auth.secretKey)) ctx.addIssue({ code: "custom", path: ["kind"], message: "username and secretKey are for basic or bearer auth" });
      if (auth.kind === "bearer" && auth.username) ctx.addIssue({ code: "custom", path: ["username"], message: "bearer auth takes no username" });
    })
    .transform(({ kind, username, secretKey }) => ({ kind, ...(username === undefined ? {} : { username }), ...(secretKey === undefined ? {} : { secretKey }) }));
}

const MetricsAuth = settingsAuth("the Connect Metrics command");

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const AzureTarget = z.strictObject({
  subscriptionId: z.string().regex(guid, "a subscription id (a GUID)"),
  tenantId: z
    .string()
    .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+\.[a-z]{2,})$/i, "a tenant id (a GUID) or domain (contoso.onmicrosoft.com)")
    .optional(),
  resourceId: z
    .string()
    .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+/i, "an ARM resource id: /subscriptions/…/resourceGroups/…/providers/…")
    .optional(),
});

export const MetricsSourceSetting = z
  .strictObject({
    /** A kube context name, or a pattern with `*` for any run of characters. */
    context: z.string().trim().min(1, "an empty context name").max(253, "longer than a context name can be"),
    kind: z.enum(["prometheus", "azure-managed-prometheus", "azure-monitor"], "one of prometheus, azure-managed-prometheus, azure-monitor"),
    url: z.url({ protocol: /^https?$/, error: "an http or https URL, with a path prefix if Prometheus runs under one" }).optional(),
    service: PrometheusService.optional(),
    auth: MetricsAuth.optional(),
    /** A PEM file with the CA that signed the Prometheus server's certificate. */
    caFile: z.string().min(1, "an empty path").optional(),
    azure: AzureTarget.optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string): void => ctx.addIssue({ code: "custom", path: [path], message });
    if (s.url !== undefined && /^[^/]+:\/\/[^/]*@/.test(s.url)) issue("url", "no user or password in the URL: use auth with secretKey");
    switch (s.kind) {
      case "prometheus":
        if (s.url === undefined && s.service === undefined) issue("url", "a prometheus source needs url or service");
        if (s.url !== undefined && s.service !== undefined) issue("service", "give url or service, not both");
        if (s.service !== undefined && s.auth !== undefined && s.auth.kind !== "none") {
          issue("auth", "through the service proxy the API server takes the kubeconfig's credentials and drops any others; use url for a Prometheus that needs auth");
        }
        if (s.service !== undefined && s.caFile !== undefined) issue("caFile", "through the service proxy the API server's CA from the kubeconfig applies");
        if (s.azure !== undefined) issue("azure", "azure is for the Azure kinds");
        break;
      case "azure-managed-prometheus":
        if (s.url === undefined) issue("url", "the workspace's query endpoint, e.g. https://<workspace>.<region>.prometheus.monitor.azure.com");
        else if (!s.url.startsWith("https:")) issue("url", "Azure Monitor managed Prometheus is served over https");
        if (s.service !== undefined) issue("service", "Azure Monitor managed Prometheus is reached by url");
        if (s.auth !== undefined) issue("auth", "Azure Monitor managed Prometheus uses your Microsoft sign-in, not auth");
        break;
      case "azure-monitor":
        if (s.azure === undefined) issue("azure", "azure-monitor needs azure.subscriptionId");
        if (s.url !== undefined || s.service !== undefined) issue(s.url !== undefined ? "url" : "service", "azure-monitor reads Azure Resource Manager; url and service are for Prometheus");
        if (s.auth !== undefined) issue("auth", "azure-monitor uses your Microsoft sign-in, not auth");
        if (s.caFile !== undefined) issue("caFile", "caFile is for a Prometheus URL");
        break;
    }
  });
export type MetricsSourceSetting = z.infer<typeof MetricsSourceSetting>;

export const MetricsSourcesSetting = z
  .array(MetricsSourceSetting)
  .max(200, "at most 200 sources")
  .superRefine(refineUniqueContexts);
export type MetricsSourcesSetting = z.infer<typeof MetricsSourcesSetting>;

/** A per-context setting names each context once: only the first entry for it is ever used. */
export function refineUniqueContexts(entries: readonly { readonly context: string }[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  entries.forEach((s, i) => {
    const first = seen.get(s.context);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "context"], message: `"${s.context}" is already configured by entry ${first + 1}; only the first is used` });
    else seen.set(s.context, i);
  });
}

export interface SettingIssue {
  /** Where in the setting, e.g. "[1].service.port". */
  readonly path: string;
  readonly message: string;
}

export type MetricsSettingsResult = { readonly ok: true; readonly sources: MetricsSourcesSetting } | { readonly ok: false; readonly issues: readonly SettingIssue[] };

/** Validates the raw setting; undefined or null means none configured. */
export function parseMetricsSources(raw: unknown): MetricsSettingsResult {
  if (raw === undefined || raw === null) return { ok: true, sources: [] };
  const parsed = MetricsSourcesSetting.safeParse(raw);
  if (parsed.success) return { ok: true, sources: parsed.data };
  return { ok: false, issues: settingIssues(parsed.error) };
}

/** zod's issues with their paths written the way a person reads a setting: "[1].service.port". */
export function settingIssues(error: z.ZodError): SettingIssue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, ""), message: i.message }));
}

/** A context pattern: `*` for any run of characters, everything else literal. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** The source for a kube context: an exact name first, else the first pattern that matches. */
export function sourceForContext(settings: readonly MetricsSourceSetting[], context: string): MetricsSourceSetting | undefined {
  return settingForContext(settings, context);
}

/** The entry of a per-context setting for a kube context: an exact name first, else the first pattern that matches. */
export function settingForContext<T extends { readonly context: string }>(settings: readonly T[], context: string): T | undefined {
  const exact = settings.find((s) => !s.context.includes("*") && s.context === context);
  if (exact) return exact;
  return settings.find((s) => s.context.includes("*") && globToRegExp(s.context).test(context));
}

/** Where aiplat reads the secret named by auth.secretKey: AIPLAT_METRICS_SECRET_<KEY>, upper-cased, '.' and '-' as '_'. */
export function metricsSecretEnvVar(secretKey: string): string {
  return `AIPLAT_METRICS_SECRET_${secretKey.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}
