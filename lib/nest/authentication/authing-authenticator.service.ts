import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import {
  AuthingError,
  AuthingHttpError,
  AuthingNetworkError,
  AuthingTokenError,
  type AccessTokenClaims,
  type IntrospectionResult,
  type OidcTokenSet,
} from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import { defaultExtractToken, type AuthingRequest } from '../request/request-context.js';
import { RequestMemo } from '../request/request-memo.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { crossOriginReason, isUnsafeMethod, type OriginCheckMode } from '../csrf/request-origin.js';
import { readLogin, sessionOf, type AuthingSessionRecord } from '../session/authing-session.js';
import { createAuthingUser, type AuthingUser } from '../user/authing-user.js';
import { renewAcrossReplicas, SessionRenewalUnavailableError } from '../cluster/cluster-renewal.js';
import { sharedSessionOf } from '../cluster/shared-session.js';
import { enforceLifetime, isStoreError, persistLogin } from '../session/session-upkeep.js';
import { TtlCache, tokenKey } from '../cache/ttl-cache.js';
import { AUTHING_TENANCY, NO_TENANT, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';

/** The outcome of authenticating a request. */
export type AuthenticationResult =
  | { status: 'authenticated'; user: AuthingUser }
  /** No token and no logged-in session. */
  | { status: 'anonymous' }
  /** A token was presented and refused; `check` says which check failed. */
  | { status: 'invalid'; check: string; description: string }
  /** The identity server was needed and could not be reached (answer 503). */
  | { status: 'unavailable'; description: string };

type IntrospectionOutcome = { active: true; claims: IntrospectionResult } | { active: false };

/** The last bearer header a connection presented that was verified, and its user. */
interface ConnectionBearer {
  header: string;
  claims: AccessTokenClaims;
  user: AuthingUser;
}

/**
 * Authenticates requests: a bearer access token (verified locally, or by introspection when so
 * configured) or the logged-in session. Results are memoised per request, so several guards on one
 * route verify the token once.
 */
@Injectable()
export class AuthingAuthenticator {
  readonly #memo = new RequestMemo<Promise<AuthenticationResult>>('authentication');
  readonly #authenticateRequest = (request: object): Promise<AuthenticationResult> =>
    this.#authenticate(request as AuthingRequest);
  readonly #bearerResults = new WeakMap<object, AuthenticationResult>();
  readonly #connections = new WeakMap<object, ConnectionBearer>();
  readonly #renewals = new Map<string, Promise<AuthingSessionRecord | undefined>>();
  readonly #introspection = new TtlCache<Promise<IntrospectionOutcome>>(10_000);
  readonly #logger = new Logger('AuthingGuard');
  /** With the `tenancy` option only: this instance dispatches each request to its tenant's authenticator. */
  readonly #tenancy: TenancyDispatch | undefined;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
    @Optional() @Inject(AUTHING_TENANCY) tenancy?: TenancyDispatch,
  ) {
    this.#tenancy = tenancy?.enabled ? tenancy : undefined;
  }

  /** Authenticates a request; memoised per request object unless `memoise` is false. */
  authenticate(request: AuthingRequest, options: { memoise?: boolean } = {}): Promise<AuthenticationResult> {
    if (this.#tenancy !== undefined) {
      return this.#tenancy.authenticatorOf(request)?.authenticate(request, options) ?? Promise.resolve(NO_TENANT);
    }
    if (options.memoise === false) return this.#authenticate(request);
    return this.#memo.of(request, this.#authenticateRequest);
  }

  /**
   * The request's user without waiting, when it carries a bearer token that was already verified and
   * is still remembered; `undefined` otherwise (then call {@link authenticate}). This keeps a warm
   * request free of promises: under load each one costs more than the lookup itself.
   */
  authenticateCached(request: AuthingRequest): AuthingUser | undefined {
    if (this.#tenancy !== undefined) return this.#tenancy.authenticatorOf(request)?.authenticateCached(request);
    if (this.options.tokenValidation !== 'local') return undefined;
    // A keep-alive connection usually repeats its header: the same header as the connection's last
    // verified one, whose claims the SDK still remembers, is that user again, without hashing the
    // token. Only with the default extractor, for which the header alone decides the token.
    const header = request.headers.authorization;
    const connection = this.options.extractToken ? undefined : (request as { socket?: object }).socket;
    if (connection && typeof header === 'string') {
      const last = this.#connections.get(connection);
      if (last && last.header === header && this.root.isVerifiedAccessTokenRemembered(last.claims)) return last.user;
    }
    let token: string | undefined;
    try {
      token = (this.options.extractToken ?? defaultExtractToken)(request);
    } catch {
      return undefined; // the full path reports it
    }
    if (!token) return undefined;
    const claims = this.root.peekVerifiedAccessToken(token);
    if (!claims) return undefined;
    const result = this.#bearerResult(claims, token);
    if (result.status !== 'authenticated') return undefined;
    if (connection && typeof header === 'string') this.#remember(connection, header, claims, result.user);
    return result.user;
  }

  #remember(connection: object, header: string, claims: AccessTokenClaims, user: AuthingUser): void {
    const last = this.#connections.get(connection);
    if (!last) {
      this.#connections.set(connection, { header, claims, user });
      return;
    }
    last.header = header;
    last.claims = claims;
    last.user = user;
  }

  #bearerResult(claims: object, token: string): AuthenticationResult {
    // The verifier hands back the same claims object for a remembered token, so the (immutable)
    // user built from it is reused too instead of being rebuilt for every request.
    let result = this.#bearerResults.get(claims);
    if (!result) {
      // Another tenant's token (same application, another Authing tenant): refused, and remembered so.
      const refused = tenantRefusal(this.options, claims as Record<string, unknown>);
      if (refused) {
        this.#bearerResults.set(claims, refused);
        return refused;
      }
      const user = createAuthingUser({ claims: claims as Record<string, unknown>, via: 'bearer', accessToken: token });
      result = { status: 'authenticated', user };
      this.#bearerResults.set(claims, result);
    }
    return result;
  }

  /**
   * Why a request the session cookie authenticates must be refused as cross-site (CSRF), or
   * undefined. Only unsafe methods are checked (`strict` checks any method: logout by GET); nothing
   * is checked when the `csrf` option is off.
   */
  crossSiteRefusal(request: AuthingRequest, mode: OriginCheckMode = 'lenient'): string | undefined {
    if (this.#tenancy !== undefined) {
      return this.#tenancy.authenticatorOf(request)?.crossSiteRefusal(request, mode);
    }
    const csrf = this.options.csrf;
    if (!csrf.enabled || (mode === 'lenient' && !isUnsafeMethod(request))) return undefined;
    const ownOrigin = this.options.redirectUri ? new URL(this.options.redirectUri).origin : undefined;
    return crossOriginReason(request, { allowedOrigins: csrf.allowedOrigins, ownOrigin }, mode);
  }

  /** Verifies a bearer access token as the guard would, without a request. */
  async verifyBearer(token: string): Promise<AuthenticationResult> {
    return this.options.tokenValidation === 'introspection' ? this.#introspect(token) : this.#verifyLocally(token);
  }

  async #authenticate(request: AuthingRequest): Promise<AuthenticationResult> {
    const extract = this.options.extractToken ?? defaultExtractToken;
    let token: string | undefined;
    try {
      token = extract(request);
    } catch (error) {
      // Only the error's class: its message may quote the raw credential it could not read.
      this.#logger.warn(`extractToken threw ${(error as Error)?.name ?? typeof error}; the request is refused`);
      return { status: 'invalid', check: 'format', description: 'format: the token could not be read' };
    }
    if (token !== undefined && token !== '') return this.verifyBearer(token);
    let login: AuthingSessionRecord | undefined;
    try {
      login = readLogin(request, this.options.sessionKey, Date.now(), { keepExpired: true });
    } catch (error) {
      return this.#failure(error); // the session store could not be read: 503, not anonymous
    }
    // The absolute and inactivity limits hold whatever the refresh token still allows.
    if (login) login = enforceLifetime(request, this.options.sessionKey, login, this.options.sessionLifetime);
    if (login && login.expiresAt <= Date.now()) {
      try {
        login = await this.#renewLogin(request, login);
      } catch (error) {
        return this.#failure(error);
      }
    }
    if (login) {
      const user = createAuthingUser({
        claims: login.claims,
        roles: login.roles,
        via: 'session',
        accessToken: login.accessToken,
        idToken: login.idToken,
      });
      return { status: 'authenticated', user };
    }
    return { status: 'anonymous' };
  }

  /**
   * A session whose access token has expired lives on with its refresh token (the login asked for
   * `offline_access`): new tokens replace the old in the session. Without one, or when Authing refuses
   * it, the login ends. Concurrent requests of one session share one refresh, since Authing may rotate
   * the refresh token and a second use of the old one would fail.
   */
  async #renewLogin(request: AuthingRequest, login: AuthingSessionRecord): Promise<AuthingSessionRecord | undefined> {
    const key = this.options.sessionKey;
    const session = sessionOf(request);
    if (!login.refreshToken || !session) {
      if (session) delete session[key];
      return undefined;
    }
    const shared = this.options.cluster ? sharedSessionOf(request) : undefined;
    if (this.options.cluster && shared) {
      return renewAcrossReplicas(
        this.options.cluster,
        shared,
        key,
        login,
        (current) => this.#refresh(current),
        (record) => persistLogin(request, key, record),
      );
    }
    const refreshToken = login.refreshToken;
    let renewal = this.#renewals.get(refreshToken);
    if (!renewal) {
      renewal = this.#refresh(login).finally(() => this.#renewals.delete(refreshToken));
      this.#renewals.set(refreshToken, renewal);
    }
    const renewed = await renewal;
    if (renewed) session[key] = renewed;
    else delete session[key];
    return renewed;
  }

  async #refresh(login: AuthingSessionRecord): Promise<AuthingSessionRecord | undefined> {
    const response = await this.root.getNewAccessTokenByRefreshToken(login.refreshToken!);
    const tokens = response.data as Partial<OidcTokenSet> | undefined;
    if (response.statusCode !== 200 || typeof tokens?.access_token !== 'string') {
      if (response.statusCode >= 500 || response.statusCode === 429)
        throw new IdentityServerRefused('token', response.statusCode);
      return undefined; // refused (expired or revoked refresh token): log in again
    }
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
    return {
      ...login,
      accessToken: tokens.access_token,
      idToken: typeof tokens.id_token === 'string' ? tokens.id_token : login.idToken,
      refreshToken: typeof tokens.refresh_token === 'string' ? tokens.refresh_token : login.refreshToken,
      expiresAt: Date.now() + expiresIn * 1000,
    };
  }

  async #verifyLocally(token: string): Promise<AuthenticationResult> {
    try {
      return this.#bearerResult(await this.root.verifyAccessToken(token), token);
    } catch (error) {
      return this.#failure(error);
    }
  }

  async #introspect(token: string): Promise<AuthenticationResult> {
    const key = tokenKey(token);
    let outcome = this.#introspection.get(key);
    if (!outcome) {
      outcome = this.#askIntrospection(token);
      // Concurrent requests with the same token share one call; failures are not remembered.
      this.#introspection.set(key, outcome, this.options.introspectionCacheTtl);
      outcome.catch(() => this.#introspection.delete(key));
    }
    try {
      const answer = await outcome;
      if (!answer.active) {
        return { status: 'invalid', check: 'inactive', description: 'inactive: the token is not active' };
      }
      const claims = answer.claims;
      if (typeof claims.sub !== 'string' || claims.sub === '') {
        return { status: 'invalid', check: 'claims', description: 'claims: the introspection answer has no sub' };
      }
      const refused = this.#refuseIntrospected(claims);
      if (refused) return refused;
      return { status: 'authenticated', user: createAuthingUser({ claims, via: 'bearer', accessToken: token }) };
    } catch (error) {
      return this.#failure(error);
    }
  }

  /**
   * `active` only says the identity server knows the token. As in local mode, it must also be an
   * access token (refresh tokens and id_tokens are never bearer credentials) issued to this
   * application: its `aud` names us, or, without `aud`, its `client_id` is ours.
   */
  #refuseIntrospected(claims: IntrospectionResult): AuthenticationResult | undefined {
    const type = typeof claims.token_type === 'string' ? claims.token_type : undefined;
    if (type?.toLowerCase() !== 'bearer') {
      const said = type === undefined ? 'no token_type' : `token_type "${type.slice(0, 32)}"`;
      return { status: 'invalid', check: 'token_type', description: `token_type: not an access token (${said})` };
    }
    const otherTenant = tenantRefusal(this.options, claims as Record<string, unknown>);
    if (otherTenant) return otherTenant;
    const aud = claims.aud;
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    const appId = this.options.appId;
    const ours = audiences.length > 0 ? audiences.includes(appId) : claims.client_id === appId;
    if (!ours) {
      return {
        status: 'invalid',
        check: 'audience',
        description: 'audience: the token was not issued to this application',
      };
    }
    return undefined;
  }

  async #askIntrospection(token: string): Promise<IntrospectionOutcome> {
    const response = await this.root.introspectToken(token);
    const data = response.data as Partial<IntrospectionResult> | undefined;
    if (response.statusCode !== 200 || typeof data !== 'object' || data === null) {
      // The server refused *us* (client authentication, configuration): not the caller's fault.
      throw new IdentityServerRefused('introspection', response.statusCode);
    }
    if (data.active !== true) return { active: false };
    if (typeof data.exp === 'number' && data.exp * 1000 <= Date.now()) return { active: false };
    return { active: true, claims: data as IntrospectionResult };
  }

  #failure(error: unknown): AuthenticationResult {
    if (error instanceof AuthingTokenError) {
      if (error.check === 'jwks_unavailable') {
        this.#logger.warn(`Signing keys unavailable: ${error.message}`);
        return { status: 'unavailable', description: 'the identity server could not be reached' };
      }
      return { status: 'invalid', check: error.check, description: `${error.check}: ${error.detail}` };
    }
    if (error instanceof SessionRenewalUnavailableError || isStoreError(error)) {
      this.#logger.warn(`Session store unavailable: ${(error as Error).message}`);
      return { status: 'unavailable', description: 'the session store could not be reached' };
    }
    if (
      error instanceof AuthingNetworkError ||
      error instanceof AuthingHttpError ||
      error instanceof IdentityServerRefused
    ) {
      // AuthingTimeoutError is an AuthingNetworkError. Messages carry no token or query string.
      this.#logger.warn(`Identity server unavailable: ${error.message}`);
      return { status: 'unavailable', description: 'the identity server could not be reached' };
    }
    throw error;
  }
}

/**
 * With the `tenancy` option, a token must name the Authing tenant of the application checking it
 * (none for an application without `tenantId`): a tenant's token is refused everywhere else.
 */
function tenantRefusal(
  options: ResolvedAuthingOptions,
  claims: Record<string, unknown>,
): AuthenticationResult | undefined {
  const tenant = options.tenant;
  if (!tenant || tenant.claim === false) return undefined;
  const value = claims[tenant.claim];
  if (value === tenant.tenantId || (value === undefined && tenant.tenantId === undefined)) return undefined;
  return { status: 'invalid', check: 'tenant', description: 'tenant: the token was issued for another tenant' };
}

/**
 * Authing refused the module itself (client authentication, rate limit, a 5xx): not the caller's
 * fault. Not the server's message: a misbehaving server may echo the request (token, secret) in it.
 */
class IdentityServerRefused extends AuthingError {
  constructor(endpoint: string, statusCode: number) {
    super('identity_server_refused', endpoint, `the ${endpoint} endpoint answered ${statusCode}`);
  }
}
