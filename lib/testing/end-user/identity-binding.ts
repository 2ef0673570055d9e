import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, API_CODES, invalidArgument, notFound } from '../http.js';
import { verifyPassword } from '../passwords.js';
import { newId, now, validateProfile, type AppRecord, type UserRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import { optionalObject, optionalString, requireString, type Args } from '../validate.js';
import type { EndUserContext } from './context.js';
import { appFromHeader, FlowTable, newFlowId } from './flows.js';

const BINDING_TTL_MS = 10 * 60 * 1000;
const BASE = '/api/v2/ecConn/wechatMobile';

interface PendingBinding {
  connId: string;
  extIdpId: string;
  type: string;
  userIdInIdp: string;
  appId: string;
  scope?: string;
  /** Users the external account may be bound to without further proof (same verified email). */
  candidates: string[];
  expiresAt: number;
}

/**
 * Mobile sign-in through an identity-provider connection, with binding on first use. The
 * emulator's local provider takes the one-time `code` as the account's id at the provider (and, when
 * it is an email address, as that account's verified email). An account already linked signs in;
 * otherwise the answer is a binding `key`, redeemed by proving an existing account (email or phone
 * code, password, or picking a same-email account) or by registering a new user. The link shows up
 * in `getIdentities` and the management API's `getUserIdentities`.
 */
export function registerIdentityBindingRoutes(ctx: EndUserContext): void {
  const { store, route, signIn, consumeCode } = ctx;
  const identities = store.collections.of('identities');
  const pending = new FlowTable<PendingBinding>('Binding key');

  const link = (user: UserRecord, binding: PendingBinding): void => {
    const identityId = newId();
    identities.set(identityId, {
      identityId,
      userId: user.userId,
      extIdpId: binding.extIdpId,
      userIdInIdp: binding.userIdInIdp,
      type: binding.type,
      isSocial: true,
      provider: binding.type,
      originConnIds: [binding.connId],
      createdAt: now(),
    });
    store.changed();
  };
  const finish = async (binding: PendingBinding, user: UserRecord, headers: IncomingHttpHeaders) => {
    const app = store.apps.get(binding.appId);
    if (!app) throw new ApiError(400, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    link(user, binding);
    return signIn(user, app, { scope: binding.scope, loginMethod: binding.type, headers });
  };
  /** The pending binding of `key` (used up), after `prove` accepted an account. */
  const redeem = async (
    args: Args,
    headers: IncomingHttpHeaders,
    prove: (binding: PendingBinding) => Promise<UserRecord> | UserRecord,
  ) => {
    const key = requireString(args, 'key');
    requireString(args, 'action');
    const binding = pending.require(key);
    if (binding.expiresAt < Date.now()) {
      pending.delete(key);
      throw invalidArgument('Field key has expired: sign in with a new code');
    }
    const user = await prove(binding);
    pending.delete(key);
    return finish(binding, user, headers);
  };
  /** A new user for an external account: its email when the code is one, else its id at the provider. */
  const registerFor = (binding: { extIdpId: string; userIdInIdp: string }): UserRecord =>
    store.createUser(
      validateProfile(
        binding.userIdInIdp.includes('@')
          ? { email: binding.userIdInIdp, emailVerified: true }
          : { externalId: `${binding.extIdpId}:${binding.userIdInIdp}` },
      ),
      { source: 'register' },
    );
  const userBy = (value: string, type: 'email' | 'phone'): UserRecord => {
    const user = store.findUser(value, type);
    if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    return user;
  };

  route('POST', `${BASE}/authByCodeIdentity`, async (args, headers) => {
    const code = requireString(args, 'code');
    const connId = requireString(args, 'connId');
    const conn = store.collections.of('extIdpConnections').get(connId);
    if (!conn || conn.enabled === false) throw notFound(`Identity provider connection ${connId} does not exist`);
    const appId = optionalString(args, 'appId');
    const app: AppRecord | undefined = appId ? store.apps.get(appId) : appFromHeader(store, headers);
    if (!app) throw new ApiError(400, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    const scope = optionalString(optionalObject(args, 'options') ?? {}, 'scope');
    const binding: PendingBinding = {
      connId,
      extIdpId: String(conn.extIdpId),
      type: String(conn.type),
      userIdInIdp: code,
      appId: app.appId,
      scope,
      candidates: [],
      expiresAt: Date.now() + BINDING_TTL_MS,
    };
    const linked = [...identities.values()].find((i) => i.extIdpId === binding.extIdpId && i.userIdInIdp === code) as
      Row | undefined;
    const linkedUser = linked ? store.users.get(String(linked.userId)) : undefined;
    if (linkedUser) return signIn(linkedUser, app, { scope, loginMethod: binding.type, headers });
    const sameEmail = code.includes('@') ? store.findUser(code, 'email') : undefined;
    if (sameEmail) binding.candidates.push(sameEmail.userId);
    const key = newFlowId();
    pending.add(key, binding);
    return {
      key,
      methods: ['email-code', 'phone-code', 'password', 'register', ...(sameEmail ? ['select'] : [])],
      accounts: sameEmail ? [sameEmail.profile.email ?? sameEmail.userId] : [],
    };
  });

  route('POST', 'signin-by-mobile', async (args, headers) => {
    requireString(args, 'connection');
    const identifier = requireString(args, 'extIdpConnidentifier');
    const conn = [...store.collections.of('extIdpConnections').values()].find((c) => c.identifier === identifier);
    if (!conn || conn.enabled === false) throw notFound(`Identity provider connection ${identifier} does not exist`);
    const app = ctx.authenticateApp(args, headers);
    // Each provider has its own payload field (wechatPayload, applePayload…) with a code or a token.
    const payload = Object.entries(args).find(([k, v]) => k.endsWith('Payload') && typeof v === 'object' && v);
    const fields = (payload?.[1] ?? {}) as Args;
    const code = optionalString(fields, 'code') ?? optionalString(fields, 'access_token');
    if (!code) throw invalidArgument(`Missing required field: the code of ${payload?.[0] ?? '<provider>Payload'}`);
    const extIdpId = String(conn.extIdpId);
    const linked = [...identities.values()].find((i) => i.extIdpId === extIdpId && i.userIdInIdp === code);
    let user = linked ? store.users.get(String(linked.userId)) : undefined;
    if (!user) {
      // First sign-in through the provider registers the user, as Authing does for mobile social login.
      user = registerFor({ extIdpId: String(conn.extIdpId), userIdInIdp: code });
      const binding = { connId: String(conn.id), extIdpId, type: String(conn.type), userIdInIdp: code };
      link(user, { ...binding, appId: app.appId, candidates: [], expiresAt: 0 });
    }
    const scope = optionalString(optionalObject(args, 'options') ?? {}, 'scope');
    return signIn(user, app, { scope, loginMethod: String(conn.type), headers });
  });

  route('POST', `${BASE}/register`, (args, headers) => redeem(args, headers, (binding) => registerFor(binding)));
  route('POST', `${BASE}/byEmailCode`, (args, headers) =>
    redeem(args, headers, () => {
      const email = requireString(args, 'email');
      consumeCode(email, requireString(args, 'code'));
      return userBy(email, 'email');
    }),
  );
  route('POST', `${BASE}/byPhoneCode`, (args, headers) =>
    redeem(args, headers, () => {
      const phone = requireString(args, 'phone');
      consumeCode(phone, requireString(args, 'code'));
      return userBy(phone, 'phone');
    }),
  );
  route('POST', `${BASE}/byAccount`, (args, headers) =>
    redeem(args, headers, async () => {
      const password = requireString(args, 'password');
      const user = store.findByAccount(requireString(args, 'account'));
      if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
      if (!user.passwordHash || !(await verifyPassword(password, user.passwordHash))) {
        throw new ApiError(400, API_CODES.BAD_PASSWORD, 'Incorrect account or password');
      }
      return user;
    }),
  );
  const candidate = (binding: PendingBinding, user: UserRecord | undefined): UserRecord => {
    if (!user || !binding.candidates.includes(user.userId)) {
      throw invalidArgument('The account is not one this external account may be bound to');
    }
    return user;
  };
  route('POST', `${BASE}/select`, (args, headers) =>
    redeem(args, headers, (binding) => candidate(binding, store.findByAccount(requireString(args, 'account')))),
  );
  route('POST', `${BASE}/byAccountId`, (args, headers) =>
    redeem(args, headers, (binding) => candidate(binding, store.users.get(requireString(args, 'accountId')))),
  );
}
