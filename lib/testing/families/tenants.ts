import { invalidArgument, notFound } from '../http.js';
import { userDto } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import { registerCrud } from '../api/crud.js';
import type { FamilyContext } from '../api/registry.js';

/** Tenants, their members (users of the pool) and their administrators. */
export function registerTenants(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const tenants = registerCrud(ctx, {
    collection: 'tenants',
    label: 'Tenant',
    key: 'tenantId',
    generateKey: true,
    required: ['name'],
    defaults: { description: '', appIds: [], members: [], admins: [] },
    create: ['create-tenant'],
    get: ['get-tenant', 'get-tenant-little-info'],
    list: ['list-tenants'],
    update: ['update-tenant'],
    delete: ['delete-tenant'],
  });
  route('GET', 'get-tenant-by-code', (args) => {
    const code = validation.requireString(args, 'code');
    const tenant = [...tenants.rows.values()].find((t) => t.code === code || t.tenantId === code);
    if (!tenant) throw notFound(`Tenant ${code} does not exist`);
    return tenant;
  });

  const list = (row: Row, field: 'members' | 'admins'): string[] =>
    Array.isArray(row[field]) ? (row[field] as string[]) : [];
  const edit = (args: validation.Args, field: 'members' | 'admins', ids: string[], add: boolean): { success: true } => {
    const tenant = tenants.require(args);
    for (const id of ids) store.requireUser(id);
    const current = new Set(list(tenant, field));
    for (const id of ids) {
      if (add) current.add(id);
      else current.delete(id);
    }
    tenant[field] = [...current];
    if (!add && field === 'members') tenant.admins = list(tenant, 'admins').filter((id) => !ids.includes(id));
    store.changed();
    return { success: true };
  };
  const ids = (args: validation.Args, field = 'linkUserIds'): string[] =>
    args[field] === undefined ? [] : validation.requireStringArray(args, field);

  route('POST', 'add-tenant-users', (args) => edit(args, 'members', ids(args), true));
  route('POST', 'remove-tenant-users', (args) =>
    edit(args, 'members', [...ids(args), ...ids(args, 'memberIds')], false),
  );
  route('POST', 'delete-tenant-user', (args) =>
    edit(args, 'members', [...ids(args), ...ids(args, 'memberIds')], false),
  );
  route('POST', 'list-tenant-users', (args) => {
    const tenant = tenants.require(args);
    const { page, limit } = validation.pagination(
      validation.optionalObject(validation.optionalObject(args, 'options') ?? {}, 'pagination'),
    );
    const needle = validation.optionalString(args, 'keywords')?.toLowerCase();
    const users = list(tenant, 'members')
      .map((id) => store.users.get(id))
      .filter((u) => u !== undefined)
      .filter((u) => !needle || Object.values(u.profile).some((v) => v.toLowerCase().includes(needle)));
    return validation.paginate(
      users.map((u) => ({ ...userDto(u), tenantId: tenant.tenantId, memberId: u.userId, linkUserId: u.userId })),
      page,
      limit,
    );
  });
  route('GET', 'get-tenant-user', (args) => {
    const tenant = tenants.require(args);
    const id = validation.optionalString(args, 'linkUserId') ?? validation.optionalString(args, 'memberId');
    if (!id) throw invalidArgument('Missing required field: linkUserId or memberId');
    if (!list(tenant, 'members').includes(id))
      throw notFound(`User ${id} is not a member of tenant ${String(tenant.tenantId)}`);
    return { ...userDto(store.requireUser(id)), tenantId: tenant.tenantId, memberId: id, linkUserId: id };
  });
  route('POST', 'set-tenant-admin', (args) => {
    const tenant = tenants.require(args);
    const wanted = [...ids(args), ...ids(args, 'memberIds')];
    const missing = wanted.find((id) => !list(tenant, 'members').includes(id));
    if (missing) throw invalidArgument(`User ${missing} is not a member of the tenant`);
    return edit(args, 'admins', wanted, true);
  });
  route('POST', 'delete-tenant-admin', (args) => {
    const id = validation.optionalString(args, 'linkUserId') ?? validation.requireString(args, 'memberId');
    return edit(args, 'admins', [id], false);
  });
  route('POST', 'list-tenant-admin', (args) => {
    const tenant = tenants.require(args);
    const { page, limit } = validation.pagination(args);
    const users = list(tenant, 'admins')
      .map((id) => store.users.get(id))
      .filter((u) => u !== undefined);
    return validation.paginate(
      users.map((u) => ({ ...userDto(u), tenantId: tenant.tenantId })),
      page,
      limit,
    );
  });
}
