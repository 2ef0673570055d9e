import { newId, now, type Store } from './store.js';

/** The authorize parameters that name an Authing tenant: the official SDK's and the hosted pages' spelling. */
export const TENANT_PARAMS = ['tenantId', 'tenant_id'] as const;

/** The claim the emulator's tokens name their tenant with (id_token and access token). */
export const TENANT_CLAIM = 'tenant_id';

/** The tenant an authorize request names, if any. */
export function tenantParam(params: Record<string, unknown>): string | undefined {
  for (const name of TENANT_PARAMS) {
    const value = params[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/**
 * A `/oidc/auth` URL naming a tenant gets `prompt=login` added: whoever is signed in at the emulator
 * must sign in again, so that membership of that tenant is checked every time.
 */
export function forceLoginForTenant(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  if (!tenantParam(Object.fromEntries(params))) return url;
  const prompts = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean));
  if (prompts.has('login') || prompts.has('none')) return url;
  prompts.add('login');
  params.set('prompt', [...prompts].join(' '));
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** Why `userId` may not sign in to `tenantId` through `appId`, or undefined when it may. */
export function tenantLoginRefusal(store: Store, tenantId: string, userId: string, appId: string): string | undefined {
  const tenant = store.collections.of('tenants').get(tenantId);
  if (!tenant) return `Tenant ${tenantId} does not exist.`;
  const members = Array.isArray(tenant.members) ? (tenant.members as string[]) : [];
  if (!members.includes(userId)) return 'This account is not a member of this tenant.';
  const appIds = Array.isArray(tenant.appIds) ? (tenant.appIds as string[]) : [];
  if (appIds.length > 0 && !appIds.includes(appId)) return 'This application is not available in this tenant.';
  return undefined;
}

/** Creates a tenant row as the management API would (`create-tenant`). */
export function createTenant(
  store: Store,
  seed: { tenantId?: string; name: string; appIds?: string[]; members?: string[]; roles?: Record<string, string[]> },
): { tenantId: string; name: string } {
  const tenants = store.collections.of('tenants');
  const tenantId = seed.tenantId ?? newId();
  if (tenants.has(tenantId)) throw new Error(`addTenant: tenant "${tenantId}" already exists`);
  // Members (and role holders) by user id, email, username or phone.
  const userIdOf = (account: string): string => {
    const user = store.users.get(account) ?? store.findByAccount(account);
    if (!user) throw new Error(`addTenant: no user "${account}"`);
    return user.userId;
  };
  const members = (seed.members ?? []).map(userIdOf);
  const roles = Object.entries(seed.roles ?? {}).map(([code, holders]) => ({ code, holders: holders.map(userIdOf) }));
  const at = now();
  tenants.set(tenantId, {
    tenantId,
    name: seed.name,
    description: '',
    appIds: [...(seed.appIds ?? [])],
    members,
    admins: [],
    createdAt: at,
    updatedAt: at,
  });
  for (const { code, holders } of roles) {
    const role = store.createRole({ code, tenantId });
    for (const userId of holders) role.members.add(userId);
  }
  store.changed();
  return { tenantId, name: seed.name };
}
