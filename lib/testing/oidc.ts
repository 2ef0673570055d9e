import type { IncomingMessage, ServerResponse } from 'node:http';
import { markOfflineAccess, OFFLINE_PARAM, replayRequest } from './browser-sdk.js';
import { randomBytes } from 'node:crypto';
import type { InteractionDetails, OidcGrant, Provider } from 'oidc-provider';
import { allClaims, claimsForScopes, KNOWN_SCOPES, SCOPE_CLAIMS } from './claims.js';
import { corsHeaders, parseForm, readBody, sendHtml, sendJson, type OriginPolicy } from './http.js';
import type { KeyRing } from './keys.js';
import { OidcStorage } from './oidc-adapter.js';
import { appOrigins, type AppRecord, type Store } from './store.js';
import {
  looksLikeJwt,
  readClientCredentials,
  secretsEqual,
  tokenFromAuthorization,
  type TokenService,
} from './tokens.js';
import type { EmulatorLogger } from './types.js';
import { lockedError, type Lockout } from './lockout.js';
import { verifyPassword } from './passwords.js';
import { consentPage, errorPage, loggedOutPage, loginPage, logoutPage } from './views.js';
import {
  backchannelLogoutMetadata,
  emulatorFetch,
  logoutKickedUser,
  watchBackchannelLogout,
  type BackchannelProvider,
} from './backchannel-logout.js';
import { forceLoginForTenant, TENANT_CLAIM, TENANT_PARAMS, tenantLoginRefusal, tenantParam } from './tenant-login.js';

/** The resource indicator every hosted-login access token is issued for: JWT, `aud` = appId. */
export const API_RESOURCE = 'urn:authing:emulator:api';

type OidcModule = typeof import('oidc-provider');
let oidcModule: Promise<OidcModule> | undefined;

/**
 * Loads oidc-provider once. It warns at import time on Node.js releases before 22 although it works on
 * Node.js 20; that one notice is filtered out, everything else it prints goes through.
 */
function loadOidcProvider(): Promise<OidcModule> {
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

export interface OidcOptions {
  issuer: string;
  store: Store;
  keys: () => KeyRing;
  tokens: TokenService;
  lockout: Lockout;
  allowedOrigin: OriginPolicy;
  refreshTokenTtlSeconds: number;
  logger: EmulatorLogger | undefined;
}

/**
 * The hosted login: oidc-provider mounted at `/oidc` with Authing's paths, our login and consent
 * pages, and Authing's behaviour where oidc-provider differs: JWT access tokens (`aud` = appId) that
 * `/oidc/me` accepts (also as `?access_token=`), and introspection and revocation of those JWTs.
 */
export class OidcFrontDoor {
  readonly storage: OidcStorage;
  #provider!: Provider;
  #callback!: (req: IncomingMessage, res: ServerResponse) => void;
  #module!: OidcModule;
  readonly #cookieKeys = [randomBytes(32).toString('base64url')];
  /** The Authing tenant each grant was signed in to (`tenantId` authorize parameter); its tokens say so. */
  readonly #grantTenants = new Map<string, string>();

  constructor(private readonly options: OidcOptions) {
    this.storage = new OidcStorage((clientId) => {
      const app = options.store.apps.get(clientId);
      return app ? clientMetadata(app) : undefined;
    });
  }

  /** Creates the provider; called again after a key rotation (state lives in the shared storage). */
  async build(): Promise<void> {
    this.#module ??= await loadOidcProvider();
    const provider = new this.#module.Provider(this.options.issuer, this.#configuration());
    // Behind a TLS-terminating proxy (an https issuer), trust its X-Forwarded-* headers.
    if (this.options.issuer.startsWith('https:')) (provider as unknown as { proxy: boolean }).proxy = true;
    provider.on('server_error', (_ctx, error) => this.options.logger?.error(`oidc-provider error: ${describe(error)}`));
    provider.on('access_token.issued', (token) => {
      const t = token as { jti: string; grantId?: string; exp?: number };
      this.options.tokens.noteIssued(t.jti, t.grantId, t.exp ?? 0);
    });
    provider.on('grant.revoked', (_ctx, grantId) => this.options.tokens.revokeGrant(String(grantId)));
    watchBackchannelLogout(provider, this.options.logger);
    // Koa's default error listener prints stack traces; route them to the logger instead.
    provider.on('error', (error) => this.options.logger?.error(`oidc-provider: ${describe(error)}`));
    this.#provider = provider;
    this.#callback = provider.callback();
  }

  /** Ends a kicked user's hosted-login sessions, telling applications by back-channel logout. */
  kickUser(userId: string): Promise<void> {
    return logoutKickedUser(this.#provider as unknown as BackchannelProvider, this.storage, userId);
  }

  /** Handles a request under `/oidc`. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const sub = path.slice('/oidc'.length);
    if (sub === '/me') return this.#userinfo(req, res);
    if (sub === '/token/introspection' && req.method === 'POST') return this.#introspect(req, res);
    if (sub === '/token/revocation' && req.method === 'POST') return this.#revoke(req, res);
    if (sub === '/token') {
      // The official SDK leaks the user's access token as a bare `authorization` header to the token
      // endpoint after setAccessToken(); Authing ignores it, oidc-provider would refuse it.
      const auth = req.headers.authorization;
      if (auth && !/^(Basic|DPoP)\s/i.test(auth)) delete req.headers.authorization;
      if (
        req.method === 'POST' &&
        !req.headers.authorization &&
        typeof req.headers['x-authing-app-id'] === 'string' &&
        /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
      ) {
        req = await this.#appIdAsClientId(req);
      }
    }
    let original = req.url ?? '/';
    if (sub === '/auth' && req.method === 'GET') original = forceLoginForTenant(markOfflineAccess(original));
    // oidc-provider finds its mount path by comparing originalUrl with url.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = original.slice('/oidc'.length) || '/';
    this.#callback(req, res);
  }

  /**
   * `@authing/web` refreshes with the app id in an `x-authing-app-id` header, no `client_id` and an
   * empty `redirect_uri`; Authing accepts that for a public app. The body is read and replayed with
   * `client_id` set (and the empty `redirect_uri` dropped) for oidc-provider.
   */
  async #appIdAsClientId(req: IncomingMessage): Promise<IncomingMessage> {
    const appId = req.headers['x-authing-app-id'] as string;
    const form = parseForm(await readBody(req));
    const app = this.options.store.apps.get(appId);
    if (form.client_id === undefined && app?.tokenEndpointAuthMethod === 'none') form.client_id = appId;
    if (form.redirect_uri === '') delete form.redirect_uri;
    return replayRequest(req, Buffer.from(new URLSearchParams(form).toString()));
  }

  /** Handles `/interaction/<uid>[/login|/confirm|/abort]`: the hosted login and consent pages. */
  async handleInteraction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(path);
    if (!match) return sendHtml(res, 404, errorPage('Not found', { error: 'not_found' }));
    const action = match[2];
    let details: InteractionDetails;
    try {
      details = await this.#provider.interactionDetails(req, res);
    } catch (error) {
      return sendHtml(
        res,
        400,
        errorPage('Sign-in session expired', {
          error: 'invalid_request',
          error_description: `${describe(error)}. Start the login again from the application.`,
        }),
      );
    }
    if (details.uid !== match[1]) {
      return sendHtml(res, 400, errorPage('Sign-in session mismatch', { error: 'invalid_request' }));
    }
    const clientId = String(details.params.client_id ?? '');
    const app = this.options.store.apps.get(clientId);
    const appName = app?.appName ?? clientId;

    if (action === undefined && req.method === 'GET') {
      if (details.prompt.name === 'login') return sendHtml(res, 200, loginPage({ uid: details.uid, appName }));
      if (details.prompt.name === 'consent') {
        const scopes = String(details.params.scope ?? '')
          .split(' ')
          .filter(Boolean);
        const explicit = String(details.params.prompt ?? '')
          .split(' ')
          .includes('consent');
        // Authing asks for consent only when offline access is requested; first-party logins pass.
        if (!scopes.includes('offline_access') && !explicit) return this.#grantConsent(req, res, details);
        const user = this.options.store.users.get(details.session?.accountId ?? '');
        const account = user?.profile.email ?? user?.profile.username ?? user?.profile.phone ?? '';
        return sendHtml(res, 200, consentPage({ uid: details.uid, appName, scopes, account }));
      }
      return sendHtml(
        res,
        400,
        errorPage('Unsupported prompt', { error: 'invalid_request', prompt: details.prompt.name }),
      );
    }
    if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Method not allowed', { error: 'invalid_request' }));
    const form = parseForm(await readBody(req));

    if (action === 'login') {
      if (details.prompt.name !== 'login')
        return sendHtml(res, 400, errorPage('No login pending', { error: 'invalid_request' }));
      const account = (form.account ?? form.email ?? form.username ?? '').trim();
      const user = account ? this.options.store.findByAccount(account) : undefined;
      const { lockout } = this.options;
      const locked = (seconds: number) =>
        sendHtml(res, 200, loginPage({ uid: details.uid, appName, account, error: lockedError(seconds).message }));
      if (user && lockout.remainingSeconds(user.userId) > 0) return locked(lockout.remainingSeconds(user.userId));
      const ok = user !== undefined && (await verifyPassword(form.password ?? '', user.passwordHash));
      if (user && !ok && lockout.fail(user.userId)) return locked(lockout.remainingSeconds(user.userId));
      if (user && ok) lockout.succeed(user.userId);
      if (!user || !ok) {
        return sendHtml(
          res,
          200,
          loginPage({ uid: details.uid, appName, account, error: 'Incorrect account or password. Please try again.' }),
        );
      }
      if (user.status !== 'Activated') {
        return sendHtml(
          res,
          200,
          loginPage({ uid: details.uid, appName, account, error: 'This account is suspended.' }),
        );
      }
      // Signing in to a tenant: only its members, and the grant (so the tokens) is that tenant's own.
      const tenantId = tenantParam(details.params);
      let consent: { grantId: string } | undefined;
      if (tenantId !== undefined) {
        const refusal = tenantLoginRefusal(this.options.store, tenantId, user.userId, clientId);
        if (refusal) return sendHtml(res, 200, loginPage({ uid: details.uid, appName, account, error: refusal }));
        consent = { grantId: await this.#tenantGrant(user.userId, clientId, details, tenantId) };
      }
      this.options.store.recordLogin(user, { appId: clientId, loginMethod: 'PASSWORD' });
      return this.#provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.userId, amr: ['pwd'], remember: true }, ...(consent ? { consent } : {}) },
        { mergeWithLastSubmission: false },
      );
    }
    if (action === 'confirm') {
      if (details.prompt.name !== 'consent') {
        return sendHtml(res, 400, errorPage('No consent pending', { error: 'invalid_request' }));
      }
      return this.#grantConsent(req, res, details);
    }
    return this.#provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  }

  /** A fresh grant for a tenant login (never one of another tenant), remembered as that tenant's. */
  async #tenantGrant(
    accountId: string,
    clientId: string,
    details: InteractionDetails,
    tenantId: string,
  ): Promise<string> {
    const grant = new this.#provider.Grant({ accountId, clientId });
    const scope = String(details.params.scope ?? 'openid')
      .split(' ')
      .filter((s) => KNOWN_SCOPES.includes(s))
      .join(' ');
    grant.addOIDCScope(scope);
    grant.addResourceScope(API_RESOURCE, scope);
    const grantId = await grant.save();
    this.#grantTenants.set(grantId, tenantId);
    return grantId;
  }

  /** The tenant claim of a token issued from a tenant login's grant. */
  #tenantClaims(token: { grantId?: string } | undefined): Record<string, string> {
    const tenantId = token?.grantId === undefined ? undefined : this.#grantTenants.get(token.grantId);
    return tenantId === undefined ? {} : { [TENANT_CLAIM]: tenantId };
  }

  async #grantConsent(req: IncomingMessage, res: ServerResponse, details: InteractionDetails): Promise<void> {
    const provider = this.#provider;
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id ?? '');
    if (!accountId) return sendHtml(res, 400, errorPage('Not signed in', { error: 'login_required' }));
    let grant: OidcGrant | undefined = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    grant ??= new provider.Grant({ accountId, clientId });
    const d = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /**
   * A refresh token for a `/api/v3/signin` login, stored in oidc-provider (with its grant) so the
   * standard `grant_type=refresh_token` at `/oidc/token` works for it.
   */
  async createRefreshToken(app: AppRecord, userId: string, scope: string): Promise<string> {
    const provider = this.#provider;
    const client = await provider.Client.find(app.appId);
    if (!client) throw new Error(`client ${app.appId} not found`);
    const grant = new provider.Grant({ accountId: userId, clientId: app.appId });
    grant.addOIDCScope(scope);
    grant.addResourceScope(API_RESOURCE, scope);
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId: userId,
      client,
      grantId,
      gty: 'password',
      scope,
      resource: API_RESOURCE,
      authTime: Math.floor(Date.now() / 1000),
      expiresWithSession: false,
      rotations: 0,
    });
    return token.save();
  }

  // ─── Authing-compatible endpoints in front of oidc-provider ─────────────────────────────────────

  async #userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req, this.options.allowedOrigin);
    const url = new URL(req.url ?? '/', 'http://x');
    let token = url.searchParams.get('access_token') ?? tokenFromAuthorization(req.headers);
    if (!token && req.method === 'POST') token = parseForm(await readBody(req)).access_token;
    const fail = (description: string): void =>
      sendJson(
        res,
        401,
        { error: 'invalid_token', error_description: description },
        {
          ...cors,
          'www-authenticate': `Bearer realm="${this.options.issuer}", error="invalid_token", error_description="${description.replace(/[^\x20-\x7e]|["\\]/g, "'")}"`,
        },
      );
    if (!token) return fail('no access token provided');
    let claims;
    try {
      claims = await this.options.tokens.verifyAccessToken(token);
    } catch (error) {
      return fail(`invalid access token: ${describe(error)}`);
    }
    const user = this.options.store.users.get(claims.sub);
    if (!user) return fail('the user of this token no longer exists');
    sendJson(res, 200, claimsForScopes(user, this.options.store, claims.scope.split(' ')), cors);
  }

  /** Client authentication of introspection and revocation: any correct secret, or none for public apps. */
  #authenticateClient(req: IncomingMessage, form: Record<string, string>): AppRecord | string {
    const credentials = readClientCredentials(req.headers, form);
    if (!credentials.clientId) return 'client authentication is required';
    const app = this.options.store.apps.get(credentials.clientId);
    if (!app) return 'unknown client';
    if (credentials.clientSecret !== undefined) {
      return secretsEqual(credentials.clientSecret, app.appSecret) ? app : 'invalid client secret';
    }
    return app.tokenEndpointAuthMethod === 'none' ? app : 'client authentication is required';
  }

  /**
   * What introspection and revocation share (RFC 7662/7009): an authenticated client and a `token`
   * form field. Answers the error itself and returns undefined when either is missing.
   */
  async #tokenRequest(req: IncomingMessage, res: ServerResponse) {
    const form = parseForm(await readBody(req));
    const cors = corsHeaders(req, this.options.allowedOrigin);
    const app = this.#authenticateClient(req, form);
    if (typeof app === 'string') {
      sendJson(res, 401, { error: 'invalid_client', error_description: app }, cors);
      return undefined;
    }
    const token = form.token;
    if (!token) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'missing required parameter token' }, cors);
      return undefined;
    }
    return { form, cors, app, token };
  }

  async #introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await this.#tokenRequest(req, res);
    if (!request) return;
    const { cors, app, token } = request;
    const publicClient = app.tokenEndpointAuthMethod === 'none';
    if (looksLikeJwt(token)) {
      try {
        const claims = await this.options.tokens.verifyAccessToken(token);
        const clientId = claims.client_id ?? (typeof claims.aud === 'string' ? claims.aud : undefined);
        if (publicClient && clientId !== app.appId) return sendJson(res, 200, { active: false }, cors);
        return sendJson(
          res,
          200,
          {
            active: true,
            sub: claims.sub,
            client_id: clientId,
            exp: claims.exp,
            iat: claims.iat,
            iss: claims.iss,
            scope: claims.scope,
            aud: claims.aud,
            jti: claims.jti,
            token_type: 'Bearer',
          },
          cors,
        );
      } catch {
        return sendJson(res, 200, { active: false }, cors);
      }
    }
    const refresh = await this.#provider.RefreshToken.find(token);
    const grant = refresh ? await this.#provider.Grant.find(refresh.grantId) : undefined;
    if (!refresh || !refresh.isValid || !grant || (publicClient && refresh.clientId !== app.appId)) {
      return sendJson(res, 200, { active: false }, cors);
    }
    return sendJson(
      res,
      200,
      {
        active: true,
        sub: refresh.accountId,
        client_id: refresh.clientId,
        exp: refresh.exp,
        iat: refresh.iat,
        iss: this.options.issuer,
        scope: refresh.scope,
        token_type: 'refresh_token',
      },
      cors,
    );
  }

  async #revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await this.#tokenRequest(req, res);
    if (!request) return;
    const { cors, app, token } = request;
    // RFC 7009 2.1: only the client a token was issued to may revoke it. As oidc-provider (and so
    // Authing) answers: a confidential client gets an error, a public one a silent no-op.
    const notYours = (): void =>
      sendJson(
        res,
        400,
        { error: 'invalid_request', error_description: 'client is not authorized to revoke the presented token' },
        cors,
      );
    if (looksLikeJwt(token)) {
      let claims;
      try {
        claims = await this.options.tokens.verifyAccessToken(token);
      } catch {
        // RFC 7009: an invalid token is not an error.
      }
      if (claims) {
        const clientId = claims.client_id ?? (typeof claims.aud === 'string' ? claims.aud : undefined);
        if (clientId === app.appId) this.options.tokens.revoke(claims.jti, claims.exp);
        else if (app.tokenEndpointAuthMethod !== 'none') return notYours();
      }
    } else {
      const refresh = await this.#provider.RefreshToken.find(token);
      if (refresh && refresh.clientId !== app.appId && app.tokenEndpointAuthMethod !== 'none') return notYours();
      if (refresh && refresh.clientId === app.appId) {
        await refresh.destroy();
        const grant = await this.#provider.Grant.find(refresh.grantId);
        await grant?.destroy();
        this.storage.revokeGrant(refresh.grantId);
        this.options.tokens.revokeGrant(refresh.grantId);
      }
    }
    res.writeHead(200, { 'content-length': '0', 'cache-control': 'no-store', ...cors });
    res.end();
  }

  #configuration(): Record<string, unknown> {
    const { store, tokens, issuer } = this.options;
    const errors = this.#module.errors;
    const ttl = tokens.ttlSeconds;
    return {
      adapter: this.storage.factory,
      fetch: emulatorFetch,
      clients: [],
      jwks: { keys: this.options.keys().privateJwks },
      cookies: {
        keys: this.#cookieKeys,
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
      extraTokenClaims: async (_ctx: unknown, token: { grantId?: string }) => this.#tenantClaims(token),
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
        // Both endpoints are answered by #introspect and #revoke above; these policies mirror them.
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
        return { accountId: sub, claims: async () => ({ ...allClaims(user, store), ...this.#tenantClaims(token) }) };
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
        RefreshToken: this.options.refreshTokenTtlSeconds,
        Grant: Math.max(30 * 24 * 3600, this.options.refreshTokenTtlSeconds),
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
function clientMetadata(app: AppRecord): Record<string, unknown> {
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

function describe(error: unknown): string {
  if (error instanceof Error) {
    const detail = (error as Error & { error_description?: string }).error_description;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}
