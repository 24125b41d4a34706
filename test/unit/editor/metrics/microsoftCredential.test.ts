import { describe, expect, test } from "vitest";
import { defaultScopeOf, jwtExpiryMs, MicrosoftSessionCredential, MicrosoftSignInError, type MicrosoftAuthentication } from "../../../../src/editor/metrics/microsoftCredential";

/** An unsigned JWT with the claims Entra ID puts in an access token (only `exp` is read). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ typ: "JWT", alg: "RS256" })}.${part(claims)}.c2lnbmF0dXJl`;
}

function fakeAuth(token: string | undefined): MicrosoftAuthentication & { calls: { scopes: readonly string[]; options: object }[] } {
  const calls: { scopes: readonly string[]; options: object }[] = [];
  return {
    calls,
    getSession: (providerId, scopes, options) => {
      expect(providerId).toBe("microsoft");
      calls.push({ scopes, options });
      return Promise.resolve(token === undefined ? undefined : { id: "s", accessToken: token, account: { id: "a", label: "me@example.com" }, scopes });
    },
  };
}

describe("MicrosoftSessionCredential", () => {
  const exp = 1_800_000_000;
  const token = jwt({ aud: "https://prometheus.monitor.azure.com", exp });

  test("asks VS Code's Microsoft provider for one resource's .default scope, and reads the expiry from the token", async () => {
    const auth = fakeAuth(token);
    const credential = new MicrosoftSessionCredential(auth, { interactive: false, now: () => exp * 1000 - 3_600_000 });
    const t = await credential.getToken("https://prometheus.monitor.azure.com");
    expect(t).toEqual({ token, expiresOnTimestamp: exp * 1000 });
    expect(auth.calls).toEqual([{ scopes: ["https://prometheus.monitor.azure.com/.default"], options: { silent: true } }]);
  });

  test("reuses the token until shortly before it expires", async () => {
    let now = exp * 1000 - 3_600_000;
    const auth = fakeAuth(token);
    const credential = new MicrosoftSessionCredential(auth, { interactive: false, now: () => now });
    await credential.getToken(["https://prometheus.monitor.azure.com/.default"]);
    await credential.getToken(["https://prometheus.monitor.azure.com/.default"]);
    expect(auth.calls).toHaveLength(1);
    now = exp * 1000 - 60_000;
    await credential.getToken(["https://prometheus.monitor.azure.com/.default"]);
    expect(auth.calls).toHaveLength(2);
  });

  test("interactive asks to sign in; a tenant goes as VS Code's pseudo-scope", async () => {
    const auth = fakeAuth(token);
    await new MicrosoftSessionCredential(auth, { interactive: true, tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" }).getToken("https://management.azure.com/.default");
    expect(auth.calls[0]).toEqual({ scopes: ["https://management.azure.com/.default", "VSCODE_TENANT:72f988bf-86f1-41af-91ab-2d7cd011db47"], options: { createIfNone: true } });
  });

  test("two resources in one request are refused (Entra ID rejects them, AADSTS28000)", async () => {
    const credential = new MicrosoftSessionCredential(fakeAuth(token), { interactive: false });
    await expect(credential.getToken(["https://management.azure.com/.default", "https://prometheus.monitor.azure.com/.default"])).rejects.toBeInstanceOf(MicrosoftSignInError);
  });

  test("not signed in, silently: an error that says how to sign in", async () => {
    const credential = new MicrosoftSessionCredential(fakeAuth(undefined), { interactive: false });
    await expect(credential.getToken("https://prometheus.monitor.azure.com/.default")).rejects.toThrow(/Not signed in to Microsoft .* Connect Metrics/);
  });

  test("scopes and expiry parsing", () => {
    expect(defaultScopeOf("https://management.azure.com/")).toBe("https://management.azure.com/.default");
    expect(defaultScopeOf("https://prometheus.monitor.azure.com/.default")).toBe("https://prometheus.monitor.azure.com/.default");
    expect(jwtExpiryMs(jwt({ exp: 1700000000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiryMs("opaque-token")).toBeUndefined();
    expect(jwtExpiryMs("a.%%%.c")).toBeUndefined();
  });
});
