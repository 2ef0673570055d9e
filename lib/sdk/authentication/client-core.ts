import { isHttpUrl, nonNegative, requireNonBlank, requireOneOf } from '../checks.js';
import { AuthingArgumentError } from '../errors.js';
import type { JsonWebKeySet } from '../tokens/claims.js';
import { JwksStore } from '../tokens/jwks-store.js';
import { TokenVerifier } from '../tokens/token-verifier.js';
import { HttpTransport, httpError, parseJson } from '../transport/http-transport.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import type { AuthenticationClientOptions, AuthingProtocol, EndpointAuthMethod } from './client-options.js';

const PROTOCOLS: readonly AuthingProtocol[] = ['oidc', 'oauth', 'cas', 'saml'];
const AUTH_METHODS: readonly EndpointAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'none'];

/**
 * What an `AuthenticationClient` and every client derived from it share: the validated
 * settings, the connection pool, the key store and the verifier. Built once per root client.
 */
export interface ClientCore {
  transport: HttpTransport;
  verifier: TokenVerifier;
  jwks: JwksStore;
  appId: string;
  appSecret: string | undefined;
  appHost: string;
  /** `<appHost>/oidc` (or `/oauth`): the `iss` of tokens and of login callbacks (RFC 9207). */
  issuer: string;
  redirectUri: string | undefined;
  logoutRedirectUri: string | undefined;
  scope: string;
  protocol: AuthingProtocol;
  tokenAuth: EndpointAuthMethod;
  introspectionAuth: EndpointAuthMethod;
  revocationAuth: EndpointAuthMethod;
}

/** Validates the options, naming the first bad one, and builds the shared core. */
export function createCore(options: AuthenticationClientOptions): ClientCore {
  if (typeof options !== 'object' || options === null) {
    throw new AuthingArgumentError('options', 'AuthenticationClient needs { appId, appHost, ... }');
  }
  const appId = requireNonBlank(options.appId, 'appId');
  const protocol = requireOneOf(options.protocol ?? 'oidc', PROTOCOLS, 'protocol');
  const methods = {
    tokenEndPointAuthMethod: options.tokenEndPointAuthMethod ?? 'client_secret_post',
    introspectionEndPointAuthMethod: options.introspectionEndPointAuthMethod ?? 'client_secret_post',
    revocationEndPointAuthMethod: options.revocationEndPointAuthMethod ?? 'client_secret_post',
  };
  if (options.appSecret !== undefined) requireNonBlank(options.appSecret, 'appSecret');
  for (const [option, value] of Object.entries(methods)) {
    requireOneOf(value, AUTH_METHODS, option);
    if (value !== 'none' && !options.appSecret) {
      throw new AuthingArgumentError(
        option,
        `${value} authenticates with the app secret: pass appSecret, or set ${option} to 'none' for a public client`,
      );
    }
  }
  for (const option of ['redirectUri', 'logoutRedirectUri'] as const) {
    const value = options[option];
    if (value !== undefined && !isHttpUrl(value)) {
      throw new AuthingArgumentError(option, 'must be an absolute http(s) URL');
    }
  }
  const scope = options.scope ?? 'openid profile';
  if (typeof scope !== 'string' || scope.trim() === '')
    throw new AuthingArgumentError('scope', 'must be a non-empty string');
  for (const alg of ['idTokenSigningAlg', 'accessTokenSigningAlg'] as const) {
    const value = options[alg];
    if (value !== undefined && value !== 'RS256' && value !== 'HS256') {
      throw new AuthingArgumentError(alg, 'must be RS256 or HS256');
    }
    if (value === 'HS256' && !options.appSecret) throw new AuthingArgumentError(alg, 'HS256 needs appSecret');
  }
  const clockTolerance = nonNegative(options.clockTolerance, 'clockTolerance', 30);
  const refetch = nonNegative(options.jwksRefetchInterval, 'jwksRefetchInterval', 30_000);
  const maxAge = nonNegative(options.jwksMaxAge, 'jwksMaxAge', 600_000);
  const cacheSize = nonNegative(options.verifiedTokenCacheSize, 'verifiedTokenCacheSize', 10_000);
  if (
    options.serverJWKS !== undefined &&
    (typeof options.serverJWKS !== 'object' || !Array.isArray(options.serverJWKS?.keys))
  ) {
    throw new AuthingArgumentError('serverJWKS', 'must be a JWKS object: { keys: [...] }');
  }

  const transport = new HttpTransport(options.appHost, options, 'appHost');
  const appHost = transport.baseUrl;
  const prefix = protocol === 'oauth' ? '/oauth' : '/oidc';
  const jwks = new JwksStore({
    staticKeys: options.serverJWKS,
    fetchKeys: options.serverJWKS ? undefined : () => fetchKeySet(transport, `${prefix}/.well-known/jwks.json`),
    refetchIntervalMs: refetch,
    maxAgeMs: maxAge,
  });
  const issuer = `${appHost}${prefix}`;
  const verifier = new TokenVerifier({
    issuer,
    audience: appId,
    jwks,
    appSecret: options.appSecret,
    idTokenSigningAlg: options.idTokenSigningAlg ?? 'RS256',
    accessTokenSigningAlg: options.accessTokenSigningAlg ?? 'RS256',
    clockTolerance,
    maxTokenLength: 16_384,
    cacheSize,
    cacheMaxAgeMs: 10 * 60_000,
  });
  return {
    transport,
    verifier,
    jwks,
    appId,
    appSecret: options.appSecret,
    appHost,
    issuer,
    redirectUri: options.redirectUri,
    logoutRedirectUri: options.logoutRedirectUri,
    scope,
    protocol,
    tokenAuth: methods.tokenEndPointAuthMethod,
    introspectionAuth: methods.introspectionEndPointAuthMethod,
    revocationAuth: methods.revocationEndPointAuthMethod,
  };
}

/** The headers every request of the end user's client carries (never a token: callers add that). */
export function appHeaders(core: ClientCore): Record<string, string> {
  return {
    accept: 'application/json',
    'x-authing-app-id': core.appId,
    'x-authing-sdk-version': `${SDK_NAME}:${SDK_VERSION}`,
  };
}

// Sign-in style endpoints authenticate the *application*; the user's token has no business there.
const CLIENT_AUTH_ENDPOINTS: ReadonlySet<string> = new Set([
  '/api/v3/signin',
  '/api/v3/signin-by-mobile',
  '/api/v3/exchange-tokenset-with-qrcode-ticket',
]);

/**
 * The headers of the end user's client's request to `path`: the application's, and the user's
 * access token, or (sign-in style endpoints, with `client_secret_basic`) the application's Basic
 * credentials.
 */
export function requestHeaders(
  core: ClientCore,
  path: string,
  accessToken: string | undefined,
): Record<string, string> {
  const headers = appHeaders(core);
  if (CLIENT_AUTH_ENDPOINTS.has(path)) {
    if (core.tokenAuth === 'client_secret_basic') headers.authorization = basicAuth(core);
  } else if (accessToken) {
    headers.authorization = accessToken;
  }
  return headers;
}

/** HTTP Basic client authentication (`client_secret_basic`). */
export function basicAuth(core: ClientCore): string {
  return `Basic ${Buffer.from(`${core.appId}:${core.appSecret ?? ''}`).toString('base64')}`;
}

async function fetchKeySet(transport: HttpTransport, path: string): Promise<JsonWebKeySet> {
  // The key store rate-limits its fetches; a status the server answered is not retried on top.
  const response = await transport.send({
    method: 'GET',
    path,
    headers: { accept: 'application/json' },
    retryOnStatus: false,
  });
  const parsed = parseJson(response.text);
  if (response.status !== 200 || !parsed.ok) {
    const url = transport.baseUrl + path;
    throw httpError('GET', url, response, 'the JWKS endpoint did not answer a key set', 'not_key_set');
  }
  return parsed.value as JsonWebKeySet;
}
