import { AUTHENTICATION_ENDPOINTS } from '../catalogue/authentication.catalogue.js';
import type { AuthenticationApi, AuthenticationMethod } from '../catalogue/authentication.api.js';
import { prepareCall, type PreparedCall } from '../catalogue/endpoint.js';
import { installCatalogue } from '../catalogue/install.js';
import { EVENT_SETTINGS, eventSettings } from '../events/settings.js';
import type { Unsubscribe } from '../events/subscription.js';
import { subscribeUserEvent, userEventCall } from '../events/user-events.js';
import type { AuthingResponse } from '../envelope.js';
import { AuthingArgumentError } from '../errors.js';
import type { User } from '../management/management-api-types.js';
import type { AccessTokenClaims, IdTokenClaims } from '../tokens/claims.js';
import type { VerifyIdTokenOptions } from '../tokens/token-verifier.js';
import {
  buildAuthorizeUrl,
  buildLogoutUrl,
  type AuthorizeUrlOptions,
  type AuthorizeUrlResult,
  type LogoutUrlOptions,
} from './authorize-url.js';
import { validateTicketV1, validateTicketV2, type CasV1Result } from './cas.js';
import { createCore, requestHeaders, type ClientCore } from './client-core.js';
import type { AuthenticationClientOptions, AuthingProtocol } from './client-options.js';
import type { LoginTokenSet, SignInOptions, SignInRequest, SignUpRequest } from './end-user-api-types.js';
import { completeLogin, type ExpectedCallback, type LoginResult } from './redirect-callback.js';
import { pick, signInCall, signUpCall, type PhonePassCode, type SignUpExtras } from './sign-in.js';
import {
  clientCredentials,
  exchangeCode,
  fetchUserInfo,
  introspect,
  refreshTokens,
  revoke,
  type IntrospectionResult,
  type OAuthErrorBody,
  type OidcTokenSet,
  type UserInfo,
} from './token-endpoints.js';

/** Passed by `withAccessToken` to the constructor, which then leaves the fields to it. */
const DERIVED = Object.freeze({}) as AuthenticationClientOptions;

// Declaration merging gives the class one typed method per catalogue entry, installed at runtime.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AuthenticationClient extends Omit<AuthenticationApi, 'pub'> {}

/**
 * The end user's client: hosted login (OIDC/OAuth, CAS, SAML), sign-in and sign-up, the end user's
 * API, and local token verification. Use one instance per end user; `withAccessToken` derives
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
  // Set once: here, or by withAccessToken right after construction.
  #core!: ClientCore;
  #accessToken: string | undefined;

  constructor(options: AuthenticationClientOptions) {
    if (options === DERIVED) return;
    this.#core = createCore(options);
    EVENT_SETTINGS.set(this.#core, eventSettings(options));
    if (options.accessToken !== undefined) this.setAccessToken(options.accessToken);
  }

  /**
   * A client for another end user that shares this one's connection pool, key cache and settings:
   * cheap enough to make per request.
   */
  withAccessToken(accessToken: string | undefined): AuthenticationClient {
    // No options object to build and read back: this runs once per request in the Nest module.
    const client = new AuthenticationClient(DERIVED);
    client.#core = this.#core;
    if (accessToken !== undefined) client.setAccessToken(accessToken);
    return client;
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

  /** The end user's access token set by `setAccessToken`, if any. */
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
   * `codeVerifier` it generated: keep them (server-side) and pass them to `handleRedirectCallback`.
   */
  buildAuthorizeUrl(options: AuthorizeUrlOptions = {}): AuthorizeUrlResult {
    return buildAuthorizeUrl(this.#core, options);
  }

  /**
   * The URL that ends the session at Authing: OIDC end-session, CAS logout, or the plain logout page
   * for the other protocols.
   */
  buildLogoutUrl(options: LogoutUrlOptions = {}): string {
    return buildLogoutUrl(this.#core, options);
  }

  /** Exchanges an authorization code for tokens, sending the PKCE verifier when given. */
  async getAccessTokenByCode(
    code: string,
    options: { codeVerifier?: string; redirectUri?: string } = {},
  ): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    return exchangeCode(this.#core, code, options);
  }

  /** Gets a new access token with a refresh token. */
  async getNewAccessTokenByRefreshToken(refreshToken: string): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    return refreshTokens(this.#core, refreshToken);
  }

  /**
   * Machine-to-machine token (client credentials grant) for `scope`, with a programmatic access
   * account's key pair or, by default, the application's own credentials.
   */
  async getAccessTokenByClientCredentials(
    scope: string,
    options?: { accessKey: string; accessSecret: string },
  ): Promise<AuthingResponse<OidcTokenSet | OAuthErrorBody>> {
    return clientCredentials(this.#core, scope, options);
  }

  /** Asks the server whether a token is active (RFC 7662). */
  async introspectToken(token: string): Promise<AuthingResponse<IntrospectionResult | OAuthErrorBody>> {
    return introspect(this.#core, token);
  }

  /** Revokes an access or refresh token (RFC 7009); `data` is `true` when the server accepted. */
  async revokeToken(token: string): Promise<AuthingResponse<true | OAuthErrorBody>> {
    return revoke(this.#core, token);
  }

  /**
   * The user's claims from the userinfo endpoint. The token goes in the `Authorization` header by
   * default (a query string ends up in proxy logs); `tokenPlace` can say otherwise.
   */
  async getUserInfoByAccessToken(
    accessToken: string,
    options: { method?: 'GET' | 'POST'; tokenPlace?: 'header' | 'query' | 'body' } = {},
  ): Promise<AuthingResponse<UserInfo | OAuthErrorBody>> {
    return fetchUserInfo(this.#core, accessToken, options);
  }

  /**
   * Completes a hosted login in one call: checks `state`, exchanges the code (with the PKCE verifier),
   * verifies the id_token (signature, issuer, audience, times, nonce) and, when asked, fetches userinfo
   * and checks that its `sub` is the id_token's. Throws {@link AuthingCallbackError} on any failure.
   *
   * @param callback the callback URL, or its query parameters
   * @param expected what `buildAuthorizeUrl` returned
   */
  async handleRedirectCallback(
    callback: string | URL | Readonly<Record<string, unknown>>,
    expected: ExpectedCallback,
    options: { fetchUserInfo?: boolean } = {},
  ): Promise<LoginResult> {
    return completeLogin(this, callback, expected, options);
  }

  // ---------------------------------------------------------------- CAS

  /** Validates a CAS 1.0 ticket. */
  async validateTicketV1(ticket: string, service: string): Promise<AuthingResponse<CasV1Result>> {
    return validateTicketV1(this.#core, ticket, service);
  }

  /** Validates a CAS 2.0 ticket; `data` is the parsed JSON answer, or the XML text. */
  async validateTicketV2(
    ticket: string,
    service: string,
    format: 'JSON' | 'XML' = 'JSON',
  ): Promise<AuthingResponse<unknown>> {
    return validateTicketV2(this.#core, ticket, service, format);
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
   * remembers, synchronously; `undefined` when it must be verified with `verifyAccessToken`.
   */
  peekVerifiedAccessToken(accessToken: string): AccessTokenClaims | undefined {
    return this.#core.verifier.peekAccessToken(accessToken);
  }

  /**
   * Whether claims `peekVerifiedAccessToken` or `verifyAccessToken` returned are still remembered.
   *
   * @internal
   */
  isVerifiedAccessTokenRemembered(claims: AccessTokenClaims): boolean {
    return this.#core.verifier.isRemembered(claims);
  }

  /** Fetches the signing keys now, so the first request does not wait for them. */
  loadSigningKeys(): Promise<void> {
    return this.#core.jwks.load();
  }

  /**
   * How many times the JWKS has been fetched (for tests and benchmarks).
   *
   * @internal
   */
  get jwksFetchCount(): number {
    return this.#core.jwks.fetchCount;
  }

  // ---------------------------------------------------------------- sign-in and sign-up
  // Each payload lists its fields in the order the official SDK sends them.

  /** Signs in with email and password. */
  async signInByEmailPassword(request: { email: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', pick(request, 'password', 'email'), request);
  }

  /** Signs in with phone number and password. */
  async signInByPhonePassword(request: { phone: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', pick(request, 'password', 'phone'), request);
  }

  /** Signs in with username and password. */
  async signInByUsernamePassword(request: { username: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', pick(request, 'password', 'username'), request);
  }

  /** Signs in with any account identifier (username, phone or email) and password. */
  async signInByAccountPassword(request: { account: string; password: string; options?: SignInOptions }) {
    return this.#signIn('PASSWORD', 'passwordPayload', pick(request, 'password', 'account'), request);
  }

  /** Signs in with email and a one-time code sent by `sendEmail`. */
  async signInByEmailPassCode(request: { email: string; passCode: string; options?: SignInOptions }) {
    return this.#signIn('PASSCODE', 'passCodePayload', pick(request, 'email', 'passCode'), request);
  }

  /** Signs in with phone number and a one-time code sent by `sendSms`. */
  async signInByPhonePassCode(request: PhonePassCode & { options?: SignInOptions }) {
    return this.#signIn('PASSCODE', 'passCodePayload', pick(request, 'phone', 'phoneCountryCode', 'passCode'), request);
  }

  /** Signs in with a Windows AD account. */
  async signInByAD(request: { sAMAccountName: string; password: string; options?: SignInOptions }) {
    return this.#signIn('AD', 'adPayload', pick(request, 'sAMAccountName', 'password'), request);
  }

  /** Signs in with an LDAP account. */
  async signInByLDAP(request: { sAMAccountName: string; password: string; options?: SignInOptions }) {
    return this.#signIn('LDAP', 'ldapPayload', pick(request, 'password', 'sAMAccountName'), request);
  }

  /** Signs up with email and password. */
  async signUpByEmailPassword(request: { email: string; password: string } & SignUpExtras) {
    return this.#signUp('PASSWORD', 'passwordPayload', pick(request, 'password', 'email'), request);
  }

  /** Signs up with username and password. */
  async signUpByUsernamePassword(request: { username: string; password: string } & SignUpExtras) {
    return this.#signUp('PASSWORD', 'passwordPayload', pick(request, 'password', 'username'), request);
  }

  /** Signs up with email and a one-time code. */
  async signUpByEmailCode(request: { email: string; passCode: string } & SignUpExtras) {
    return this.#signUp('PASSCODE', 'passCodePayload', pick(request, 'passCode', 'email'), request);
  }

  /** Signs up with phone number and a one-time code. */
  async signUpByPhoneCode(request: PhonePassCode & SignUpExtras) {
    return this.#signUp('PASSCODE', 'passCodePayload', pick(request, 'phone', 'phoneCountryCode', 'passCode'), request);
  }

  /**
   * Publishes a user event (`POST /api/v3/pub-userEvent`); Authing wants the event name and its data
   * as strings, and the signed-in user's token.
   */
  async pub(eventName: string, data: string): Promise<AuthingResponse> {
    return this.request(userEventCall(eventName, data, this.#accessToken));
  }

  /**
   * Subscribes the signed-in user to an event on
   * `<socketUri>/events/v1/authentication/sub?code=<eventCode>&token=<access token>` (as the
   * official SDK). `callback` gets each message string; `errCallback` an Error once reconnections
   * are exhausted. Returns a function that unsubscribes.
   */
  sub(eventCode: string, callback: (data: string) => void, errCallback?: (error: Error) => void): Unsubscribe {
    return subscribeUserEvent(this.#core, this.#accessToken, eventCode, callback, errCallback);
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
    return this.#core.transport.envelope<T>({
      method: call.method,
      path: call.path,
      query: call.query,
      headers: requestHeaders(this.#core, call.path, this.#accessToken),
      body: call.body === undefined ? undefined : { contentType: 'application/json', text: JSON.stringify(call.body) },
    });
  }

  /** Closes pooled connections (of every client derived with `withAccessToken` too). */
  close(): Promise<void> {
    return this.#core.transport.close();
  }

  /** Keeps the secret and the user's token out of `console.log(client)`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AuthenticationClient { appHost: '${this.appHost}', appId: '${this.appId}', protocol: '${this.protocol}' }`;
  }

  // ---------------------------------------------------------------- internals

  #signIn(
    connection: SignInRequest['connection'],
    payloadKey: 'passwordPayload' | 'passCodePayload' | 'adPayload' | 'ldapPayload',
    payload: Record<string, string | undefined>,
    request: { options?: SignInOptions } | undefined,
  ): Promise<AuthingResponse<LoginTokenSet>> {
    return this.request<LoginTokenSet>(signInCall(this.#core, connection, payloadKey, payload, request?.options));
  }

  #signUp(
    connection: SignUpRequest['connection'],
    payloadKey: 'passwordPayload' | 'passCodePayload',
    payload: Record<string, string | undefined>,
    request: SignUpExtras | undefined,
  ): Promise<AuthingResponse<User>> {
    return this.request<User>(signUpCall(connection, payloadKey, payload, request));
  }
}

installCatalogue(AuthenticationClient.prototype, AUTHENTICATION_ENDPOINTS, ['pub']);
