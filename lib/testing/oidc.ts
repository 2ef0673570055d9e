import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Provider } from 'oidc-provider';
import { markOfflineAccess } from './browser-sdk.js';
import type { OriginPolicy } from './http.js';
import type { KeyRing } from './keys.js';
import { OidcStorage } from './oidc-adapter.js';
import type { AppRecord, Store } from './store.js';
import type { TokenService } from './tokens.js';
import type { EmulatorLogger } from './types.js';
import type { Lockout } from './lockout.js';
import { logoutKickedUser, watchBackchannelLogout, type BackchannelProvider } from './backchannel-logout.js';
import { forceLoginForTenant, TENANT_CLAIM } from './tenant-login.js';
import { handleInteraction, type InteractionContext } from './oidc/interactions.js';
import {
  API_RESOURCE,
  clientMetadata,
  describe,
  loadOidcProvider,
  providerConfiguration,
  type OidcModule,
} from './oidc/provider-config.js';
import { appIdAsClientId, introspect, revoke, userinfo, type TokenEndpointContext } from './oidc/token-endpoints.js';

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
  readonly #endpoints: TokenEndpointContext;
  readonly #interactions: InteractionContext;

  constructor(private readonly options: OidcOptions) {
    this.storage = new OidcStorage((clientId) => {
      const app = options.store.apps.get(clientId);
      return app ? clientMetadata(app) : undefined;
    });
    // The provider is read at each use: build() replaces it after a key rotation.
    const provider = (): Provider => this.#provider;
    const { issuer, store, tokens, allowedOrigin, lockout } = options;
    this.#endpoints = {
      get provider() {
        return provider();
      },
      storage: this.storage,
      issuer,
      store,
      tokens,
      allowedOrigin,
    };
    this.#interactions = {
      get provider() {
        return provider();
      },
      store,
      lockout,
      grantTenants: this.#grantTenants,
    };
  }

  /** Creates the provider; called again after a key rotation (state lives in the shared storage). */
  async build(): Promise<void> {
    this.#module ??= await loadOidcProvider();
    const { issuer, store, keys, tokens, refreshTokenTtlSeconds } = this.options;
    const configuration = providerConfiguration({
      module: this.#module,
      issuer,
      store,
      keys,
      tokens,
      refreshTokenTtlSeconds,
      storage: this.storage,
      cookieKeys: this.#cookieKeys,
      tenantClaims: (token) => this.#tenantClaims(token),
    });
    const provider = new this.#module.Provider(issuer, configuration);
    // Behind a TLS-terminating proxy (an https issuer), trust its X-Forwarded-* headers.
    if (issuer.startsWith('https:')) (provider as unknown as { proxy: boolean }).proxy = true;
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
    if (sub === '/me') return userinfo(this.#endpoints, req, res);
    if (sub === '/token/introspection' && req.method === 'POST') return introspect(this.#endpoints, req, res);
    if (sub === '/token/revocation' && req.method === 'POST') return revoke(this.#endpoints, req, res);
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
        req = await appIdAsClientId(this.options.store, req);
      }
    }
    let original = req.url ?? '/';
    if (sub === '/auth' && req.method === 'GET') original = forceLoginForTenant(markOfflineAccess(original));
    // oidc-provider finds its mount path by comparing originalUrl with url.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = original.slice('/oidc'.length) || '/';
    this.#callback(req, res);
  }

  /** Handles `/interaction/<uid>[/login|/confirm|/abort]`: the hosted login and consent pages. */
  handleInteraction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    return handleInteraction(this.#interactions, req, res, path);
  }

  /** The tenant claim of a token issued from a tenant login's grant. */
  #tenantClaims(token: { grantId?: string } | undefined): Record<string, string> {
    const tenantId = token?.grantId === undefined ? undefined : this.#grantTenants.get(token.grantId);
    return tenantId === undefined ? {} : { [TENANT_CLAIM]: tenantId };
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
}
