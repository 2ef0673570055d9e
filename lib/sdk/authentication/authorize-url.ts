import { randomBytes } from 'node:crypto';
import { AuthingArgumentError } from '../errors.js';
import { encodeQuery } from '../transport/query-string.js';
import type { ClientCore } from './client-core.js';
import { createPkcePair } from './pkce.js';

/** Options of `AuthenticationClient.buildAuthorizeUrl`. */
export interface AuthorizeUrlOptions {
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  responseMode?: 'query' | 'fragment' | 'form_post';
  responseType?: string;
  tenantId?: string;
  /** Asks Authing to show the login form even when a session exists (`prompt=login`). */
  forced?: boolean;
  /** PKCE with S256 (OIDC only). Default true. */
  pkce?: boolean;
  /** CAS: the service URL to return to. */
  service?: string;
}

/** What `AuthenticationClient.buildAuthorizeUrl` returns: keep everything but `url` for the callback. */
export interface AuthorizeUrlResult {
  url: string;
  state?: string;
  nonce?: string;
  /** The PKCE verifier to send with the code; keep it server-side. */
  codeVerifier?: string;
  codeChallenge?: string;
}

/** Options of `AuthenticationClient.buildLogoutUrl`. */
export interface LogoutUrlOptions {
  /** The id_token of the session, sent as `id_token_hint` (OIDC). */
  idToken?: string;
  /** Overrides `logoutRedirectUri`. */
  redirectUri?: string;
  state?: string;
}

/** The hosted login page's URL for the client's protocol, with fresh state, nonce and PKCE for OIDC. */
export function buildAuthorizeUrl(core: ClientCore, options: AuthorizeUrlOptions): AuthorizeUrlResult {
  switch (core.protocol) {
    case 'oidc': {
      const state = options.state ?? randomToken();
      const nonce = options.nonce ?? randomToken();
      const scope = options.scope ?? core.scope;
      const redirectUri = options.redirectUri ?? core.redirectUri;
      if (!redirectUri) throw new AuthingArgumentError('redirectUri', 'is needed to build an authorize URL');
      const pkce = options.pkce === false ? undefined : createPkcePair();
      const prompt = options.forced ? 'login' : scope.split(' ').includes('offline_access') ? 'consent' : undefined;
      const query = encodeQuery({
        redirect_uri: redirectUri,
        response_mode: options.responseMode ?? 'query',
        response_type: options.responseType ?? 'code',
        client_id: core.appId,
        scope,
        state,
        nonce,
        tenantId: options.tenantId,
        prompt,
        code_challenge: pkce?.codeChallenge,
        code_challenge_method: pkce ? 'S256' : undefined,
      });
      return {
        url: `${core.appHost}/oidc/auth?${query}`,
        state,
        nonce,
        codeVerifier: pkce?.codeVerifier,
        codeChallenge: pkce?.codeChallenge,
      };
    }
    case 'oauth': {
      const state = options.state ?? randomToken();
      const query = encodeQuery({
        state,
        scope: options.scope ?? 'user',
        client_id: core.appId,
        redirect_uri: options.redirectUri ?? core.redirectUri,
        response_type: options.responseType ?? 'code',
      });
      return { url: `${core.appHost}/oauth/auth?${query}`, state };
    }
    case 'saml':
      return { url: `${core.appHost}/api/v2/saml-idp/${encodeURIComponent(core.appId)}` };
    case 'cas': {
      const base = `${core.appHost}/cas-idp/${encodeURIComponent(core.appId)}`;
      return { url: options.service ? `${base}?${encodeQuery({ service: options.service })}` : base };
    }
  }
}

/** The URL that ends the session at Authing: OIDC end-session, CAS logout, or the plain logout page. */
export function buildLogoutUrl(core: ClientCore, options: LogoutUrlOptions): string {
  const redirectUri = options.redirectUri ?? core.logoutRedirectUri;
  if (core.protocol === 'oidc') {
    const query = encodeQuery({
      post_logout_redirect_uri: redirectUri,
      state: redirectUri ? options.state : undefined,
      id_token_hint: options.idToken,
    });
    return `${core.appHost}/oidc/session/end${query ? `?${query}` : ''}`;
  }
  if (core.protocol === 'cas') {
    return `${core.appHost}/cas-idp/logout${redirectUri ? `?${encodeQuery({ url: redirectUri })}` : ''}`;
  }
  return `${core.appHost}/login/profile/logout${redirectUri ? `?${encodeQuery({ redirect_uri: redirectUri })}` : ''}`;
}

/** A random URL-safe string with 18 bytes of entropy, for `state` and `nonce`. */
function randomToken(): string {
  return randomBytes(18).toString('base64url');
}
