import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuthingArgumentError, AuthingError, ManagementClient, type AuthenticationClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingUser } from '../user/authing-user.js';
import { TokenRoles } from './token-roles.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { DEFAULT_NAMESPACE } from '../authorization/requirements.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';

/** Which tenant's management scope answers a role or permission lookup. */
export interface AuthingRolesLookup {
  /**
   * A tenant of the `tenancy` option, by name: its own ManagementClient answers, and the answer is
   * cached for that tenant only. Default: the module's own ManagementClient. The guard passes the
   * request's tenant.
   */
  tenant?: string;
}

/**
 * A user's role codes and permissions, for `@Roles()` and `@Permissions()`.
 *
 * - source `token` (default without management credentials): the `roles` claim of the id_token
 *   (sessions) or of the access token, else of the userinfo endpoint for a bearer token granted the
 *   `roles` scope; permissions from the `permissions` claim, and the
 *   `scope` entries only with `roles.scopesAsPermissions`.
 * - source `management`: `getUserRoles({ userId })` and `getUserAuthorizedResources({ userId })`
 *   through the ManagementClient (`resourceCode:action` permissions), cached per user for
 *   `roles.cacheTtl` ms; concurrent requests for one user share one call. With the `tenancy`
 *   option, a lookup for a tenant (`{ tenant }`) goes through that tenant's ManagementClient and is
 *   cached apart from every other tenant's.
 *
 * Network failures propagate (the guard answers 503); an error envelope from Authing counts as no
 * roles (the guard answers 403) and is logged.
 */
@Injectable()
export class AuthingRolesService {
  readonly #roles = new TtlCache<Promise<string[]>>(10_000);
  readonly #permissions = new TtlCache<Promise<string[]>>(10_000);
  readonly #logger = new Logger('AuthingRoles');
  readonly #tokenRoles: TokenRoles;
  /** With the `tenancy` option: the tenants whose ManagementClients answer their lookups. */
  @Optional() @Inject(AUTHING_TENANCY) private readonly tenancy?: TenancyDispatch;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(ManagementClient) private readonly management: ManagementClient,
    @Inject(AUTHING_ROOT_CLIENT) root: AuthenticationClient,
  ) {
    this.#tokenRoles = new TokenRoles(root, options.roles.cacheTtl);
  }

  /** The user's role codes. */
  rolesOf(user: AuthingUser, lookup: AuthingRolesLookup = {}): Promise<string[]> {
    if (this.options.roles.source === 'token') return this.#tokenRoles.rolesOf(user);
    const management = this.#managementOf(lookup.tenant);
    return this.#cached(this.#roles, keyOf(user.sub, undefined, lookup.tenant), async () => {
      const response = await management.getUserRoles({
        userId: user.sub,
        ...(this.options.roles.namespace ? { namespace: this.options.roles.namespace } : {}),
      });
      if (response.statusCode !== 200) return this.#refused('getUserRoles', response);
      return (response.data?.list ?? []).map((role) => role.code).filter((code) => typeof code === 'string');
    });
  }

  /**
   * The user's role codes in one namespace (default: the `roles.namespace` option, else Authing's
   * `default`): what `@Roles()` compares with. A role of another namespace is never among them, with
   * either source (token claim entries without a namespace are the default namespace's).
   */
  async rolesIn(user: AuthingUser, namespace?: string, lookup: AuthingRolesLookup = {}): Promise<string[]> {
    const space = namespace ?? this.options.roles.namespace ?? DEFAULT_NAMESPACE;
    if (this.options.roles.source === 'token') {
      return (await this.#tokenRoles.refsOf(user)).filter((r) => r.namespace === space).map((r) => r.code);
    }
    const management = this.#managementOf(lookup.tenant);
    return this.#cached(this.#roles, keyOf(user.sub, space, lookup.tenant), async () => {
      const response = await management.getUserRoles({ userId: user.sub, namespace: space });
      if (response.statusCode !== 200) return this.#refused('getUserRoles', response);
      // Filtered again: an answer listing another namespace's role must not satisfy this one.
      return (response.data?.list ?? [])
        .filter((role) => (role.namespace ?? DEFAULT_NAMESPACE) === space)
        .map((role) => role.code)
        .filter((code) => typeof code === 'string');
    });
  }

  /**
   * The user's permissions in one namespace, for `@Permissions()`: with the management source
   * `resourceCode:action` of the resources authorized there; with the token source the `permissions`
   * claim (and scopes with `scopesAsPermissions`), which belong to the default namespace.
   */
  async permissionsIn(user: AuthingUser, namespace?: string, lookup: AuthingRolesLookup = {}): Promise<string[]> {
    const space = namespace ?? this.options.roles.namespace ?? DEFAULT_NAMESPACE;
    if (this.options.roles.source === 'token') {
      return space === DEFAULT_NAMESPACE ? this.permissionsOf(user) : [];
    }
    const management = this.#managementOf(lookup.tenant);
    return this.#cached(this.#permissions, keyOf(user.sub, space, lookup.tenant), () =>
      this.#loadPermissions(management, user.sub, space),
    );
  }

  /** The user's permissions (`resource:action` strings; with the token source, the `permissions` claim). */
  permissionsOf(user: AuthingUser, lookup: AuthingRolesLookup = {}): Promise<string[]> {
    if (this.options.roles.source === 'token') {
      const fromClaim = Array.isArray(user.claims.permissions)
        ? user.claims.permissions.filter((p): p is string => typeof p === 'string')
        : [];
      // A user asks for any scope at sign-in: scope entries are permissions only by explicit opt-in.
      if (!this.options.roles.scopesAsPermissions) return Promise.resolve(fromClaim);
      const scope = typeof user.claims.scope === 'string' ? user.claims.scope.split(' ').filter(Boolean) : [];
      return Promise.resolve([...fromClaim, ...scope]);
    }
    const management = this.#managementOf(lookup.tenant);
    return this.#cached(this.#permissions, keyOf(user.sub, undefined, lookup.tenant), () =>
      this.#loadPermissions(management, user.sub, this.options.roles.namespace),
    );
  }

  /**
   * The ManagementClient of a tenant, or the module's. Internal: the guard's entry, which knows the
   * request's tenant.
   */
  #managementOf(tenant: string | undefined): ManagementClient {
    if (tenant === undefined) return this.management;
    const context = this.tenancy?.enabled ? this.tenancy.get(tenant) : undefined;
    if (!context) throw new AuthingArgumentError('tenant', `names no configured tenant ("${tenant}")`);
    return context.management;
  }

  async #loadPermissions(
    management: ManagementClient,
    userId: string,
    namespace: string | undefined,
  ): Promise<string[]> {
    const response = await management.getUserAuthorizedResources({ userId, ...(namespace ? { namespace } : {}) });
    if (response.statusCode !== 200) return this.#refused('getUserAuthorizedResources', response);
    const permissions: string[] = [];
    for (const resource of response.data?.list ?? []) {
      for (const action of resource.actions ?? []) permissions.push(`${resource.resourceCode}:${action}`);
    }
    return permissions;
  }

  /** Forgets cached roles and permissions (of one user, or everyone's). */
  invalidate(userId?: string): void {
    if (userId === undefined) {
      this.#roles.clear();
      this.#permissions.clear();
    } else {
      // Keys start with the user id (then a namespace and a tenant, see keyOf).
      this.#roles.deleteWhere((key) => key === userId || key.startsWith(`${userId}\u0000`));
      this.#permissions.deleteWhere((key) => key === userId || key.startsWith(`${userId}\u0000`));
    }
  }

  #cached(cache: TtlCache<Promise<string[]>>, key: string, load: () => Promise<string[]>): Promise<string[]> {
    const hit = cache.get(key);
    if (hit) return hit;
    // A failure is not remembered: the next request asks again. A refusal counts as no roles.
    const pending = load().catch((error: unknown) => {
      cache.delete(key);
      if (error instanceof EnvelopeRefused) {
        this.#logger.warn(error.message);
        return [];
      }
      throw error;
    });
    cache.set(key, pending, this.options.roles.cacheTtl);
    return pending;
  }

  #refused(call: string, response: { statusCode: number; apiCode?: number }): never {
    // Status and apiCode only: a misbehaving server may echo our request (credentials) in `message`.
    const code = response.apiCode ? ` (apiCode ${response.apiCode})` : '';
    throw new EnvelopeRefused(call, `${call} answered ${response.statusCode}${code}`);
  }
}

/**
 * Cache key of a lookup: the user, the namespace (none: the module's default lookup) and, for a
 * tenant's lookup, the tenant, so that one tenant's answer never serves another.
 */
function keyOf(userId: string, namespace: string | undefined, tenant: string | undefined): string {
  if (tenant === undefined) return namespace === undefined ? userId : `${userId}\u0000${namespace}`;
  return `${userId}\u0000${namespace ?? ''}\u0000${tenant}`;
}

/** A role lookup answered with a failed envelope (status and apiCode only, never the server's message). */
class EnvelopeRefused extends AuthingError {
  constructor(call: string, message: string) {
    super('role_lookup_refused', call, message);
  }
}
