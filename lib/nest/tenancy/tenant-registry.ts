import {
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import { AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import { AuthingLoginGuard } from '../login/authing-login.guard.js';
import { AUTHING_RAW_OPTIONS } from '../module/authing.module-definition.js';
import type { AuthingModuleOptions } from '../options/authing-options.interface.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import { resolvedOptions, type ResolvedAuthingOptions } from '../options/resolved-options.js';
import { createManagementClient, createRootClient } from '../providers/client.providers.js';
import { isManagementConfigured } from '../providers/unconfigured-management-client.js';
import type { AuthingRequest } from '../request/request-context.js';
import { RequestMemo } from '../request/request-memo.js';
import { Reflector } from '@nestjs/core';
import { AuthingStrategy } from '../strategy/authing.strategy.js';
import type { TenancyDispatch, TenantContext } from './tenancy-dispatch.js';
import type { AuthingTenantOptions } from './tenancy-options.js';
import { resolveTenancy, resolveTenantOptions, type ResolvedTenancy } from './tenant-options.js';
import { compileResolver, type TenantNameOf } from './tenant-resolver.js';

const DEFAULT_APP = Symbol('default application');
type Selection = TenantContext | typeof DEFAULT_APP | null;

/**
 * Internal behind `AuthingTenants`: resolves each request's tenant once (memoised on the request),
 * holds each tenant's verifier, hosted login, session slot and ManagementClient. Inert without the
 * `tenancy` option.
 */
@Injectable()
export class TenantRegistry implements TenancyDispatch, OnApplicationBootstrap, OnApplicationShutdown {
  readonly enabled: boolean;
  readonly claim: string | false;
  readonly #tenancy: ResolvedTenancy | undefined;
  readonly #byName = new Map<string, TenantContext>();
  readonly #byHost = new Map<string, string>();
  readonly #nameOf: TenantNameOf | undefined;
  readonly #memo = new RequestMemo<Selection>('tenant');
  readonly #selectRequest = (request: object): Selection => this.#select(request as AuthingRequest);
  readonly #logger = new Logger('AuthingTenants');
  #started = false;
  // Private fields: the raw options carry the app secret and the access key secret (util.inspect,
  // serialisers and loggers must never reach them through this service).
  readonly #raw: AuthingModuleOptions;
  readonly #base: ResolvedAuthingOptions;
  /** The module's own application's authenticator when tenancy is on (it checks the tenant claim too). */
  readonly #defaultAuthenticator: AuthingAuthenticator | undefined;

  constructor(
    @Inject(AUTHING_RAW_OPTIONS) raw: AuthingModuleOptions,
    @Inject(AUTHING_RESOLVED_OPTIONS) base: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) baseRoot: AuthenticationClient,
  ) {
    this.#raw = raw;
    this.#base = base;
    this.#tenancy = resolveTenancy(raw?.tenancy);
    this.enabled = this.#tenancy !== undefined;
    this.claim = this.#tenancy?.claim ?? false;
    if (!this.#tenancy) return;
    const identity = { name: '', tenantId: undefined, claim: this.claim };
    const own = resolvedOptions(base.client, base.management, { ...base, tenant: identity });
    this.#defaultAuthenticator = new AuthingAuthenticator(own, baseRoot);
    this.#nameOf = compileResolver(this.#tenancy.resolve, (host) => this.#byHost.get(host));
    (raw.tenancy?.tenants ?? []).forEach((tenant, index) => this.#add(tenant, `tenancy.tenants[${index}]`));
  }

  /** The tenants' names, in the order they were added. */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  get(name: string): TenantContext | undefined {
    return this.#byName.get(name);
  }

  add(tenant: AuthingTenantOptions): TenantContext {
    if (!this.#tenancy) {
      throw new AuthingConfigurationError(
        'tenancy',
        'is not configured: AuthingTenants.add() needs forRoot({ ..., tenancy: { resolve } })',
      );
    }
    const context = this.#add(tenant, 'tenant');
    if (this.#started) this.#warm(context);
    return context;
  }

  async remove(name: string): Promise<boolean> {
    const context = this.#byName.get(name);
    if (!context) return false;
    this.#byName.delete(name);
    for (const [host, owner] of this.#byHost) if (owner === name) this.#byHost.delete(host);
    await close(context);
    return true;
  }

  contextOf(request: AuthingRequest): TenantContext | undefined | null {
    const selection = this.#memo.of(request, this.#selectRequest);
    return selection === DEFAULT_APP ? undefined : selection;
  }

  authenticatorOf(request: AuthingRequest): AuthingAuthenticator | undefined {
    const context = this.contextOf(request);
    return context === undefined ? this.#defaultAuthenticator : context?.authenticator;
  }

  onApplicationBootstrap(): void {
    this.#started = true;
    for (const context of this.#byName.values()) this.#warm(context);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.#byName.values()].map(close));
  }

  #select(request: AuthingRequest): Selection {
    const name = this.#nameOf!(request);
    const context = name === undefined ? undefined : this.#byName.get(name);
    if (context) return context;
    return this.#tenancy!.unmatched === 'refuse' ? null : DEFAULT_APP;
  }

  #add(tenant: AuthingTenantOptions, label: string): TenantContext {
    const { resolved, hosts } = resolveTenantOptions(this.#raw, this.#base, tenant, this.#tenancy!, label);
    const name = tenant.name;
    if (this.#byName.has(name)) throw new AuthingConfigurationError(`${label}.name`, `"${name}" is already a tenant`);
    for (const other of this.#byName.values()) {
      if (other.options.sessionKey === resolved.sessionKey) {
        throw new AuthingConfigurationError(`${label}.sessionKey`, `is already tenant "${other.name}"'s`);
      }
      if (resolved.redirectUri !== undefined && other.options.redirectUri === resolved.redirectUri) {
        throw new AuthingConfigurationError(`${label}.redirectUri`, `is already tenant "${other.name}"'s callback`);
      }
    }
    if (resolved.redirectUri !== undefined && resolved.redirectUri === this.#base.redirectUri) {
      throw new AuthingConfigurationError(`${label}.redirectUri`, "is the module's own callback");
    }
    const taken = hosts.find((host) => this.#byHost.has(host));
    if (taken) throw new AuthingConfigurationError(`${label}.hosts`, `"${taken}" is already another tenant's`);
    const root = createRootClient(resolved);
    const management = createManagementClient(resolved);
    const strategy = new AuthingStrategy(resolved, root);
    let guard: CanActivate | undefined;
    const context: TenantContext = {
      name,
      options: resolved,
      root,
      management,
      authenticator: new AuthingAuthenticator(resolved, root),
      // A Reflector of its own is stateless: the route's @AuthingLoginParams() apply to tenants' logins too.
      loginGuard: () => (guard ??= new AuthingLoginGuard(resolved, strategy, new Reflector())),
    };
    this.#byName.set(name, context);
    for (const host of hosts) this.#byHost.set(host, name);
    return context;
  }

  /** Loads the tenant's signing keys and hosted-login strategy ahead of its first request; failures only log. */
  #warm(context: TenantContext): void {
    const { options, root } = context;
    if (options.loadSigningKeysOnStart && options.tokenValidation === 'local' && !options.client.serverJWKS) {
      root.loadSigningKeys().catch((error: unknown) => {
        this.#logger.warn(
          `Tenant "${context.name}": could not load the signing keys from ${root.appHost}: ${(error as Error)?.message}`,
        );
      });
    }
  }
}

async function close(context: TenantContext): Promise<void> {
  const closing = [context.root.close()];
  if (isManagementConfigured(context.management)) closing.push(context.management.close());
  await Promise.allSettled(closing);
}
