import { invalidArgument, notFound } from '../http.js';
import { newId, now } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import { registerSettings } from '../api/crud.js';
import type { FamilyContext } from '../api/registry.js';
import { newTotpSecret } from '../api/totp.js';

/** The key of a user's factor of a type in the `mfaFactors` collection. */
export function factorKey(userId: string, factorType: string): string {
  return `${userId}\u0000${factorType}`;
}

/** A user's enrolled (or pending) OTP factor; its secret is what authenticator apps generate codes from. */
export function otpFactor(ctx: Pick<FamilyContext, 'store'>, userId: string): Row | undefined {
  return ctx.store.collections.of('mfaFactors').get(factorKey(userId, 'OTP'));
}

/** MFA administration: imported OTP secrets, per-user MFA status, global and per-application factors. */
export function registerMfa(ctx: FamilyContext): void {
  const { store, route, userOf } = ctx;
  const factors = store.collections.of('mfaFactors');

  route('POST', 'import-otp', (args) => {
    const items = validation.requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      return {
        user: store.requireUser(validation.requireString(item, 'userId')),
        secret: validation.requireString(item, 'secret'),
        item,
      };
    });
    for (const { user, secret, item } of items) {
      if (!/^[A-Z2-7]+=*$/i.test(secret)) throw invalidArgument('Field secret must be base32');
      factors.set(factorKey(user.userId, 'OTP'), {
        factorId: newId(),
        userId: user.userId,
        factorType: 'OTP',
        secret: secret.toUpperCase(),
        recoveryCode: validation.optionalString(item, 'recoveryCode') ?? newTotpSecret().slice(0, 16),
        status: 'ENABLE',
        createdAt: now(),
      });
    }
    store.changed();
    return { success: true };
  });

  route('GET', 'get-otp-secret-by-user', (args) => {
    const factor = otpFactor(ctx, userOf(args).userId);
    if (!factor || factor.status !== 'ENABLE') throw notFound('The user has no OTP factor');
    return { secret: factor.secret };
  });

  route('GET', 'get-user-mfa-info', (args) => {
    const factor = otpFactor(ctx, userOf(args).userId);
    return { totpStatus: factor?.status === 'ENABLE' ? 'ENABLE' : 'DISABLE', faceMfaStatus: 'DISABLE' };
  });

  const status = store.collections.of('mfaStatus');
  route('POST', 'set-mfa-status', (args) => {
    const user = userOf(args);
    status.set(user.userId, validation.optionalObject(args, 'mfaTriggerData') ?? {});
    store.changed();
    return { success: true };
  });
  route('GET', 'get-mfa-status', (args) => status.get(userOf(args).userId) ?? {});

  const global = registerSettings(ctx, 'globalMfa', {
    get: ['get-global-mfa-settings'],
    defaults: { enabledFactors: [] },
  });
  route('POST', 'update-global-mfa-settings', (args) =>
    global.write({ enabledFactors: [...new Set(validation.requireStringArray(args, 'enabledFactors'))] }),
  );
  route('POST', 'disable-global-mfa-settings', (args) => {
    const off = validation.requireStringArray(args, 'disableFactors');
    const current = (global.read().enabledFactors as string[]) ?? [];
    return global.write({ enabledFactors: current.filter((f) => !off.includes(f)) });
  });

  const appMfa = store.collections.of('applicationMfa');
  route('POST', 'update-application-mfa-settings', (args) => {
    const appId = validation.requireString(args, 'appId');
    if (!store.apps.has(appId)) throw notFound(`Application ${appId} does not exist`);
    const enabled = new Set((appMfa.get(appId)?.enabledFactors as string[] | undefined) ?? []);
    for (const f of args.enabledFactors === undefined ? [] : validation.requireStringArray(args, 'enabledFactors'))
      enabled.add(f);
    for (const f of args.disabledFactors === undefined ? [] : validation.requireStringArray(args, 'disabledFactors'))
      enabled.delete(f);
    const row = { appId, enabledFactors: [...enabled] };
    appMfa.set(appId, row);
    store.changed();
    return row;
  });
  route('GET', 'get-mfa-trigger-data', (args) => {
    const appId = validation.requireString(args, 'appId');
    const user = userOf(args);
    const factor = otpFactor(ctx, user.userId);
    const enabled = (appMfa.get(appId)?.enabledFactors as string[] | undefined) ?? [];
    return {
      userMfaEnabled: factor?.status === 'ENABLE',
      applicationMfa: enabled.map((mfaPolicy) => ({ mfaPolicy, status: 1, sort: 0 })),
      email: user.profile.email ?? '',
      phone: user.profile.phone ?? '',
      totpStatus: factor?.status === 'ENABLE' ? 'ENABLE' : 'DISABLE',
    };
  });
}
