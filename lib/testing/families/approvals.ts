import { invalidArgument, notFound } from '../http.js';
import { now, type Store } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/** Permission requests users file (`createApproval`): a role or access to an application. */
export const APPROVAL_TYPES = ['APP_PERMISSION_APPLY', 'ROLE_PERMISSION_APPLY'] as const;
export type ApprovalType = (typeof APPROVAL_TYPES)[number];

/** The object an approval asks for, as Authing's `approvalObjectList` describes it; 9410 when unknown. */
export function approvalObject(store: Store, type: ApprovalType, objectId: string): Row {
  if (type === 'APP_PERMISSION_APPLY') {
    const app = store.apps.get(objectId);
    if (!app) throw notFound(`Application ${objectId} does not exist`);
    return { objectId, objectName: app.appName, logo: '' };
  }
  const role = [...store.roles.values()].find((r) => r.id === objectId);
  if (!role) throw notFound(`Role ${objectId} does not exist`);
  return { objectId, objectName: role.name, roleCode: role.code, namespaceId: 0, namespaceCode: role.namespace };
}

/** Files a new PENDING approval for `userId`; returns its row. */
export function fileApproval(store: Store, userId: string, type: ApprovalType, objectId: string, extra?: Row): Row {
  const rows = store.collections.of('approvals');
  const object = approvalObject(store, type, objectId);
  const approvalId = rows.size + 1;
  const number = `AP${String(approvalId).padStart(8, '0')}`;
  const row: Row = {
    approvalId,
    number,
    status: 'PENDING',
    submitTime: now(),
    objectType: type,
    approvalObjectList: object,
    ...(extra ? { extraParams: extra } : {}),
    userId,
  };
  rows.set(number, row);
  store.changed();
  return row;
}

/** What both APIs show of an approval (the applicant's id stays internal). */
export function approvalDto(row: Row): Row {
  const { userId: _applicant, ...dto } = row;
  return dto;
}

/** Approval rows filtered and paged the way the `approval-*-list` endpoints take it. */
export function approvalPage(rows: Row[], args: validation.Args): { list: Row[]; totalCount: number } {
  const pageNo = validation.optionalInteger(args, 'pageNo') ?? 1;
  const pageSize = Math.min(validation.optionalInteger(args, 'pageSize') ?? 10, 50);
  if (pageNo < 1 || pageSize < 1) throw invalidArgument('Fields pageNo and pageSize must be at least 1');
  const objectType = validation.optionalString(args, 'objectType');
  const keyword = validation.optionalString(args, 'keyword')?.toLowerCase();
  const list = rows
    .filter((r) => !objectType || r.objectType === objectType)
    .filter((r) => {
      if (!keyword) return true;
      const object = r.approvalObjectList as Row;
      return (
        String(r.number).toLowerCase().includes(keyword) || String(object.objectName).toLowerCase().includes(keyword)
      );
    })
    .reverse();
  return { list: list.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(approvalDto), totalCount: list.length };
}

/**
 * Agrees to or refuses a PENDING approval. Agreeing grants what was asked: the role is assigned to
 * the applicant, or the applicant is allowed into the application.
 */
function decide(store: Store, number: string, agreed: boolean): void {
  const row = store.collections.of('approvals').get(number);
  if (!row) throw notFound(`Approval ${number} does not exist`);
  if (row.status !== 'PENDING') throw invalidArgument(`Approval ${number} is already ${String(row.status)}`);
  row.status = agreed ? 'AGREED' : 'REFUSED';
  row.closedTime = now();
  const user = store.users.get(String(row.userId));
  const object = row.approvalObjectList as Row;
  if (agreed && user) {
    if (row.objectType === 'ROLE_PERMISSION_APPLY') {
      const role = [...store.roles.values()].find((r) => r.id === object.objectId);
      role?.members.add(user.userId);
    } else {
      const access = store.collections.of('applicationAccess');
      const appId = String(object.objectId);
      const list = (access.get(appId)?.list as Row[] | undefined) ?? [];
      access.set(appId, { list: [...list, { targetType: 'USER', targetIdentifier: [user.userId], effect: 'ALLOW' }] });
    }
  }
  store.changed();
}

/** The administrator's side of approvals: pending and closed lists, detail, agree or refuse. */
export function registerApprovals(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const rows = (): Row[] => [...store.collections.of('approvals').values()];
  const agreed = (args: validation.Args): boolean => {
    const value = validation.optionalBoolean(args, 'isAgreed');
    if (value === undefined) throw invalidArgument('Missing required field: isAgreed');
    return value;
  };
  route('GET', 'approval', (args) => {
    const number = validation.requireString(args, 'number');
    const row = store.collections.of('approvals').get(number);
    if (!row) throw notFound(`Approval ${number} does not exist`);
    return approvalDto(row);
  });
  route('GET', 'approval-pending-list', (args) =>
    approvalPage(
      rows().filter((r) => r.status === 'PENDING'),
      args,
    ),
  );
  route('GET', 'approval-closed-list', (args) =>
    approvalPage(
      rows().filter((r) => r.status !== 'PENDING'),
      args,
    ),
  );
  route('GET', 'approval-log-list', (args) => approvalPage(rows(), args));
  route('PUT', 'approval-process', (args) => {
    decide(store, validation.requireString(args, 'number'), agreed(args));
    return { success: true };
  });
  route('PUT', 'approval-batch-process', (args) => {
    const isAgreed = agreed(args);
    for (const number of validation.requireStringArray(args, 'numbers')) decide(store, number, isAgreed);
    return { success: true };
  });
}
