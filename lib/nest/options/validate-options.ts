import { AuthingArgumentError } from '../../sdk/index.js';
import { isLocalPath } from '../login/return-to.js';
import { resolveLoginOptions } from '../login/login-options.js';
import type { AuthingModuleOptions, AuthingTokenValidation } from './authing-options.interface.js';
import {
  absoluteUrl,
  AuthingConfigurationError,
  bool,
  clusterOption,
  nonNegative,
  oneOf,
  optionalString,
  positiveInt,
  requiredString,
  safeOrigin,
} from './option-checks.js';
import { resolveSessionLifetime } from '../session/session-lifetime.js';
import { LOGIN_FLOW_KEYS, MANAGEMENT_KEYS, SDK_KEYS } from './option-keys.js';
import { resolvedOptions, type ResolvedAuthingOptions } from './resolved-options.js';

const KNOWN_OPTIONS = new Set<string>([
  ...SDK_KEYS,
  ...MANAGEMENT_KEYS,
  ...LOGIN_FLOW_KEYS,
  'tenantId',
  'tokenValidation',
  'introspectionCacheTtl',
  'roles',
  'authorization',
  'extractToken',
  'loadSigningKeysOnStart',
  'maxPendingLogins',
  'loginTimeout',
  'csrf',
  'cluster',
  'sessionLifetime',
  'tenancy',
  'login',
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
  const authorization = resolveAuthorization(input.authorization);
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
    authorization,
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
    login: resolveLoginOptions(input.login, (option, reason) => new AuthingConfigurationError(option, reason)),
  };
  const resolved = resolvedOptions(pickDefined({ ...input, scope }, SDK_KEYS), management, settings);
  return { resolved, unknown };
}

/** The keys of `source` listed in `keys` whose value is defined: what the SDK receives, typed. */
export function pickDefined<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked as Pick<T, K>;
}

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

function resolveAuthorization(value: AuthingModuleOptions['authorization']): ResolvedAuthingOptions['authorization'] {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new AuthingConfigurationError(
      'authorization',
      "must be an object: { cacheTtl, namespace, api: 'isActionAllowed' | 'checkPermission' }",
    );
  }
  return {
    cacheTtl: nonNegative(value?.cacheTtl, 'authorization.cacheTtl', 5_000),
    namespace: value?.namespace === undefined ? undefined : requiredString(value.namespace, 'authorization.namespace'),
    api: oneOf(value?.api, 'authorization.api', ['isActionAllowed', 'checkPermission'] as const, 'isActionAllowed'),
  };
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

/**
 * An SDK argument error raised while building a client from the options, as the configuration error
 * of the option it names (its `argument`); the SDK's error is kept as the `cause`.
 */
export function toConfigurationError(error: unknown): unknown {
  if (error instanceof AuthingArgumentError) {
    return new AuthingConfigurationError(error.argument, error.detail, { cause: error });
  }
  return error;
}
