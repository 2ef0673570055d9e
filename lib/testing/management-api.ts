import { ApiError, API_CODES, invalidArgument } from './http.js';
import { hashPassword } from './passwords.js';
import {
  DEFAULT_NAMESPACE,
  groupDto,
  isResourceType,
  publicApp,
  resourceDto,
  roleDto,
  userDto,
  validateProfile,
  type PolicyRecord,
  type PolicyTargetType,
  type ResourceRecord,
  type Store,
  type UserRecord,
} from './store.js';
import {
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  paginate,
  pagination,
  requireArray,
  requireString,
  requireStringArray,
  type Args,
} from './validate.js';

/** A management endpoint: validated arguments in, `data` of the success envelope out. */
export type ManagementHandler = (args: Args) => unknown;

const TARGET_TYPES: readonly string[] = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'];

/**
 * The management API core the emulator implements, keyed `"<METHOD> <path>"` with the paths and
 * methods of Authing's v3 API (as the official SDK calls them). Field names follow its DTOs.
 */
export function managementRoutes(store: Store): Map<string, ManagementHandler> {
  const routes = new Map<string, ManagementHandler>();
  const route = (method: 'GET' | 'POST', path: string, handler: ManagementHandler): void => {
    routes.set(`${method} /api/v3/${path}`, handler);
  };

  const userOf = (args: Args, idField = 'userId', typeField = 'userIdType'): UserRecord =>
    store.requireUser(requireString(args, idField), optionalString(args, typeField) ?? 'user_id');

  // ─── Users ──────────────────────────────────────────────────────────────────────────────────────

  const createUser = async (args: Args): Promise<UserRecord> => {
    const profile = validateProfile(args);
    const password = optionalString(args, 'password');
    const passwordHash = password ? await hashPassword(password) : undefined;
    return store.createUser(profile, { passwordHash, source: 'adminCreated' });
  };

  route('POST', 'create-user', async (args) => userDto(await createUser(args), { withCustomData: true }));

  route('POST', 'create-users-batch', async (args) => {
    const list = requireArray(args, 'list');
    const out = [];
    for (const [i, item] of list.entries()) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw invalidArgument(`Field list[${i}] must be an object`);
      }
      out.push(userDto(await createUser(item as Args), { withCustomData: true }));
    }
    return out;
  });

  route('GET', 'get-user', (args) =>
    userDto(userOf(args), { withCustomData: optionalBoolean(args, 'withCustomData') }),
  );

  route('GET', 'get-user-batch', (args) => {
    const type = optionalString(args, 'userIdType') ?? 'user_id';
    const withCustomData = optionalBoolean(args, 'withCustomData');
    return requireStringArray(args, 'userIds')
      .map((id) => store.findUser(id, type))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
  });

  route('POST', 'update-user', async (args) => {
    const options = optionalObject(args, 'options') ?? {};
    const user = store.requireUser(requireString(args, 'userId'), optionalString(options, 'userIdType') ?? 'user_id');
    const profile = validateProfile(args);
    const password = optionalString(args, 'password');
    const passwordHash = password ? await hashPassword(password) : undefined;
    return userDto(store.updateUser(user, profile, passwordHash), { withCustomData: true });
  });

  route('POST', 'delete-users-batch', (args) => {
    const options = optionalObject(args, 'options') ?? {};
    const type = optionalString(options, 'userIdType') ?? 'user_id';
    const ids = requireStringArray(args, 'userIds');
    for (const id of ids) {
      const user = store.findUser(id, type);
      if (user) store.deleteUser(user);
    }
    return { success: true };
  });

  route('POST', 'is-user-exists', (args) => {
    const checks: [string | undefined, string][] = [
      [optionalString(args, 'username'), 'username'],
      [optionalString(args, 'email'), 'email'],
      [optionalString(args, 'phone'), 'phone'],
      [optionalString(args, 'externalId'), 'external_id'],
    ];
    if (checks.every(([v]) => v === undefined)) {
      throw invalidArgument('Missing required field: one of username, email, phone or externalId');
    }
    return { exists: checks.some(([value, type]) => value !== undefined && store.findUser(value, type) !== undefined) };
  });

  route('POST', 'list-users', (args) => {
    const options = optionalObject(args, 'options') ?? {};
    const { page, limit } = pagination(optionalObject(options, 'pagination'));
    const withCustomData = optionalBoolean(options, 'withCustomData');
    let users = [...store.users.values()];
    const keywords = optionalString(args, 'keywords');
    if (keywords) {
      const fields = Array.isArray(options.fuzzySearchOn)
        ? (options.fuzzySearchOn as unknown[]).map(String)
        : ['email', 'phone', 'username', 'name', 'nickname', 'externalId'];
      const needle = keywords.toLowerCase();
      users = users.filter((u) =>
        fields.some((f) =>
          String((f === 'id' ? u.userId : u.profile[f]) ?? '')
            .toLowerCase()
            .includes(needle),
        ),
      );
    }
    const filters = args.advancedFilter === undefined ? [] : requireArray(args, 'advancedFilter');
    for (const [i, raw] of filters.entries()) {
      if (typeof raw !== 'object' || raw === null)
        throw invalidArgument(`Field advancedFilter[${i}] must be an object`);
      const filter = raw as Args;
      const field = requireString(filter, 'field');
      const operator = requireString(filter, 'operator');
      users = users.filter((u) => matchFilter(userDto(u, { withCustomData: true }), field, operator, filter.value));
    }
    const sort = options.sort === undefined ? [] : requireArray(options, 'sort');
    if (sort.length === 0) {
      // The common case: page first, then build only the DTOs of that page.
      const { list, totalCount } = paginate(users, page, limit);
      return { list: list.map((u) => userDto(u, { withCustomData })), totalCount };
    }
    const dtos = users.map((u) => userDto(u, { withCustomData }));
    for (const raw of [...sort].reverse()) {
      const rule = (raw ?? {}) as Args;
      const field = requireString(rule, 'field');
      const sign = String(rule.direction ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
      dtos.sort((a, b) => sign * compare(a[field], b[field]));
    }
    return paginate(dtos, page, limit);
  });

  route('GET', 'list-users', (args) => {
    const { page, limit } = pagination(args);
    const status = optionalString(args, 'status');
    const withCustomData = optionalBoolean(args, 'withCustomData');
    const users = [...store.users.values()].filter((u) => !status || u.status === status);
    const { list, totalCount } = paginate(users, page, limit);
    return { list: list.map((u) => userDto(u, { withCustomData })), totalCount };
  });

  route('GET', 'get-user-roles', (args) => {
    const user = userOf(args);
    const roles = store.rolesOfUser(user.userId, optionalString(args, 'namespace')).map(roleDto);
    return { list: roles, totalCount: roles.length };
  });

  route('GET', 'get-user-groups', (args) => {
    const groups = store.groupsOfUser(userOf(args).userId).map((g) => groupDto(g));
    return { list: groups, totalCount: groups.length };
  });

  route('GET', 'get-user-authorized-resources', (args) => {
    const user = userOf(args);
    const list = summarize(store.effectivePolicies(user.userId, optionalString(args, 'namespace')), store, args);
    return { list, totalCount: list.length };
  });

  // ─── Roles ──────────────────────────────────────────────────────────────────────────────────────

  route('POST', 'create-role', (args) =>
    roleDto(
      store.createRole({
        code: requireString(args, 'code'),
        name: optionalString(args, 'name'),
        description: optionalString(args, 'description'),
        namespace: optionalString(args, 'namespace'),
        disableTime: optionalInteger(args, 'disableTime'),
      }),
    ),
  );

  route('GET', 'get-role', (args) =>
    roleDto(store.requireRole(requireString(args, 'code'), optionalString(args, 'namespace'))),
  );

  route('GET', 'list-roles', (args) => {
    const { page, limit } = pagination(args);
    const namespace = optionalString(args, 'namespace');
    const keywords = optionalString(args, 'keywords')?.toLowerCase();
    const roles = [...store.roles.values()].filter(
      (r) =>
        (!namespace || r.namespace === namespace) &&
        (!keywords || r.code.toLowerCase().includes(keywords) || r.name.toLowerCase().includes(keywords)),
    );
    return paginate(roles.map(roleDto), page, limit);
  });

  route('POST', 'delete-roles-batch', (args) => {
    const namespace = optionalString(args, 'namespace');
    for (const code of requireStringArray(args, 'codeList')) {
      const role = store.findRole(code, namespace);
      if (role) store.deleteRole(role);
    }
    return { success: true };
  });

  route('POST', 'update-role', (args) => {
    const role = store.requireRole(requireString(args, 'code'), optionalString(args, 'namespace'));
    const newCode = requireString(args, 'newCode');
    store.renameRole(role, newCode);
    role.name = optionalString(args, 'name') ?? role.name;
    role.description = optionalString(args, 'description') ?? role.description;
    store.changed();
    return { success: true };
  });

  const roleTargets = (args: Args): UserRecord[] => {
    const targets = requireArray(args, 'targets');
    return targets.map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field targets[${i}] must be an object`);
      const target = raw as Args;
      const type = requireString(target, 'targetType');
      const identifier = requireString(target, 'targetIdentifier');
      if (type !== 'USER') {
        throw invalidArgument(`targetType ${type} is not supported by the emulator (only USER)`);
      }
      return store.requireUser(identifier);
    });
  };

  route('POST', 'assign-role', (args) => {
    const code = requireString(args, 'code');
    const users = roleTargets(args);
    const role = store.requireRole(code, optionalString(args, 'namespace'));
    for (const user of users) role.members.add(user.userId);
    store.changed();
    return { success: true };
  });

  route('POST', 'revoke-role', (args) => {
    const code = requireString(args, 'code');
    const users = roleTargets(args);
    const role = store.requireRole(code, optionalString(args, 'namespace'));
    for (const user of users) role.members.delete(user.userId);
    store.changed();
    return { success: true };
  });

  route('GET', 'list-role-members', (args) => {
    const role = store.requireRole(requireString(args, 'code'), optionalString(args, 'namespace'));
    const { page, limit } = pagination(args);
    const withCustomData = optionalBoolean(args, 'withCustomData');
    const users = [...role.members]
      .map((id) => store.users.get(id))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
    return paginate(users, page, limit);
  });

  route('GET', 'get-role-authorized-resources', (args) => {
    const role = store.requireRole(requireString(args, 'code'), optionalString(args, 'namespace'));
    const list = summarize(store.policiesOf('ROLE', role.code, role.namespace), store, args);
    return { list, totalCount: list.length };
  });

  // ─── Groups ─────────────────────────────────────────────────────────────────────────────────────

  route('POST', 'create-group', (args) =>
    groupDto(
      store.createGroup({
        code: requireString(args, 'code'),
        name: requireString(args, 'name'),
        description: optionalString(args, 'description'),
        type: optionalString(args, 'type'),
        customData: optionalObject(args, 'customData'),
      }),
      { withCustomData: true },
    ),
  );

  route('GET', 'get-group', (args) =>
    groupDto(store.requireGroup(requireString(args, 'code')), {
      withCustomData: optionalBoolean(args, 'withCustomData'),
    }),
  );

  route('GET', 'list-groups', (args) => {
    const { page, limit } = pagination(args);
    const keywords = optionalString(args, 'keywords')?.toLowerCase();
    const withCustomData = optionalBoolean(args, 'withCustomData');
    const groups = [...store.groups.values()].filter(
      (g) => !keywords || g.code.toLowerCase().includes(keywords) || g.name.toLowerCase().includes(keywords),
    );
    return paginate(
      groups.map((g) => groupDto(g, { withCustomData })),
      page,
      limit,
    );
  });

  route('POST', 'update-group', (args) => {
    const group = store.requireGroup(requireString(args, 'code'));
    const newCode = optionalString(args, 'newCode');
    if (newCode && newCode !== group.code) {
      if (store.groups.has(newCode))
        throw new ApiError(400, API_CODES.ALREADY_EXISTS, `Group ${newCode} already exists`);
      store.groups.delete(group.code);
      for (const p of store.policies) {
        if (p.targetType === 'GROUP' && p.targetIdentifier === group.code) p.targetIdentifier = newCode;
      }
      group.code = newCode;
      store.groups.set(newCode, group);
    }
    group.name = optionalString(args, 'name') ?? group.name;
    group.description = optionalString(args, 'description') ?? group.description;
    const customData = optionalObject(args, 'customData');
    if (customData) group.customData = { ...group.customData, ...customData };
    store.changed();
    return groupDto(group, { withCustomData: true });
  });

  route('POST', 'delete-groups-batch', (args) => {
    for (const code of requireStringArray(args, 'codeList')) {
      if (store.groups.delete(code)) {
        store.policies = store.policies.filter((p) => !(p.targetType === 'GROUP' && p.targetIdentifier === code));
      }
    }
    store.changed();
    return { success: true };
  });

  const groupMembers = (args: Args): { code: string; users: UserRecord[] } => {
    const code = requireString(args, 'code');
    const users = requireStringArray(args, 'userIds').map((id) => store.requireUser(id));
    return { code, users };
  };

  route('POST', 'add-group-members', (args) => {
    const { code, users } = groupMembers(args);
    const group = store.requireGroup(code);
    for (const user of users) group.members.add(user.userId);
    store.changed();
    return { success: true };
  });

  route('POST', 'remove-group-members', (args) => {
    const { code, users } = groupMembers(args);
    const group = store.requireGroup(code);
    for (const user of users) group.members.delete(user.userId);
    store.changed();
    return { success: true };
  });

  route('GET', 'list-group-members', (args) => {
    const group = store.requireGroup(requireString(args, 'code'));
    const { page, limit } = pagination(args);
    const withCustomData = optionalBoolean(args, 'withCustomData');
    const users = [...group.members]
      .map((id) => store.users.get(id))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
    return paginate(users, page, limit);
  });

  route('GET', 'get-group-authorized-resources', (args) => {
    const group = store.requireGroup(requireString(args, 'code'));
    const list = summarize(store.policiesOf('GROUP', group.code, optionalString(args, 'namespace')), store, args);
    return { list, totalCount: list.length };
  });

  // ─── Resources and permissions ──────────────────────────────────────────────────────────────────

  const resourceInput = (args: Args, partial: boolean): Partial<ResourceRecord> => {
    const type = partial ? args.type : (args.type ?? undefined);
    if (!partial || type !== undefined) {
      if (type === undefined) throw invalidArgument('Missing required field: type');
      if (!isResourceType(type)) throw invalidArgument('Field type must be one of DATA, API, MENU, BUTTON, UI');
    }
    const actions = args.actions === undefined ? undefined : requireArray(args, 'actions');
    return {
      ...(type !== undefined ? { type: type as ResourceRecord['type'] } : {}),
      name: optionalString(args, 'name'),
      description: optionalString(args, 'description'),
      apiIdentifier: optionalString(args, 'apiIdentifier'),
      actions: actions?.map((a, i) => {
        if (typeof a !== 'object' || a === null) throw invalidArgument(`Field actions[${i}] must be an object`);
        return { name: requireString(a as Args, 'name'), description: optionalString(a as Args, 'description') ?? '' };
      }),
    };
  };

  route('POST', 'create-resource', (args) => {
    const input = resourceInput(args, false);
    return resourceDto(
      store.createResource({
        code: requireString(args, 'code'),
        namespace: optionalString(args, 'namespace') || DEFAULT_NAMESPACE,
        type: input.type!,
        name: input.name,
        description: input.description,
        apiIdentifier: input.apiIdentifier,
        actions: input.actions ?? [],
      }),
    );
  });

  route('GET', 'get-resource', (args) =>
    resourceDto(store.requireResource(requireString(args, 'code'), optionalString(args, 'namespace'))),
  );

  route('GET', 'list-resources', (args) => {
    const { page, limit } = pagination(args);
    const namespace = optionalString(args, 'namespace');
    const type = optionalString(args, 'type');
    const list = [...store.resources.values()].filter(
      (r) => (!namespace || r.namespace === namespace) && (!type || r.type === type),
    );
    return paginate(list.map(resourceDto), page, limit);
  });

  route('POST', 'update-resource', (args) => {
    const resource = store.requireResource(requireString(args, 'code'), optionalString(args, 'namespace'));
    const input = resourceInput(args, true);
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (resource as unknown as Args)[k] = v;
    store.changed();
    return resourceDto(resource);
  });

  route('POST', 'delete-resource', (args) => {
    store.deleteResource(store.requireResource(requireString(args, 'code'), optionalString(args, 'namespace')));
    return { success: true };
  });

  route('POST', 'delete-resources-batch', (args) => {
    const namespace = optionalString(args, 'namespace');
    for (const code of requireStringArray(args, 'codeList')) {
      const resource = store.resources.get(`${namespace || DEFAULT_NAMESPACE}\u0000${code}`);
      if (resource) store.deleteResource(resource);
    }
    return { success: true };
  });

  route('POST', 'authorize-resources', (args) => {
    const namespace = optionalString(args, 'namespace') || DEFAULT_NAMESPACE;
    const list = requireArray(args, 'list');
    const policies: PolicyRecord[] = [];
    for (const [i, raw] of list.entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as Args;
      const targetType = requireString(item, 'targetType');
      if (!TARGET_TYPES.includes(targetType)) throw invalidArgument(`Field list[${i}].targetType is invalid`);
      const identifiers = requireStringArray(item, 'targetIdentifiers');
      for (const [j, rawResource] of requireArray(item, 'resources').entries()) {
        if (typeof rawResource !== 'object' || rawResource === null) {
          throw invalidArgument(`Field list[${i}].resources[${j}] must be an object`);
        }
        const r = rawResource as Args;
        // The official SDK names the field `code`; some documents call it `resourceCode`.
        const code = optionalString(r, 'code') ?? optionalString(r, 'resourceCode');
        if (!code) throw invalidArgument(`Missing required field: list[${i}].resources[${j}].code`);
        const resourceType = r.resourceType ?? store.resources.get(`${namespace}\u0000${code}`)?.type;
        if (!isResourceType(resourceType))
          throw invalidArgument(`Field list[${i}].resources[${j}].resourceType is invalid`);
        const actions = requireStringArray(r, 'actions');
        for (const targetIdentifier of identifiers) {
          policies.push({
            namespace,
            targetType: targetType as PolicyTargetType,
            targetIdentifier,
            resourceCode: code,
            resourceType,
            actions,
          });
        }
      }
    }
    for (const policy of policies) store.authorize(policy);
    return { success: true };
  });

  route('GET', 'get-authorized-resources', (args) => {
    const targetType = requireString(args, 'targetType');
    if (!TARGET_TYPES.includes(targetType)) throw invalidArgument('Field targetType is invalid');
    const identifier = requireString(args, 'targetIdentifier');
    const namespace = optionalString(args, 'namespace');
    const policies =
      targetType === 'USER'
        ? store.effectivePolicies(identifier, namespace)
        : store.policiesOf(targetType as PolicyTargetType, identifier, namespace);
    const list = summarize(policies, store, args);
    return { list, totalCount: list.length };
  });

  route('POST', 'check-permission', (args) => {
    const user = store.requireUser(requireString(args, 'userId'));
    const namespace = optionalString(args, 'namespaceCode') ?? optionalString(args, 'namespace') ?? DEFAULT_NAMESPACE;
    const action = requireString(args, 'action');
    const policies = store.effectivePolicies(user.userId, namespace);
    const checkResultList = requireStringArray(args, 'resources').map((resource) => ({
      namespaceCode: namespace,
      action,
      resource,
      enabled: policies.some(
        (p) =>
          (p.resourceCode === resource || resource.startsWith(`${p.resourceCode}:`)) &&
          (p.actions.includes(action) || p.actions.includes('*')),
      ),
    }));
    return { checkResultList };
  });

  // ─── Applications ───────────────────────────────────────────────────────────────────────────────

  route('GET', 'get-application', (args) => {
    const appId = requireString(args, 'appId');
    const app = store.apps.get(appId);
    if (!app) throw new ApiError(404, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    return appDto(publicApp(app));
  });

  route('GET', 'list-applications', (args) => {
    const { page, limit } = pagination(args);
    return paginate(
      [...store.apps.values()].map((a) => appDto(publicApp(a))),
      page,
      limit,
    );
  });

  return routes;
}

function appDto(app: ReturnType<typeof publicApp>): Record<string, unknown> {
  return {
    appId: app.appId,
    appName: app.appName,
    appSecret: app.appSecret,
    appType: 'web',
    defaultProtocol: 'oidc',
    redirectUris: app.redirectUris,
    logoutRedirectUris: app.logoutRedirectUris,
    oidcConfig: { token_endpoint_auth_method: app.tokenEndpointAuthMethod },
  };
}

/** Merges policies into Authing's authorized-resource items (one per resource code). */
function summarize(policies: PolicyRecord[], store: Store, args: Args): Record<string, unknown>[] {
  const resourceType = optionalString(args, 'resourceType');
  const byCode = new Map<
    string,
    { resourceCode: string; resourceType: string; actions: Set<string>; namespace: string }
  >();
  for (const p of policies) {
    if (resourceType && p.resourceType !== resourceType) continue;
    const key = `${p.namespace}\u0000${p.resourceCode}`;
    let item = byCode.get(key);
    if (!item) {
      item = { resourceCode: p.resourceCode, resourceType: p.resourceType, actions: new Set(), namespace: p.namespace };
      byCode.set(key, item);
    }
    for (const a of p.actions) item.actions.add(a);
  }
  return [...byCode.entries()].map(([key, item]) => {
    const resource = store.resources.get(key);
    return {
      resourceCode: item.resourceCode,
      resourceType: item.resourceType,
      actions: [...item.actions],
      ...(resource?.apiIdentifier ? { apiIdentifier: resource.apiIdentifier } : {}),
      ...(resource?.description ? { description: resource.description } : {}),
    };
  });
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function matchFilter(dto: Record<string, unknown>, field: string, operator: string, value: unknown): boolean {
  const actual = field in dto ? dto[field] : (dto.customData as Record<string, unknown> | undefined)?.[field];
  switch (operator) {
    case 'EQUAL':
      return actual === value || String(actual) === String(value);
    case 'NOT_EQUAL':
      return String(actual) !== String(value);
    case 'CONTAINS':
      return actual !== undefined && String(actual).toLowerCase().includes(String(value).toLowerCase());
    case 'NOT_CONTAINS':
      return actual === undefined || !String(actual).toLowerCase().includes(String(value).toLowerCase());
    case 'IS_NULL':
      return actual === undefined || actual === null;
    case 'NOT_NULL':
      return actual !== undefined && actual !== null;
    case 'IN':
      if (!Array.isArray(value)) throw invalidArgument('advancedFilter IN needs an array value');
      return value.some((v) => String(v) === String(actual));
    case 'GREATER':
      return compare(actual, value) > 0 && actual !== undefined;
    case 'LESSER':
      return compare(actual, value) < 0 && actual !== undefined;
    default:
      throw invalidArgument(`advancedFilter operator ${operator} is not supported by the emulator`);
  }
}
