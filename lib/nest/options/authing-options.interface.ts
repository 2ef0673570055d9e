import type { AuthenticationClientOptions, ManagementClientOptions } from '../../sdk/index.js';
import type { AuthingSessionCluster } from '../cluster/session-cluster.js';
import type { AuthingLoginOptions } from '../login/login-options.js';
import type { AuthingSessionLifetime } from '../session/session-lifetime.js';
import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingResourceApi } from '../authorization/requirements.js';
import type { AuthingTenancyOptions } from '../tenancy/tenancy-options.js';

/** Where `@Roles()` / `@Permissions()` look the user's roles and permissions up. */
export type AuthingRolesSource = 'token' | 'management';

/** How {@link AuthingGuard} checks a bearer access token. */
export type AuthingTokenValidation = 'local' | 'introspection';

/**
 * Options of `AuthingModule.forRoot()` / the object `forRootAsync()`'s factory returns. Everything but
 * `appId` and `appHost` is optional. The SDK's own options (`appSecret`, `redirectUri`, `scope`,
 * `timeout`, `serverJWKS`, `clockTolerance`, ...) are the {@link AuthenticationClientOptions} of the
 * shared client; `accessKeyId` / `accessKeySecret` / `host` / `tenantId` are the
 * {@link ManagementClientOptions} (optional: without them, using the ManagementClient throws a clear
 * error). Module defaults that differ from the SDK's: `scope` is `openid profile email`, plus
 * `roles` when roles come from the token.
 */
export interface AuthingModuleOptions
  extends
    Omit<AuthenticationClientOptions, 'accessToken' | 'protocol'>,
    Partial<Pick<ManagementClientOptions, 'accessKeyId' | 'accessKeySecret' | 'host' | 'tenantId'>> {
  // ------------------------------------------------------------------ AuthingGuard
  /**
   * `local` (default): bearer tokens are verified locally against the cached JWKS, no network per
   * request once warm. `introspection`: asked to the introspection endpoint, answers cached by token
   * hash for `introspectionCacheTtl` ms (revocation takes effect within that delay).
   */
  tokenValidation?: AuthingTokenValidation;
  /** Milliseconds an introspection answer is reused. Default 30000. */
  introspectionCacheTtl?: number;
  /**
   * Where `@Roles()` / `@Permissions()` read roles and permissions. Default source: `management`
   * when `accessKeyId`/`accessKeySecret` are set, else `token`.
   */
  roles?: {
    /**
     * `management`: `getUserRoles` and `getUserAuthorizedResources` through the ManagementClient
     * (cached). `token`: the `roles` / `permissions` claims of the login's id_token (sessions), or of
     * the access token, else of the userinfo endpoint when the token was granted the `roles` scope
     * (bearer).
     */
    source?: AuthingRolesSource;
    /** Milliseconds a user's roles fetched through the ManagementClient are reused. Default 60000. */
    cacheTtl?: number;
    /** Namespace of the roles (management source). Default: Authing's default namespace. */
    namespace?: string;
    /**
     * Token source only: let the token's `scope` entries count as permissions for `@Permissions()`.
     * Default false: a user can ask for any scope at sign-in, so a scope is no proof of a permission.
     */
    scopesAsPermissions?: boolean;
  };
  /**
   * Resource-instance checks (`@ResourceAccess()`, `AuthingAuthorization`), asked of Authing through
   * the ManagementClient (see docs/authorization.md).
   */
  authorization?: {
    /** Milliseconds an answer (allowed or denied) is reused. Default 5000; 0 keeps none (concurrent questions still share a call). */
    cacheTtl?: number;
    /** Namespace (permission space) of the resources. Default: none sent (Authing's default). */
    namespace?: string;
    /** `isActionAllowed` (default: general resources, `order:42`) or `checkPermission` (data resources). */
    api?: AuthingResourceApi;
  };
  /**
   * Takes the access token out of a request; default: `Authorization: Bearer <token>` (HTTP,
   * GraphQL, WebSocket handshake) and socket.io's `handshake.auth.token`. Return undefined when absent.
   */
  extractToken?: (request: AuthingRequest) => string | undefined;
  /**
   * Cross-site request forgery defence, on by default: a POST, PUT, PATCH or DELETE authenticated by
   * the session cookie must come from this application's own origin (`Sec-Fetch-Site`, else
   * `Origin`, else `Referer`), or from an origin listed in `allowedOrigins`; otherwise 403
   * `cross_site_request`. Bearer-token requests are not checked (a browser does not add the token
   * by itself). Logout uses the same check. `false` turns it off.
   */
  csrf?: false | { allowedOrigins?: string[] };
  /** Warms the JWKS at start-up so the first request does not wait; a failure only logs a warning. Default true. */
  loadSigningKeysOnStart?: boolean;

  // ------------------------------------------------------------------ hosted login (AuthingLoginGuard)
  /**
   * Absolute origins (e.g. `https://app.example.com`) `?returnTo=` may point at. Relative paths of this
   * site (`/profile?tab=1`) are always allowed; anything else is ignored in favour of `defaultReturnTo`.
   */
  allowedReturnTo?: string[];
  /** Where the callback sends the browser when no valid `returnTo` was given. Default `/`. */
  defaultReturnTo?: string;
  /** When set, a failed login redirects here (with `?error=<reason>`) instead of answering 401. */
  loginFailureRedirect?: string;
  /** PKCE (S256) on the hosted login. Default true. */
  pkce?: boolean;
  /** Also fetch the userinfo endpoint at login and merge its claims. Default false (the id_token suffices). */
  fetchUserInfo?: boolean;
  /** Property of `req.session` holding the login. Default `authing`. */
  sessionKey?: string;
  /** Logins pending per session (several tabs); the oldest is dropped beyond. Default 5. */
  maxPendingLogins?: number;
  /** Milliseconds a pending login (state, nonce, PKCE verifier) stays valid. Default 600000. */
  loginTimeout?: number;
  /**
   * Shared state of several replicas (see docs/production.md): with it, an expired session is
   * renewed once cluster-wide, and back-channel logout can find a user's sessions. Default none
   * (one process).
   */
  cluster?: AuthingSessionCluster;
  /** Absolute and inactivity limits of a logged-in session (see docs/options.md, "Session lifetime"). */
  sessionLifetime?: AuthingSessionLifetime;

  // ------------------------------------------------------------------ tenancy
  /**
   * Several Authing applications or tenants in one app (see docs/multi-tenant.md): a resolver picks
   * each request's tenant, which has its own verifier, hosted login, session slot and
   * ManagementClient. These options are then the default application's. Default: single-tenant.
   */
  tenancy?: AuthingTenancyOptions;
  /**
   * The hosted login's hooks and per-login parameters: `afterLogin`, `queryParams`, `allowedScopes`,
   * `silentFallback` (see docs/login.md).
   */
  login?: AuthingLoginOptions;
}

/** Options of `forRoot` / `forRootAsync` that shape the module itself rather than its providers. */
export interface AuthingModuleExtras {
  /** Registers the module globally, so guards and decorators work in every module. Default true. */
  isGlobal?: boolean;
  /** Registers {@link AuthingGuard} as `APP_GUARD`: every route needs a login unless `@Public()`. Default false. */
  globalGuard?: boolean;
}

/** What a `useClass` / `useExisting` options factory implements. */
export interface AuthingOptionsFactory {
  createAuthingOptions(): AuthingModuleOptions | Promise<AuthingModuleOptions>;
}
