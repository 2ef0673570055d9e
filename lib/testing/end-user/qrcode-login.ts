import { randomBytes } from 'node:crypto';
import { ApiError, API_CODES, invalidArgument } from '../http.js';
import type { UserRecord } from '../store.js';
import { optionalObject, requireString } from '../validate.js';
import type { EndUserContext } from './context.js';
import { appFromHeader, briefUserInfo, FlowTable, newFlowId, requireEnum } from './flows.js';

const QRCODE_TTL_MS = 2 * 60 * 1000;
const TICKET_TTL_MS = 60 * 1000;

type QrStatus = 'PENDING' | 'SCANNED' | 'AUTHORIZED' | 'CANCELLED' | 'EXPIRED';

interface QrCode {
  appId: string;
  status: QrStatus;
  expiresAt: number;
  customData?: Record<string, unknown>;
  /** Who scanned (web login) or who showed the code (app login). */
  userId?: string;
  ticket?: string;
  /** `APP_LOGIN` codes: shown by a signed-in web session, scanned by a mobile app that signs in. */
  appLogin: boolean;
}

/**
 * QR code sign-in as a local state machine. Web login: the web page gets a code (`gene-qrcode`),
 * the signed-in mobile app scans and confirms it (`change-qrcode-status` SCAN then CONFIRM), the
 * page polls `check-qrcode-status` until AUTHORIZED and trades the one-time ticket for tokens.
 * App login: a signed-in web session shows a code and a mobile app signs in as that user by
 * scanning it (`qrcode-app-login`). Codes expire after two minutes.
 */
export function registerQrCodeRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, authenticateApp, signIn } = ctx;
  const codes = new FlowTable<QrCode>('QR code');

  const current = (id: string): QrCode => {
    const code = codes.require(id);
    if (code.expiresAt < Date.now() && code.status !== 'AUTHORIZED' && code.status !== 'CANCELLED') {
      code.status = 'EXPIRED';
    }
    return code;
  };
  const user = (code: QrCode): UserRecord | undefined =>
    code.userId === undefined ? undefined : store.users.get(code.userId);
  const status = (args: Record<string, unknown>) => {
    const code = current(requireString(args, 'qrcodeId'));
    const scanned = user(code);
    return {
      status: code.status,
      ...(code.ticket ? { ticket: code.ticket } : {}),
      ...(scanned && code.status !== 'PENDING' ? { briefUserInfo: briefUserInfo(scanned) } : {}),
    };
  };

  route('POST', 'gene-qrcode', async (args, headers) => {
    const app = appFromHeader(store, headers);
    requireEnum(args, 'type', ['MOBILE_APP', 'WECHAT_MINIPROGRAM', 'WECHAT_OFFICIAL_ACCOUNT'] as const);
    if (args.type !== 'MOBILE_APP') {
      throw invalidArgument('Field type: the emulator has no WeChat, only MOBILE_APP codes are scanned locally');
    }
    // A signed-in caller shows a code for app login; otherwise it is a web page waiting for a scan.
    const owner = headers.authorization ? await currentUser(headers) : undefined;
    const qrcodeId = newFlowId();
    codes.add(qrcodeId, {
      appId: app.appId,
      status: 'PENDING',
      expiresAt: Date.now() + QRCODE_TTL_MS,
      customData: optionalObject(args, 'customData'),
      userId: owner?.userId,
      appLogin: owner !== undefined,
    });
    const host = typeof headers.host === 'string' ? headers.host : 'localhost';
    return { qrcodeId, url: `http://${host}/api/v3/check-qrcode-status?qrcodeId=${qrcodeId}` };
  });

  for (const path of ['check-qrcode-status', 'get-qrcode-status', 'get-app-login-qrcode-status']) {
    route('GET', path, (args) => status(args));
  }

  const change = async (args: Record<string, unknown>, headers: Parameters<typeof currentUser>[0]) => {
    const scanner = await currentUser(headers);
    const id = requireString(args, 'qrcodeId');
    const action = requireEnum(args, 'action', ['SCAN', 'CONFIRM', 'CANCEL'] as const);
    const code = current(id);
    if (code.appLogin) throw invalidArgument('Field qrcodeId names an app-login code: use qrcode-app-login');
    const refuse = (why: string) =>
      new ApiError(400, API_CODES.INVALID_ARGUMENT, `Cannot ${action} this QR code: ${why}`);
    if (code.status === 'EXPIRED' || code.status === 'CANCELLED' || code.status === 'AUTHORIZED') {
      throw refuse(`it is ${code.status}`);
    }
    if (code.userId !== undefined && code.userId !== scanner.userId) throw refuse('another user scanned it');
    if (action === 'SCAN') {
      code.status = 'SCANNED';
      code.userId = scanner.userId;
    } else if (action === 'CANCEL') {
      code.status = 'CANCELLED';
    } else {
      if (code.status !== 'SCANNED') throw refuse('it was not scanned yet');
      code.status = 'AUTHORIZED';
      code.ticket = randomBytes(24).toString('hex');
      code.expiresAt = Date.now() + TICKET_TTL_MS;
      if (code.customData) store.updateUser(scanner, { profile: {}, customData: code.customData });
    }
    return { success: true };
  };
  route('POST', 'change-qrcode-status', change);
  route('POST', 'set-qrcode-status', change);

  route('POST', 'exchange-tokenset-with-qrcode-ticket', async (args, headers) => {
    const app = authenticateApp(args, headers);
    const ticket = requireString(args, 'ticket');
    const found = codes.find((c) => c.ticket === ticket);
    if (!found || found[1].appId !== app.appId || found[1].expiresAt < Date.now()) {
      throw invalidArgument('Field ticket is not a valid, unused ticket of this application');
    }
    const [id, code] = found;
    codes.delete(id);
    const scanned = user(code);
    if (!scanned) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    return signIn(scanned, app, { loginMethod: 'QRCODE', headers });
  });

  route('POST', 'qrcode-app-login', async (args, headers) => {
    const app = appFromHeader(store, headers);
    const id = requireString(args, 'qrcodeId');
    requireEnum(args, 'action', ['APP_LOGIN'] as const);
    const code = current(id);
    if (!code.appLogin)
      throw invalidArgument('Field qrcodeId names a web-login code: scan it with change-qrcode-status');
    if (code.status !== 'PENDING') throw invalidArgument(`Cannot sign in with this QR code: it is ${code.status}`);
    const owner = user(code);
    if (!owner) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    code.status = 'AUTHORIZED';
    return signIn(owner, app, { loginMethod: 'QRCODE', headers });
  });
}
