import { invalidArgument } from '../http.js';
import { hashPassword } from '../passwords.js';
import { groupDto, roleDto, userDto, validateProfile, type UserRecord } from '../store.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';
import { compare, matchFilter } from '../api/filters.js';
import { summarize } from '../api/authorized-resources.js';

/** Registers the user routes. */
export function registerUsers(ctx: FamilyContext): void {
  const { store, route, userOf } = ctx;

  const createUser = async (args: validation.Args): Promise<UserRecord> => {
    const profile = validateProfile(args);
    const password = validation.optionalString(args, 'password');
    const passwordHash = password ? await hashPassword(password) : undefined;
    return store.createUser(profile, { passwordHash, source: 'adminCreated' });
  };

  route('POST', 'create-user', async (args) => userDto(await createUser(args), { withCustomData: true }));

  route('POST', 'create-users-batch', async (args) => {
    const list = validation.requireArray(args, 'list');
    const out = [];
    for (const [i, item] of list.entries()) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw invalidArgument(`Field list[${i}] must be an object`);
      }
      out.push(userDto(await createUser(item as validation.Args), { withCustomData: true }));
    }
    return out;
  });

  route('GET', 'get-user', (args) =>
    userDto(userOf(args), { withCustomData: validation.optionalBoolean(args, 'withCustomData') }),
  );

  route('GET', 'get-user-batch', (args) => {
    const type = validation.optionalString(args, 'userIdType') ?? 'user_id';
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    return validation
      .requireStringArray(args, 'userIds')
      .map((id) => store.findUser(id, type))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
  });

  route('POST', 'update-user', async (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const user = store.requireUser(
      validation.requireString(args, 'userId'),
      validation.optionalString(options, 'userIdType') ?? 'user_id',
    );
    const profile = validateProfile(args);
    const password = validation.optionalString(args, 'password');
    const passwordHash = password ? await hashPassword(password) : undefined;
    return userDto(store.updateUser(user, profile, passwordHash), { withCustomData: true });
  });

  route('POST', 'delete-users-batch', (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const type = validation.optionalString(options, 'userIdType') ?? 'user_id';
    const ids = validation.requireStringArray(args, 'userIds');
    for (const id of ids) {
      const user = store.findUser(id, type);
      if (user) store.deleteUser(user);
    }
    return { success: true };
  });

  route('POST', 'is-user-exists', (args) => {
    const checks: [string | undefined, string][] = [
      [validation.optionalString(args, 'username'), 'username'],
      [validation.optionalString(args, 'email'), 'email'],
      [validation.optionalString(args, 'phone'), 'phone'],
      [validation.optionalString(args, 'externalId'), 'external_id'],
    ];
    if (checks.every(([v]) => v === undefined)) {
      throw invalidArgument('Missing required field: one of username, email, phone or externalId');
    }
    return { exists: checks.some(([value, type]) => value !== undefined && store.findUser(value, type) !== undefined) };
  });

  route('POST', 'list-users', (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const { page, limit } = validation.pagination(validation.optionalObject(options, 'pagination'));
    const withCustomData = validation.optionalBoolean(options, 'withCustomData');
    let users = [...store.users.values()];
    const keywords = validation.optionalString(args, 'keywords');
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
    const filters = args.advancedFilter === undefined ? [] : validation.requireArray(args, 'advancedFilter');
    for (const [i, raw] of filters.entries()) {
      if (typeof raw !== 'object' || raw === null)
        throw invalidArgument(`Field advancedFilter[${i}] must be an object`);
      const filter = raw as validation.Args;
      const field = validation.requireString(filter, 'field');
      const operator = validation.requireString(filter, 'operator');
      users = users.filter((u) => matchFilter(userDto(u, { withCustomData: true }), field, operator, filter.value));
    }
    const sort = options.sort === undefined ? [] : validation.requireArray(options, 'sort');
    if (sort.length === 0) {
      // The common case: page first, then build only the DTOs of that page.
      const { list, totalCount } = validation.paginate(users, page, limit);
      return { list: list.map((u) => userDto(u, { withCustomData })), totalCount };
    }
    const dtos = users.map((u) => userDto(u, { withCustomData }));
    for (const raw of [...sort].reverse()) {
      const rule = (raw ?? {}) as validation.Args;
      const field = validation.requireString(rule, 'field');
      const sign = String(rule.direction ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
      dtos.sort((a, b) => sign * compare(a[field], b[field]));
    }
    return validation.paginate(dtos, page, limit);
  });

  route('GET', 'list-users', (args) => {
    const { page, limit } = validation.pagination(args);
    const status = validation.optionalString(args, 'status');
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    const users = [...store.users.values()].filter((u) => !status || u.status === status);
    const { list, totalCount } = validation.paginate(users, page, limit);
    return { list: list.map((u) => userDto(u, { withCustomData })), totalCount };
  });

  route('GET', 'get-user-roles', (args, scope) => {
    const user = userOf(args);
    const roles = store
      .rolesOfUser(user.userId, validation.optionalString(args, 'namespace'), scope?.tenantId)
      .map(roleDto);
    return { list: roles, totalCount: roles.length };
  });

  route('GET', 'get-user-groups', (args) => {
    const groups = store.groupsOfUser(userOf(args).userId).map((g) => groupDto(g));
    return { list: groups, totalCount: groups.length };
  });

  route('GET', 'get-user-authorized-resources', (args, scope) => {
    const user = userOf(args);
    const policies = store.effectivePolicies(
      user.userId,
      validation.optionalString(args, 'namespace'),
      scope?.tenantId,
    );
    const list = summarize(policies, store, args);
    return { list, totalCount: list.length };
  });
}
