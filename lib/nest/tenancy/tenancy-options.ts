import type { AuthingModuleOptions } from '../options/authing-options.interface.js';
import type { AuthingRequest } from '../request/request-context.js';

/**
 * How a request is matched to a tenant. `host`: the `Host` header is one of a tenant's `hosts`;
 * `path`: the path starts with `<prefix>/<tenant name>/` (default prefix `/t`); `header`: a request
 * header names the tenant (default `x-authing-tenant`); or a function returning the tenant's name.
 * A request no tenant matches is served by the module's own application (see `unmatched`).
 */
export type AuthingTenantResolver =
  | { by: 'host' }
  | { by: 'path'; prefix?: string }
  | { by: 'header'; name?: string }
  | ((request: AuthingRequest) => string | undefined);

/** The module options a tenant may set for itself; what it leaves out it inherits from the module's. */
export type AuthingTenantOverrides = Partial<
  Pick<
    AuthingModuleOptions,
    | 'appId'
    | 'appSecret'
    | 'appHost'
    | 'redirectUri'
    | 'logoutRedirectUri'
    | 'scope'
    | 'tokenEndPointAuthMethod'
    | 'introspectionEndPointAuthMethod'
    | 'revocationEndPointAuthMethod'
    | 'serverJWKS'
    | 'accessKeyId'
    | 'accessKeySecret'
    | 'host'
    | 'tokenValidation'
    | 'roles'
    | 'allowedReturnTo'
    | 'defaultReturnTo'
    | 'loginFailureRedirect'
    | 'pkce'
    | 'fetchUserInfo'
    | 'sessionKey'
  >
>;

/**
 * One tenant: an Authing application (its own `appId`, secret, callback) and/or an Authing tenant
 * (`tenantId`) of the user pool. It gets its own verifier, JWKS cache, hosted login, session slot and
 * ManagementClient. Inherited from the module's options: everything not set here, except
 * `redirectUri` / `logoutRedirectUri` (each tenant has its own callback), and `appSecret` when the
 * tenant names another `appId`.
 */
export interface AuthingTenantOptions extends AuthingTenantOverrides {
  /** The tenant's name in this app: what the resolver returns, the path segment. Letters, digits, `-`, `_`. */
  name: string;
  /**
   * The Authing tenant id. The hosted login passes it to Authing (`tenantId` authorize parameter),
   * tokens must carry it in their tenant claim, and the tenant's ManagementClient is scoped to it.
   */
  tenantId?: string;
  /** Host names (`acme.example.com`, port ignored) the `host` resolver matches. */
  hosts?: string[];
}

/** The `tenancy` module option: several Authing applications or tenants in one Nest app. */
export interface AuthingTenancyOptions {
  /** How a request picks its tenant. */
  resolve: AuthingTenantResolver;
  /** The tenants known at start-up (`forRootAsync` can load them); more with `AuthingTenants.add()`. */
  tenants?: AuthingTenantOptions[];
  /**
   * A request that names no known tenant: `default` (default) is served by the module's own
   * application, `refuse` is refused (401 `tenant`, or 404 on the login routes).
   */
  unmatched?: 'default' | 'refuse';
  /**
   * The claim of a token that names its Authing tenant; default `tenant_id`. A tenant with a
   * `tenantId` accepts only tokens whose claim equals it, any other only tokens without it.
   * `false`: no claim check (the tenants must then be distinct applications: `aud` keeps them apart).
   */
  tenantClaim?: string | false;
}
