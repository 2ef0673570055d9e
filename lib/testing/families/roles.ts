import { invalidArgument } from '../http.js';

import { roleDto, userDto, type UserRecord } from '../store.js';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  paginate,
  pagination,
  requireArray,
  requireString,
  requireStringArray,
  type Args,
} from '../validate.js';
import type { FamilyContext } from '../api/registry.js';
import { summarize } from '../api/authorized-resources.js';

/** Registers the role routes. */
export function registerRoles(ctx: FamilyContext): void {
  const { store, route } = ctx;

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
}
