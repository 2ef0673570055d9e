import type { IncomingHttpHeaders } from 'node:http';
import { randomInt } from 'node:crypto';
import { AUTHENTICATION_ENDPOINTS } from '../sdk/catalogue/authentication.catalogue.js';
import { ApiError, API_CODES, invalidArgument } from './http.js';
import { lockedError, type Lockout } from './lockout.js';
import { codeChecker, type EndUserContext } from './end-user/context.js';
import { recordDevice } from './end-user/devices.js';
import { END_USER_FAMILIES } from './end-user/families.js';
import { RouteTable } from './end-user/route-table.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { groupDto, roleDto, userDto, validateProfile, type AppRecord, type Store, type UserRecord } from './store.js';
import { readClientCredentials, secretsEqual, tokenFromAuthorization, type TokenService } from './tokens.js';
import {
  optionalBoolean,
  optionalObject,
  optionalString,
  requireObject,
  requireString,
  type Args,
} from './validate.js';

/** An end-user endpoint: arguments and the caller's headers in, `data` of the envelope out. */
export type AuthenticationHandler = (args: Args, headers: IncomingHttpHeaders) => unknown;

const PASSCODE_TTL_MS = 5 * 60 * 1000;
const DEFAULT_SCOPE = 'openid profile';
/** What an end user may change about themselves: the body fields of `updateProfile`. */
const PROFILE_UPDATE_FIELDS: readonly string[] = AUTHENTICATION_ENDPOINTS.updateProfile[3] ?? [];

/** Verification codes "sent" by send-sms / send-email, readable through the emulator's JS API. */
export class Passcodes {
  readonly #codes = new Map<string, { code: string; expiresAt: number }>();

  issue(target: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#codes.set(normalizeTarget(target), { code, expiresAt: Date.now() + PASSCODE_TTL_MS });
    return code;
  }

  last(target: string): string | undefined {
    const entry = this.#codes.get(normalizeTarget(target));
    return entry && entry.expiresAt > Date.now() ? entry.code : undefined;
  }

  /** Checks and consumes a code (single use). */
  consume(target: string, code: string): boolean {
    const key = normalizeTarget(target);
    const entry = this.#codes.get(key);
    if (!entry || entry.expiresAt <= Date.now() || !secretsEqual(entry.code, code)) return false;
    this.#codes.delete(key);
    return true;
  }
}

function normalizeTarget(target: string): string {
  return target.includes('@') ? target.trim().toLowerCase() : target.trim();
}

export interface AuthenticationDeps {
  store: Store;
  tokens: TokenService;
  passcodes: Passcodes;
  lockout: Lockout;
  createRefreshToken: (app: AppRecord, userId: string, scope: string) => Promise<string>;
}

/**
 * The end-user side of the v3 API: sign-in and sign-up, verification codes, and the calls an
 * application makes with the user's access token (`authorization: <token>` or `Bearer <token>`).
 */
export function authenticationRoutes(deps: AuthenticationDeps): Map<string, AuthenticationHandler> {
  const { store, tokens, passcodes, lockout } = deps;
  const routes = new RouteTable();
  const route = (method: 'GET' | 'POST', path: string, handler: AuthenticationHandler): void => {
    routes.set(`${method} /api/v3/${path}`, handler);
  };

  /** The application of a sign-in: Basic header, body client_id/secret, or x-authing-app-id for public apps. */
  const authenticateApp = (args: Args, headers: IncomingHttpHeaders): AppRecord => {
    const headerAppId = typeof headers['x-authing-app-id'] === 'string' ? headers['x-authing-app-id'] : undefined;
    const credentials = readClientCredentials(headers, args, headerAppId);
    if (!credentials.clientId) {
      throw new ApiError(400, API_CODES.APP_NOT_FOUND, 'Missing application: send x-authing-app-id or client_id');
    }
    const app = store.apps.get(credentials.clientId);
    if (!app) throw new ApiError(400, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    if (credentials.clientSecret !== undefined) {
      if (!secretsEqual(credentials.clientSecret, app.appSecret)) {
        throw new ApiError(401, API_CODES.APP_NOT_FOUND, 'Client authentication failed: wrong application secret');
      }
    } else if (app.tokenEndpointAuthMethod !== 'none') {
      throw new ApiError(
        401,
        API_CODES.APP_NOT_FOUND,
        'Client authentication failed: the application secret is required',
      );
    }
    return app;
  };

  const currentUser = async (headers: IncomingHttpHeaders): Promise<UserRecord> => {
    const token = tokenFromAuthorization(headers);
    if (!token) throw new ApiError(401, API_CODES.NOT_LOGGED_IN, 'Not logged in: the authorization header is missing');
    let sub: string;
    try {
      sub = (await tokens.verifyAccessToken(token)).sub;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError(401, API_CODES.NOT_LOGGED_IN, `Not logged in: invalid access token (${reason})`);
    }
    const user = store.users.get(sub);
    if (!user) throw new ApiError(401, API_CODES.NOT_LOGGED_IN, 'Not logged in: the user no longer exists');
    return user;
  };

  const signIn: EndUserContext['signIn'] = async (user, app, { scope = DEFAULT_SCOPE, loginMethod, headers }) => {
    if (user.status !== 'Activated') throw new ApiError(403, API_CODES.USER_LOCKED, 'User is suspended');
    store.recordLogin(user, { appId: app.appId, loginMethod });
    const set = await tokens.issue(user, app, scope, {
      refreshToken: (s) => deps.createRefreshToken(app, user.userId, s),
    });
    recordDevice(store, user, headers, set);
    return set;
  };

  /**
   * The email or phone of a PASSCODE payload, once its one-time code is checked and used up. Wrong
   * codes count towards the lockout of the account (or of the email/phone, for an unknown user).
   */
  const consumePasscode = (args: Record<string, unknown>) => {
    const payload = requireObject(args, 'passCodePayload');
    const passCode = requireString(payload, 'passCode');
    const email = optionalString(payload, 'email');
    const phone = optionalString(payload, 'phone');
    const target = email ?? phone;
    if (!target) throw invalidArgument('Missing required field: passCodePayload.email or passCodePayload.phone');
    const known = store.findUser(target, email ? 'email' : 'phone');
    const key = known ? known.userId : `passcode:${target.trim().toLowerCase()}`;
    lockout.assertOpen(key);
    if (!passcodes.consume(target, passCode)) {
      if (lockout.fail(key)) throw lockedError(lockout.remainingSeconds(key));
      throw new ApiError(400, API_CODES.BAD_PASSCODE, 'Incorrect or expired verification code');
    }
    lockout.succeed(key);
    return { email, phone, target };
  };

  route('POST', 'signin', async (args, headers) => {
    const connection = requireString(args, 'connection');
    const app = authenticateApp(args, headers);
    const options = optionalObject(args, 'options') ?? {};
    const scope = optionalString(options, 'scope') ?? DEFAULT_SCOPE;
    let user: UserRecord | undefined;
    if (connection === 'PASSWORD') {
      const payload = requireObject(args, 'passwordPayload');
      const password = requireString(payload, 'password');
      const fields = ['email', 'username', 'phone', 'account'] as const;
      const given = fields.find((f) => typeof payload[f] === 'string' && payload[f] !== '');
      if (!given) throw invalidArgument('Missing required field: passwordPayload.email, username, phone or account');
      const identifier = payload[given] as string;
      user =
        given === 'account'
          ? store.findByAccount(identifier)
          : store.findUser(identifier, given === 'email' ? 'email' : given === 'phone' ? 'phone' : 'username');
      if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
      lockout.assertOpen(user.userId);
      if (!(await verifyPassword(password, user.passwordHash))) {
        if (lockout.fail(user.userId)) throw lockedError(lockout.remainingSeconds(user.userId));
        throw new ApiError(400, API_CODES.BAD_PASSWORD, 'Incorrect account or password');
      }
      lockout.succeed(user.userId);
    } else if (connection === 'PASSCODE') {
      const { email, phone, target } = consumePasscode(args);
      user = store.findUser(target, email ? 'email' : 'phone');
      if (!user && optionalBoolean(options, 'autoRegister')) {
        user = store.createUser(
          validateProfile(email ? { email, emailVerified: true } : { phone, phoneVerified: true }),
          {
            source: 'register',
          },
        );
      }
      if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    } else {
      throw invalidArgument(`connection ${connection} is not supported by the emulator (PASSWORD, PASSCODE)`);
    }
    return signIn(user, app, { scope, loginMethod: connection, headers });
  });

  route('POST', 'signup', async (args) => {
    const connection = requireString(args, 'connection');
    const profile = validateProfile(optionalObject(args, 'profile') ?? {});
    let passwordHash: string | undefined;
    if (connection === 'PASSWORD') {
      const payload = requireObject(args, 'passwordPayload');
      const password = requireString(payload, 'password');
      const email = optionalString(payload, 'email');
      const username = optionalString(payload, 'username');
      if (!email && !username) throw invalidArgument('Missing required field: passwordPayload.email or username');
      const ids = validateProfile({ email, username });
      Object.assign(profile.profile, ids.profile);
      passwordHash = await hashPassword(password);
    } else if (connection === 'PASSCODE') {
      const { email, phone } = consumePasscode(args);
      Object.assign(profile.profile, validateProfile({ email, phone }).profile);
      if (email) profile.emailVerified = true;
      else profile.phoneVerified = true;
    } else {
      throw invalidArgument(`connection ${connection} is not supported (PASSWORD, PASSCODE)`);
    }
    return userDto(store.createUser(profile, { passwordHash, source: 'register' }), { withCustomData: true });
  });

  route('POST', 'send-sms', (args) => {
    requireString(args, 'channel');
    passcodes.issue(requireString(args, 'phoneNumber'));
    return null;
  });

  route('POST', 'send-email', (args) => {
    requireString(args, 'channel');
    const email = requireString(args, 'email');
    if (!email.includes('@')) throw invalidArgument('Field email is not a valid email address');
    passcodes.issue(email);
    return null;
  });

  route('GET', 'get-profile', async (args, headers) =>
    userDto(await currentUser(headers), { withCustomData: optionalBoolean(args, 'withCustomData') }),
  );

  route('POST', 'update-profile', async (args, headers) => {
    const user = await currentUser(headers);
    const allowed: Args = {};
    for (const field of PROFILE_UPDATE_FIELDS) if (field in args) allowed[field] = args[field];
    return userDto(store.updateUser(user, validateProfile(allowed)), { withCustomData: true });
  });

  route('POST', 'update-password', async (args, headers) => {
    const user = await currentUser(headers);
    const newPassword = requireString(args, 'newPassword');
    const oldPassword = optionalString(args, 'oldPassword');
    if (user.passwordHash && !(await verifyPassword(oldPassword ?? '', user.passwordHash))) {
      throw new ApiError(400, API_CODES.BAD_PASSWORD, 'Incorrect old password');
    }
    store.updateUser(user, { profile: {} }, await hashPassword(newPassword));
    return null;
  });

  route('GET', 'get-my-role-list', async (args, headers) => {
    const user = await currentUser(headers);
    return store.rolesOfUser(user.userId, optionalString(args, 'namespace')).map(roleDto);
  });

  route('GET', 'get-my-group-list', async (_args, headers) => {
    const user = await currentUser(headers);
    return store.groupsOfUser(user.userId).map((g) => groupDto(g));
  });

  route('GET', 'get-my-authorized-resources', async (args, headers) => {
    const user = await currentUser(headers);
    const resourceType = optionalString(args, 'resourceType');
    const merged = new Map<string, { resourceCode: string; resourceType: string; actions: Set<string> }>();
    for (const p of store.effectivePolicies(user.userId, optionalString(args, 'namespace'))) {
      if (resourceType && p.resourceType !== resourceType) continue;
      const item = merged.get(p.resourceCode) ?? {
        resourceCode: p.resourceCode,
        resourceType: p.resourceType,
        actions: new Set(),
      };
      for (const a of p.actions) item.actions.add(a);
      merged.set(p.resourceCode, item);
    }
    const list = [...merged.values()].map((i) => ({ ...i, actions: [...i.actions] }));
    return { list, totalCount: list.length };
  });

  const context: EndUserContext = {
    store,
    passcodes,
    tokens,
    authenticateApp,
    signIn,
    route: (method, path, handler) => {
      // Most paths are v3 names; a few flows live under other prefixes and are given whole.
      const key = path.startsWith('/') ? `${method} ${path}` : `${method} /api/v3/${path}`;
      if (routes.has(key)) throw new Error(`emulator: ${key} registered twice`);
      routes.set(key, handler);
    },
    currentUser,
    consumeCode: codeChecker(passcodes),
  };
  for (const register of END_USER_FAMILIES) register(context);
  return routes;
}
