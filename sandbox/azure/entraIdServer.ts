/**
 * The Entra ID (Azure AD) endpoints MSAL uses for a confidential client, as `@azure/identity`'s
 * ClientSecretCredential reaches them with `authorityHost` + `disableInstanceDiscovery`:
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration
 *   GET  /{tenant}/discovery/v2.0/keys
 *   POST /{tenant}/oauth2/v2.0/token   (form-urlencoded client_credentials)
 * Errors carry the AADSTS codes and the body shape Entra sends (error, error_description with
 * trace and correlation ids, error_codes, timestamp, trace_id, correlation_id).
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type ServerResponse } from "node:http";
import { type AccessTokenIssuer } from "./accessTokens";
import { readRequestBody, sendJson } from "./httpsListener";

export interface EntraIdApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The service principal's object id: the `oid` of its tokens, the principal role assignments name. */
  readonly objectId: string;
}

export interface EntraIdOptions {
  readonly tenantId: string;
  readonly apps: readonly EntraIdApp[];
  readonly issuer: AccessTokenIssuer;
  /** Resources (application ID URIs) a token can be asked for; the scope is `<resource>/.default`. */
  readonly resources: readonly string[];
  readonly nowMs: () => number;
  readonly tokenLifetimeSeconds?: number;
}

/** Scopes MSAL may add on its own; they do not name a resource. */
const oidcScopes = new Set(["openid", "profile", "offline_access", "email"]);

export function createEntraIdHandler(baseUrl: () => string, opts: EntraIdOptions) {
  const lifetime = opts.tokenLifetimeSeconds ?? 3599;

  function aadError(response: ServerResponse, status: number, error: string, code: number, description: string): void {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(opts.nowMs()).toISOString().replace(/\.\d+Z$/, "Z");
    sendJson(response, status, {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp.replace("T", " ")}`,
      error_codes: [code],
      timestamp: timestamp.replace("T", " "),
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${baseUrl()}/error?code=${code}`,
    });
  }

  function openIdConfiguration(tenant: string): Record<string, unknown> {
    const base = `${baseUrl()}/${tenant}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
      rbac_url: "https://pas.windows.net",
    };
  }

  function clientCredentials(request: IncomingMessage, form: URLSearchParams): { clientId?: string; secret?: string } {
    // client_secret_basic: "Basic base64(urlencode(id):urlencode(secret))" (RFC 6749 §2.3.1).
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
      return { clientId: decodeURIComponent(id ?? ""), secret: decodeURIComponent(secret ?? "") };
    }
    return { clientId: form.get("client_id") ?? undefined, secret: form.get("client_secret") ?? undefined };
  }

  async function token(request: IncomingMessage, response: ServerResponse, tenant: string): Promise<void> {
    const form = new URLSearchParams(await readRequestBody(request));
    const grantType = form.get("grant_type");
    if (!grantType) return aadError(response, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grantType !== "client_credentials") {
      return aadError(response, 400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType}'.`);
    }
    const { clientId, secret } = clientCredentials(request, form);
    if (!clientId) return aadError(response, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
    const app = opts.apps.find((a) => a.clientId === clientId);
    if (!app) {
      return aadError(
        response,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    if (form.has("client_assertion")) {
      return aadError(response, 401, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not registered on application.");
    }
    if (!secret) {
      return aadError(response, 401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (secret !== app.clientSecret) {
      return aadError(
        response,
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    const scopes = (form.get("scope") ?? "").split(/\s+/).filter((s) => s && !oidcScopes.has(s));
    if (scopes.length === 0) return aadError(response, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
    const resources = new Set(scopes.map((s) => s.replace(/\/\.default$/, "").replace(/\/+$/, "")));
    if (resources.size > 1) {
      return aadError(response, 400, "invalid_request", 28000, `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scopes.join(" ")} is not valid.`);
    }
    const scope = scopes[0] as string;
    if (!scope.endsWith("/.default")) {
      return aadError(
        response,
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const audience = scope.slice(0, -"/.default".length);
    if (!opts.resources.includes(audience.replace(/\/+$/, ""))) {
      return aadError(
        response,
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${audience} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    const accessToken = opts.issuer.issue({ audience, appId: app.clientId, objectId: app.objectId, nowSeconds: Math.floor(opts.nowMs() / 1000), lifetimeSeconds: lifetime });
    sendJson(response, 200, { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken }, { Pragma: "no-cache" });
  }

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "https://login.invalid");
    const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/.exec(url.pathname);
    if (!match) return sendJson(response, 404, { error: "not_found", error_description: `No route for ${url.pathname}` });
    const [, tenant, route] = match as unknown as [string, string, string];
    if (tenant !== opts.tenantId) {
      return aadError(
        response,
        400,
        "invalid_tenant",
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    }
    if (route === "oauth2/v2.0/token") {
      if (request.method !== "POST") return aadError(response, 400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.");
      return token(request, response, tenant);
    }
    if (request.method !== "GET") return sendJson(response, 405, { error: "method_not_allowed" });
    if (route === "discovery/v2.0/keys") return sendJson(response, 200, { keys: [] });
    return sendJson(response, 200, openIdConfiguration(tenant));
  };
}
