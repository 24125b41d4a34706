import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type * as vscode from "vscode";

/** The part of vscode.authentication we use, so the credential runs in plain Node tests. */
export interface MicrosoftAuthentication {
  getSession(providerId: string, scopes: readonly string[], options: vscode.AuthenticationGetSessionOptions): Thenable<vscode.AuthenticationSession | undefined>;
}

/** Renewed this long before the token's `exp`, so a query never leaves with a token about to lapse. */
const renewBeforeMs = 2 * 60_000;
/** A token without a readable `exp` is asked for again after this long. */
const unknownExpiryMs = 5 * 60_000;

/** `https://prometheus.monitor.azure.com` → `https://prometheus.monitor.azure.com/.default`, as VS Code's Microsoft provider wants. */
export function defaultScopeOf(scope: string): string {
  if (scope.endsWith("/.default")) return scope;
  if (/^https?:\/\/[^/]+\/?$/.test(scope)) return `${scope.replace(/\/$/, "")}/.default`;
  return scope;
}

/** The `exp` claim of a JWT in ms, or undefined when the token is not a readable JWT. */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class MicrosoftSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MicrosoftSignInError";
  }
}

/**
 * A TokenCredential over VS Code's Microsoft sign-in, so neither MSAL nor @azure/identity loads in
 * the extension host. One resource per session (Entra ID refuses scopes of two resources in one
 * request, AADSTS28000); a session carries no expiry, so it is read from the token's `exp`.
 * `interactive` lets the first call (from Connect Metrics…) ask the user to sign in; refreshes
 * in the background never prompt, they fail and the row says so.
 */
export class MicrosoftSessionCredential implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();

  constructor(
    private readonly auth: MicrosoftAuthentication,
    private readonly opts: { readonly tenantId?: string | undefined; readonly interactive: boolean; readonly now?: () => number },
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const wanted = [...new Set((Array.isArray(scopes) ? scopes : [scopes]).map(defaultScopeOf))];
    if (wanted.length !== 1) throw new MicrosoftSignInError(`One Microsoft sign-in serves one resource; asked for ${wanted.join(", ")}.`);
    const scope = wanted[0] ?? "";
    const now = (this.opts.now ?? Date.now)();
    const cached = this.cache.get(scope);
    if (cached && cached.expiresOnTimestamp - renewBeforeMs > now) return cached;
    const tenant = options?.tenantId ?? this.opts.tenantId;
    const sessionScopes = tenant ? [scope, `VSCODE_TENANT:${tenant}`] : [scope];
    const session = await this.auth.getSession("microsoft", sessionScopes, this.opts.interactive ? { createIfNone: true } : { silent: true });
    if (!session) throw new MicrosoftSignInError(`Not signed in to Microsoft for ${scope}: run Connect Metrics… to sign in.`);
    const token: AccessToken = { token: session.accessToken, expiresOnTimestamp: jwtExpiryMs(session.accessToken) ?? now + unknownExpiryMs };
    this.cache.set(scope, token);
    return token;
  }
}
