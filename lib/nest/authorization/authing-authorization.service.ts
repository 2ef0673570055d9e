import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuthingArgumentError, ManagementClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS } from '../constants.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingUser } from '../user/authing-user.js';
import { AnswerCache } from './answer-cache.js';
import { DEFAULT_NAMESPACE, type AuthingResourceApi } from './requirements.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';

/** Options of one {@link AuthingAuthorization.isAllowed} question. */
export interface AuthingAuthorizationCheck {
  /** Namespace (permission space). Default: the module's `authorization.namespace`. */
  namespace?: string;
  /** Which Authing call answers. Default: the module's `authorization.api` (`isActionAllowed`). */
  api?: AuthingResourceApi;
  /**
   * A tenant of the `tenancy` option, by name: that tenant's ManagementClient answers, and the answer
   * is cached for that tenant only. Default: the module's own ManagementClient.
   */
  tenant?: string;
}

interface Answer {
  allowed: boolean;
  /** Authing answered with an error envelope: the denial is not remembered. */
  refused: boolean;
}

/**
 * Asks Authing whether a user may perform an action on a resource (an instance such as `order:42`,
 * or a whole resource), through the ManagementClient: `isActionAllowed` (default) or
 * `checkPermission`. `@ResourceAccess()` uses it; inject it for the same check in code.
 *
 * With the `tenancy` option, `@ResourceAccess()` asks through the ManagementClient of the request's
 * tenant; in code, name the tenant (`{ tenant }`).
 *
 * Answers, allowed or denied, are reused for `authorization.cacheTtl` ms (default 5000); concurrent
 * identical questions share one call. Network failures reject (the guard answers 503) and are not
 * remembered; an error envelope from Authing counts as denied, is logged, and is not remembered.
 */
@Injectable()
export class AuthingAuthorization {
  readonly #answers: AnswerCache<Answer>;
  readonly #logger = new Logger('AuthingAuthorization');
  /** With the `tenancy` option: the tenants whose ManagementClients answer their questions. */
  @Optional() @Inject(AUTHING_TENANCY) private readonly tenancy?: TenancyDispatch;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(ManagementClient) private readonly management: ManagementClient,
  ) {
    this.#answers = new AnswerCache<Answer>(options.authorization.cacheTtl);
  }

  /**
   * Whether `user` (an {@link AuthingUser} or a user id) may perform `action` on `resource`.
   * Throws {@link AuthingArgumentError} for an empty argument or an unknown tenant; rejects when
   * Authing is unreachable.
   */
  isAllowed(
    user: AuthingUser | string,
    action: string,
    resource: string,
    check: AuthingAuthorizationCheck = {},
  ): Promise<boolean> {
    const userId = typeof user === 'string' ? user : user?.sub;
    nonEmpty(userId, 'user');
    nonEmpty(action, 'action');
    nonEmpty(resource, 'resource');
    if (check.namespace !== undefined) nonEmpty(check.namespace, 'namespace');
    if (check.tenant !== undefined) this.#managementOf(check.tenant);
    const api = check.api ?? this.options.authorization.api;
    if (api !== 'isActionAllowed' && api !== 'checkPermission') {
      throw new AuthingArgumentError('api', "must be 'isActionAllowed' or 'checkPermission'");
    }
    const namespace = check.namespace ?? this.options.authorization.namespace;
    return this.ask(userId, action, resource, namespace, api, check.tenant);
  }

  /**
   * The question, arguments already checked (the guard's entry).
   * @internal
   */
  async ask(
    userId: string,
    action: string,
    resource: string,
    namespace: string | undefined,
    api: AuthingResourceApi,
    tenant?: string,
  ): Promise<boolean> {
    const management = this.#managementOf(tenant);
    const answer = await this.#answers.get(
      keyOf(userId, tenant, action, resource, namespace, api),
      () => this.#call(management, userId, action, resource, namespace, api),
      (settled) => !settled.refused,
    );
    return answer.allowed;
  }

  /**
   * The remembered answer to the question, without asking: undefined when none is fresh.
   * @internal
   */
  peek(
    userId: string,
    action: string,
    resource: string,
    namespace: string | undefined,
    api: AuthingResourceApi,
    tenant?: string,
  ): boolean | undefined {
    return this.#answers.peek(keyOf(userId, tenant, action, resource, namespace, api))?.allowed;
  }

  /** Forgets cached answers: of one user, or everyone's (after changing authorizations). */
  invalidate(userId?: string): void {
    if (userId === undefined) this.#answers.forget();
    else this.#answers.forget((key) => key.startsWith(`${userId}\u0000`));
  }

  /** The ManagementClient of a tenant (by name), or the module's. */
  #managementOf(tenant: string | undefined): ManagementClient {
    if (tenant === undefined) return this.management;
    const tenancy = this.tenancy?.enabled ? this.tenancy : undefined;
    const context = typeof tenant === 'string' ? tenancy?.get(tenant) : undefined;
    if (!context) throw new AuthingArgumentError('tenant', 'must name a tenant of the tenancy option');
    return context.management;
  }

  async #call(
    management: ManagementClient,
    userId: string,
    action: string,
    resource: string,
    namespace: string | undefined,
    api: AuthingResourceApi,
  ): Promise<Answer> {
    if (api === 'checkPermission') {
      const response = await management.checkPermission({
        userId,
        action,
        resources: [resource],
        // Required by Authing; its own namespace is `default`.
        namespaceCode: namespace ?? DEFAULT_NAMESPACE,
      });
      if (response.statusCode !== 200) return this.#refused(api, response);
      const result = response.data?.checkResultList?.find((r) => r.resource === resource);
      return { allowed: result?.enabled === true, refused: false };
    }
    const response = await management.isActionAllowed({
      userId,
      action,
      resource,
      ...(namespace ? { namespace } : {}),
    });
    if (response.statusCode !== 200) return this.#refused(api, response);
    return { allowed: response.data?.allowed === true, refused: false };
  }

  #refused(api: string, response: { statusCode: number; apiCode?: number }): Answer {
    // Status and apiCode only: a misbehaving server may echo the request in `message`.
    const code = response.apiCode ? ` (apiCode ${response.apiCode})` : '';
    this.#logger.warn(`${api} answered ${response.statusCode}${code}: counted as not allowed`);
    return { allowed: false, refused: true };
  }
}

/** The tenant comes right after the user: one tenant's answer never serves another's question. */
function keyOf(
  userId: string,
  tenant: string | undefined,
  action: string,
  resource: string,
  namespace: string | undefined,
  api: AuthingResourceApi,
): string {
  return `${userId}\u0000${tenant ?? ''}\u0000${namespace ?? ''}\u0000${api}\u0000${action}\u0000${resource}`;
}

function nonEmpty(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingArgumentError(argument, 'must be a non-empty string');
  }
}
