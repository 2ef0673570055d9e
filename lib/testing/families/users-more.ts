import { invalidArgument } from '../http.js';
import { hashPassword } from '../passwords.js';
import { newId, now, userDto, validateProfile, type UserRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/** The rest of the user family: batch updates, resignation and archive, identities, apps, role checks. */
export function registerMoreUserRoutes(ctx: FamilyContext): void {
  const { store, route, userOf } = ctx;

  route('POST', 'update-user-batch', async (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const type = validation.optionalString(options, 'userIdType') ?? 'user_id';
    const items = validation.requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      return {
        user: store.requireUser(validation.requireString(item, 'userId'), type),
        item,
        profile: validateProfile(item),
      };
    });
    const out = [];
    for (const { user, item, profile } of items) {
      const password = validation.optionalString(item, 'password');
      out.push(userDto(store.updateUser(user, profile, password ? await hashPassword(password) : undefined)));
    }
    return out;
  });

  const archived = store.collections.of('archivedUsers');
  const resign = (user: UserRecord): void => {
    archived.set(user.userId, { ...userDto(user, { withCustomData: true }), status: 'Resigned', archivedAt: now() });
    store.deleteUser(user);
  };
  route('POST', 'resign-user', (args) => {
    resign(userOf(args));
    return { success: true };
  });
  route('POST', 'resign-user-batch', (args) => {
    const type = validation.optionalString(args, 'userIdType') ?? 'user_id';
    const users = validation.requireStringArray(args, 'userIds').map((id) => store.requireUser(id, type));
    for (const user of users) resign(user);
    return { success: true };
  });
  route('GET', 'list-archived-users', (args) => {
    const { page, limit } = validation.pagination(args);
    const startAt = Number(args.startAt ?? 0);
    const list = [...archived.values()].filter((u) => Date.parse(String(u.archivedAt)) >= startAt);
    return validation.paginate(list, page, limit);
  });

  // ─── Identities (accounts at external identity providers) ───────────────────────────────────────

  const identities = store.collections.of('identities');
  const identitiesOf = (userId: string): Row[] => [...identities.values()].filter((i) => i.userId === userId);
  route('POST', 'link-identity', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const extIdpId = validation.requireString(args, 'extIdpId');
    const userIdInIdp = validation.requireString(args, 'userIdInIdp');
    const taken = [...identities.values()].find((i) => i.extIdpId === extIdpId && i.userIdInIdp === userIdInIdp);
    if (taken && taken.userId !== user.userId) {
      throw invalidArgument(`The identity ${userIdInIdp} of ${extIdpId} is linked to another user`);
    }
    const identityId = newId();
    identities.set(identityId, {
      identityId,
      userId: user.userId,
      extIdpId,
      userIdInIdp,
      type: validation.optionalString(args, 'type') ?? 'generic',
      isSocial: validation.optionalBoolean(args, 'isSocial') ?? false,
      provider: validation.optionalString(args, 'type') ?? 'generic',
      originConnIds: [],
      createdAt: now(),
    });
    store.changed();
    return { success: true };
  });
  route('POST', 'unlink-identity', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const extIdpId = validation.requireString(args, 'extIdpId');
    const type = validation.optionalString(args, 'type');
    for (const [id, row] of identities) {
      if (row.userId === user.userId && row.extIdpId === extIdpId && (!type || row.type === type))
        identities.delete(id);
    }
    store.changed();
    return { success: true };
  });
  route('GET', 'get-user-identities', (args) => identitiesOf(userOf(args).userId));
  route('GET', 'get-user-logged-in-identities', (args) =>
    identitiesOf(userOf(args).userId).map((i) => ({
      identityId: i.identityId,
      extIdpId: i.extIdpId,
      provider: i.provider,
    })),
  );

  // ─── Applications a user may use ────────────────────────────────────────────────────────────────

  const appAccess = store.collections.of('applicationAccess');
  const appsOf = (user: UserRecord): Row[] =>
    [...store.apps.values()]
      .filter((app) => {
        const access = appAccess.get(app.appId);
        const list = Array.isArray(access?.list) ? (access.list as Row[]) : [];
        const denied = list.some((e) => e.effect === 'DENY' && matchesTarget(store, user, e));
        const allowed = list.length === 0 || list.some((e) => e.effect !== 'DENY' && matchesTarget(store, user, e));
        return allowed && !denied;
      })
      .map((app) => ({
        appId: app.appId,
        appName: app.appName,
        appLogo: '',
        appLoginUrl: '',
        appDefaultLoginStrategy: 'allow_all',
      }));
  route('GET', 'get-user-accessible-apps', (args) => {
    const list = appsOf(userOf(args));
    return { list, totalCount: list.length };
  });
  route('GET', 'get-user-authorized-apps', (args) => {
    const list = appsOf(userOf(args));
    return { list, totalCount: list.length };
  });

  route('POST', 'has-any-role', (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const user = store.requireUser(
      validation.requireString(args, 'userId'),
      validation.optionalString(options, 'userIdType') ?? 'user_id',
    );
    const mine = store.rolesOfUser(user.userId);
    const hasAnyRole = validation.requireArray(args, 'roles').some((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field roles[${i}] must be an object`);
      const code = validation.requireString(raw as validation.Args, 'code');
      const namespace = validation.optionalString(raw as validation.Args, 'namespace') || 'default';
      return mine.some((r) => r.code === code && r.namespace === namespace);
    });
    return { hasAnyRole };
  });

  route('GET', 'get-user-principal-authentication-info', (args) => {
    const user = userOf(args);
    return store.collections.of('principalAuth').get(user.userId) ?? { authenticated: false };
  });
  route('POST', 'reset-user-principal-authentication-info', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    store.collections.of('principalAuth').delete(user.userId);
    store.changed();
    return { success: true };
  });
}

/** Whether an application access entry (`targetType` USER, ROLE, GROUP, DEPARTMENT) names the user. */
export function matchesTarget(store: FamilyContext['store'], user: UserRecord, entry: Row): boolean {
  const ids = Array.isArray(entry.targetIdentifier)
    ? (entry.targetIdentifier as string[])
    : [String(entry.targetIdentifier)];
  switch (entry.targetType) {
    case 'USER':
      return ids.includes(user.userId);
    case 'ROLE':
      return store.rolesOfUser(user.userId).some((r) => ids.includes(r.code));
    case 'GROUP':
      return store.groupsOfUser(user.userId).some((g) => ids.includes(g.code));
    case 'DEPARTMENT':
      return store.departmentsOfUser(user.userId).some((d) => ids.includes(d));
    default:
      return false;
  }
}
