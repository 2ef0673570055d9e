import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import { invalidArgument } from '../http.js';
import { allows } from '../families/resources-more.js';
import { matchesTarget } from '../families/users-more.js';
import type { EndUserContext } from './context.js';

/** What the signed-in user reads about themself: history, apps, tenants, departments, identities, permissions. */
export function registerMyDataRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser } = ctx;

  route('GET', 'get-my-login-history', async (args, headers) => {
    const user = await currentUser(headers);
    const { page, limit } = validation.pagination(args);
    const appId = validation.optionalString(args, 'appId');
    const list = [...store.collections.of('loginHistory').values()]
      .filter((r) => r.userId === user.userId && (!appId || r.appId === appId))
      .reverse();
    return validation.paginate(list, page, limit);
  });
  route('GET', 'get-my-logged-in-apps', async (_args, headers) => {
    const user = await currentUser(headers);
    const kicked = store.kickedAt.get(user.userId) ?? 0;
    const ids = new Set<string>();
    for (const r of store.collections.of('loginHistory').values()) {
      if (r.userId === user.userId && Date.parse(String(r.loginAt)) >= kicked) ids.add(String(r.appId));
    }
    return [...ids]
      .map((id) => store.apps.get(id))
      .filter((a) => a !== undefined)
      .map((a) => ({ appId: a.appId, appName: a.appName, appLogo: '', appLoginUrl: '' }));
  });
  route('GET', 'get-my-accessible-apps', async (_args, headers) => {
    const user = await currentUser(headers);
    const access = store.collections.of('applicationAccess');
    return [...store.apps.values()]
      .filter((app) => {
        const list = (access.get(app.appId)?.list as Row[] | undefined) ?? [];
        const denied = list.some((e) => e.effect === 'DENY' && matchesTarget(store, user, e));
        return !denied && (list.length === 0 || list.some((e) => e.effect !== 'DENY' && matchesTarget(store, user, e)));
      })
      .map((a) => ({
        appId: a.appId,
        appName: a.appName,
        appLogo: '',
        appLoginUrl: '',
        appDefaultLoginStrategy: 'allow_all',
      }));
  });
  route('GET', 'get-my-tenant-list', async (_args, headers) => {
    const user = await currentUser(headers);
    return [...store.collections.of('tenants').values()]
      .filter((t) => Array.isArray(t.members) && t.members.includes(user.userId))
      .map((t) => ({ tenantId: t.tenantId, tenantName: t.name, tenantLogo: t.logo ?? '' }));
  });
  route('GET', 'get-my-department-list', async (args, headers) => {
    const user = await currentUser(headers);
    const { page, limit } = validation.pagination(args);
    const departments = store.collections.of('departments');
    const list = store.departmentsOfUser(user.userId).map((id) => {
      const d = departments.get(id)!;
      return {
        departmentId: id,
        name: d.name,
        code: d.code,
        organizationCode: d.organizationCode,
        ...(validation.optionalBoolean(args, 'withCustomData') ? { customData: d.customData } : {}),
      };
    });
    return validation.paginate(list, page, limit);
  });

  route('GET', 'get-identities', async (_args, headers) => {
    const user = await currentUser(headers);
    return [...store.collections.of('identities').values()].filter((i) => i.userId === user.userId);
  });
  route('POST', 'unlink-extidp', async (args, headers) => {
    const user = await currentUser(headers);
    const extIdpId = validation.requireString(args, 'extIdpId');
    const identities = store.collections.of('identities');
    for (const [id, row] of identities)
      if (row.userId === user.userId && row.extIdpId === extIdpId) identities.delete(id);
    store.changed();
    return null;
  });
  route('GET', 'get-application-enabled-extidps', () =>
    [...store.collections.of('extIdpConnections').values()]
      .filter((c) => c.enabled !== false)
      .map((c) => ({ extIdpId: c.extIdpId, identifier: c.identifier, displayName: c.displayName, type: c.type })),
  );

  const check = async (args: Record<string, unknown>, headers: Parameters<typeof currentUser>[0]) => {
    const user = await currentUser(headers);
    const action = validation.requireString(args, 'action');
    const policies = store.effectivePolicies(user.userId);
    const resources = validation.requireArray(args, 'resources').map((r, i) => {
      if (typeof r === 'string') return r;
      if (typeof r === 'object' && r !== null && typeof (r as Row).code === 'string') return String((r as Row).code);
      throw invalidArgument(`Field resources[${i}] must be a resource code`);
    });
    return {
      checkResultList: resources.map((resource) => ({ resource, action, enabled: allows(policies, resource, action) })),
    };
  };
  route('POST', 'check-permission-string-resource', check);
  route('POST', 'check-permission-array-resource', check);
  route('POST', 'check-permission-tree-resource', check);
  route('GET', 'get-user-auth-resource-list', async (_args, headers) => {
    const user = await currentUser(headers);
    return {
      userPermissionList: store.effectivePolicies(user.userId).map((p) => ({
        namespaceCode: p.namespace,
        resourceCode: p.resourceCode,
        resourceType: p.resourceType,
        actions: p.actions,
      })),
    };
  });
  route('POST', 'get-user-auth-resource-permission-list', async (args, headers) => {
    const user = await currentUser(headers);
    const policies = store.effectivePolicies(user.userId);
    return {
      permissionList: validation.requireStringArray(args, 'resources').map((resource) => ({
        resource,
        actions: [
          ...new Set(policies.filter((p) => allows([p], resource, p.actions[0] ?? '')).flatMap((p) => p.actions)),
        ],
      })),
    };
  });
  route('POST', 'get-user-auth-resource-struct', async (args, headers) => {
    const user = await currentUser(headers);
    const resource = validation.requireString(args, 'resource');
    const policies = store.effectivePolicies(user.userId).filter((p) => p.resourceCode === resource);
    return { resourceCode: resource, actions: [...new Set(policies.flatMap((p) => p.actions))] };
  });

  route('POST', 'pub-userEvent', async (args, headers) => {
    await currentUser(headers);
    const eventType = validation.requireString(args, 'eventType');
    if (typeof args.eventData !== 'string') throw invalidArgument('Field eventData must be a string');
    store.emit(eventType, args.eventData);
    return { success: true };
  });

  route('GET', 'system', () => ({ server: { version: 'emulator' }, rsa: {}, sm2: {} }));
  route('GET', 'get-country-list', () => [
    { alpha2: 'CN', name: 'China', phoneCountryCode: '+86' },
    { alpha2: 'US', name: 'United States', phoneCountryCode: '+1' },
    { alpha2: 'GB', name: 'United Kingdom', phoneCountryCode: '+44' },
  ]);
}
