/**
 * Entra ID access tokens for the sandbox: JWT-shaped (header.payload.signature, base64url) with
 * the claims Azure services read (aud, iss, tid, appid, oid, exp). Real tokens are RS256-signed;
 * the sandbox signs with HMAC so a forged or mangled token is still rejected, which is all the
 * resource servers need. Nobody outside the sandbox verifies these.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export interface AccessTokenClaims {
  readonly aud: string;
  readonly iss: string;
  readonly tid: string;
  readonly appid: string;
  readonly oid: string;
  readonly sub: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly ver: "1.0";
  readonly uti: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: "malformed" | "signature" }
  | { readonly ok: false; readonly reason: "expired"; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: "audience"; readonly claims: AccessTokenClaims };

const base64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

export class AccessTokenIssuer {
  private readonly key = randomBytes(32);
  private readonly kid = randomBytes(12).toString("base64url");

  constructor(readonly tenantId: string) {}

  /** Like Entra's v1 access tokens for a client-credentials grant: `aud` is the scope's resource. */
  issue(opts: { audience: string; appId: string; objectId: string; nowSeconds: number; lifetimeSeconds: number }): string {
    const claims: AccessTokenClaims = {
      aud: opts.audience,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      tid: this.tenantId,
      appid: opts.appId,
      oid: opts.objectId,
      sub: opts.objectId,
      iat: opts.nowSeconds,
      nbf: opts.nowSeconds,
      exp: opts.nowSeconds + opts.lifetimeSeconds,
      ver: "1.0",
      uti: randomUUID().replace(/-/g, "").slice(0, 22),
    };
    const signingInput = `${base64url(JSON.stringify({ typ: "JWT", alg: "HS256", kid: this.kid }))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${this.sign(signingInput)}`;
  }

  /** Audiences compare as Azure does: exact string match against the resource's accepted list. */
  check(token: string, audiences: readonly string[], nowSeconds: number): TokenCheck {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "malformed" };
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "signature" };
    let claims: AccessTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as AccessTokenClaims;
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (claims.exp <= nowSeconds) return { ok: false, reason: "expired", claims };
    if (!audiences.includes(claims.aud)) return { ok: false, reason: "audience", claims };
    return { ok: true, claims };
  }

  private sign(input: string): string {
    return createHmac("sha256", this.key).update(input).digest("base64url");
  }
}

/** The bearer token of a request, or undefined when the header is missing or not "Bearer …". */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}
