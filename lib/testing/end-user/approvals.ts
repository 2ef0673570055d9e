import { invalidArgument, notFound } from '../http.js';
import { APPROVAL_TYPES, approvalDto, approvalPage, fileApproval } from '../families/approvals.js';
import * as validation from '../validate.js';
import type { EndUserContext } from './context.js';
import { requireEnum } from './flows.js';

/**
 * Permission requests of the signed-in user: which applications and roles can be asked for, filing
 * requests and following them. An administrator agrees through the management API
 * (`processApproval`), and then the role is the user's, or the application lets them in.
 */
export function registerApprovalRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser } = ctx;
  const mine = (userId: string) => [...store.collections.of('approvals').values()].filter((r) => r.userId === userId);

  route('GET', 'applications-permission-applicable', async (args, headers) => {
    await currentUser(headers);
    const name = validation.optionalString(args, 'appName')?.toLowerCase();
    const list = [...store.apps.values()]
      .filter((a) => !name || a.appName.toLowerCase().includes(name))
      .map((a) => ({ appId: a.appId, appName: a.appName, logo: '', appType: 'web' }));
    return { list };
  });
  route('GET', 'roles-permission-applicable', async (args, headers) => {
    const user = await currentUser(headers);
    const { page, limit } = validation.pagination(args);
    const keyword = validation.optionalString(args, 'keyword')?.toLowerCase();
    const held = new Set(store.rolesOfUser(user.userId).map((r) => r.id));
    const list = [...store.roles.values()]
      .filter((r) => !held.has(r.id))
      .filter((r) => !keyword || r.code.toLowerCase().includes(keyword) || r.name.toLowerCase().includes(keyword))
      .map((r) => ({ roleId: r.id, code: r.code, name: r.name, description: r.description }));
    return validation.paginate(list, page, limit);
  });

  route('POST', 'approval', async (args, headers) => {
    const user = await currentUser(headers);
    const type = requireEnum(args, 'objectType', APPROVAL_TYPES);
    const row = fileApproval(
      store,
      user.userId,
      type,
      validation.requireString(args, 'objectId'),
      validation.optionalObject(args, 'extraParams'),
    );
    return { approvalId: row.approvalId, number: row.number };
  });
  route('POST', 'approval-batch', async (args, headers) => {
    const user = await currentUser(headers);
    const type = requireEnum(args, 'objectType', APPROVAL_TYPES);
    const ids = validation.requireStringArray(args, 'objectIds');
    if (ids.length === 0) throw invalidArgument('Field objectIds must not be empty');
    for (const id of ids) fileApproval(store, user.userId, type, id, validation.optionalObject(args, 'extraParams'));
    return { success: true };
  });
  route('GET', 'approval', async (args, headers) => {
    const user = await currentUser(headers);
    const number = validation.requireString(args, 'number');
    const row = mine(user.userId).find((r) => r.number === number);
    if (!row) throw notFound(`Approval ${number} does not exist`);
    return approvalDto(row);
  });
  route('GET', 'approval-initiated-list', async (args, headers) =>
    approvalPage(mine((await currentUser(headers)).userId), args),
  );
}
