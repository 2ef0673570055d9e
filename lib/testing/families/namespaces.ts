import { roleDto } from '../store.js';
import { optionalString, paginate, pagination, requireString } from '../validate.js';
import { registerCrud } from '../api/crud.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * Namespaces (also called permission namespaces): the `namespace` of roles and resources. A role
 * listing of a namespace answers the roles created in it.
 */
export function registerNamespaces(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const spec = {
    collection: 'namespaces',
    label: 'Namespace',
    key: 'code',
    required: ['name'],
    renameField: 'newCode',
    defaults: { description: '' },
  } as const;
  registerCrud(ctx, {
    ...spec,
    create: ['create-namespace', 'create-permission-namespace'],
    createBatch: ['create-namespaces-batch', 'create-permission-namespaces-batch'],
    get: ['get-namespace', 'get-permission-namespace'],
    getBatch: [
      ['get-namespaces-batch', 'codeList'],
      ['get-permission-namespaces-batch', 'codes'],
    ],
    list: ['list-namespaces', 'list-permission-namespaces'],
    update: ['update-namespace', 'update-permission-namespace'],
    delete: ['delete-namespace', 'delete-permission-namespace'],
    deleteBatch: [
      ['delete-namespaces-batch', 'codeList'],
      ['delete-permission-namespaces-batch', 'codes'],
    ],
  });
  const rows = store.collections.of('namespaces');
  route('POST', 'check-permission-namespace-exists', (args) => {
    const code = optionalString(args, 'code');
    const name = optionalString(args, 'name');
    const taken = [...rows.values()].some((r) => (code && r.code === code) || (name && r.name === name));
    return { isValid: !taken, message: taken ? 'The namespace code or name is already taken' : '' };
  });
  const rolesOf = (args: Record<string, unknown>, search: string | undefined) => {
    const code = requireString(args, 'code');
    const { page, limit } = pagination(args);
    const needle = search?.toLowerCase();
    const roles = [...store.roles.values()].filter(
      (r) =>
        r.namespace === code &&
        (!needle || r.code.toLowerCase().includes(needle) || r.name.toLowerCase().includes(needle)),
    );
    return paginate(roles.map(roleDto), page, limit);
  };
  route('GET', 'list-namespace-roles', (args) => rolesOf(args, optionalString(args, 'keywords')));
  route('GET', 'list-permission-namespace-roles', (args) => rolesOf(args, optionalString(args, 'query')));
}
