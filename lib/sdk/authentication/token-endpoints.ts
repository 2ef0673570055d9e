import type { HttpMethod } from '../catalogue/endpoint.js';
import { requireString } from '../checks.js';
import type { AuthingResponse } from '../envelope.js';
import { AuthingArgumentError } from '../errors.js';
import { httpError, parseJson, type TransportResponse } from '../transport/http-transport.js';
import { encodeForm } from '../transport/query-string.js';
import { appHeaders, basicAuth, type ClientCore } from './client-core.js';
import type { EndpointAuthMethod } from './client-options.js';

/**
 * The OAuth 2.0 / OIDC endpoints (token, introspection, revocation, userinfo). Their answers are
 * returned in the SDK's envelope shape: `statusCode` is the HTTP status, `data` the OAuth body.
 */

/** The token endpoint's answer. */
export interface OidcTokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** An OAuth error answer (RFC 6749 §5.2), carried as `data` of a failed envelope. */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
}

/** The introspection endpoint's answer (RFC 7662). */
export interface IntrospectionResult {
  active: boolean;
  sub?: string;
  client_id?: string;
  /** The audience(s) of the token; for Authing's access tokens, the application id. */
  aud?: string | string[];
  scope?: string;
  exp?: number;
  iat?: number;
  /** `Bearer` for access tokens; refresh tokens say otherwise (`refresh_token`). */
  token_type?: string;
  [claim: string]: unknown;
}

/** Standard claims from the userinfo endpoint. */
export interface UserInfo {
  sub: string;
  [claim: string]: unknown;
}

type TokenAnswer = Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>>;

export function exchangeCode(
  core: ClientCore,
  code: string,
  options: { codeVerifier?: string; redirectUri?: string },
): TokenAnswer {
  requireString(code, 'code');
  if (options.codeVerifier !== undefined) requireString(options.codeVerifier, 'codeVerifier');
  return authenticatedCall(core, 'token', core.tokenAuth, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri ?? core.redirectUri,
    code_verifier: options.codeVerifier,
  });
}

export function refreshTokens(core: ClientCore, refreshToken: string): TokenAnswer {
  requireString(refreshToken, 'refreshToken');
  return authenticatedCall(core, 'token', core.tokenAuth, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function clientCredentials(
  core: ClientCore,
  scope: string,
  options: { accessKey: string; accessSecret: string } | undefined,
): TokenAnswer {
  requireString(scope, 'scope');
  const clientId = options ? requireString(options.accessKey, 'options.accessKey') : core.appId;
  const secret = options ? requireString(options.accessSecret, 'options.accessSecret') : core.appSecret;
  if (!secret) throw new AuthingArgumentError('options.accessSecret', 'is needed when the client has no appSecret');
  // The key pair in the body whatever tokenEndPointAuthMethod says: it may not be the app's.
  const form = { client_id: clientId, client_secret: secret, grant_type: 'client_credentials', scope };
  return formPost(core, 'token', {}, form);
}

export function introspect(
  core: ClientCore,
  token: string,
): Promise<AuthingResponse<IntrospectionResult | OAuthErrorBody>> {
  requireString(token, 'token');
  return authenticatedCall(core, 'token/introspection', core.introspectionAuth, { token });
}

export async function revoke(core: ClientCore, token: string): Promise<AuthingResponse<true | OAuthErrorBody>> {
  requireString(token, 'token');
  const response = await authenticatedCall<unknown>(core, 'token/revocation', core.revocationAuth, { token });
  return response.statusCode === 200 ? { ...response, data: true } : (response as AuthingResponse<OAuthErrorBody>);
}

export function fetchUserInfo(
  core: ClientCore,
  accessToken: string,
  options: { method?: 'GET' | 'POST'; tokenPlace?: 'header' | 'query' | 'body' },
): Promise<AuthingResponse<UserInfo | OAuthErrorBody>> {
  requireString(accessToken, 'accessToken');
  const method = options.method ?? 'GET';
  const place = options.tokenPlace ?? 'header';
  if (method !== 'GET' && method !== 'POST') throw new AuthingArgumentError('options.method', 'must be GET or POST');
  if (!['header', 'query', 'body'].includes(place)) {
    throw new AuthingArgumentError('options.tokenPlace', 'must be header, query or body');
  }
  if (method === 'GET' && place === 'body') {
    throw new AuthingArgumentError('options.tokenPlace', 'cannot be body for a GET request');
  }
  return oauthRequest(core, {
    method,
    path: `${oauthPrefix(core)}/me`,
    query: place === 'query' ? { access_token: accessToken } : undefined,
    headers: place === 'header' ? { authorization: `Bearer ${accessToken}` } : {},
    body: place === 'body' ? formBody({ access_token: accessToken }) : undefined,
  });
}

/** A token, introspection or revocation request, the client authenticated as `method` says. */
function authenticatedCall<T>(
  core: ClientCore,
  endpoint: 'token' | 'token/introspection' | 'token/revocation',
  method: EndpointAuthMethod,
  fields: Record<string, string | undefined>,
): Promise<AuthingResponse<T>> {
  if (method === 'client_secret_basic') return formPost(core, endpoint, { authorization: basicAuth(core) }, fields);
  const secret = method === 'client_secret_post' ? core.appSecret : undefined;
  return formPost(core, endpoint, {}, { client_id: core.appId, client_secret: secret, ...fields });
}

function formPost<T>(
  core: ClientCore,
  endpoint: string,
  headers: Record<string, string>,
  form: Record<string, string | undefined>,
): Promise<AuthingResponse<T>> {
  return oauthRequest<T>(core, {
    method: 'POST',
    path: `${oauthPrefix(core)}/${endpoint}`,
    headers,
    body: formBody(form),
  });
}

function formBody(form: Record<string, string | undefined>): { contentType: string; text: string } {
  return { contentType: 'application/x-www-form-urlencoded', text: encodeForm(form) };
}

function oauthPrefix(core: ClientCore): '/oidc' | '/oauth' {
  const protocol = core.protocol;
  if (protocol !== 'oidc' && protocol !== 'oauth') {
    throw new AuthingArgumentError('protocol', `token endpoints need protocol oidc or oauth, not ${protocol}`);
  }
  return protocol === 'oidc' ? '/oidc' : '/oauth';
}

async function oauthRequest<T>(
  core: ClientCore,
  request: {
    method: HttpMethod;
    path: string;
    query?: Record<string, unknown>;
    headers: Record<string, string>;
    body?: { contentType: string; text: string };
  },
): Promise<AuthingResponse<T>> {
  const response = await core.transport.send({
    ...request,
    // Never the end user's session token here: only what this call put in `headers`.
    headers: { ...appHeaders(core), ...request.headers },
    // A token request is not idempotent (a code is single-use), so it is never retried blindly.
    idempotent: request.method === 'GET',
  });
  return oauthEnvelope<T>(request.method, core.appHost + request.path, response);
}

/** Turns an OAuth/OIDC endpoint's answer into the SDK's envelope; anything else is an `AuthingHttpError`. */
function oauthEnvelope<T>(method: string, url: string, response: TransportResponse): AuthingResponse<T> {
  const text = response.text.trim();
  if (response.status >= 200 && response.status < 300) {
    if (text === '') return { statusCode: 200, message: 'OK', data: undefined as T };
    const parsed = parseJson(text);
    if (!parsed.ok) throw httpError(method, url, response, 'the body is not JSON', 'not_json');
    return { statusCode: 200, message: 'OK', data: parsed.value as T };
  }
  if (response.status >= 400 && response.status < 500) {
    const parsed = parseJson(text);
    const body = parsed.ok ? (parsed.value as Partial<OAuthErrorBody & AuthingResponse>) : undefined;
    if (body && typeof body.error === 'string') {
      const message = typeof body.error_description === 'string' ? body.error_description : body.error;
      return { statusCode: response.status, message, data: body as T };
    }
    if (body && typeof body.statusCode === 'number') return body as AuthingResponse<T>;
  }
  throw httpError(method, url, response, 'not an OAuth answer', 'not_oauth');
}
