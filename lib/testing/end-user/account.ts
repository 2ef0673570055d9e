import { randomBytes } from 'node:crypto';
import { ApiError, API_CODES, invalidArgument } from '../http.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { validateProfile, type UserRecord } from '../store.js';
import { optionalObject, optionalString, requireString, type Args } from '../validate.js';
import type { EndUserContext } from './context.js';

const TOKEN_TTL_MS = 10 * 60 * 1000;

/**
 * Account security of the signed-in user: binding and unbinding email and phone (checked with a
 * sent code), changing them, resetting the password and deleting the account through the
 * short-lived tokens the `verify-*-request` calls hand out.
 */
export function registerAccountRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, consumeCode } = ctx;
  const tokens = new Map<string, { kind: string; userId: string; value?: string; expiresAt: number }>();
  const grant = (kind: string, userId: string, value?: string): string => {
    const token = randomBytes(24).toString('hex');
    tokens.set(token, { kind, userId, value, expiresAt: Date.now() + TOKEN_TTL_MS });
    return token;
  };
  const redeem = (args: Args, field: string, kind: string): { user: UserRecord; value?: string } => {
    const token = requireString(args, field);
    const entry = tokens.get(token);
    tokens.delete(token);
    if (!entry || entry.kind !== kind || entry.expiresAt < Date.now()) {
      throw invalidArgument(`Field ${field} is not a valid or unexpired token`);
    }
    const user = store.users.get(entry.userId);
    if (!user) throw new ApiError(404, API_CODES.USER_NOT_FOUND, 'User does not exist');
    return { user, value: entry.value };
  };
  /** `{ email|phone, passCode }` payloads of the verify calls, code checked. */
  const verified = (args: Args): { email?: string; phone?: string } => {
    const method = requireString(args, 'verifyMethod');
    if (method === 'EMAIL_PASSCODE') {
      const payload = optionalObject(args, 'emailPassCodePayload') ?? {};
      const email = requireString(payload, 'email');
      consumeCode(email, requireString(payload, 'passCode'));
      return { email };
    }
    if (method === 'PHONE_PASSCODE') {
      const payload = optionalObject(args, 'phonePassCodePayload') ?? {};
      const phone = requireString(payload, 'phoneNumber');
      consumeCode(phone, requireString(payload, 'passCode'));
      return { phone };
    }
    throw invalidArgument('Field verifyMethod must be EMAIL_PASSCODE or PHONE_PASSCODE');
  };

  route('POST', 'bind-email', async (args, headers) => {
    const user = await currentUser(headers);
    if (user.profile.email) throw invalidArgument('The account already has an email: use update-email');
    const email = requireString(args, 'email');
    consumeCode(email, requireString(args, 'passCode'));
    store.updateUser(user, { ...validateProfile({ email }), emailVerified: true });
    return null;
  });
  route('POST', 'unbind-email', async (args, headers) => {
    const user = await currentUser(headers);
    if (!user.profile.email) throw invalidArgument('The account has no email');
    consumeCode(user.profile.email, requireString(args, 'passCode'));
    store.updateUser(user, { profile: { email: null }, emailVerified: false });
    return null;
  });
  route('POST', 'bind-phone', async (args, headers) => {
    const user = await currentUser(headers);
    if (user.profile.phone) throw invalidArgument('The account already has a phone: use update-phone');
    const phone = requireString(args, 'phoneNumber');
    consumeCode(phone, requireString(args, 'passCode'));
    store.updateUser(user, {
      ...validateProfile({ phone, phoneCountryCode: optionalString(args, 'phoneCountryCode') }),
      phoneVerified: true,
    });
    return null;
  });
  route('POST', 'unbind-phone', async (args, headers) => {
    const user = await currentUser(headers);
    if (!user.profile.phone) throw invalidArgument('The account has no phone');
    consumeCode(user.profile.phone, requireString(args, 'passCode'));
    store.updateUser(user, { profile: { phone: null }, phoneVerified: false });
    return null;
  });

  // Changing the email or the phone: a verified request grants a token, which the update redeems.
  for (const [field, method] of [
    ['email', 'EMAIL_PASSCODE'],
    ['phone', 'PHONE_PASSCODE'],
  ] as const) {
    const Field = field === 'email' ? 'Email' : 'Phone';
    route('POST', `verify-update-${field}-request`, async (args, headers) => {
      const user = await currentUser(headers);
      const value = verified(args)[field];
      if (!value) throw invalidArgument(`Field verifyMethod must be ${method}`);
      return { [`update${Field}Token`]: grant(field, user.userId, value), tokenExpiresIn: TOKEN_TTL_MS / 1000 };
    });
    route('POST', `update-${field}`, (args) => {
      const { user, value } = redeem(args, `update${Field}Token`, field);
      store.updateUser(user, { ...validateProfile({ [field]: value }), [`${field}Verified`]: true });
      return null;
    });
  }

  route('POST', 'verify-reset-password-request', (args) => {
    const { email, phone } = verified(args);
    const user = email ? store.findUser(email, 'email') : store.findUser(phone!, 'phone');
    if (!user) throw new ApiError(404, API_CODES.USER_NOT_FOUND, 'User does not exist');
    return { passwordResetToken: grant('reset', user.userId), tokenExpiresIn: TOKEN_TTL_MS / 1000 };
  });
  route('POST', 'reset-password', async (args) => {
    const password = requireString(args, 'password');
    const { user } = redeem(args, 'passwordResetToken', 'reset');
    store.updateUser(user, { profile: {} }, await hashPassword(password));
    return null;
  });

  route('POST', 'verify-delete-account-request', async (args, headers) => {
    const user = await currentUser(headers);
    if (args.verifyMethod === 'PASSWORD') {
      const password = requireString(optionalObject(args, 'passwordPayload') ?? {}, 'password');
      if (!user.passwordHash || !(await verifyPassword(password, user.passwordHash))) {
        throw new ApiError(400, API_CODES.BAD_PASSWORD, 'Incorrect password');
      }
    } else verified(args);
    return { deleteAccountToken: grant('delete', user.userId), tokenExpiresIn: TOKEN_TTL_MS / 1000 };
  });
  route('POST', 'delete-account', (args) => {
    store.deleteUser(redeem(args, 'deleteAccountToken', 'delete').user);
    return null;
  });

  route('GET', 'get-security-info', async (_args, headers) => {
    const user = await currentUser(headers);
    const mfa = store.collections.of('mfaFactors').get(`${user.userId}\u0000OTP`);
    const checks = [!!user.passwordHash, !!user.profile.email, !!user.profile.phone, mfa?.status === 'ENABLE'];
    const score = Math.round((checks.filter(Boolean).length / checks.length) * 100);
    return {
      securityScore: score,
      email: user.profile.email ?? '',
      phone: user.profile.phone ?? '',
      emailVerified: user.emailVerified,
      phoneVerified: user.phoneVerified,
      passwordSecurityLevel: user.passwordHash ? 2 : 0,
      mfaEnrolled: mfa?.status === 'ENABLE',
      passwordSet: !!user.passwordHash,
    };
  });
  route('POST', 'validate-password', async (args) => {
    const password = requireString(args, 'password');
    const account = optionalString(args, 'email') ?? optionalString(args, 'phone') ?? optionalString(args, 'username');
    if (!account) throw invalidArgument('Missing required field: one of email, phone or username');
    const user = store.findByAccount(account);
    return { isValid: !!user?.passwordHash && (await verifyPassword(password, user.passwordHash)) };
  });
}
