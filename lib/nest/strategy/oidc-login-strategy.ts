import type { AuthenticationClient } from '../../sdk/index.js';
import {
  AuthingHttpError,
  AuthingTokenError,
  createPkcePair,
  type AccessTokenClaims,
  type IdTokenClaims,
  type OAuthErrorBody,
  type OidcTokenSet,
  type UserInfo,
} from '../../sdk/index.js';
import { createAuthingUser, type AuthingUser } from '../auth/authing-user.js';
import type { ResolvedAuthingOptions } from '../options/validate-options.js';
import type { HostedLoginDependencies, OidcStrategyBase } from './hosted-login-dependencies.js';
import { AuthingLoginStore, LOGIN_RESTORED, LOGIN_START, type LoginRequest } from './login-state-store.js';

/** Set on the request by `validate`: what the session record needs beyond the user. */
export const LOGIN_TOKENS = Symbol.for('nestjs-authing:login-tokens');

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

type OAuthCallback = (
  error: { statusCode?: number; data?: string } | Error | null,
  accessToken?: string,
  refreshToken?: string,
  results?: Record<string, unknown>,
) => void;

const PKCE_CHALLENGE = Symbol.for('nestjs-authing:pkce-challenge');

/**
 * Builds the passport-openidconnect strategy of the hosted login, once its packages are loaded.
 *
 * What it adds to the stock strategy: the id_token signature is verified with the SDK (the strategy
 * only decodes it), with the nonce of this login; PKCE (S256); the code is exchanged by the SDK
 * (configured client authentication, timeouts, no token in logs); pending logins live in the session
 * per `state` (several tabs). The verify callback returns an {@link AuthingUser}.
 */
export function createOidcLoginStrategy(
  deps: HostedLoginDependencies,
  options: ResolvedAuthingOptions,
  root: AuthenticationClient,
  redirectUri: string,
): OidcStrategyBase {
  class AuthingOidcStrategy extends deps.OpenIDConnectStrategy {
    constructor() {
      const appHost = root.appHost;
      // passport-openidconnect passes (req, issuer, profile, context, idToken, accessToken,
      // refreshToken, params, done) to a verify function declared with exactly nine parameters.
      const verify = (
        req: unknown,
        _issuer: unknown,
        _profile: unknown,
        _context: unknown,
        idToken: unknown,
        accessToken: unknown,
        refreshToken: unknown,
        params: unknown,
        done: unknown,
      ): void => {
        const callback = done as (error: unknown, user?: unknown) => void;
        validate(
          req as LoginRequest,
          String(idToken),
          String(accessToken),
          refreshToken as string | undefined,
          params as Record<string, unknown>,
        ).then(
          (user) => callback(null, user),
          (error: unknown) => callback(error, null),
        );
      };
      super(
        {
          issuer: `${appHost}/oidc`,
          authorizationURL: `${appHost}/oidc/auth`,
          tokenURL: `${appHost}/oidc/token`,
          userInfoURL: `${appHost}/oidc/me`,
          clientID: options.appId,
          // The code is exchanged by the SDK (below), so the bundled `oauth` client never holds the secret.
          clientSecret: '',
          callbackURL: redirectUri,
          // The strategy prefixes "openid" itself.
          scope: options.scope.split(/\s+/).filter((s) => s !== 'openid' && s !== ''),
          nonce: 'true',
          passReqToCallback: true,
          skipUserProfile: true,
          store: new AuthingLoginStore(options.sessionKey, options.maxPendingLogins, options.loginTimeout),
        },
        verify as (...args: unknown[]) => void,
      );
      // The token request goes through the SDK instead of the bundled `oauth` package; authenticate()
      // gives every request its own binding (below), this one only serves a call outside passport.
      const oauth2 = (this as unknown as { _oauth2: { getOAuthAccessToken: unknown } })._oauth2;
      oauth2.getOAuthAccessToken = (code: string, params: Record<string, string>, callback: OAuthCallback) =>
        exchangeCode(undefined, code, params, callback);
    }

    /**
     * Starts (no `code` in the query) or completes a login. On start, creates the PKCE pair whose
     * verifier the state store keeps with this login.
     */
    override authenticate(req: unknown, authOptions: Record<string | symbol, unknown> = {}): void {
      // Passport runs each authentication on Object.create(strategy), so an own `_oauth2` set here serves
      // this request alone and the code exchange knows its PKCE verifier. (No AsyncLocalStorage: once
      // used, it makes every promise in the process pay an async hook.)
      const self = this as unknown as { _oauth2: object };
      if (Object.prototype.hasOwnProperty.call(self, '_oauth2')) {
        // Called on the shared instance itself, not through passport: work on a per-request object.
        (Object.create(this) as this).authenticate(req, authOptions);
        return;
      }
      const request = req as LoginRequest & { query?: Record<string, unknown> };
      const isCallback = request.query?.code !== undefined || request.query?.error !== undefined;
      let authenticateOptions = authOptions;
      if (!isCallback && options.pkce) {
        const pair = createPkcePair();
        request[LOGIN_START] = { ...request[LOGIN_START], codeVerifier: pair.codeVerifier };
        authenticateOptions = { ...authOptions, [PKCE_CHALLENGE]: pair.codeChallenge };
      }
      const oauth2 = Object.create(self._oauth2) as { getOAuthAccessToken: unknown };
      oauth2.getOAuthAccessToken = (code: string, params: Record<string, string>, callback: OAuthCallback) =>
        exchangeCode(request, code, params, callback);
      self._oauth2 = oauth2;
      super.authenticate(req, authenticateOptions);
    }

    /** Extra authorize parameters: the PKCE challenge of this login, and consent for offline access. */
    override authorizationParams(authOptions: Record<string | symbol, unknown> = {}): object {
      const params: Record<string, string> = {};
      const challenge = authOptions[PKCE_CHALLENGE];
      if (typeof challenge === 'string')
        Object.assign(params, { code_challenge: challenge, code_challenge_method: 'S256' });
      // OpenID Connect issues a refresh token for offline_access only with prompt=consent; Authing's
      // SDKs ask for it the same way.
      if (options.scope.split(/\s+/).includes('offline_access')) params.prompt = 'consent';
      return params;
    }
  }

  /**
   * Called after passport-openidconnect's own (unsigned) checks: verifies the id_token's signature,
   * issuer, audience, times and nonce with the SDK and builds the user.
   */
  async function validate(
    req: LoginRequest,
    idToken: string,
    accessToken: string,
    refreshToken: string | undefined,
    params: Record<string, unknown>,
  ): Promise<AuthingUser> {
    const restored = req[LOGIN_RESTORED];
    if (!restored?.nonce) throw new AuthingTokenError('nonce', 'no pending login holds a nonce for this callback');
    let claims: Record<string, unknown> = await root.verifyIdToken(idToken, { nonce: restored.nonce });
    // The access token's roles, when it is a JWT of this application (not required: it may be opaque).
    let accessClaims: AccessTokenClaims | undefined;
    try {
      accessClaims = await root.verifyAccessToken(accessToken);
    } catch (error) {
      if (error instanceof AuthingTokenError && error.check === 'jwks_unavailable') throw error;
    }
    if (options.fetchUserInfo) claims = { ...(await userInfo(accessToken, claims as IdTokenClaims)), ...claims };
    const roles = accessClaims?.roles ?? (claims.roles as string[] | undefined);
    const expiresIn = Number(params.expires_in) > 0 ? Number(params.expires_in) : 3600;
    const expiresAt = accessClaims?.exp ? accessClaims.exp * 1000 : Date.now() + expiresIn * 1000;
    const tokens: LoginTokens = { accessToken, idToken, refreshToken: refreshToken || undefined, expiresAt, claims };
    if (Array.isArray(roles)) tokens.roles = roles;
    (req as LoginRequest & { [LOGIN_TOKENS]?: LoginTokens })[LOGIN_TOKENS] = tokens;
    return createAuthingUser({ claims, roles, via: 'session', accessToken, idToken });
  }

  async function userInfo(accessToken: string, claims: IdTokenClaims): Promise<Record<string, unknown>> {
    const response = await root.getUserInfoByAccessToken(accessToken);
    const info = response.data as Partial<UserInfo>;
    if (response.statusCode !== 200 || typeof info?.sub !== 'string') {
      throw new AuthingTokenError('claims', `the userinfo endpoint answered ${response.statusCode}`);
    }
    if (info.sub !== claims.sub)
      throw new AuthingTokenError('claims', 'the userinfo sub differs from the id_token sub');
    return info;
  }

  /** Exchanges the callback's code with the SDK, with the PKCE verifier of this login. */
  function exchangeCode(
    request: LoginRequest | undefined,
    code: string,
    params: Record<string, string>,
    callback: OAuthCallback,
  ): void {
    const codeVerifier = request?.[LOGIN_RESTORED]?.codeVerifier;
    root.getAccessTokenByCode(code, { codeVerifier, redirectUri: params.redirect_uri || undefined }).then(
      (response) => {
        const data = response.data as Partial<OidcTokenSet & OAuthErrorBody>;
        if (response.statusCode === 200 && typeof data?.access_token === 'string') {
          callback(null, data.access_token, data.refresh_token, data as Record<string, unknown>);
        } else if (response.statusCode === 429) {
          // Rate limited: the server's state, not the code's fault (the guard answers 503).
          const url = `${root.appHost}/oidc/token`;
          callback(new AuthingHttpError('POST', url, 429, 'application/json', 'the token endpoint is rate limited'));
        } else {
          // The shape passport-openidconnect turns into a TokenError carrying the OAuth error code.
          callback({ statusCode: response.statusCode, data: JSON.stringify(data ?? {}) });
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  return new AuthingOidcStrategy();
}
