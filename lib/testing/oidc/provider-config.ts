import { OFFLINE_PARAM } from '../browser-sdk.js';
import { allClaims, KNOWN_SCOPES, SCOPE_CLAIMS } from '../claims.js';
import type { KeyRing } from '../keys.js';
import type { OidcStorage } from '../oidc-adapter.js';
import { appOrigins, type AppRecord, type Store } from '../store.js';
import type { TokenService } from '../tokens.js';
import { errorPage, loggedOutPage, logoutPage } from '../views.js';
import { backchannelLogoutMetadata, emulatorFetch } from '../backchannel-logout.js';
import { TENANT_CLAIM, TENANT_PARAMS } from '../tenant-login.js';

/** The resource indicator every hosted-login access token is issued for: JWT, `aud` = appId. */
export const API_RESOURCE = 'urn:authing:emulator:api';

export type OidcModule = typeof import('oidc-provider');
let oidcModule: Promise<OidcModule> | undefined;

/**
 * Loads oidc-provider once. It warns at import time on Node.js releases before 22 although it works on
 * Node.js 20; that one notice is filtered out, everything else it prints goes through.
 */
export function loadOidcProvider(): Promise<OidcModule> {
  oidcModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return oidcModule;
}

/** What the oidc-provider configuration is built from. */
export interface ProviderConfigInput {
  module: OidcModule;
  issuer: string;
  store: Store;
  keys: () => KeyRing;
  tokens: TokenService;
  refreshTokenTtlSeconds: number;
  storage: OidcStorage;
  cookieKeys: string[];
  /** The tenant claim of a token issued from a tenant login's grant. */
  tenantClaims: (token: { grantId?: string } | undefined) => Record<string, string>;
}

/** The oidc-provider configuration: Authing's paths, cookies, lifetimes, and JWT access tokens. */
export function providerConfiguration(input: ProviderConfigInput): Record<string, unknown> {
  const { store, tokens, issuer, tenantClaims } = input;
  const errors = input.module.errors;
  const ttl = tokens.ttlSeconds;
  return {
    adapter: input.storage.factory,
    fetch: emulatorFetch,
    clients: [],
    jwks: { keys: input.keys().privateJwks },
    cookies: {
      keys: input.cookieKeys,
      names: { session: '_authing_session', interaction: '_authing_interaction', resume: '_authing_resume' },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    claims: { acr: null, sid: null, auth_time: null, iss: null, ...SCOPE_CLAIMS, openid: ['sub', TENANT_CLAIM] },
    scopes: KNOWN_SCOPES,
    // Advertise what is served: the code flow, these client authentications, no DPoP.
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
    // See markOfflineAccess: a refresh token for offline_access without prompt=consent, as Authing.
    extraParams: [OFFLINE_PARAM, ...TENANT_PARAMS],
    extraTokenClaims: async (_ctx: unknown, token: { grantId?: string }) => tenantClaims(token),
    expiresWithSession: async (ctx: KoaLike, code: { scopes: Set<string> }) =>
      !(code.scopes.has('offline_access') || ctx.oidc?.params?.[OFFLINE_PARAM] === '1'),
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
      code: { kind: string; scopes: Set<string>; expiresWithSession?: boolean },
    ) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || (code.kind === 'AuthorizationCode' && code.expiresWithSession !== true)),
    features: {
      devInteractions: { enabled: false },
      // @authing/web's silent login (prompt=none in a hidden iframe) and popup login.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      introspection: { enabled: true, allowedPolicy: async () => true },
      // Both endpoints are answered by introspect and revoke (token-endpoints.ts); these policies mirror them.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      dPoP: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaLike, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form, ctx.host);
        },
        postLogoutSuccessSource: async (ctx: KoaLike) => {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf?.[0] ?? API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx: KoaLike, indicator: string, client: { clientId: string }) => {
          if (indicator !== API_RESOURCE) throw new errors.InvalidTarget();
          const params = ctx?.oidc?.params ?? {};
          // Machine-to-machine tokens may carry any scope the application asks for.
          const extra =
            params.grant_type === 'client_credentials' && typeof params.scope === 'string'
              ? params.scope.split(' ').filter(Boolean)
              : [];
          return {
            scope: [...new Set([...KNOWN_SCOPES, ...extra])].join(' '),
            audience: client.clientId,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: {
      customizers: {
        // Authing's access tokens carry `typ: JWT`.
        jwt: async (_ctx: unknown, _token: unknown, jwt: { header?: Record<string, unknown> }) => {
          jwt.header = { typ: 'JWT' };
        },
      },
    },
    findAccount: async (_ctx: unknown, sub: string, token?: { grantId?: string }) => {
      const user = store.users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ ...allClaims(user, store), ...tenantClaims(token) }) };
    },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // The token endpoint and the others oidc-provider answers itself: the client's own origins.
    clientBasedCORS: (_ctx: unknown, origin: string, client: { clientId: string }) => {
      const app = store.apps.get(client.clientId);
      return app !== undefined && appOrigins(app).has(origin);
    },
    renderError: async (ctx: KoaLike, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = errorPage(errorTitle(ctx.oidc?.route), out);
    },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      IdToken: tokens.idTokenTtlSeconds,
      AuthorizationCode: 60,
      RefreshToken: input.refreshTokenTtlSeconds,
      Grant: Math.max(30 * 24 * 3600, input.refreshTokenTtlSeconds),
      Session: 14 * 24 * 3600,
      Interaction: 3600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
    },
    routes: {
      authorization: '/auth',
      token: '/token',
      userinfo: '/me',
      introspection: '/token/introspection',
      revocation: '/token/revocation',
      end_session: '/session/end',
      jwks: '/.well-known/jwks.json',
    },
    discovery: { service_documentation: `${issuer.replace(/\/oidc$/, '')}/` },
  };
}

interface KoaLike {
  type: string;
  body: unknown;
  host: string;
  oidc?: { params?: Record<string, unknown>; route?: string };
}

/** The title of an error page, named for what failed. */
function errorTitle(route: string | undefined): string {
  if (route === 'end_session' || route === 'end_session_confirm' || route === 'end_session_success') {
    return 'Sign-out error';
  }
  if (route === 'authorization' || route === 'resume') return 'Sign-in error';
  return 'Error';
}

/** Metadata of an application as an oidc-provider client. */
export function clientMetadata(app: AppRecord): Record<string, unknown> {
  const isPublic = app.tokenEndpointAuthMethod === 'none';
  return {
    client_id: app.appId,
    ...(isPublic ? {} : { client_secret: app.appSecret }),
    client_name: app.appName,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.logoutRedirectUris,
    grant_types: isPublic
      ? ['authorization_code', 'refresh_token']
      : ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    application_type: 'web',
    ...backchannelLogoutMetadata(app),
  };
}

/** An oidc-provider error as one line: its message and, when it has one, its description. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const detail = (error as Error & { error_description?: string }).error_description;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}
