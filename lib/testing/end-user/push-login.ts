import { ApiError, API_CODES, invalidArgument } from '../http.js';
import type { EmulatorTokenSet } from '../types.js';
import { optionalObject, optionalString, requireString, type Args } from '../validate.js';
import type { EndUserContext } from './context.js';
import { appFromHeader, FlowTable, newFlowId, requireEnum } from './flows.js';

const PUSH_TTL_SECONDS = 120;

interface PushCode {
  appId: string;
  userId: string;
  scope?: string;
  status: 'PUSHED' | 'AUTHORIZED' | 'CANCELLED' | 'EXPIRED';
  expiresAt: number;
  delivered: boolean;
}

/**
 * Push sign-in as a local state machine: a page asks to sign a user in by account
 * (`signin-by-push`), the user confirms or cancels from a signed-in app (`change-pushcode-status`),
 * and the page's next `check-pushcode-status` carries the token set, once. Codes expire after
 * two minutes.
 */
export function registerPushRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, signIn } = ctx;
  const codes = new FlowTable<PushCode>('Push code');
  const current = (id: string): PushCode => {
    const code = codes.require(id);
    if (code.status === 'PUSHED' && code.expiresAt < Date.now()) code.status = 'EXPIRED';
    return code;
  };

  route('POST', 'signin-by-push', (args, headers) => {
    const app = appFromHeader(store, headers);
    const user = store.findByAccount(requireString(args, 'account'));
    if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    if (user.status !== 'Activated') throw new ApiError(403, API_CODES.USER_LOCKED, 'User is suspended');
    const pushCodeId = newFlowId();
    codes.add(pushCodeId, {
      appId: app.appId,
      userId: user.userId,
      scope: optionalString(optionalObject(args, 'options') ?? {}, 'scope'),
      status: 'PUSHED',
      expiresAt: Date.now() + PUSH_TTL_SECONDS * 1000,
      delivered: false,
    });
    return { pushCodeId, expireTime: PUSH_TTL_SECONDS };
  });

  route('GET', 'check-pushcode-status', async (args, headers) => {
    const code = current(requireString(args, 'pushCodeId'));
    let tokenSet: EmulatorTokenSet | undefined;
    if (code.status === 'AUTHORIZED' && !code.delivered) {
      const user = store.users.get(code.userId);
      const app = store.apps.get(code.appId);
      if (!user || !app) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User or application no longer exists');
      code.delivered = true;
      tokenSet = await signIn(user, app, { scope: code.scope, loginMethod: 'PUSH', headers });
    }
    return { status: code.status, ...(tokenSet ? { tokenSet } : {}) };
  });

  const change = async (args: Args, headers: Parameters<typeof currentUser>[0]) => {
    const user = await currentUser(headers);
    const id = requireString(args, 'pushCodeId');
    const action = requireEnum(args, 'action', ['CONFIRM', 'CANCEL'] as const);
    const code = current(id);
    if (code.userId !== user.userId) throw invalidArgument('Field pushCodeId was pushed to another user');
    if (code.status !== 'PUSHED') throw invalidArgument(`Cannot ${action} this push code: it is ${code.status}`);
    code.status = action === 'CONFIRM' ? 'AUTHORIZED' : 'CANCELLED';
    return { success: true };
  };
  route('POST', 'change-pushcode-status', change);
  route('POST', 'set-pushcode-status', change);

  route('POST', 'get-pushlogin-relation-apps', (args) => {
    const appId = requireString(args, 'appId');
    const code = codes.require(requireString(args, 'pushCodeId'));
    if (code.appId !== appId) throw invalidArgument('Field appId did not start this push sign-in');
    return { appIds: [code.appId] };
  });
}
