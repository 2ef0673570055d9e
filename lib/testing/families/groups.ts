import { ApiError, API_CODES } from '../http.js';

import { groupDto, userDto, type UserRecord } from '../store.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';
import { summarize } from '../api/authorized-resources.js';

/** Registers the group routes. */
export function registerGroups(ctx: FamilyContext): void {
  const { store, route } = ctx;

  route('POST', 'create-group', (args) =>
    groupDto(
      store.createGroup({
        code: validation.requireString(args, 'code'),
        name: validation.requireString(args, 'name'),
        description: validation.optionalString(args, 'description'),
        type: validation.optionalString(args, 'type'),
        customData: validation.optionalObject(args, 'customData'),
      }),
      { withCustomData: true },
    ),
  );

  route('GET', 'get-group', (args) =>
    groupDto(store.requireGroup(validation.requireString(args, 'code')), {
      withCustomData: validation.optionalBoolean(args, 'withCustomData'),
    }),
  );

  route('GET', 'list-groups', (args) => {
    const { page, limit } = validation.pagination(args);
    const keywords = validation.optionalString(args, 'keywords')?.toLowerCase();
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    const groups = [...store.groups.values()].filter(
      (g) => !keywords || g.code.toLowerCase().includes(keywords) || g.name.toLowerCase().includes(keywords),
    );
    return validation.paginate(
      groups.map((g) => groupDto(g, { withCustomData })),
      page,
      limit,
    );
  });

  route('POST', 'update-group', (args) => {
    const group = store.requireGroup(validation.requireString(args, 'code'));
    const newCode = validation.optionalString(args, 'newCode');
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
    group.name = validation.optionalString(args, 'name') ?? group.name;
    group.description = validation.optionalString(args, 'description') ?? group.description;
    const customData = validation.optionalObject(args, 'customData');
    if (customData) group.customData = { ...group.customData, ...customData };
    store.changed();
    return groupDto(group, { withCustomData: true });
  });

  route('POST', 'delete-groups-batch', (args) => {
    for (const code of validation.requireStringArray(args, 'codeList')) {
      if (store.groups.delete(code)) {
        store.policies = store.policies.filter((p) => !(p.targetType === 'GROUP' && p.targetIdentifier === code));
      }
    }
    store.changed();
    return { success: true };
  });

  /** Adds or removes `userIds` (all checked first) in the group `code`. */
  const changeMembers = (args: validation.Args, add: boolean): { success: true } => {
    const code = validation.requireString(args, 'code');
    const users = validation.requireStringArray(args, 'userIds').map((id) => store.requireUser(id));
    const group = store.requireGroup(code);
    for (const user of users) {
      if (add) group.members.add(user.userId);
      else group.members.delete(user.userId);
    }
    store.changed();
    return { success: true };
  };
  route('POST', 'add-group-members', (args) => changeMembers(args, true));
  route('POST', 'remove-group-members', (args) => changeMembers(args, false));

  route('GET', 'list-group-members', (args) => {
    const group = store.requireGroup(validation.requireString(args, 'code'));
    const { page, limit } = validation.pagination(args);
    const withCustomData = validation.optionalBoolean(args, 'withCustomData');
    const users = [...group.members]
      .map((id) => store.users.get(id))
      .filter((u): u is UserRecord => u !== undefined)
      .map((u) => userDto(u, { withCustomData }));
    return validation.paginate(users, page, limit);
  });

  route('GET', 'get-group-authorized-resources', (args) => {
    const group = store.requireGroup(validation.requireString(args, 'code'));
    const list = summarize(
      store.policiesOf('GROUP', group.code, validation.optionalString(args, 'namespace')),
      store,
      args,
    );
    return { list, totalCount: list.length };
  });
}
