import type { CanActivate } from '@nestjs/common';
import type { AuthenticationClient, ManagementClient } from '../../sdk/index.js';
import type { AuthenticationResult, AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingRequest } from '../request/request-context.js';

/**
 * Injection token of the tenant dispatch the module's services consult (bound to `AuthingTenants`).
 * A token of its own, so that those services need not import the registry (which builds them).
 */
export const AUTHING_TENANCY = Symbol.for('nestjs-authing:tenancy');

/** Everything one tenant has of its own. Internal. */
export interface TenantContext {
  readonly name: string;
  readonly options: ResolvedAuthingOptions;
  readonly root: AuthenticationClient;
  readonly management: ManagementClient;
  readonly authenticator: AuthingAuthenticator;
  /** The hosted-login guard of this tenant (built on first use). */
  loginGuard(): CanActivate;
}

/** What the module's services ask of the tenancy. Internal. */
export interface TenancyDispatch {
  /** False when the `tenancy` option is absent: then nothing else is asked. */
  readonly enabled: boolean;
  /** The token claim naming the Authing tenant (false: not checked). */
  readonly claim: string | false;
  /**
   * The request's tenant, resolved once per request: its context; `undefined` for the module's own
   * application; `null` when the request must be refused (`unmatched: 'refuse'`).
   */
  contextOf(request: AuthingRequest): TenantContext | undefined | null;
  /** The tenant named `name` (one of the configured or added tenants), if any. */
  get(name: string): TenantContext | undefined;
  /** The authenticator of the request's tenant, or of the module's own application; undefined: refused. */
  authenticatorOf(request: AuthingRequest): AuthingAuthenticator | undefined;
}

/** What a request gets when it names no known tenant and `unmatched` is `refuse`. */
export const NO_TENANT: AuthenticationResult = Object.freeze({
  status: 'invalid',
  check: 'tenant',
  description: 'tenant: the request names no known tenant',
});
