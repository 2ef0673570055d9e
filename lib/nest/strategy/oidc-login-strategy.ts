import { randomBytes } from 'node:crypto';
import {
  AuthingCallbackError,
  AuthingTokenError,
  type AccessTokenClaims,
  type AuthenticationClient,
  type LoginResult,
} from '../../sdk/index.js';
import { createAuthingUser, type AuthingUser } from '../user/authing-user.js';
import type { AuthingRequest } from '../request/request-context.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { AuthingSessionMissingError, sessionOf } from '../session/authing-session.js';
import { saveSession } from '../session/session-upkeep.js';
import type { HostedLoginDependencies, OidcStrategyBase } from './hosted-login-dependencies.js';
import { LoginStateStore, PendingLoginExpiredError } from './login-state-store.js';
import { authorizeQuery, type AuthingAuthorizeParams } from '../login/login-options.js';
import { SILENT_LOGIN_ERRORS, SilentLoginUnavailable } from '../login/login-refusal.js';

/** What a completed login hands the guard (passport's `info`): the session record's tokens and where to go. */
export interface LoginOutcome {
  tokens: LoginTokens;
  /** The `returnTo` remembered at `/login` (checked again by the guard). */
  returnTo?: string;
}

export interface LoginTokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  /** When the access token expires (ms since the epoch): its `exp`, else `expires_in`, else one hour. */
  expiresAt: number;
  /** The verified id_token claims (with userinfo merged when fetched). */
  claims: Record<string, unknown>;
  roles?: string[];
}

/** The options passport hands the strategy: `returnTo` is the guard's checked `?returnTo=`. */
export interface LoginAuthenticateOptions {
  returnTo?: string;
  /** This login's authorize parameters (the route's and the allowed query's). */
  params?: AuthingAuthorizeParams;
  /** Start a login even on the callback (the interactive login after a silent one failed). */
  begin?: boolean;
}

type LoginRequest = AuthingRequest & { query?: Record<string, unknown> };

/**
 * No pending login for this callback: the SDK is still asked (it checks `iss` and `?error=` before
 * the state), with an expected state no callback can carry, so its state check refuses the rest.
 */
const NO_PENDING_STATE = randomBytes(32).toString('base64url');

/**
 * Builds the passport-openidconnect strategy of the hosted login, once its packages are loaded.
 *
 * passport registers and runs it (passport's `redirect` / `success` / `error` actions), but every
 * protocol decision is the SDK's: `buildAuthorizeUrl` (state, nonce, PKCE, prompt) starts a login and
 * `handleRedirectCallback` completes it (iss, `?error=`, state, code exchange with PKCE, the
 * id_token's signature and nonce, the userinfo `sub`). Pending logins live in the session per `state`
 * (several tabs). The user it hands passport is an {@link AuthingUser}.
 */
export function createOidcLoginStrategy(
  deps: HostedLoginDependencies,
  options: ResolvedAuthingOptions,
  root: AuthenticationClient,
  redirectUri: string,
): OidcStrategyBase {
  const store = new LoginStateStore(options.sessionKey, options.maxPendingLogins, options.loginTimeout);
  const authorizeEndpoint = root.buildAuthorizeUrl({ redirectUri, pkce: false }).url.split('?')[0]!;

  class AuthingOidcStrategy extends deps.OpenIDConnectStrategy {
    constructor() {
      // passport-openidconnect insists on these; its own endpoint calls are never made (authenticate
      // below delegates to the SDK), so the token URL is only a placeholder on the issuer.
      super(
        {
          issuer: root.issuer,
          authorizationURL: authorizeEndpoint,
          tokenURL: root.issuer,
          clientID: options.appId,
          callbackURL: redirectUri,
        },
        unusedVerify,
      );
    }

    /** Starts a login (no `code` nor `error` in the query) or completes one. */
    override authenticate(request: LoginRequest, authOptions: LoginAuthenticateOptions = {}): void {
      const session = sessionOf(request);
      if (!session) return this.error(new AuthingSessionMissingError('AuthingLoginGuard'));
      const query = request.query ?? {};
      if (authOptions.begin || (query.code === undefined && query.error === undefined)) {
        const params = authOptions.params ?? {};
        const scope = params.scopes?.length
          ? [...new Set([...options.scope.split(' '), ...params.scopes])].join(' ')
          : options.scope;
        const login = root.buildAuthorizeUrl({
          redirectUri,
          scope,
          pkce: options.pkce,
          // A tenant of the `tenancy` option with an Authing tenant id logs in to that tenant.
          tenantId: options.tenant?.tenantId,
        });
        const url = new URL(login.url);
        for (const [name, value] of Object.entries(authorizeQuery(params))) url.searchParams.set(name, value);
        const { prompt: _silent, ...interactive } = params;
        store.save(session, login.state!, {
          nonce: login.nonce,
          codeVerifier: login.codeVerifier,
          returnTo: authOptions.returnTo,
          // A silent login remembers how to start the interactive one, should Authing need the user.
          ...(params.prompt === 'none' ? { silent: true, authorize: interactive } : {}),
        });
        // Stored before the browser leaves for Authing: with a shared store (Redis) the callback may come
        // back to another replica, and if the store is down the login is refused now (503), not half-made.
        saveSession(session).then(
          () => this.redirect(url.href),
          (error: unknown) => this.error(error as Error),
        );
        return;
      }
      const taken = store.take(session, query.state);
      const restored = typeof taken === 'object' ? taken : undefined;
      const expected = restored ? { ...restored.expected, redirectUri } : { state: NO_PENDING_STATE };
      root
        .handleRedirectCallback(query, expected, { fetchUserInfo: options.fetchUserInfo })
        .then((result) => completeLogin(result, restored?.returnTo))
        .then(
          ([user, outcome]) => this.success(user, outcome),
          (error: unknown) => {
            // A forged `iss` must not burn the genuine pending login: its own callback still completes.
            if (restored && error instanceof AuthingCallbackError && error.reason === 'issuer') {
              store.restore(session, restored);
            }
            // prompt=none that needs the user: not a failure (the guard lands them anonymous, or logs in).
            if (
              restored?.silent &&
              error instanceof AuthingCallbackError &&
              error.reason === 'authorization_error' &&
              SILENT_LOGIN_ERRORS.has(error.error ?? '')
            ) {
              return this.error(new SilentLoginUnavailable(restored.returnTo, restored.authorize));
            }
            const expired = taken === 'expired' && error instanceof AuthingCallbackError && error.reason === 'state';
            this.error(expired ? new PendingLoginExpiredError() : error);
          },
        );
    }
  }

  /** The user and session tokens of a login the SDK completed, with the access token's roles. */
  async function completeLogin(
    result: LoginResult,
    returnTo: string | undefined,
  ): Promise<[AuthingUser, LoginOutcome]> {
    const { tokens } = result;
    const claims: Record<string, unknown> = result.userInfo ? { ...result.userInfo, ...result.claims } : result.claims;
    // The access token's roles, when it is a JWT of this application (not required: it may be opaque).
    let accessClaims: AccessTokenClaims | undefined;
    try {
      accessClaims = await root.verifyAccessToken(tokens.access_token);
    } catch (error) {
      if (error instanceof AuthingTokenError && error.check === 'jwks_unavailable') throw error;
    }
    const roles = accessClaims?.roles ?? (claims.roles as string[] | undefined);
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
    const login: LoginTokens = {
      accessToken: tokens.access_token,
      idToken: tokens.id_token!,
      refreshToken: tokens.refresh_token || undefined,
      expiresAt: accessClaims?.exp ? accessClaims.exp * 1000 : Date.now() + expiresIn * 1000,
      claims,
    };
    if (Array.isArray(roles)) login.roles = roles;
    const user = createAuthingUser({
      claims,
      roles,
      via: 'session',
      accessToken: login.accessToken,
      idToken: login.idToken,
    });
    return [user, { tokens: login, returnTo }];
  }

  return new AuthingOidcStrategy();
}

/** passport-openidconnect requires a verify function; the SDK completes the login instead. */
function unusedVerify(): void {
  throw new Error('unreachable: the hosted login is completed by the SDK');
}
