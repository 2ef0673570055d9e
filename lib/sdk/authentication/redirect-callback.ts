import { timingSafeEqual } from 'node:crypto';
import type { AuthingResponse } from '../envelope.js';
import { AuthingArgumentError, AuthingHttpError } from '../errors.js';
import type { IdTokenClaims } from '../tokens/claims.js';
import { AuthingTokenError } from '../tokens/errors.js';
import type { VerifyIdTokenOptions } from '../tokens/token-verifier.js';
import { AuthingCallbackError } from './callback-error.js';
import type { OAuthErrorBody, OidcTokenSet, UserInfo } from './token-endpoints.js';

/** What the login callback checks against: the values kept from {@link AuthorizeUrlResult}. */
export interface ExpectedCallback {
  state: string;
  nonce?: string;
  codeVerifier?: string;
  /** The redirect_uri used in the authorize request, when it was not the default. */
  redirectUri?: string;
}

/** A completed login: tokens and the verified id_token claims. */
export interface LoginResult {
  tokens: OidcTokenSet;
  claims: IdTokenClaims;
  /** Present when `fetchUserInfo` was asked; its `sub` was checked against the id_token's. */
  userInfo?: UserInfo;
}

/** The client's calls a login callback needs; `AuthenticationClient` provides them. */
export interface CallbackSteps {
  readonly issuer: string;
  getAccessTokenByCode(
    code: string,
    options: { codeVerifier?: string; redirectUri?: string },
  ): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>>;
  verifyIdToken(idToken: string, options?: VerifyIdTokenOptions): Promise<IdTokenClaims>;
  getUserInfoByAccessToken(accessToken: string): Promise<AuthingResponse<UserInfo | OAuthErrorBody>>;
}

/**
 * Completes a hosted login: every check of the callback, in the order that keeps a forged or
 * mixed-up callback from reaching the token endpoint. Throws {@link AuthingCallbackError}.
 */
export async function completeLogin(
  steps: CallbackSteps,
  callback: string | URL | Readonly<Record<string, unknown>>,
  expected: ExpectedCallback,
  options: { fetchUserInfo?: boolean },
): Promise<LoginResult> {
  if (!expected || typeof expected.state !== 'string' || expected.state === '') {
    throw new AuthingArgumentError('expected.state', 'the state generated for this login is required');
  }
  const params = callbackParams(callback);
  // RFC 9207: a callback naming another issuer comes from a mix-up (another identity server's
  // answer delivered here); checked first, before its error or code is believed.
  if (params.iss !== undefined && params.iss !== steps.issuer) {
    throw new AuthingCallbackError('issuer', 'the callback names another issuer (iss)');
  }
  if (params.error) {
    throw new AuthingCallbackError(
      'authorization_error',
      `the server answered ${params.error}`,
      params.error.slice(0, 64),
    );
  }
  if (!params.state || !safeEqual(params.state, expected.state)) {
    throw new AuthingCallbackError('state', 'the state does not match this login (replayed or forged callback)');
  }
  if (!params.code) throw new AuthingCallbackError('missing_code', 'the callback carries no code');
  const response = await steps.getAccessTokenByCode(params.code, {
    codeVerifier: expected.codeVerifier,
    redirectUri: expected.redirectUri,
  });
  const tokens = response.data as Partial<OidcTokenSet & OAuthErrorBody>;
  if (response.statusCode === 429) {
    // Rate limited: the server's state, not the code's fault (a server-side app answers 503).
    const url = `${steps.issuer}/token`;
    throw new AuthingHttpError('POST', url, 429, 'application/json', 'the token endpoint is rate limited');
  }
  if (response.statusCode !== 200 || typeof tokens.access_token !== 'string') {
    const code = typeof tokens.error === 'string' ? tokens.error.slice(0, 64) : undefined;
    throw new AuthingCallbackError(
      'token_exchange',
      `the token endpoint refused the code (${response.statusCode})`,
      code,
    );
  }
  if (typeof tokens.id_token !== 'string') {
    throw new AuthingCallbackError('id_token', 'the token endpoint returned no id_token (is openid in the scope?)');
  }
  let claims: IdTokenClaims;
  try {
    claims = await steps.verifyIdToken(tokens.id_token, { nonce: expected.nonce });
  } catch (error) {
    if (error instanceof AuthingTokenError) throw new AuthingCallbackError('id_token', error.message, undefined, error);
    throw error;
  }
  const result: LoginResult = { tokens: tokens as OidcTokenSet, claims };
  if (options.fetchUserInfo) {
    const info = await steps.getUserInfoByAccessToken(tokens.access_token);
    const userInfo = info.data as Partial<UserInfo>;
    if (info.statusCode !== 200 || typeof userInfo.sub !== 'string') {
      throw new AuthingCallbackError('userinfo', `the userinfo endpoint answered ${info.statusCode}`);
    }
    if (userInfo.sub !== claims.sub) {
      throw new AuthingCallbackError('userinfo', 'the userinfo sub differs from the id_token sub');
    }
    result.userInfo = userInfo as UserInfo;
  }
  return result;
}

function callbackParams(callback: string | URL | Readonly<Record<string, unknown>>): {
  code?: string;
  state?: string;
  error?: string;
  iss?: string;
} {
  let get: (key: string) => unknown;
  if (typeof callback === 'string' || callback instanceof URL) {
    let url: URL;
    try {
      url = new URL(String(callback), 'http://callback.invalid');
    } catch {
      throw new AuthingArgumentError('callback', 'is not a URL');
    }
    get = (key) => url.searchParams.get(key) ?? undefined;
  } else if (typeof callback === 'object' && callback !== null) {
    get = (key) => callback[key];
  } else {
    throw new AuthingArgumentError('callback', 'must be the callback URL or its query parameters');
  }
  const str = (key: string): string | undefined => {
    const value = get(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const iss = get('iss');
  return {
    code: str('code'),
    state: str('state'),
    error: str('error'),
    // Present but empty or not a string still counts as present: it cannot equal the issuer.
    iss: iss === undefined || iss === null ? undefined : String(iss),
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
