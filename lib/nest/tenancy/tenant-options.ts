import type { AuthingModuleOptions } from '../options/authing-options.interface.js';
import { AuthingConfigurationError, describe } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { CLIENT_IDENTITY_KEYS, LOGIN_FLOW_KEYS, MANAGEMENT_KEYS } from '../options/option-keys.js';
import { resolveAuthingOptions } from '../options/validate-options.js';
import type { AuthingTenancyOptions, AuthingTenantOptions } from './tenancy-options.js';

/** What a resolved tenant's options add to the module's: who it is (read by the verifier and login). */
export type TenantIdentity = NonNullable<ResolvedAuthingOptions['tenant']>;

/** The tenancy settings once checked. */
export interface ResolvedTenancy {
  resolve: NonNullable<AuthingTenancyOptions['resolve']>;
  unmatched: 'default' | 'refuse';
  claim: string | false;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TENANT_ONLY = ['name', 'tenantId', 'hosts'] as const;
/** What a tenant may set (the keys of AuthingTenantOverrides, checked at run time too). */
const TENANT_KEY_LIST = [
  ...TENANT_ONLY,
  ...CLIENT_IDENTITY_KEYS,
  ...MANAGEMENT_KEYS,
  ...LOGIN_FLOW_KEYS,
  'tokenValidation',
  'roles',
] as const satisfies readonly (keyof AuthingTenantOptions)[];
const TENANT_KEYS: ReadonlySet<string> = new Set(TENANT_KEY_LIST);
// The public type spells its keys out for the reader; the compiler keeps this list naming the same ones.
const everyTenantKeyListed: Exclude<keyof AuthingTenantOptions, (typeof TENANT_KEY_LIST)[number]> extends never
  ? true
  : false = true;
void everyTenantKeyListed;
/** Never inherited: each tenant has its own callback, session slot and Authing tenant. */
const NOT_INHERITED = new Set(['tenancy', 'redirectUri', 'logoutRedirectUri', 'tenantId', 'sessionKey']);

/** Checks the `tenancy` option (not its tenants); undefined when tenancy is not configured. */
export function resolveTenancy(value: unknown): ResolvedTenancy | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new AuthingConfigurationError('tenancy', "must be an object: { resolve: { by: 'path' }, tenants: [...] }");
  }
  const tenancy = value as Partial<AuthingTenancyOptions>;
  const resolve = tenancy.resolve;
  if (typeof resolve !== 'function') {
    const by = (resolve as { by?: unknown } | undefined)?.by;
    if (typeof resolve !== 'object' || resolve === null || !['host', 'path', 'header'].includes(by as string)) {
      throw new AuthingConfigurationError(
        'tenancy.resolve',
        "must be { by: 'host' | 'path' | 'header' } or a function (request) => tenant name",
      );
    }
    if (by === 'path') checkPrefix((resolve as { prefix?: unknown }).prefix);
    if (by === 'header') checkHeader((resolve as { name?: unknown }).name);
  }
  if (tenancy.unmatched !== undefined && tenancy.unmatched !== 'default' && tenancy.unmatched !== 'refuse') {
    throw new AuthingConfigurationError(
      'tenancy.unmatched',
      `must be 'default' or 'refuse' (got ${describe(tenancy.unmatched, 'x')})`,
    );
  }
  const claim = tenancy.tenantClaim;
  if (claim !== undefined && claim !== false && (typeof claim !== 'string' || claim === '')) {
    throw new AuthingConfigurationError('tenancy.tenantClaim', 'must be a claim name or false');
  }
  if (tenancy.tenants !== undefined && !Array.isArray(tenancy.tenants)) {
    throw new AuthingConfigurationError('tenancy.tenants', 'must be an array of { name, appId, ... }');
  }
  return { resolve, unmatched: tenancy.unmatched ?? 'default', claim: claim ?? 'tenant_id' };
}

/**
 * A tenant's options: its own over the module's (see {@link AuthingTenantOptions} for what is not
 * inherited), checked like the module's. Errors name the option under `label`, e.g.
 * `tenancy.tenants[1].appId`.
 */
export function resolveTenantOptions(
  base: AuthingModuleOptions,
  baseResolved: ResolvedAuthingOptions,
  tenant: AuthingTenantOptions,
  tenancy: ResolvedTenancy,
  label: string,
): { resolved: ResolvedAuthingOptions; hosts: string[] } {
  if (typeof tenant !== 'object' || tenant === null) {
    throw new AuthingConfigurationError(label, 'must be an object: { name, appId, appSecret, redirectUri, ... }');
  }
  const name = tenant.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new AuthingConfigurationError(
      `${label}.name`,
      `must be 1-64 letters, digits, "-" or "_" (got ${describe(name, 'name')})`,
    );
  }
  let tenantId: string | undefined;
  if (tenant.tenantId !== undefined) {
    if (typeof tenant.tenantId !== 'string' || tenant.tenantId.trim() === '') {
      throw new AuthingConfigurationError(`${label}.tenantId`, 'must be a non-empty string');
    }
    tenantId = tenant.tenantId;
  }
  const stray = Object.keys(tenant).find((key) => !TENANT_KEYS.has(key));
  if (stray !== undefined) {
    throw new AuthingConfigurationError(`${label}.${stray}`, "is not a tenant option (it is the module's)");
  }
  const hosts = hostList(tenant.hosts, `${label}.hosts`);
  const merged: Record<string, unknown> = {};
  const otherApp = tenant.appId !== undefined && tenant.appId !== base.appId;
  for (const [key, value] of Object.entries(base)) {
    if (NOT_INHERITED.has(key) || (otherApp && key === 'appSecret')) continue;
    merged[key] = value;
  }
  for (const [key, value] of Object.entries(tenant)) {
    if (!(TENANT_ONLY as readonly string[]).includes(key) && value !== undefined) merged[key] = value;
  }
  merged.sessionKey ??= `${baseResolved.sessionKey}:${name}`;
  if (tenantId !== undefined && (merged.accessKeyId !== undefined || base.tenantId !== undefined)) {
    merged.tenantId = tenantId; // the tenant's ManagementClient is scoped to its tenant
  }
  let resolved: ResolvedAuthingOptions;
  try {
    ({ resolved } = resolveAuthingOptions(merged as unknown as AuthingModuleOptions));
  } catch (error) {
    if (error instanceof AuthingConfigurationError) {
      throw new AuthingConfigurationError(`${label}.${error.option}`, error.detail, { cause: error });
    }
    throw error;
  }
  if (resolved.sessionKey === baseResolved.sessionKey) {
    throw new AuthingConfigurationError(`${label}.sessionKey`, "must differ from the module's own sessionKey");
  }
  const identity: TenantIdentity = { name, tenantId, claim: tenancy.claim };
  Object.defineProperty(resolved, 'tenant', { value: identity, enumerable: true });
  return { resolved, hosts };
}

function hostList(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((h) => typeof h !== 'string' || h.trim() === '' || /[/\s]/.test(h))) {
    throw new AuthingConfigurationError(option, 'must be an array of host names, e.g. ["acme.example.com"]');
  }
  return value.map((h: string) => h.toLowerCase().replace(/:\d+$/, ''));
}

function checkPrefix(prefix: unknown): void {
  if (prefix === undefined) return;
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || prefix.includes('?') || prefix.includes('#')) {
    throw new AuthingConfigurationError('tenancy.resolve.prefix', 'must be a path starting with "/", e.g. "/t"');
  }
}

function checkHeader(name: unknown): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || !/^[A-Za-z0-9-]+$/.test(name)) {
    throw new AuthingConfigurationError('tenancy.resolve.name', 'must be a header name, e.g. "x-authing-tenant"');
  }
}
