import { randomBytes } from 'node:crypto';
import { ApiError, API_CODES, invalidArgument, notFound } from '../http.js';
import { newId, now } from '../store.js';
import { optionalObject, requireString } from '../validate.js';
import { factorKey } from '../families/mfa.js';
import { newTotpSecret, verifyTotp } from '../api/totp.js';
import type { EndUserContext } from './context.js';

const ENROLL_TTL_MS = 10 * 60 * 1000;

/**
 * MFA factors of the signed-in user. OTP enrolment hands out a fresh secret and completes only with
 * a code computed from it (RFC 6238); `mfa-totp-verify` checks codes of the enrolled factor.
 */
export function registerMfaRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser } = ctx;
  const factors = store.collections.of('mfaFactors');
  const pending = new Map<string, { userId: string; secret: string; expiresAt: number }>();
  const dto = (f: Record<string, unknown>) => ({
    id: f.factorId,
    factorType: f.factorType,
    profile: {},
    createdAt: f.createdAt,
  });
  const mine = (userId: string) => [...factors.values()].filter((f) => f.userId === userId && f.status === 'ENABLE');

  route('POST', 'send-enroll-factor-request', async (args, headers) => {
    const user = await currentUser(headers);
    const factorType = requireString(args, 'factorType');
    if (factorType !== 'OTP') throw invalidArgument('Field factorType: the emulator enrols OTP factors only');
    const secret = newTotpSecret();
    const enrollmentToken = randomBytes(24).toString('hex');
    pending.set(enrollmentToken, { userId: user.userId, secret, expiresAt: Date.now() + ENROLL_TTL_MS });
    const label = encodeURIComponent(user.profile.email ?? user.profile.username ?? user.userId);
    return {
      enrollmentToken,
      otpData: {
        secret,
        qrCodeUri: `otpauth://totp/Authing:${label}?secret=${secret}&issuer=Authing`,
        qrCodeDataUrl: '',
      },
    };
  });
  route('POST', 'enroll-factor', async (args, headers) => {
    const user = await currentUser(headers);
    if (requireString(args, 'factorType') !== 'OTP')
      throw invalidArgument('Field factorType: the emulator enrols OTP factors only');
    const token = requireString(args, 'enrollmentToken');
    const entry = pending.get(token);
    if (!entry || entry.userId !== user.userId || entry.expiresAt < Date.now()) {
      throw invalidArgument('Field enrollmentToken is not a valid or unexpired enrolment');
    }
    const passCode = requireString(optionalObject(args, 'enrollmentData') ?? {}, 'passCode');
    if (!verifyTotp(entry.secret, passCode)) throw new ApiError(400, API_CODES.BAD_PASSCODE, 'Incorrect OTP code');
    pending.delete(token);
    const factor = {
      factorId: newId(),
      userId: user.userId,
      factorType: 'OTP',
      secret: entry.secret,
      status: 'ENABLE',
      createdAt: now(),
    };
    factors.set(factorKey(user.userId, 'OTP'), factor);
    store.changed();
    return dto(factor);
  });
  route('GET', 'list-enrolled-factors', async (_args, headers) => mine((await currentUser(headers)).userId).map(dto));
  route('GET', 'get-factor', async (args, headers) => {
    const id = requireString(args, 'factorId');
    const factor = mine((await currentUser(headers)).userId).find((f) => f.factorId === id);
    if (!factor) throw notFound(`Factor ${id} does not exist`);
    return dto(factor);
  });
  route('POST', 'reset-factor', async (args, headers) => {
    const user = await currentUser(headers);
    const id = requireString(args, 'factorId');
    const factor = mine(user.userId).find((f) => f.factorId === id);
    if (!factor) throw notFound(`Factor ${id} does not exist`);
    factors.delete(factorKey(user.userId, String(factor.factorType)));
    store.changed();
    return null;
  });
  route('GET', 'list-factors-to-enroll', async (_args, headers) => {
    const enrolled = mine((await currentUser(headers)).userId).map((f) => f.factorType);
    return enrolled.includes('OTP') ? [] : [{ factorType: 'OTP' }];
  });
  route('POST', 'mfa-totp-verify', async (args, headers) => {
    const user = await currentUser(headers);
    const factor = factors.get(factorKey(user.userId, 'OTP'));
    if (!factor || factor.status !== 'ENABLE') throw notFound('The user has no OTP factor');
    return { valid: verifyTotp(String(factor.secret), requireString(args, 'totp')) };
  });
}
