import { notFound } from '../http.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * Sessions and logs. Login history and user action logs are written by real logins
 * (`Store.recordLogin`), the admin audit log by every management mutation (see `api/registry.ts`);
 * `kick-users` ends a user's sessions so their tokens stop verifying and introspect as inactive, and
 * sends back-channel logout tokens to the applications that asked for them.
 */
export function registerSessionsAndLogs(ctx: FamilyContext): void {
  const { store, route, userOf } = ctx;
  const history = store.collections.of('loginHistory');

  const logins = (userId: string | undefined, args: validation.Args): Row[] => {
    const appId = validation.optionalString(args, 'appId');
    const clientIp = validation.optionalString(args, 'clientIp');
    const start = Number(args.start ?? 0);
    const end = Number(args.end ?? Number.MAX_SAFE_INTEGER);
    return [...history.values()]
      .filter((r) => {
        const at = Date.parse(String(r.loginAt));
        return (
          (!userId || r.userId === userId) &&
          (!appId || r.appId === appId) &&
          (!clientIp || r.clientIp === clientIp) &&
          at >= start &&
          at <= end
        );
      })
      .reverse();
  };

  route('POST', 'kick-users', async (args) => {
    const options = validation.optionalObject(args, 'options') ?? {};
    const user = store.requireUser(
      validation.requireString(args, 'userId'),
      validation.optionalString(options, 'userIdType') ?? 'user_id',
    );
    for (const appId of validation.requireStringArray(args, 'appIds')) {
      if (!store.apps.has(appId)) throw notFound(`Application ${appId} does not exist`);
    }
    // Sessions are per user pool here: kicking from any application ends every token of the user, and
    // every application with a back-channel logout URI hears of it before the call returns.
    await store.kickUser(user.userId);
    return { success: true };
  });

  route('POST', 'check-session-status', (args) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const appId = validation.requireString(args, 'appId');
    const kicked = store.kickedAt.get(user.userId) ?? 0;
    const active = logins(user.userId, { appId }).some((r) => Date.parse(String(r.loginAt)) >= kicked);
    return { status: active };
  });

  route('GET', 'get-user-login-history', (args) => {
    const user = userOf(args);
    const { page, limit } = validation.pagination(args);
    return validation.paginate(logins(user.userId, args), page, limit);
  });

  route('GET', 'get-user-loggedin-apps', (args) => {
    const user = userOf(args);
    const kicked = store.kickedAt.get(user.userId) ?? 0;
    const seen = new Map<string, Row>();
    for (const r of logins(user.userId, {})) {
      if (Date.parse(String(r.loginAt)) < kicked || seen.has(String(r.appId))) continue;
      const app = store.apps.get(String(r.appId));
      if (app)
        seen.set(app.appId, { appId: app.appId, appName: app.appName, appLoginUrl: '', appLogo: '', active: true });
    }
    return [...seen.values()];
  });

  route('POST', 'get-user-action-logs', (args) => {
    const { page, limit } = validation.pagination(validation.optionalObject(args, 'pagination'));
    const eventType = validation.optionalString(args, 'eventType');
    const list = logins(validation.optionalString(args, 'userId'), args)
      .map((r) => ({
        userId: r.userId,
        appId: r.appId,
        clientIp: r.clientIp,
        eventType: 'login',
        eventDetail: `login via ${String(r.loginMethod)}`,
        success: r.success,
        createdAt: r.loginAt,
      }))
      .filter((r) => !eventType || r.eventType === eventType);
    return validation.paginate(list, page, limit);
  });

  route('POST', 'get-admin-audit-logs', (args) => {
    const { page, limit } = validation.pagination(validation.optionalObject(args, 'pagination'));
    const operationType = validation.optionalString(args, 'operationType');
    const resourceType = validation.optionalString(args, 'resourceType');
    const success = args.success;
    const list = [...store.collections.of('adminAuditLogs').values()]
      .filter(
        (r) =>
          (!operationType || r.operationType === operationType) &&
          (!resourceType || r.resourceType === resourceType) &&
          (typeof success !== 'boolean' || r.success === success),
      )
      .reverse();
    return validation.paginate(list, page, limit);
  });
}
