import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { notFound } from '../http.js';
import type { Store, UserRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import type { TokenService } from '../tokens.js';
import type { EmulatorTokenSet } from '../types.js';
import { pagination, requireString } from '../validate.js';
import type { EndUserContext } from './context.js';

/** Sessions remembered per device: enough for a user's recent sign-ins, bounded all the same. */
const MAX_SESSIONS_PER_DEVICE = 50;

interface DeviceSession {
  jti: string;
  exp: number;
  iat: number;
}

const deviceKey = (userId: string, deviceId: string): string => `${userId}\u0000${deviceId}`;

/** The device of a request: one per user agent, typed from it as Authing's terminal list does. */
function deviceOf(headers: IncomingHttpHeaders): Row {
  const userAgent = typeof headers['user-agent'] === 'string' ? headers['user-agent'] : 'unknown';
  const mobile = /mobile|android|iphone|ipad/i.test(userAgent);
  const desktop = !mobile && /electron/i.test(userAgent);
  const os = /windows/i.test(userAgent)
    ? 'Windows'
    : /mac os|macintosh/i.test(userAgent)
      ? 'macOS'
      : /android/i.test(userAgent)
        ? 'Android'
        : /iphone|ipad|ios/i.test(userAgent)
          ? 'iOS'
          : /linux/i.test(userAgent)
            ? 'Linux'
            : 'Unknown';
  return {
    deviceId: createHash('sha256').update(userAgent).digest('hex').slice(0, 24),
    name: userAgent.split(/[\s/]/)[0] || 'unknown',
    type: mobile ? 'Mobile' : desktop ? 'Desktop' : 'Browser',
    os,
    userAgent,
    status: 'activated',
  };
}

/** The `jti`, `iat` and `exp` of one of our access tokens (already trusted: we just signed it). */
function sessionOf(tokens: EmulatorTokenSet): DeviceSession {
  const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()) as Row;
  return { jti: String(payload.jti), exp: Number(payload.exp), iat: Number(payload.iat) };
}

/** Remembers the device and the session of a sign-in, so the user can list and end it later. */
export function recordDevice(
  store: Store,
  user: UserRecord,
  headers: IncomingHttpHeaders,
  tokens: EmulatorTokenSet,
): void {
  const devices = store.collections.of('devices');
  const device = deviceOf(headers);
  const key = deviceKey(user.userId, String(device.deviceId));
  const previous = devices.get(key);
  const sessions = [...((previous?.sessions as DeviceSession[] | undefined) ?? []), sessionOf(tokens)];
  const ip = headers['x-forwarded-for'];
  devices.set(key, {
    ...device,
    userId: user.userId,
    sessions: sessions.slice(-MAX_SESSIONS_PER_DEVICE),
    lastLoginTime: new Date().toISOString(),
    lastIp: typeof ip === 'string' ? ip.split(',')[0]!.trim() : '127.0.0.1',
  });
  store.changed();
}

function isLive(store: Store, tokens: TokenService, userId: string, session: DeviceSession): boolean {
  return session.exp * 1000 > Date.now() && !tokens.isRevoked(session.jti) && !store.isKicked(userId, session.iat);
}

/**
 * The signed-in user's devices (`mydevices/*`): every sign-in through the API records its device
 * and session; revoking a device's session makes its access tokens stop working, unbinding also
 * forgets the device.
 */
export function registerDeviceRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, tokens } = ctx;
  const devices = store.collections.of('devices');
  const mine = (userId: string): Row[] => [...devices.values()].filter((d) => d.userId === userId);
  const revokeAll = (device: Row): void => {
    for (const s of (device.sessions as DeviceSession[] | undefined) ?? []) tokens.revoke(s.jti, s.exp);
  };
  const find = (user: UserRecord, deviceId: string): Row => {
    const device = devices.get(deviceKey(user.userId, deviceId));
    if (!device) throw notFound(`Device ${deviceId} does not exist`);
    return device;
  };

  route('GET', 'mydevices/list', async (args, headers) => {
    const user = await currentUser(headers);
    const { page, limit } = pagination(args);
    return mine(user.userId)
      .sort((a, b) => String(b.lastLoginTime).localeCompare(String(a.lastLoginTime)))
      .slice((page - 1) * limit, page * limit)
      .map((d) => ({
        device: {
          deviceId: d.deviceId,
          name: d.name,
          type: d.type,
          os: d.os,
          status: d.status,
          userAgent: d.userAgent,
        },
        lastLoginTime: d.lastLoginTime,
        lastIp: d.lastIp,
        online: ((d.sessions as DeviceSession[] | undefined) ?? []).some((s) => isLive(store, tokens, user.userId, s)),
      }));
  });
  route('POST', 'mydevices/revoke-session', async (args, headers) => {
    const device = find(await currentUser(headers), requireString(args, 'deviceId'));
    revokeAll(device);
    return { success: true };
  });
  route('POST', 'mydevices/unbind', async (args, headers) => {
    const user = await currentUser(headers);
    const device = find(user, requireString(args, 'deviceId'));
    revokeAll(device);
    devices.delete(deviceKey(user.userId, String(device.deviceId)));
    store.changed();
    return { success: true };
  });
}
