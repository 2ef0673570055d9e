import { invalidArgument } from '../http.js';
import { groupDto, userDto, type UserRecord } from '../store.js';
import { optionalBoolean, optionalString, requireArray, requireString, type Args } from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/** Group calls beyond the basics: all groups at once, upsert and batch creation. */
export function registerMoreGroupRoutes(ctx: FamilyContext): void {
  const { store, route } = ctx;

  route('GET', 'get-all-groups', (args) => {
    const withMembers = optionalBoolean(args, 'fetchMembers');
    const withCustomData = optionalBoolean(args, 'withCustomData');
    return [...store.groups.values()].map((g) => ({
      ...groupDto(g, { withCustomData }),
      ...(withMembers
        ? {
            members: [...g.members]
              .map((id) => store.users.get(id))
              .filter((u): u is UserRecord => !!u)
              .map((u) => userDto(u)),
          }
        : {}),
    }));
  });
  route('POST', 'create-or-update-group', (args) => {
    const code = requireString(args, 'code');
    const existing = store.groups.get(code);
    if (existing) {
      existing.name = optionalString(args, 'name') ?? existing.name;
      existing.description = optionalString(args, 'description') ?? existing.description;
      existing.type = optionalString(args, 'type') ?? existing.type;
      store.changed();
      return groupDto(existing, { withCustomData: true });
    }
    return groupDto(
      store.createGroup({
        code,
        name: requireString(args, 'name'),
        description: optionalString(args, 'description'),
        type: optionalString(args, 'type'),
      }),
      { withCustomData: true },
    );
  });
  route('POST', 'create-groups-batch', (args) => {
    const items = requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as Args;
      return {
        code: requireString(item, 'code'),
        name: requireString(item, 'name'),
        description: optionalString(item, 'description'),
        type: optionalString(item, 'type'),
      };
    });
    return items.map((item) => groupDto(store.createGroup(item), { withCustomData: true }));
  });
}
