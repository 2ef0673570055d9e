import { conflict, invalidArgument, notFound } from '../http.js';
import { DEFAULT_NAMESPACE, roleDto, userDto, type RoleRecord, type UserRecord } from '../store.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';
import { summarize } from '../api/authorized-resources.js';

/** Registers the role routes. */
export function registerRoles(ctx: FamilyContext): void {
  const { store, route } = ctx;
  /** The role named by `code` and `namespace` in `args`, in the caller's tenant. */
  const roleNamed = (args: validation.Args, tenantId: string | undefined): RoleRecord =>
    store.requireRole(validation.requireString(args, 'code'), validation.optionalString(args, 'namespace'), tenantId);

  // A tenant-scoped ManagementClient (scope.tenantId) creates, finds and assigns that tenant's roles.
  route('POST', 'create-role', (args, scope) =>
    roleDto(
      store.createRole({
        tenantId: scope?.tenantId,
        code: validation.requireString(args, 'code'),
        name: validation.optionalString(args, 'name'),
        description: validation.optionalString(args, 'description'),
        namespace: validation.optionalString(args, 'namespace'),
        disableTime: validation.optionalInteger(args, 'disableTime'),
      }),
    ),
  );

  route('GET', 'get-role', (args, scope) => roleDto(roleNamed(args, scope?.tenantId)));

  route('GET', 'list-roles', (args, scope) => {
    const { page, limit } = validation.pagination(args);
    const namespace = validation.optionalString(args, 'namespace');
    const keywords = validation.optionalString(args, 'keywords')?.toLowerCase();
    const roles = [...store.roles.values()].filter(
      (r) =>
        r.tenantId === scope?.tenantId &&
        (!namespace || r.namespace === namespace) &&
        (!keywords || r.code.toLowerCase().includes(keywords) || r.name.toLowerCase().includes(keywords)),
    );
    return validation.paginate(roles.map(roleDto), page, limit);
  });

  route('POST', 'delete-roles-batch', (args, scope) => {
    const namespace = validation.optionalString(args, 'namespace');
    for (const code of validation.requireStringArray(args, 'codeList')) {
      const role = store.findRole(code, namespace, scope?.tenantId);
      if (role) store.deleteRole(role);
    }
    return { success: true };
  });

  route('POST', 'update-role', (args, scope) => {
    const role = roleNamed(args, scope?.tenantId);
    const newCode = validation.requireString(args, 'newCode');
    store.renameRole(role, newCode);
    role.name = validation.optionalString(args, 'name') ?? role.name;
    role.description = validation.optionalString(args, 'description') ?? role.description;
    store.changed();
    return { success: true };
  });

  /** Users and departments named by `targets` (USER or DEPARTMENT, as Authing accepts). */
  const roleTargets = (args: validation.Args): { users: UserRecord[]; departments: string[] } => {
    const out = { users: [] as UserRecord[], departments: [] as string[] };
    for (const [i, raw] of validation.requireArray(args, 'targets').entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field targets[${i}] must be an object`);
      const target = raw as validation.Args;
      const type = validation.requireString(target, 'targetType');
      const identifier = validation.requireString(target, 'targetIdentifier');
      if (type === 'USER') out.users.push(store.requireUser(identifier));
      else if (type === 'DEPARTMENT') {
        if (!store.collections.of('departments').has(identifier)) {
          throw notFound(`Department ${identifier} does not exist`);
        }
        out.departments.push(identifier);
      } else throw invalidArgument(`Field targets[${i}].targetType must be USER or DEPARTMENT`);
    }
    return out;
  };

  const assign = (role: RoleRecord, targets: ReturnType<typeof roleTargets>, add: boolean): void => {
    for (const user of targets.users) {
      if (add) role.members.add(user.userId);
      else role.members.delete(user.userId);
    }
    const departments = store.roleDepartments(role);
    store.setRoleDepartments(
      role,
      add ? [...departments, ...targets.departments] : departments.filter((d) => !targets.departments.includes(d)),
    );
    store.changed();
    store.emit(add ? 'authing.role.assigned' : 'authing.role.revoked', {
      code: role.code,
      namespace: role.namespace,
      userIds: targets.users.map((u) => u.userId),
      departmentIds: targets.departments,
    });
  };

  route('POST', 'assign-role', (args, scope) => {
    const targets = roleTargets(args); // Checked before the role is looked up, as Authing does.
    assign(roleNamed(args, scope?.tenantId), targets, true);
    return { success: true };
  });

  route('POST', 'revoke-role', (args, scope) => {
    const targets = roleTargets(args); // Checked before the role is looked up, as Authing does.
    assign(roleNamed(args, scope?.tenantId), targets, false);
    return { success: true };
  });

  /** `roles: [{ code, namespace }]`, all checked before any change. */
  const rolesOf = (args: validation.Args, tenantId: string | undefined): RoleRecord[] =>
    validation.requireArray(args, 'roles').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field roles[${i}] must be an object`);
      return roleNamed(raw as validation.Args, tenantId);
    });

  route('POST', 'assign-role-batch', (args, scope) => {
    const targets = roleTargets(args);
    for (const role of rolesOf(args, scope?.tenantId)) assign(role, targets, true);
    return { success: true };
  });

  route('POST', 'revoke-role-batch', (args, scope) => {
    const targets = roleTargets(args);
    for (const role of rolesOf(args, scope?.tenantId)) assign(role, targets, false);
    return { success: true };
  });

  route('GET', 'list-role-departments', (args, scope) => {
    const role = roleNamed(args, scope?.tenantId);
    const { page, limit } = validation.pagination(args);
    const departments = store.collections.of('departments');
    const list = store
      .roleDepartments(role)
      .map((id) => departments.get(id))
      .filter((d) => d !== undefined)
      .map((d) => ({ id: d.departmentId, code: d.code ?? '', name: d.name, organizationCode: d.organizationCode }));
    return validation.paginate(list, page, limit);
  });

  route('POST', 'create-roles-batch', (args) => {
    const list = validation.requireArray(args, 'list');
    for (const [i, raw] of list.entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      const code = validation.requireString(item, 'code');
      if (store.findRole(code, validation.optionalString(item, 'namespace')))
        throw conflict(`Role ${code} already exists`);
    }
    for (const raw of list) {
      const item = raw as validation.Args;
      store.createRole({
        code: validation.requireString(item, 'code'),
        name: validation.optionalString(item, 'name'),
        description: validation.optionalString(item, 'description'),
        namespace: validation.optionalString(item, 'namespace'),
      });
    }
    return { success: true };
  });

  route('POST', 'multiple-namespace-delete-roles-batch', (args) => {
    for (const [i, raw] of validation.requireArray(args, 'roleList').entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field roleList[${i}] must be an object`);
      const item = raw as validation.Args;
      const namespace = validation.optionalString(item, 'namespace');
      for (const code of validation.requireStringArray(item, 'codeList')) {
        const role = store.findRole(code, namespace);
        if (role) store.deleteRole(role);
      }
    }
    return { success: true };
  });

  route('POST', 'check-role-params', (args, scope) => {
    const code = validation.optionalString(args, 'code');
    const name = validation.optionalString(args, 'name');
    const namespace = validation.optionalString(args, 'namespace') || DEFAULT_NAMESPACE;
    const taken = [...store.roles.values()].some(
      (r) =>
        r.tenantId === scope?.tenantId &&
        r.namespace === namespace &&
        ((code && r.code === code) || (name && r.name === name)),
    );
    return { checkResult: !taken, message: taken ? 'The role code or name is already taken' : '' };
  });

  route('GET', 'list-role-assignments', (args) => {
    const { page, limit } = validation.pagination(args);
    const code = validation.optionalString(args, 'roleCode');
    const namespace = validation.optionalString(args, 'namespaceCode');
    const targetType = validation.optionalString(args, 'targetType');
    const list: Record<string, unknown>[] = [];
    for (const role of store.roles.values()) {
      if ((code && role.code !== code) || (namespace && role.namespace !== namespace)) continue;
      const base = { roleId: role.id, roleCode: role.code, namespaceCode: role.namespace };
      if (!targetType || targetType === 'USER') {
        for (const userId of role.members) list.push({ ...base, targetType: 'USER', targetIdentifier: userId });
      }
      if (!targetType || targetType === 'DEPARTMENT') {
        for (const id of store.roleDepartments(role))
          list.push({ ...base, targetType: 'DEPARTMENT', targetIdentifier: id });
      }
    }
    return validation.paginate(list, page, limit);
  });

  route('GET', 'list-role-members', (args, scope) => {
    const role = roleNamed(args, scope?.tenantId);
    const { page, limit } = validation.pagination(args);
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    const users = [...role.members]
      .map((id) => store.users.get(id))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
    return validation.paginate(users, page, limit);
  });

  route('GET', 'get-role-authorized-resources', (args, scope) => {
    const role = roleNamed(args, scope?.tenantId);
    const list = summarize(store.policiesOf('ROLE', role.code, role.namespace, role.tenantId), store, args);
    return { list, totalCount: list.length };
  });
}
