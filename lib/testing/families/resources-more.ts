import { invalidArgument } from '../http.js';
import { DEFAULT_NAMESPACE, isResourceType, resourceDto, type PolicyRecord } from '../store.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * Whether a granted resource covers an asked one, as Authing models instances (`order:42`): the
 * same identifier; the whole resource (`order`) or its wildcard (`order:*`) covers every instance
 * (`order:42`, and `order:*` itself); an instance never covers another one or the whole resource.
 */
export function covers(granted: string, asked: string): boolean {
  if (granted === asked || asked.startsWith(`${granted}:`)) return true;
  return granted.endsWith(':*') && asked.startsWith(granted.slice(0, -1));
}

/** Whether policies grant `action` on `resource` (a code, `code:id` for an instance, `code:*`). */
export function allows(policies: PolicyRecord[], resource: string, action: string): boolean {
  return policies.some(
    (p) => covers(p.resourceCode, resource) && (p.actions.includes(action) || p.actions.includes('*')),
  );
}

/** Batch resource calls and the authorization questions apps ask (`is-action-allowed` and friends). */
export function registerMoreResourceRoutes(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const ns = (args: validation.Args): string =>
    validation.optionalString(args, 'namespaceCode') ??
    validation.optionalString(args, 'namespace') ??
    DEFAULT_NAMESPACE;

  route('POST', 'create-resources-batch', (args) => {
    const namespace = ns(args);
    const items = validation.requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      if (!isResourceType(item.type))
        throw invalidArgument(`Field list[${i}].type must be one of DATA, API, MENU, BUTTON, UI`);
      return item;
    });
    return items.map((item) =>
      resourceDto(
        store.createResource({
          code: validation.requireString(item, 'code'),
          namespace,
          type: item.type as never,
          name: validation.optionalString(item, 'name'),
          description: validation.optionalString(item, 'description'),
          apiIdentifier: validation.optionalString(item, 'apiIdentifier'),
          actions: (Array.isArray(item.actions) ? item.actions : []).map((a: validation.Args) => ({
            name: String(a.name),
            description: String(a.description ?? ''),
          })),
        }),
      ),
    );
  });
  route('GET', 'get-resources-batch', (args) => {
    const namespace = ns(args);
    return validation
      .requireStringArray(args, 'codeList')
      .map((code) => store.resources.get(`${namespace}\u0000${code}`))
      .filter((r) => r !== undefined)
      .map(resourceDto);
  });
  route('GET', 'list-common-resource', (args) => {
    const { page, limit } = validation.pagination(args);
    const keyword = validation.optionalString(args, 'keyword')?.toLowerCase();
    const namespaces =
      args.namespaceCodeList === undefined ? undefined : validation.requireStringArray(args, 'namespaceCodeList');
    const list = [...store.resources.values()].filter(
      (r) =>
        (!namespaces || namespaces.includes(r.namespace)) &&
        (!keyword || r.code.toLowerCase().includes(keyword) || (r.name ?? '').toLowerCase().includes(keyword)),
    );
    return validation.paginate(
      list.map((r) => ({ id: `${r.namespace}:${r.code}`, ...resourceDto(r), namespaceCode: r.namespace })),
      page,
      limit,
    );
  });
  route('POST', 'delete-common-resources-batch', (args) => {
    for (const id of validation.requireStringArray(args, 'ids')) {
      const [namespace = '', code = ''] = id.split(':');
      const resource = store.resources.get(`${namespace}\u0000${code}`);
      if (resource) store.deleteResource(resource);
    }
    return { success: true };
  });

  route('POST', 'is-action-allowed', (args, scope) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const action = validation.requireString(args, 'action');
    const resource = validation.requireString(args, 'resource');
    return { allowed: allows(store.effectivePolicies(user.userId, ns(args), scope?.tenantId), resource, action) };
  });
  route('POST', 'check-external-user-permission', (args) => {
    const user = store.requireUser(validation.requireString(args, 'externalId'), 'external_id');
    const action = validation.requireString(args, 'action');
    const namespace = ns(args);
    const policies = store.effectivePolicies(user.userId, namespace);
    return {
      checkResultList: validation.requireStringArray(args, 'resources').map((resource) => ({
        namespaceCode: namespace,
        action,
        resource,
        enabled: allows(policies, resource, action),
      })),
    };
  });
  route('POST', 'get-user-resource-permission-list', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const namespace = ns(args);
    const policies = store.effectivePolicies(user.userId, namespace);
    return {
      permissionList: validation.requireStringArray(args, 'resources').map((resource) => ({
        namespaceCode: namespace,
        resource,
        actions: [...new Set(policies.filter((p) => covers(p.resourceCode, resource)).flatMap((p) => p.actions))],
      })),
    };
  });
  route('POST', 'get-user-permission-list', (args) => {
    const namespaces =
      args.namespaceCodes === undefined ? undefined : validation.requireStringArray(args, 'namespaceCodes');
    return {
      userPermissionList: validation.requireStringArray(args, 'userIds').map((userId) => ({
        userId,
        namespaceCode: namespaces?.[0] ?? DEFAULT_NAMESPACE,
        resourcesAuthorized: store
          .effectivePolicies(userId)
          .filter((p) => !namespaces || namespaces.includes(p.namespace))
          .map((p) => ({ resourceCode: p.resourceCode, resourceType: p.resourceType, actions: p.actions })),
      })),
    };
  });
  route('POST', 'list-resource-targets', (args) => {
    const namespace = ns(args);
    const actions = args.actions === undefined ? undefined : validation.requireStringArray(args, 'actions');
    return {
      authTargets: validation.requireStringArray(args, 'resources').map((resource) => ({
        resource,
        actionAuthList: store.policies
          .filter((p) => p.namespace === namespace && p.resourceCode === resource)
          .flatMap((p) =>
            p.actions
              .filter((a) => !actions || actions.includes(a))
              .map((action) => ({ action, targetType: p.targetType, targetIdentifier: p.targetIdentifier })),
          ),
      })),
    };
  });
  route('POST', 'get-resource-authorized-targets', (args) => {
    const resource = validation.requireString(args, 'resource');
    const namespace = ns(args);
    const targetType = validation.optionalString(args, 'targetType');
    const { page, limit } = validation.pagination(args);
    const list = store.policies
      .filter(
        (p) => p.namespace === namespace && p.resourceCode === resource && (!targetType || p.targetType === targetType),
      )
      .map((p) => ({ targetType: p.targetType, targetIdentifier: p.targetIdentifier, actions: p.actions }));
    return validation.paginate(list, page, limit);
  });
}
