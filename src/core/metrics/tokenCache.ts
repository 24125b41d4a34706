import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** A cached token is replaced this long before it expires, so no request goes out with one that lapses in flight. */
const tokenRefreshMarginMs = 2 * 60_000;

/** One token per source, reused until shortly before it expires; concurrent callers share one request. */
export class TokenCache {
  private current: AccessToken | undefined;
  private pending: Promise<AccessToken | null> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  forget(): void {
    this.current = undefined;
  }

  async get(): Promise<{ ok: true; token: string } | { ok: false; detail: string }> {
    if (this.current && this.current.expiresOnTimestamp - tokenRefreshMarginMs > Date.now()) return { ok: true, token: this.current.token };
    // Shared by concurrent callers, so not tied to one caller's signal; each caller stops waiting on its own.
    this.pending ??= this.credential.getToken(this.scope).finally(() => (this.pending = undefined));
    try {
      const token = await this.pending;
      if (!token) return { ok: false, detail: `the credential gave no token for ${this.scope}` };
      this.current = token;
      return { ok: true, token: token.token };
    } catch (err) {
      return { ok: false, detail: `could not get a token for ${this.scope}: ${firstLine(err)}` };
    }
  }
}

function firstLine(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
