import { timingSafeEqual } from 'node:crypto';
import { AUTHENTICATION_ENDPOINTS } from '../catalogue/authentication.catalogue.js';
import type { AuthenticationApi, AuthenticationMethod } from '../catalogue/authentication.api.js';
import { prepareCall, type HttpMethod, type PreparedCall } from '../catalogue/endpoint.js';
import { installCatalogue } from '../catalogue/install.js';
import type { AuthingResponse } from '../envelope.js';
import { AuthingArgumentError, AuthingHttpError } from '../errors.js';
import type { AccessTokenClaims, IdTokenClaims, JsonWebKeySet } from '../tokens/claims.js';
import { AuthingTokenError } from '../tokens/errors.js';
import { JwksStore } from '../tokens/jwks-store.js';
import { TokenVerifier, type TokenSigningAlg, type VerifyIdTokenOptions } from '../tokens/token-verifier.js';
import {
  HttpTransport,
  httpError,
  parseJson,
  type TransportOptions,
  type TransportResponse,
} from '../transport/http-transport.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import { AuthingCallbackError } from './callback-error.js';
import type {
  LoginTokenSet,
  PassCodePayload,
  SignInOptions,
  SignInRequest,
  SignUpRequest,
} from './end-user-api-types.js';
import { createPkcePair, encodeForm, encodeQuery, randomToken } from './hosted-login.js';

export type AuthingProtocol = 'oidc' | 'oauth' | 'cas' | 'saml';
export type EndpointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

const PROTOCOLS: readonly AuthingProtocol[] = ['oidc', 'oauth', 'cas', 'saml'];
const AUTH_METHODS: readonly EndpointAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'none'];

/** Options of {@link AuthenticationClient}, as in Authing's SDK documentation. */
export interface AuthenticationClientOptions extends TransportOptions {
  /** The application id. */
  appId: string;
  /** The application secret; needed unless every endpoint auth method is `none`. */
  appSecret?: string;
  /** The application's origin, e.g. `https://example.authing.cn`. */
  appHost: string;
  /** Login callback URL, as configured in the console. */
  redirectUri?: string;
  /** Where Authing sends the browser after logout. */
  logoutRedirectUri?: string;
  /** Default `openid profile`. */
  scope?: string;
  /** Default `oidc`. */
  protocol?: AuthingProtocol;
  /** Client authentication at the token endpoint (and for sign-in). Default `client_secret_post`. */
  tokenEndPointAuthMethod?: EndpointAuthMethod;
  /** Default `client_secret_post`. */
  introspectionEndPointAuthMethod?: EndpointAuthMethod;
  /** Default `client_secret_post`. */
  revocationEndPointAuthMethod?: EndpointAuthMethod;
  /** The end user's access token, as if passed to `setAccessToken`. */
  accessToken?: string;
  /** Keys to verify tokens with, offline; when set the JWKS endpoint is never called. */
  serverJWKS?: JsonWebKeySet;
  /** Algorithm of the app's id_tokens (console: id_token signing algorithm). Default `RS256`. */
  idTokenSigningAlg?: TokenSigningAlg;
  /** Algorithm of the app's access tokens. Default `RS256`. */
  accessTokenSigningAlg?: TokenSigningAlg;
  /** Seconds of clock skew tolerated when checking `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
  /** Minimum ms between JWKS fetches caused by unknown key ids. Default 30000. */
  jwksRefetchInterval?: number;
  /** Age in ms after which the JWKS is refreshed in the background (at most once per `jwksRefetchInterval`). Default 600000. */
  jwksMaxAge?: number;
  /** Verified access tokens remembered (by hash) until they expire; 0 disables. Default 10000. */
  verifiedTokenCacheSize?: number;
}

/** Options of {@link AuthenticationClient.buildAuthorizeUrl}. */
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

/** What {@link AuthenticationClient.buildAuthorizeUrl} returns: keep everything but `url` for the callback. */
export interface AuthorizeUrlResult {
  url: string;
  state?: string;
  nonce?: string;
  /** The PKCE verifier to send with the code; keep it server-side. */
  codeVerifier?: string;
  codeChallenge?: string;
}

/** Options of {@link AuthenticationClient.buildLogoutUrl}. */
export interface LogoutUrlOptions {
  /** The id_token of the session, sent as `id_token_hint` (OIDC). */
  idToken?: string;
  /** Overrides `logoutRedirectUri`. */
  redirectUri?: string;
  state?: string;
}

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

/** A CAS 1.0 validation result. */
export interface CasV1Result {
  valid: boolean;
  user?: string;
}

// Sign-in style endpoints authenticate the *application*; the user's token has no business there.
const CLIENT_AUTH_ENDPOINTS: ReadonlySet<string> = new Set([
  '/api/v3/signin',
  '/api/v3/signin-by-mobile',
  '/api/v3/exchange-tokenset-with-qrcode-ticket',
]);

const SHARED_CORE = Symbol('AuthenticationClient.core');

interface SharedCore {
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

// Declaration merging gives the class one typed method per catalogue entry, installed at runtime.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AuthenticationClient extends Omit<AuthenticationApi, 'pub'> {}

/**
 * The end user's client: hosted login (OIDC/OAuth, CAS, SAML), sign-in and sign-up, the end user's
 * API, and local token verification. Use one instance per end user; {@link withAccessToken} derives
 * one cheaply from a shared instance, sharing its connection pool and key cache.
 *
 * API methods resolve to Authing's envelope and do not throw on business errors; token-endpoint
 * answers are returned in the same envelope shape (`statusCode` is the HTTP status, `data` the
 * OAuth body).
 *
 * @example
 * const client = new AuthenticationClient({ appId, appSecret, appHost });
 * const { data } = await client.signInByEmailPassword({ email, password });
 * client.setAccessToken(data.access_token);
 * await client.updateProfile({ nickname: '张三' });
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AuthenticationClient {
  readonly #core: SharedCore;
  #accessToken: string | undefined;

  constructor(options: AuthenticationClientOptions) {
    // A derived client (withAccessToken) passes the shared core under a module-private symbol.
    const shared = (options as { [SHARED_CORE]?: SharedCore } | undefined)?.[SHARED_CORE];
    this.#core = shared ?? createCore(options);
    if (options.accessToken !== undefined) this.setAccessToken(options.accessToken);
  }

  /**
   * A client for another end user that shares this one's connection pool, key cache and settings:
   * cheap enough to make per request.
   */
  withAccessToken(accessToken: string | undefined): AuthenticationClient {
    return new AuthenticationClient({
      [SHARED_CORE]: this.#core,
      accessToken,
    } as unknown as AuthenticationClientOptions);
  }

  get appId(): string {
    return this.#core.appId;
  }

  get appHost(): string {
    return this.#core.appHost;
  }

  get protocol(): AuthingProtocol {
    return this.#core.protocol;
  }

  /** The issuer tokens and login callbacks must name: `<appHost>/oidc` (`/oauth` for OAuth). */
  get issuer(): string {
    return this.#core.issuer;
  }

  /** The end user's access token set by {@link setAccessToken}, if any. */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  /** Remembers the end user's access token; later API calls send it. */
  setAccessToken(accessToken: string | undefined): void {
    if (accessToken !== undefined && (typeof accessToken !== 'string' || accessToken.trim() === '')) {
      throw new AuthingArgumentError('accessToken', 'must be a non-empty string');
    }
    this.#accessToken = accessToken;
  }

  // ---------------------------------------------------------------- hosted login

  /**
   * The URL of Authing's hosted login page. For OIDC it also returns the `state`, `nonce` and PKCE
   * `codeVerifier` it generated: keep them (server-side) and pass them to {@link handleRedirectCallback}.
   */
  buildAuthorizeUrl(options: AuthorizeUrlOptions = {}): AuthorizeUrlResult {
    const core = this.#core;
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

  /**
   * The URL that ends the session at Authing: OIDC end-session, CAS logout, or the plain logout page
   * for the other protocols.
   */
  buildLogoutUrl(options: LogoutUrlOptions = {}): string {
    const core = this.#core;
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

  /** Exchanges an authorization code for tokens, sending the PKCE verifier when given. */
  async getAccessTokenByCode(
    code: string,
    options: { codeVerifier?: string; redirectUri?: string } = {},
  ): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    requireArg(code, 'code');
    if (options.codeVerifier !== undefined) requireArg(options.codeVerifier, 'codeVerifier');
    return this.#oauthCall('token', this.#core.tokenAuth, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri ?? this.#core.redirectUri,
      code_verifier: options.codeVerifier,
    });
  }

  /** Gets a new access token with a refresh token. */
  async getNewAccessTokenByRefreshToken(refreshToken: string): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    requireArg(refreshToken, 'refreshToken');
    return this.#oauthCall('token', this.#core.tokenAuth, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /**
   * Machine-to-machine token (client credentials grant) for `scope`, with a programmatic access
   * account's key pair or, by default, the application's own credentials.
   */
  async getAccessTokenByClientCredentials(
    scope: string,
    options?: { accessKey: string; accessSecret: string },
  ): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    requireArg(scope, 'scope');
    const clientId = options ? requireArg(options.accessKey, 'options.accessKey') : this.#core.appId;
    const secret = options ? requireArg(options.accessSecret, 'options.accessSecret') : this.#core.appSecret;
    if (!secret) throw new AuthingArgumentError('options.accessSecret', 'is needed when the client has no appSecret');
    return this.#oauthPost('token', {
      client_id: clientId,
      client_secret: secret,
      grant_type: 'client_credentials',
      scope,
    });
  }

  /** Asks the server whether a token is active (RFC 7662). */
  async introspectToken(token: string): Promise<AuthingResponse<IntrospectionResult | OAuthErrorBody>> {
    requireArg(token, 'token');
    return this.#oauthCall('token/introspection', this.#core.introspectionAuth, { token });
  }

  /** Revokes an access or refresh token (RFC 7009); `data` is `true` when the server accepted. */
  async revokeToken(token: string): Promise<AuthingResponse<true | OAuthErrorBody>> {
    requireArg(token, 'token');
    const response = await this.#oauthCall<unknown>('token/revocation', this.#core.revocationAuth, { token });
    return response.statusCode === 200 ? { ...response, data: true } : (response as AuthingResponse<OAuthErrorBody>);
  }

  /**
   * The user's claims from the userinfo endpoint. The token goes in the `Authorization` header by
   * default (a query string ends up in proxy logs); `tokenPlace` can say otherwise.
   */
  async getUserInfoByAccessToken(
    accessToken: string,
    options: { method?: 'GET' | 'POST'; tokenPlace?: 'header' | 'query' | 'body' } = {},
  ): Promise<AuthingResponse<UserInfo | OAuthErrorBody>> {
    requireArg(accessToken, 'accessToken');
    const method = options.method ?? 'GET';
    const place = options.tokenPlace ?? 'header';
    if (method !== 'GET' && method !== 'POST') throw new AuthingArgumentError('options.method', 'must be GET or POST');
    if (!['header', 'query', 'body'].includes(place)) {
      throw new AuthingArgumentError('options.tokenPlace', 'must be header, query or body');
    }
    if (method === 'GET' && place === 'body') {
      throw new AuthingArgumentError('options.tokenPlace', 'cannot be body for a GET request');
    }
    const path = `${this.#oauthPrefix()}/me`;
    return this.#oauthRequest(path, {
      method,
      path,
      query: place === 'query' ? { access_token: accessToken } : undefined,
      headers: place === 'header' ? { authorization: `Bearer ${accessToken}` } : {},
      body:
        place === 'body'
          ? { contentType: 'application/x-www-form-urlencoded', text: encodeForm({ access_token: accessToken }) }
          : undefined,
    });
  }

  /**
   * Completes a hosted login in one call: checks `state`, exchanges the code (with the PKCE verifier),
   * verifies the id_token (signature, issuer, audience, times, nonce) and, when asked, fetches userinfo
   * and checks that its `sub` is the id_token's. Throws {@link AuthingCallbackError} on any failure.
   *
   * @param callback the callback URL, or its query parameters
   * @param expected what {@link buildAuthorizeUrl} returned
   */
  async handleRedirectCallback(
    callback: string | URL | Readonly<Record<string, unknown>>,
    expected: ExpectedCallback,
    options: { fetchUserInfo?: boolean } = {},
  ): Promise<LoginResult> {
    if (!expected || typeof expected.state !== 'string' || expected.state === '') {
      throw new AuthingArgumentError('expected.state', 'the state generated for this login is required');
    }
    const params = callbackParams(callback);
    // RFC 9207: a callback naming another issuer comes from a mix-up (another identity server's
    // answer delivered here); checked first, before its error or code is believed.
    if (params.iss !== undefined && params.iss !== this.#core.issuer) {
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
    const response = await this.getAccessTokenByCode(params.code, {
      codeVerifier: expected.codeVerifier,
      redirectUri: expected.redirectUri,
    });
    const tokens = response.data as Partial<OidcTokenSet & OAuthErrorBody>;
    if (response.statusCode === 429) {
      // Rate limited: the server's state, not the code's fault (a server-side app answers 503).
      const url = `${this.#core.appHost}${this.#oauthPrefix()}/token`;
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
      claims = await this.verifyIdToken(tokens.id_token, { nonce: expected.nonce });
    } catch (error) {
      if (error instanceof AuthingTokenError) {
        throw new AuthingCallbackError('id_token', error.message, undefined, error);
      }
      throw error;
    }
    const result: LoginResult = { tokens: tokens as OidcTokenSet, claims };
    if (options.fetchUserInfo) {
      const info = await this.getUserInfoByAccessToken(tokens.access_token);
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

  // ---------------------------------------------------------------- CAS

  /** Validates a CAS 1.0 ticket. */
  async validateTicketV1(ticket: string, service: string): Promise<AuthingResponse<CasV1Result>> {
    requireArg(ticket, 'ticket');
    requireArg(service, 'service');
    const path = `/cas-idp/${encodeURIComponent(this.#core.appId)}/validate`;
    const response = await this.#core.transport.send({
      method: 'GET',
      path,
      query: { service, ticket },
      headers: this.#baseHeaders(),
    });
    if (response.status !== 200)
      throw httpError('GET', this.#core.appHost + path, response, 'CAS validation failed', 'unexpected_status');
    const [verdict, user] = response.text.split('\n');
    const valid = verdict === 'yes';
    return {
      statusCode: 200,
      message: valid ? 'OK' : 'invalid ticket',
      data: valid ? { valid, user: user?.trim() || undefined } : { valid },
    };
  }

  /** Validates a CAS 2.0 ticket; `data` is the parsed JSON answer, or the XML text. */
  async validateTicketV2(
    ticket: string,
    service: string,
    format: 'JSON' | 'XML' = 'JSON',
  ): Promise<AuthingResponse<unknown>> {
    requireArg(ticket, 'ticket');
    requireArg(service, 'service');
    if (format !== 'JSON' && format !== 'XML') throw new AuthingArgumentError('format', 'must be JSON or XML');
    const path = `/cas-idp/${encodeURIComponent(this.#core.appId)}/serviceValidate`;
    const response = await this.#core.transport.send({
      method: 'GET',
      path,
      query: { service, ticket, format },
      headers: this.#baseHeaders(),
    });
    if (response.status !== 200)
      throw httpError('GET', this.#core.appHost + path, response, 'CAS validation failed', 'unexpected_status');
    if (format === 'XML') return { statusCode: 200, message: 'OK', data: response.text };
    const parsed = parseJson(response.text);
    if (!parsed.ok) throw httpError('GET', this.#core.appHost + path, response, 'the body is not JSON', 'not_json');
    return { statusCode: 200, message: 'OK', data: parsed.value };
  }

  // ---------------------------------------------------------------- token verification

  /** Verifies an id_token locally and returns its claims; throws {@link AuthingTokenError}. */
  verifyIdToken(idToken: string, options?: VerifyIdTokenOptions): Promise<IdTokenClaims> {
    return this.#core.verifier.verifyIdToken(idToken, options);
  }

  /** Verifies an access token locally (cached JWKS, no call per token once warm); throws {@link AuthingTokenError}. */
  verifyAccessToken(accessToken: string): Promise<AccessTokenClaims> {
    return this.#core.verifier.verifyAccessToken(accessToken);
  }

  /**
   * The claims of an access token this client (or its root) has already verified and still
   * remembers, synchronously; `undefined` when it must be verified with {@link verifyAccessToken}.
   */
  peekVerifiedAccessToken(accessToken: string): AccessTokenClaims | undefined {
    return this.#core.verifier.peekAccessToken(accessToken);
  }

  /** Fetches the signing keys now, so the first request does not wait for them. */
  loadSigningKeys(): Promise<void> {
    return this.#core.jwks.load();
  }

  /** How many times the JWKS has been fetched (for tests and benchmarks). */
  get jwksFetchCount(): number {
    return this.#core.jwks.fetchCount;
  }

  // ---------------------------------------------------------------- sign-in and sign-up

  /** Signs in with email and password. */
  async signInByEmailPassword(request: { email: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', { password: request?.password, email: request?.email }, request);
  }

  /** Signs in with phone number and password. */
  async signInByPhonePassword(request: { phone: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', { password: request?.password, phone: request?.phone }, request);
  }

  /** Signs in with username and password. */
  async signInByUsernamePassword(request: { username: string; password: string; options?: SignInOptions }) {
    return this.#signIn(
      'PASSWORD',
      'passwordPayload',
      { password: request?.password, username: request?.username },
      request,
    );
  }

  /** Signs in with any account identifier (username, phone or email) and password. */
  async signInByAccountPassword(request: { account: string; password: string; options?: SignInOptions }) {
    return this.#signIn(
      'PASSWORD',
      'passwordPayload',
      { password: request?.password, account: request?.account },
      request,
    );
  }

  /** Signs in with email and a one-time code sent by `sendEmail`. */
  async signInByEmailPassCode(request: { email: string; passCode: string; options?: SignInOptions }) {
    return this.#signIn('PASSCODE', 'passCodePayload', { email: request?.email, passCode: request?.passCode }, request);
  }

  /** Signs in with phone number and a one-time code sent by `sendSms`. */
  async signInByPhonePassCode(request: {
    phone: string;
    passCode: string;
    phoneCountryCode?: string;
    options?: SignInOptions;
  }) {
    return this.#signIn(
      'PASSCODE',
      'passCodePayload',
      { phone: request?.phone, phoneCountryCode: request?.phoneCountryCode, passCode: request?.passCode },
      request,
    );
  }

  /** Signs in with a Windows AD account. */
  async signInByAD(request: { sAMAccountName: string; password: string; options?: SignInOptions }) {
    return this.#signIn(
      'AD',
      'adPayload',
      { sAMAccountName: request?.sAMAccountName, password: request?.password },
      request,
    );
  }

  /** Signs in with an LDAP account. */
  async signInByLDAP(request: { sAMAccountName: string; password: string; options?: SignInOptions }) {
    return this.#signIn(
      'LDAP',
      'ldapPayload',
      { password: request?.password, sAMAccountName: request?.sAMAccountName },
      request,
    );
  }

  /** Signs up with email and password. */
  async signUpByEmailPassword(request: { email: string; password: string } & SignUpExtras) {
    return this.#signUp('PASSWORD', 'passwordPayload', { password: request?.password, email: request?.email }, request);
  }

  /** Signs up with username and password. */
  async signUpByUsernamePassword(request: { username: string; password: string } & SignUpExtras) {
    return this.#signUp(
      'PASSWORD',
      'passwordPayload',
      { password: request?.password, username: request?.username },
      request,
    );
  }

  /** Signs up with email and a one-time code. */
  async signUpByEmailCode(request: { email: string; passCode: string } & SignUpExtras) {
    return this.#signUp('PASSCODE', 'passCodePayload', { passCode: request?.passCode, email: request?.email }, request);
  }

  /** Signs up with phone number and a one-time code. */
  async signUpByPhoneCode(request: { phone: string; passCode: string; phoneCountryCode?: string } & SignUpExtras) {
    return this.#signUp(
      'PASSCODE',
      'passCodePayload',
      { phone: request?.phone, phoneCountryCode: request?.phoneCountryCode, passCode: request?.passCode },
      request,
    );
  }

  /**
   * Publishes a user event (`POST /api/v3/pub-userEvent`); Authing wants the event name and its data
   * as strings, and the signed-in user's token.
   */
  async pub(eventName: string, data: string): Promise<AuthingResponse> {
    requireArg(eventName, 'eventName');
    if (typeof data !== 'string') throw new AuthingArgumentError('data', 'must be a string');
    if (!this.#accessToken)
      throw new AuthingArgumentError('accessToken', 'pub needs the user token: setAccessToken first');
    return this.request({
      method: 'POST',
      path: '/api/v3/pub-userEvent',
      body: { eventType: eventName, source: `${SDK_NAME}: ${SDK_VERSION}`, eventData: data },
    });
  }

  // ---------------------------------------------------------------- generic API

  /** Calls a catalogue endpoint by name; the typed methods are thin wrappers around this. */
  async callEndpoint(name: string, args: unknown): Promise<AuthingResponse> {
    const spec = (AUTHENTICATION_ENDPOINTS as Record<string, (typeof AUTHENTICATION_ENDPOINTS)[AuthenticationMethod]>)[
      name
    ];
    if (!spec) throw new AuthingArgumentError('name', `"${name}" is not an authentication endpoint`);
    return this.request(prepareCall(name, spec, args));
  }

  /** Sends a request to any v3 path as this end user and returns the envelope. */
  async request<T = unknown>(call: PreparedCall): Promise<AuthingResponse<T>> {
    const headers = this.#baseHeaders();
    if (CLIENT_AUTH_ENDPOINTS.has(call.path)) {
      if (this.#core.tokenAuth === 'client_secret_basic') headers.authorization = this.#basic();
    } else if (this.#accessToken) {
      headers.authorization = this.#accessToken;
    }
    return this.#core.transport.envelope<T>({
      method: call.method,
      path: call.path,
      query: call.query,
      headers,
      body: call.body === undefined ? undefined : { contentType: 'application/json', text: JSON.stringify(call.body) },
    });
  }

  /** Closes pooled connections (of every client derived with {@link withAccessToken} too). */
  close(): Promise<void> {
    return this.#core.transport.close();
  }

  /** Keeps the secret and the user's token out of `console.log(client)`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AuthenticationClient { appHost: '${this.appHost}', appId: '${this.appId}', protocol: '${this.protocol}' }`;
  }

  // ---------------------------------------------------------------- internals

  async #signIn(
    connection: SignInRequest['connection'],
    payloadKey: 'passwordPayload' | 'passCodePayload' | 'adPayload' | 'ldapPayload',
    payload: Record<string, string | undefined>,
    request: { options?: SignInOptions } | undefined,
  ): Promise<AuthingResponse<LoginTokenSet>> {
    checkPayload(payload, payloadKey === 'passCodePayload' ? ['phoneCountryCode'] : []);
    const body: Record<string, unknown> = { connection, [payloadKey]: payload, options: request?.options };
    if (this.#core.tokenAuth === 'client_secret_post') {
      body.client_id = this.#core.appId;
      body.client_secret = this.#core.appSecret;
    }
    return this.request<LoginTokenSet>({ method: 'POST', path: '/api/v3/signin', body });
  }

  async #signUp(
    connection: SignUpRequest['connection'],
    payloadKey: 'passwordPayload' | 'passCodePayload',
    payload: Record<string, string | undefined>,
    request: SignUpExtras | undefined,
  ) {
    checkPayload(payload, payloadKey === 'passCodePayload' ? ['phoneCountryCode'] : []);
    const body = { connection, [payloadKey]: payload, profile: request?.profile, options: request?.options };
    return this.request<import('../management/management-api-types.js').User>({
      method: 'POST',
      path: '/api/v3/signup',
      body,
    });
  }

  #baseHeaders(): Record<string, string> {
    return {
      accept: 'application/json',
      'x-authing-app-id': this.#core.appId,
      'x-authing-sdk-version': `${SDK_NAME}:${SDK_VERSION}`,
    };
  }

  #basic(): string {
    return `Basic ${Buffer.from(`${this.#core.appId}:${this.#core.appSecret ?? ''}`).toString('base64')}`;
  }

  #oauthPrefix(): '/oidc' | '/oauth' {
    const protocol = this.#core.protocol;
    if (protocol !== 'oidc' && protocol !== 'oauth') {
      throw new AuthingArgumentError('protocol', `token endpoints need protocol oidc or oauth, not ${protocol}`);
    }
    return protocol === 'oidc' ? '/oidc' : '/oauth';
  }

  /** A token, introspection or revocation request authenticated as `method` says. */
  #oauthCall<T>(
    endpoint: 'token' | 'token/introspection' | 'token/revocation',
    method: EndpointAuthMethod,
    fields: Record<string, string | undefined>,
  ): Promise<AuthingResponse<T>> {
    const core = this.#core;
    const path = `${this.#oauthPrefix()}/${endpoint}`;
    const headers: Record<string, string> = {};
    let form: Record<string, string | undefined>;
    if (method === 'client_secret_post') form = { client_id: core.appId, client_secret: core.appSecret, ...fields };
    else if (method === 'client_secret_basic') {
      form = fields;
      headers.authorization = this.#basic();
    } else form = { client_id: core.appId, ...fields };
    return this.#oauthRequest<T>(path, {
      method: 'POST',
      path,
      headers,
      body: { contentType: 'application/x-www-form-urlencoded', text: encodeForm(form) },
    });
  }

  #oauthPost<T>(endpoint: 'token', form: Record<string, string | undefined>): Promise<AuthingResponse<T>> {
    const path = `${this.#oauthPrefix()}/${endpoint}`;
    return this.#oauthRequest<T>(path, {
      method: 'POST',
      path,
      headers: {},
      body: { contentType: 'application/x-www-form-urlencoded', text: encodeForm(form) },
    });
  }

  async #oauthRequest<T>(
    path: string,
    request: {
      method: HttpMethod;
      path: string;
      query?: Record<string, unknown>;
      headers: Record<string, string>;
      body?: { contentType: string; text: string };
    },
  ): Promise<AuthingResponse<T>> {
    const response = await this.#core.transport.send({
      ...request,
      // Never the end user's session token here: only what this call put in `headers`.
      headers: { ...this.#baseHeaders(), ...request.headers },
      // A token request is not idempotent (a code is single-use), so it is never retried blindly.
      idempotent: request.method === 'GET',
    });
    return oauthEnvelope<T>(request.method, this.#core.appHost + path, response);
  }
}

installCatalogue(AuthenticationClient.prototype, AUTHENTICATION_ENDPOINTS, ['pub']);

interface SignUpExtras {
  profile?: SignUpRequest['profile'];
  options?: SignUpRequest['options'];
}

export type { PassCodePayload };

function createCore(options: AuthenticationClientOptions): SharedCore {
  if (typeof options !== 'object' || options === null) {
    throw new AuthingArgumentError('options', 'AuthenticationClient needs { appId, appHost, ... }');
  }
  const appId = requireOption(options.appId, 'appId');
  const protocol = options.protocol ?? 'oidc';
  if (!PROTOCOLS.includes(protocol)) {
    throw new AuthingArgumentError('protocol', `must be one of ${PROTOCOLS.join(', ')}, got ${describe(protocol)}`);
  }
  const methods = {
    tokenEndPointAuthMethod: options.tokenEndPointAuthMethod ?? 'client_secret_post',
    introspectionEndPointAuthMethod: options.introspectionEndPointAuthMethod ?? 'client_secret_post',
    revocationEndPointAuthMethod: options.revocationEndPointAuthMethod ?? 'client_secret_post',
  };
  if (options.appSecret !== undefined) requireOption(options.appSecret, 'appSecret');
  for (const [option, value] of Object.entries(methods)) {
    if (!AUTH_METHODS.includes(value)) {
      throw new AuthingArgumentError(option, `must be one of ${AUTH_METHODS.join(', ')}, got ${describe(value)}`);
    }
    if (value !== 'none' && !options.appSecret) {
      throw new AuthingArgumentError(
        option,
        `${value} authenticates with the app secret: pass appSecret, or set ${option} to 'none' for a public client`,
      );
    }
  }
  for (const option of ['redirectUri', 'logoutRedirectUri'] as const) {
    const value = options[option];
    if (value !== undefined && !isAbsoluteUrl(value)) {
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
    fetchKeys: options.serverJWKS
      ? undefined
      : async () => {
          const path = `${prefix}/.well-known/jwks.json`;
          // The key store rate-limits its fetches; a status the server answered is not retried on top.
          const response = await transport.send({
            method: 'GET',
            path,
            headers: { accept: 'application/json' },
            retryOnStatus: false,
          });
          const parsed = parseJson(response.text);
          if (response.status !== 200 || !parsed.ok) {
            throw httpError(
              'GET',
              appHost + path,
              response,
              'the JWKS endpoint did not answer a key set',
              'not_key_set',
            );
          }
          return parsed.value as JsonWebKeySet;
        },
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

function checkPayload(payload: Record<string, string | undefined>, optional: string[]): void {
  for (const [key, value] of Object.entries(payload)) {
    if (optional.includes(key) && value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new AuthingArgumentError(key, 'is required and must be a non-empty string');
    }
  }
}

function requireArg(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new AuthingArgumentError(name, 'is required and must be a non-empty string');
  }
  return value;
}

function requireOption(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingArgumentError(name, 'is required and must be a non-empty string');
  }
  return value;
}

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AuthingArgumentError(name, 'must be a number ≥ 0');
  }
  return value;
}

function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}
