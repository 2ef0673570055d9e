import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticationClient, ManagementClient } from '../../sdk/index.js';
import type { AuthingRequest } from '../request/request-context.js';
import { AUTHING_TENANCY, type TenantContext } from './tenancy-dispatch.js';
import type { AuthingTenantOptions } from './tenancy-options.js';
import type { TenantRegistry } from './tenant-registry.js';

/** One tenant as the application sees it: who it is and its own clients. */
export interface AuthingTenant {
  /** The name the resolver returns for it. */
  readonly name: string;
  /** The Authing tenant id, when configured. */
  readonly tenantId: string | undefined;
  /** The Authing application whose tokens it accepts. */
  readonly appId: string;
  /** The tenant's own root AuthenticationClient (its issuer, JWKS cache and verified-token cache). */
  readonly client: AuthenticationClient;
  /** The tenant's ManagementClient (scoped to `tenantId` when set); throws at use without credentials. */
  readonly management: ManagementClient;
}

/**
 * The tenants of the app (the `tenancy` module option): look one up, find a request's, and add or
 * remove tenants while the app runs. Without the `tenancy` option the module is single-tenant and
 * `add()` throws.
 *
 * @example
 * constructor(private readonly tenants: AuthingTenants) {}
 * onboard(row: TenantRow) {
 *   this.tenants.add({ name: row.slug, appId: row.appId, appSecret: row.secret,
 *     redirectUri: `https://app.example.com/t/${row.slug}/callback` });
 * }
 */
@Injectable()
export class AuthingTenants {
  readonly #registry: TenantRegistry;

  /** @internal Built by the module. */
  constructor(@Inject(AUTHING_TENANCY) registry: object) {
    this.#registry = registry as TenantRegistry;
  }

  /** Whether the `tenancy` option is set. */
  get enabled(): boolean {
    return this.#registry.enabled;
  }

  /** The tenants' names, in the order they were added. */
  get names(): string[] {
    return this.#registry.names;
  }

  /** A tenant by name, or undefined. */
  get(name: string): AuthingTenant | undefined {
    const context = this.#registry.get(name);
    return context ? view(context) : undefined;
  }

  /** The tenant a request resolves to; undefined for the module's own application. */
  of(request: AuthingRequest): AuthingTenant | undefined {
    if (!this.#registry.enabled) return undefined;
    const context = this.#registry.contextOf(request);
    return context ? view(context) : undefined;
  }

  /**
   * Adds a tenant without a restart: checked like the start-up ones (an `AuthingConfigurationError`
   * names the bad field as `tenant.<field>`), then served from the next request on.
   */
  add(tenant: AuthingTenantOptions): AuthingTenant {
    return view(this.#registry.add(tenant));
  }

  /** Removes a tenant: its tokens and sessions are no longer accepted, its clients are closed. False if unknown. */
  remove(name: string): Promise<boolean> {
    return this.#registry.remove(name);
  }
}

function view(context: TenantContext): AuthingTenant {
  return {
    name: context.name,
    tenantId: context.options.tenant?.tenantId,
    appId: context.options.appId,
    client: context.root,
    management: context.management,
  };
}
