/**
 * The Microsoft identity platform as @azure/identity's ClientSecretCredential (through MSAL) calls it:
 * - OpenID Connect discovery, GET /{tenant}/v2.0/.well-known/openid-configuration
 *   (learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri);
 *   MSAL checks that `issuer` is on the authority's own host.
 * - Instance discovery, GET /common/discovery/instance?api-version=1.1&authorization_endpoint=… — MSAL sends it to
 *   login.microsoftonline.com whatever the authority host, so a client pointed here sets `disableInstanceDiscovery`
 *   (never reaching the public cloud); it is answered here for clients that ask this host.
 * - The client credentials grant, POST /{tenant}/oauth2/v2.0/token with client_id, client_secret, scope,
 *   grant_type=client_credentials (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow);
 *   failures as `error`/`error_description` with the AADSTS code Entra ID sends (AADSTS7000215 for a wrong secret).
 * The access token is JWT-shaped (unsigned) so a client that decodes it finds the usual claims.
 */
import type { ArmReply, ArmRequest } from './wire';

export interface Principal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const TOKEN_SECONDS = 3599;

export class Identity {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly principal: Principal, private readonly base: () => string) {}

  /** True when `authorization` carries a bearer token this authority issued and that has not expired. */
  accepts(authorization: string | undefined): boolean {
    const m = /^Bearer (.+)$/i.exec(authorization ?? '');
    const expires = m ? this.tokens.get(m[1]) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  /** Answers an identity-platform request, or undefined when the path is not one. */
  handle(req: ArmRequest): ArmReply | undefined {
    const [tenant, a, b, c] = req.segments;
    if (req.method === 'GET' && tenant?.toLowerCase() === 'common' && a === 'discovery' && b === 'instance') return this.instanceDiscovery(req);
    if (req.method === 'GET' && a === 'v2.0' && b === '.well-known' && c === 'openid-configuration') return this.openIdConfiguration(tenant);
    if (req.method === 'POST' && a === 'oauth2' && b === 'v2.0' && c === 'token') return this.token(tenant, new URLSearchParams(req.rawBody));
    return undefined;
  }

  private oauthError(status: number, error: string, code: number, description: string): ArmReply {
    return {
      status,
      body: { error, error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${crypto.randomUUID()}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString() },
    };
  }

  private knownTenant(tenant: string | undefined): boolean {
    return tenant !== undefined && [this.principal.tenantId.toLowerCase(), 'organizations', 'common'].includes(tenant.toLowerCase());
  }

  private openIdConfiguration(tenant: string): ArmReply {
    if (!this.knownTenant(tenant)) return this.oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    const root = `${this.base()}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${root}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${root}/v2.0`,
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
      },
    };
  }

  private instanceDiscovery(req: ArmRequest): ArmReply {
    const host = new URL(this.base()).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${this.base()}/${this.principal.tenantId}/v2.0/.well-known/openid-configuration`,
        'api-version': req.query.get('api-version') ?? '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  }

  private token(tenant: string, form: URLSearchParams): ArmReply {
    if (!this.knownTenant(tenant)) return this.oauthError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    if (form.get('grant_type') !== 'client_credentials') return this.oauthError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`);
    const scope = form.get('scope') ?? '';
    if (!/\/\.default$/.test(scope.split(' ')[0] ?? '')) return this.oauthError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const clientId = form.get('client_id') ?? '';
    if (clientId !== this.principal.clientId) return this.oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    if (form.get('client_secret') !== this.principal.clientSecret) {
      return this.oauthError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ typ: 'JWT', alg: 'none' })}.${b64({ aud: scope.replace(/\/\.default$/, ''), iss: `https://sts.windows.net/${this.principal.tenantId}/`, iat: now, nbf: now, exp: now + TOKEN_SECONDS, appid: clientId, tid: this.principal.tenantId, oid: crypto.randomUUID() })}.${crypto.randomUUID()}`;
    // The issuer Azure's v1 access tokens for a resource carry (what Azurite checks when it validates a bearer token).
    this.tokens.set(token, Date.now() + TOKEN_SECONDS * 1000);
    return { status: 200, body: { token_type: 'Bearer', expires_in: TOKEN_SECONDS, ext_expires_in: TOKEN_SECONDS, access_token: token } };
  }
}
