import { conflict, invalidArgument, notFound } from '../http.js';
import { newId, now, userDto, type UserRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * Organizations and their department trees. An organization owns a root department; departments
 * hold member user ids, and a user's departments (`get-user-departments`) and department roles
 * (see `Store.rolesOfUser`) are read from them.
 */
export function registerOrganizations(ctx: FamilyContext): void {
  const { store, route, userOf } = ctx;
  const orgs = store.collections.of('organizations');
  const departments = store.collections.of('departments');

  const requireOrg = (args: validation.Args): Row => {
    const code = validation.requireString(args, 'organizationCode');
    const org = orgs.get(code);
    if (!org) throw notFound(`Organization ${code} does not exist`);
    return org;
  };

  const orgDto = (org: Row): Row => {
    const root = departments.get(String(org.departmentId));
    return { ...org, hasChildren: [...departments.values()].some((d) => d.parentDepartmentId === root?.departmentId) };
  };

  /** A department by `departmentId` read as `departmentIdType` (department_id, open_department_id, code). */
  const findDepartment = (args: validation.Args, idField = 'departmentId'): Row | undefined => {
    const id = validation.requireString(args, idField);
    const type = validation.optionalString(args, 'departmentIdType') ?? 'department_id';
    const organizationCode = validation.optionalString(args, 'organizationCode');
    if (type === 'department_id') return departments.get(id);
    const field = type === 'open_department_id' ? 'openDepartmentId' : type === 'code' ? 'code' : undefined;
    if (!field) throw invalidArgument('Field departmentIdType must be department_id, open_department_id or code');
    return [...departments.values()].find(
      (d) => d[field] === id && (!organizationCode || d.organizationCode === organizationCode),
    );
  };
  const requireDepartment = (args: validation.Args, idField = 'departmentId'): Row => {
    const department = findDepartment(args, idField);
    if (!department) throw notFound(`Department ${String(args[idField])} does not exist`);
    return department;
  };

  const children = (id: unknown): Row[] => [...departments.values()].filter((d) => d.parentDepartmentId === id);
  const descendants = (department: Row): Row[] => {
    const out = [department];
    for (let i = 0; i < out.length; i++) out.push(...children(out[i]!.departmentId));
    return out;
  };
  const deptDto = (d: Row): Row => ({ ...d, members: undefined, hasChildren: children(d.departmentId).length > 0 });
  const membersOf = (d: Row): string[] => (Array.isArray(d.members) ? (d.members as string[]) : []);
  const memberUsers = (list: Row[]): UserRecord[] =>
    [...new Set(list.flatMap(membersOf))]
      .map((id) => store.users.get(id))
      .filter((u): u is UserRecord => u !== undefined);

  const createDepartment = (
    args: validation.Args,
    organizationCode: string,
    parentDepartmentId: string | null,
  ): Row => {
    const name = validation.requireString(args, 'name');
    const code = validation.optionalString(args, 'code');
    if (code && [...departments.values()].some((d) => d.code === code && d.organizationCode === organizationCode)) {
      throw conflict(`Department code ${code} already exists`);
    }
    const departmentId = newId();
    const at = now();
    const row: Row = {
      departmentId,
      organizationCode,
      name,
      code: code ?? '',
      description: validation.optionalString(args, 'description') ?? '',
      openDepartmentId: validation.optionalString(args, 'openDepartmentId') ?? departmentId,
      parentDepartmentId,
      leaderUserIds: [],
      isVirtualNode: validation.optionalBoolean(args, 'isVirtualNode') ?? false,
      status: 'enable',
      customData: (args.customData as Row | undefined) ?? {},
      members: [],
      createdAt: at,
      updatedAt: at,
    };
    departments.set(departmentId, row);
    store.changed();
    return row;
  };

  // ─── Organizations ──────────────────────────────────────────────────────────────────────────────

  route('POST', 'create-organization', (args) => {
    const organizationCode = validation.requireString(args, 'organizationCode');
    const organizationName = validation.requireString(args, 'organizationName');
    if (orgs.has(organizationCode)) throw conflict(`Organization ${organizationCode} already exists`);
    const root = createDepartment({ name: organizationName, code: organizationCode }, organizationCode, null);
    const org: Row = {
      organizationCode,
      organizationName,
      description: validation.optionalString(args, 'description') ?? '',
      departmentId: root.departmentId,
      openDepartmentId: validation.optionalString(args, 'openDepartmentId') ?? root.departmentId,
      status: 'enable',
      createdAt: root.createdAt,
    };
    orgs.set(organizationCode, org);
    store.changed();
    return orgDto(org);
  });
  route('GET', 'get-organization', (args) => orgDto(requireOrg(args)));
  route('GET', 'get-organization-batch', (args) =>
    validation
      .requireStringArray(args, 'organizationCodeList')
      .map((code) => orgs.get(code))
      .filter((o): o is Row => o !== undefined)
      .map(orgDto),
  );
  route('GET', 'list-organizations', (args) => {
    const { page, limit } = validation.pagination(args);
    const status = validation.optionalString(args, 'status');
    const list = [...orgs.values()].filter((o) => status === undefined || String(o.status) === status).map(orgDto);
    return validation.optionalBoolean(args, 'fetchAll')
      ? { list, totalCount: list.length }
      : validation.paginate(list, page, limit);
  });
  route('GET', 'search-organizations', (args) => {
    const needle = validation.requireString(args, 'keywords').toLowerCase();
    const { page, limit } = validation.pagination(args);
    const list = [...orgs.values()].filter((o) =>
      `${String(o.organizationCode)} ${String(o.organizationName)}`.toLowerCase().includes(needle),
    );
    return validation.paginate(list.map(orgDto), page, limit);
  });
  route('POST', 'update-organization', (args) => {
    const org = requireOrg(args);
    const newCode = validation.optionalString(args, 'organizationNewCode');
    for (const field of ['organizationName', 'description', 'openDepartmentId'] as const) {
      const value = validation.optionalString(args, field);
      if (value !== undefined) org[field] = value;
    }
    if (newCode && newCode !== org.organizationCode) {
      if (orgs.has(newCode)) throw conflict(`Organization ${newCode} already exists`);
      orgs.delete(String(org.organizationCode));
      for (const d of departments.values())
        if (d.organizationCode === org.organizationCode) d.organizationCode = newCode;
      org.organizationCode = newCode;
      orgs.set(newCode, org);
    }
    store.changed();
    return orgDto(org);
  });
  route('POST', 'delete-organization', (args) => {
    const org = requireOrg(args);
    orgs.delete(String(org.organizationCode));
    for (const [id, d] of departments) if (d.organizationCode === org.organizationCode) departments.delete(id);
    store.changed();
    return { success: true };
  });
  route('POST', 'update-organization-status', (args) => {
    const root = requireDepartment(args, 'rootNodeId');
    const org = orgs.get(String(root.organizationCode));
    if (org) org.status = validation.requireString(args, 'status');
    store.changed();
    return { success: true };
  });

  // ─── Departments ────────────────────────────────────────────────────────────────────────────────

  route('POST', 'create-department', (args) => {
    const org = requireOrg(args);
    const parent = requireDepartment({ ...args, departmentId: validation.requireString(args, 'parentDepartmentId') });
    return deptDto(createDepartment(args, String(org.organizationCode), String(parent.departmentId)));
  });
  route('GET', 'get-department', (args) => {
    if (args.departmentId === undefined && args.departmentCode !== undefined) {
      return deptDto(requireDepartment({ ...args, departmentIdType: 'code' }, 'departmentCode'));
    }
    return deptDto(requireDepartment(args));
  });
  route('GET', 'get-department-by-id', (args) => deptDto(requireDepartment(args)));
  route('POST', 'update-department', (args) => {
    const d = requireDepartment(args);
    for (const field of ['name', 'code', 'description', 'status', 'parentDepartmentId'] as const) {
      const value = validation.optionalString(args, field);
      if (value !== undefined) d[field] = value;
    }
    if (args.leaderUserIds !== undefined) d.leaderUserIds = validation.requireStringArray(args, 'leaderUserIds');
    if (args.customData !== undefined) d.customData = { ...(d.customData as Row), ...(args.customData as Row) };
    d.updatedAt = now();
    store.changed();
    return deptDto(d);
  });
  route('POST', 'update-department-status', (args) => {
    const d = requireDepartment(args);
    d.status = validation.requireString(args, 'status');
    store.changed();
    return { success: true };
  });
  route('POST', 'delete-department', (args) => {
    const d = requireDepartment(args);
    if (d.parentDepartmentId === null) throw invalidArgument('The root department is deleted with its organization');
    for (const x of descendants(d)) departments.delete(String(x.departmentId));
    store.changed();
    return { success: true };
  });
  const search = (args: validation.Args): Row[] => {
    const needle = (validation.optionalString(args, 'keywords') ?? '').toLowerCase();
    const organizationCode = validation.optionalString(args, 'organizationCode');
    return [...departments.values()]
      .filter(
        (d) =>
          (!organizationCode || d.organizationCode === organizationCode) &&
          String(d.name).toLowerCase().includes(needle),
      )
      .map(deptDto);
  };
  route('POST', 'search-departments', (args) => search(args));
  route('POST', 'search-departments-list', (args) => {
    const { page, limit } = validation.pagination(args);
    return validation.paginate(search(args), page, limit);
  });
  route('GET', 'list-children-departments', (args) => {
    const list = children(requireDepartment(args).departmentId).map(deptDto);
    return { list, totalCount: list.length };
  });
  route('GET', 'get-all-departments', (args) => {
    requireOrg(args);
    const start = args.departmentId ? requireDepartment(args) : departments.get(String(requireOrg(args).departmentId));
    return start ? descendants(start).map(deptDto) : [];
  });
  route('GET', 'get-parent-department', (args) => {
    const d = requireDepartment(args);
    const parent = d.parentDepartmentId ? departments.get(String(d.parentDepartmentId)) : undefined;
    return parent ? deptDto(parent) : null;
  });

  const scopeOf = (args: validation.Args): Row[] => {
    const d = requireDepartment(args);
    return validation.optionalBoolean(args, 'includeChildrenDepartments') ? descendants(d) : [d];
  };
  route('GET', 'list-department-members', (args) => {
    const { page, limit } = validation.pagination(args);
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    return validation.paginate(
      memberUsers(scopeOf(args)).map((u) => userDto(u, { withCustomData })),
      page,
      limit,
    );
  });
  route('GET', 'list-department-member-ids', (args) => memberUsers(scopeOf(args)).map((u) => u.userId));
  route('GET', 'search-department-members', (args) => {
    const { page, limit } = validation.pagination(args);
    const needle = validation.requireString(args, 'keywords').toLowerCase();
    const users = memberUsers(scopeOf(args)).filter((u) =>
      Object.values(u.profile).some((v) => v.toLowerCase().includes(needle)),
    );
    return validation.paginate(
      users.map((u) => userDto(u)),
      page,
      limit,
    );
  });
  const editMembers = (args: validation.Args, add: boolean): { success: true } => {
    const users = validation.requireStringArray(args, 'userIds').map((id) => store.requireUser(id));
    const d = requireDepartment(args);
    const members = new Set(membersOf(d));
    for (const u of users) {
      if (add) members.add(u.userId);
      else members.delete(u.userId);
    }
    d.members = [...members];
    store.changed();
    return { success: true };
  };
  route('POST', 'add-department-members', (args) => editMembers(args, true));
  route('POST', 'remove-department-members', (args) => editMembers(args, false));
  route('GET', 'is-user-in-department', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    return { inDepartment: memberUsers(scopeOf(args)).some((u) => u.userId === user.userId) };
  });

  route('GET', 'get-user-departments', (args) => {
    const user = userOf(args);
    const { page, limit } = validation.pagination(args);
    const list = store.departmentsOfUser(user.userId).map((id) => {
      const d = departments.get(id)!;
      return {
        departmentId: d.departmentId,
        name: d.name,
        code: d.code,
        organizationCode: d.organizationCode,
        description: d.description,
        isLeader: Array.isArray(d.leaderUserIds) && d.leaderUserIds.includes(user.userId),
        isMainDepartment: store.collections.of('mainDepartments').get(user.userId)?.departmentId === id,
        joinedAt: d.updatedAt,
      };
    });
    return validation.paginate(list, page, limit);
  });
  route('POST', 'set-user-departments', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const wanted = validation.requireArray(args, 'departments').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field departments[${i}] must be an object`);
      const item = raw as validation.Args;
      return { department: requireDepartment(item), item };
    });
    for (const d of departments.values()) d.members = membersOf(d).filter((id) => id !== user.userId);
    for (const { department, item } of wanted) {
      department.members = [...membersOf(department), user.userId];
      if (validation.optionalBoolean(item, 'isMainDepartment')) {
        store.collections.of('mainDepartments').set(user.userId, { departmentId: department.departmentId });
      }
      if (validation.optionalBoolean(item, 'isLeader')) {
        department.leaderUserIds = [...new Set([...(department.leaderUserIds as string[]), user.userId])];
      }
    }
    store.changed();
    return { success: true };
  });
}
