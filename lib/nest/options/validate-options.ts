import { AuthingArgumentError, type AuthenticationClientOptions } from '../../sdk/index.js';
import type { AuthingRequest } from '../context/request-context.js';
import type { AuthingSessionCluster } from '../cluster/session-cluster.js';
import { resolveSessionLifetime, type AuthingSessionLifetime } from '../session/session-lifetime.js';
import type { AuthingModuleOptions, AuthingRolesSource, AuthingTokenValidation } from './authing-options.interface.js';

/**
 * A module option is missing or invalid. Thrown at start-up, so a misconfigured app does not boot;
 * `option` names the offending option. The message never contains a secret's value.
 */
export class AuthingConfigurationError extends Error {
  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`AuthingModule option "${option}" ${reason}`);
    this.name = 'AuthingConfigurationError';
  }
}

/** The options after validation, with every default filled in. */
export interface ResolvedAuthingOptions {
  /** What the shared AuthenticationClient is built from. */
  client: AuthingModuleOptions;
  appId: string;
  appHost: string;
  redirectUri: string | undefined;
  logoutRedirectUri: string | undefined;
  scope: string;
  management: { accessKeyId: string; accessKeySecret: string; host?: string; tenantId?: string } | undefined;
  tokenValidation: AuthingTokenValidation;
  introspectionCacheTtl: number;
  roles: { source: AuthingRolesSource; cacheTtl: number; namespace: string | undefined; scopesAsPermissions: boolean };
  extractToken: ((request: AuthingRequest) => string | undefined) | undefined;
  loadSigningKeysOnStart: boolean;
  /** Cross-site request checks of session-authenticated unsafe requests (and of logout). */
  csrf: { enabled: boolean; allowedOrigins: readonly string[] };
  /** Allowed absolute origins for `returnTo`, normalised by `URL.origin`. */
  allowedReturnTo: readonly string[];
  defaultReturnTo: string;
  loginFailureRedirect: string | undefined;
  pkce: boolean;
  fetchUserInfo: boolean;
  sessionKey: string;
  maxPendingLogins: number;
  loginTimeout: number;
  cluster: AuthingSessionCluster | undefined;
  sessionLifetime: Required<AuthingSessionLifetime>;
}

/** The module options that are the shared AuthenticationClient's own. */
export const SDK_KEYS = [
  'appId',
  'appSecret',
  'appHost',
  'redirectUri',
  'logoutRedirectUri',
  'scope',
  'tokenEndPointAuthMethod',
  'introspectionEndPointAuthMethod',
  'revocationEndPointAuthMethod',
  'serverJWKS',
  'idTokenSigningAlg',
  'accessTokenSigningAlg',
  'clockTolerance',
  'jwksRefetchInterval',
  'jwksMaxAge',
  'verifiedTokenCacheSize',
  'timeout',
  'rejectUnauthorized',
  'lang',
  'retry',
] as const satisfies readonly (keyof AuthenticationClientOptions)[];

const KNOWN_OPTIONS = new Set<string>([
  ...SDK_KEYS,
  'accessKeyId',
  'accessKeySecret',
  'host',
  'tenantId',
  'tokenValidation',
  'introspectionCacheTtl',
  'roles',
  'extractToken',
  'loadSigningKeysOnStart',
  'allowedReturnTo',
  'defaultReturnTo',
  'loginFailureRedirect',
  'pkce',
  'fetchUserInfo',
  'sessionKey',
  'maxPendingLogins',
  'loginTimeout',
  'csrf',
  'cluster',
  'sessionLifetime',
]);

/**
 * Checks the module options and fills in defaults. Throws {@link AuthingConfigurationError} naming
 * the first bad option. Returns the names of unknown options (probably typos) as `unknown`.
 */
export function resolveAuthingOptions(input: AuthingModuleOptions): {
  resolved: ResolvedAuthingOptions;
  unknown: string[];
} {
  if (typeof input !== 'object' || input === null) {
    throw new AuthingConfigurationError(
      'options',
      'must be an object: AuthingModule.forRoot({ appId, appHost, ... }) (or returned by forRootAsync useFactory)',
    );
  }
  const unknown = Object.keys(input).filter((key) => !KNOWN_OPTIONS.has(key));

  const appId = requiredString(input.appId, 'appId');
  const appHost = absoluteUrl(input.appHost, 'appHost', true);
  optionalString(input.appSecret, 'appSecret');
  const redirectUri = input.redirectUri === undefined ? undefined : absoluteUrl(input.redirectUri, 'redirectUri');
  const logoutRedirectUri =
    input.logoutRedirectUri === undefined ? undefined : absoluteUrl(input.logoutRedirectUri, 'logoutRedirectUri');

  // Management credentials: both or neither.
  const hasId = input.accessKeyId !== undefined && input.accessKeyId !== '';
  const hasSecret = input.accessKeySecret !== undefined && input.accessKeySecret !== '';
  if (hasId !== hasSecret) {
    const missing = hasId ? 'accessKeySecret' : 'accessKeyId';
    throw new AuthingConfigurationError(missing, 'is required when the other management credential is set');
  }
  let management: ResolvedAuthingOptions['management'];
  if (hasId) {
    management = {
      accessKeyId: requiredString(input.accessKeyId, 'accessKeyId'),
      accessKeySecret: requiredString(input.accessKeySecret, 'accessKeySecret'),
      host: input.host === undefined ? undefined : absoluteUrl(input.host, 'host', true),
      tenantId: input.tenantId === undefined ? undefined : requiredString(input.tenantId, 'tenantId'),
    };
  } else if (input.host !== undefined) {
    absoluteUrl(input.host, 'host', true);
  }

  const tokenValidation = oneOf(input.tokenValidation, 'tokenValidation', ['local', 'introspection'] as const, 'local');
  requireSecretWhereConfigured(input, tokenValidation);
  const introspectionCacheTtl = nonNegative(input.introspectionCacheTtl, 'introspectionCacheTtl', 30_000);

  if (input.roles !== undefined && (typeof input.roles !== 'object' || input.roles === null)) {
    throw new AuthingConfigurationError('roles', "must be an object: { source: 'token' | 'management', cacheTtl }");
  }
  // Default: Authing's own answer when the module can ask it (management credentials), else the
  // `roles` claim of the id_token / userinfo.
  const rolesSource = oneOf(
    input.roles?.source,
    'roles.source',
    ['token', 'management'] as const,
    management ? 'management' : 'token',
  );
  if (rolesSource === 'management' && !management) {
    throw new AuthingConfigurationError(
      'roles.source',
      "is 'management' but no management credentials are set: pass accessKeyId and accessKeySecret",
    );
  }
  const roles = {
    source: rolesSource,
    cacheTtl: nonNegative(input.roles?.cacheTtl, 'roles.cacheTtl', 60_000),
    namespace:
      input.roles?.namespace === undefined ? undefined : requiredString(input.roles.namespace, 'roles.namespace'),
    scopesAsPermissions: bool(input.roles?.scopesAsPermissions, 'roles.scopesAsPermissions', false),
  };
  // With token-sourced roles the login asks for the `roles` scope, so the id_token carries them.
  const scope =
    input.scope === undefined
      ? `openid profile email${rolesSource === 'token' ? ' roles' : ''}`
      : requiredString(input.scope, 'scope');
  if (!scope.split(/\s+/).includes('openid')) {
    throw new AuthingConfigurationError('scope', 'must contain "openid" (hosted login needs an id_token)');
  }

  if (input.extractToken !== undefined && typeof input.extractToken !== 'function') {
    throw new AuthingConfigurationError('extractToken', 'must be a function (request) => string | undefined');
  }

  const allowedReturnTo = originList(input.allowedReturnTo, 'allowedReturnTo');
  const csrf = resolveCsrf(input.csrf);
  const defaultReturnTo =
    input.defaultReturnTo === undefined ? '/' : requiredString(input.defaultReturnTo, 'defaultReturnTo');
  if (!isLocalPath(defaultReturnTo) && !allowedReturnTo.includes(safeOrigin(defaultReturnTo) ?? '\0')) {
    throw new AuthingConfigurationError(
      'defaultReturnTo',
      'must be a path of this site ("/home") or a URL on an origin listed in allowedReturnTo',
    );
  }
  let loginFailureRedirect: string | undefined;
  if (input.loginFailureRedirect !== undefined) {
    loginFailureRedirect = requiredString(input.loginFailureRedirect, 'loginFailureRedirect');
    if (!isLocalPath(loginFailureRedirect) && safeOrigin(loginFailureRedirect) === undefined) {
      throw new AuthingConfigurationError(
        'loginFailureRedirect',
        'must be a path ("/login-failed") or an absolute URL',
      );
    }
  }

  const sessionKey = input.sessionKey === undefined ? 'authing' : requiredString(input.sessionKey, 'sessionKey');
  const maxPendingLogins =
    input.maxPendingLogins === undefined ? 5 : positiveInt(input.maxPendingLogins, 'maxPendingLogins');

  const settings: Omit<ResolvedAuthingOptions, 'client' | 'management'> = {
    csrf,
    appId,
    appHost,
    redirectUri,
    logoutRedirectUri,
    scope,
    tokenValidation,
    introspectionCacheTtl,
    roles,
    extractToken: input.extractToken,
    loadSigningKeysOnStart: bool(input.loadSigningKeysOnStart, 'loadSigningKeysOnStart', true),
    allowedReturnTo,
    defaultReturnTo,
    loginFailureRedirect,
    pkce: bool(input.pkce, 'pkce', true),
    fetchUserInfo: bool(input.fetchUserInfo, 'fetchUserInfo', false),
    sessionKey,
    maxPendingLogins,
    loginTimeout: nonNegative(input.loginTimeout, 'loginTimeout', 600_000),
    cluster: clusterOption(input.cluster),
    sessionLifetime: resolveSessionLifetime(
      input.sessionLifetime,
      (option, reason) => new AuthingConfigurationError(option, reason),
    ),
  };
  const resolved = Object.assign(new SecretOptions({ ...input, scope }, management), settings);
  return { resolved, unknown };
}

/**
 * Holds the two option groups that carry secrets in private fields, readable through prototype
 * getters: neither `JSON.stringify` nor `util.inspect(options, { showHidden: true })` reaches them
 * (a non-enumerable property would still show with `showHidden`).
 */
class SecretOptions {
  readonly #client: AuthingModuleOptions;
  readonly #management: ResolvedAuthingOptions['management'];

  constructor(client: AuthingModuleOptions, management: ResolvedAuthingOptions['management']) {
    this.#client = client;
    this.#management = management;
  }

  get client(): AuthingModuleOptions {
    return this.#client;
  }

  get management(): ResolvedAuthingOptions['management'] {
    return this.#management;
  }

  /** `showHidden` lists prototype getters and `getters: true` would call them: render the settings only. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: InspectFn): string {
    return `ResolvedAuthingOptions ${inspect({ ...this }, options)}`;
  }
}

type InspectFn = (value: unknown, options: object) => string;

/** A list of origins (`scheme://host[:port]`), normalised by `URL.origin`. */
function originList(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new AuthingConfigurationError(option, 'must be an array of origins, e.g. ["https://app.example.com"]');
  }
  return value.map((entry, index) => {
    const name = `${option}[${index}]`;
    const url = new URL(absoluteUrl(entry, name));
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new AuthingConfigurationError(name, `must be an origin only (scheme://host[:port]), e.g. "${url.origin}"`);
    }
    return url.origin;
  });
}

function resolveCsrf(value: AuthingModuleOptions['csrf']): ResolvedAuthingOptions['csrf'] {
  if (value === false) return { enabled: false, allowedOrigins: [] };
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new AuthingConfigurationError('csrf', 'must be false or { allowedOrigins: ["https://app.example.com"] }');
  }
  return { enabled: true, allowedOrigins: originList(value?.allowedOrigins, 'csrf.allowedOrigins') };
}

/** The client-authentication options of the token, introspection and revocation endpoints. */
export const AUTH_METHOD_OPTIONS = [
  'tokenEndPointAuthMethod',
  'introspectionEndPointAuthMethod',
  'revocationEndPointAuthMethod',
] as const;

const SECRET_METHODS = new Set(['client_secret_post', 'client_secret_basic']);

/**
 * Without `appSecret` the module is a bearer-only API (or a public client): the secret is required
 * at start-up only by what the options themselves say will be used; the hosted login asks for it
 * when it is first used (see AuthingStrategy).
 */
function requireSecretWhereConfigured(input: AuthingModuleOptions, tokenValidation: AuthingTokenValidation): void {
  if (input.appSecret !== undefined) return;
  for (const option of AUTH_METHOD_OPTIONS) {
    const method = input[option];
    if (method !== undefined && SECRET_METHODS.has(method)) {
      throw new AuthingConfigurationError(
        'appSecret',
        `is required: ${option} is '${method}', which authenticates with the app secret (set it to 'none' for a public client)`,
      );
    }
  }
  if (tokenValidation === 'introspection' && input.introspectionEndPointAuthMethod !== 'none') {
    throw new AuthingConfigurationError(
      'appSecret',
      "is required by tokenValidation: 'introspection' (the introspection endpoint authenticates this app); " +
        "for a public client set introspectionEndPointAuthMethod: 'none'",
    );
  }
}

/**
 * The hosted login exchanges the code at the token endpoint: without `appSecret`, only a public client
 * (`tokenEndPointAuthMethod: 'none'`) can. Throws {@link AuthingConfigurationError} naming what is missing.
 */
export function checkHostedLoginOptions(options: ResolvedAuthingOptions): string {
  if (!options.redirectUri) {
    throw new AuthingConfigurationError('redirectUri', 'is required for the hosted login (AuthingLoginGuard)');
  }
  if (options.client.appSecret === undefined && options.client.tokenEndPointAuthMethod !== 'none') {
    throw new AuthingConfigurationError(
      'appSecret',
      'is required for the hosted login (AuthingLoginGuard): the code is exchanged at the token endpoint with ' +
        "client_secret_post; for a public client (PKCE only), set tokenEndPointAuthMethod: 'none'",
    );
  }
  return options.redirectUri;
}

/** Rewrites an SDK argument error raised while building a client from the options. */
export function toConfigurationError(error: unknown): unknown {
  if (error instanceof AuthingArgumentError) {
    const reason = error.message.replace(/^Invalid argument "[^"]*": /, '');
    return new AuthingConfigurationError(error.argument, reason);
  }
  return error;
}

/** A path of this site: starts with one `/`, not `//` or `/\`, no control characters or backslashes. */
export function isLocalPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return false;

  if (/[\u0000-\u001f\u007f\s]/.test(value)) return false;
  try {
    const base = 'http://return-to.invalid';
    const url = new URL(value, base);
    // A path whose dot segments collapse into `//host` would become protocol-relative once normalised.
    return url.origin === base && !url.pathname.startsWith('//');
  } catch {
    return false;
  }
}

function safeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

function requiredString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingConfigurationError(
      option,
      `is required and must be a non-empty string (got ${describe(value, option)})`,
    );
  }
  return value;
}

function optionalString(value: unknown, option: string): void {
  if (value !== undefined) requiredString(value, option);
}

function absoluteUrl(value: unknown, option: string, originOnly = false): string {
  const text = requiredString(value, option);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthingConfigurationError(option, `must be an absolute http(s) URL (got ${describe(value, option)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthingConfigurationError(option, `must be an absolute http(s) URL (got ${describe(value, option)})`);
  }
  return originOnly ? text.replace(/\/+$/, '') : text;
}

function oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new AuthingConfigurationError(
      option,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(value, option)})`,
    );
  }
  return value as T;
}

function clusterOption(value: unknown): AuthingSessionCluster | undefined {
  if (value === undefined) return undefined;
  const methods = ['acquireLock', 'releaseLock', 'claimOnce', 'addToIndex', 'takeIndex'] as const;
  const cluster = value as Record<string, unknown> | null;
  const missing = methods.filter((name) => typeof cluster?.[name] !== 'function');
  if (typeof value !== 'object' || value === null || missing.length > 0) {
    throw new AuthingConfigurationError(
      'cluster',
      `must be an AuthingSessionCluster, e.g. redisSessionCluster(redisClient) (missing: ${missing.join(', ')})`,
    );
  }
  return value as AuthingSessionCluster;
}

function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AuthingConfigurationError(option, `must be a number ≥ 0 (got ${describe(value, option)})`);
  }
  return value;
}

function positiveInt(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new AuthingConfigurationError(option, `must be an integer ≥ 1 (got ${describe(value, option)})`);
  }
  return value;
}

function bool(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new AuthingConfigurationError(option, `must be true or false (got ${describe(value, option)})`);
  return value;
}

const SECRET_OPTIONS = new Set(['appSecret', 'accessKeyId', 'accessKeySecret']);

/** Describes a bad value; secrets are never echoed, only their type and length. */
function describe(value: unknown, option: string): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (SECRET_OPTIONS.has(option)) return `a string of ${value.length} characters`;
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  return `a ${typeof value}`;
}
