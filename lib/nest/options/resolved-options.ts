import type { AuthenticationClientOptions, ManagementClientOptions } from '../../sdk/index.js';
import type { AuthingSessionCluster } from '../cluster/session-cluster.js';
import type { ResolvedLoginOptions } from '../login/login-options.js';
import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingSessionLifetime } from '../session/session-lifetime.js';
import type { AuthingRolesSource, AuthingTokenValidation } from './authing-options.interface.js';
import type { AuthingResourceApi } from '../authorization/requirements.js';
import type { SDK_KEYS } from './option-keys.js';

/** The module options the shared AuthenticationClient is built from, as the SDK types them. */
type SdkClientOptions = Pick<AuthenticationClientOptions, (typeof SDK_KEYS)[number]>;

/** The options after validation, with every default filled in. */
export interface ResolvedAuthingOptions {
  /** What the shared AuthenticationClient is built from (the SDK options the module takes). */
  client: AuthenticationClientOptions;
  appId: string;
  appHost: string;
  redirectUri: string | undefined;
  logoutRedirectUri: string | undefined;
  scope: string;
  management: Pick<ManagementClientOptions, 'accessKeyId' | 'accessKeySecret' | 'host' | 'tenantId'> | undefined;
  tokenValidation: AuthingTokenValidation;
  introspectionCacheTtl: number;
  roles: { source: AuthingRolesSource; cacheTtl: number; namespace: string | undefined; scopesAsPermissions: boolean };
  /** Resource-instance checks: answer cache, namespace and Authing call. */
  authorization: { cacheTtl: number; namespace: string | undefined; api: AuthingResourceApi };
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
  /**
   * Set on a tenant's options only (the `tenancy` option): its name, its Authing tenant id, and the
   * token claim naming the tenant (false: not checked).
   */
  readonly tenant?: { name: string; tenantId: string | undefined; claim: string | false };
  /** The `login` option (hooks and per-login parameters of the hosted login). */
  login: ResolvedLoginOptions;
}

/** Builds the resolved options: the secret-carrying groups in private fields, the settings as own properties. */
export function resolvedOptions(
  client: SdkClientOptions,
  management: ResolvedAuthingOptions['management'],
  settings: Omit<ResolvedAuthingOptions, 'client' | 'management'>,
): ResolvedAuthingOptions {
  return Object.assign(new SecretOptions(client, management), settings);
}

/**
 * Holds the two option groups that carry secrets in private fields, readable through prototype
 * getters: neither `JSON.stringify` nor `util.inspect(options, { showHidden: true })` reaches them
 * (a non-enumerable property would still show with `showHidden`).
 */
class SecretOptions {
  readonly #client: SdkClientOptions;
  readonly #management: ResolvedAuthingOptions['management'];

  constructor(client: SdkClientOptions, management: ResolvedAuthingOptions['management']) {
    this.#client = client;
    this.#management = management;
  }

  get client(): SdkClientOptions {
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
