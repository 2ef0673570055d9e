import { conflict, invalidArgument, ApiError, API_CODES } from './http.js';
import {
  DEFAULT_APP_NAME,
  DEFAULT_LOGOUT_REDIRECT_URIS,
  DEFAULT_REDIRECT_URIS,
  newId,
  newSecret,
  now,
  roleKey,
  type AppRecord,
  type PersistedState,
  type UserRecord,
} from './store/records.js';
import { userDto, type ValidatedProfile } from './store/dtos.js';
import type { PrivateSigningJwk } from './keys.js';
import { AccessControlStore } from './store/access-control.js';
import type { EmulatorClientAuthMethod } from './types.js';

export * from './store/records.js';

/** Most rows a log collection keeps (older ones are dropped first). */
export const MAX_LOG_ROWS = 1000;
export * from './store/dtos.js';

type UserIdType = 'user_id' | 'email' | 'phone' | 'username' | 'external_id';

/**
 * The emulator's user pool, in memory. Lookups by email and username ignore case. Every mutation calls
 * `onChange` so the owner can persist.
 */
export class Store extends AccessControlStore {
  readonly users = new Map<string, UserRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly accessKeys = new Map<string, string>();
  signingKeys: PrivateSigningJwk[] = [];
  /** When each user was last kicked out (epoch seconds): their earlier tokens no longer count. */
  readonly kickedAt = new Map<string, number>();
  /** Main application id (the first one created). */
  mainAppId = '';

  readonly #byEmail = new Map<string, string>();
  readonly #byPhone = new Map<string, string>();
  readonly #byUsername = new Map<string, string>();
  readonly #byExternalId = new Map<string, string>();

  /** Called for each event (`authing.user.created`…); the emulator sends them to event subscribers. */
  onEvent: (eventCode: string, payload: unknown) => void = () => undefined;

  emit(eventCode: string, payload: unknown): void {
    this.onEvent(eventCode, payload);
  }

  // ─── Users ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a user from Authing's create-user fields (already validated by {@link validateProfile});
   * throws when a unique value is taken or no identifier is given.
   */
  createUser(
    input: ValidatedProfile,
    options: { userId?: string; passwordHash?: string; source: 'adminCreated' | 'register' },
  ): UserRecord {
    const { profile } = input;
    if (!profile.email && !profile.phone && !profile.username && !profile.externalId) {
      throw invalidArgument('Missing required field: one of email, phone, username or externalId');
    }
    const userId = options.userId ?? newId();
    if (this.users.has(userId)) throw conflict(`User ${userId} already exists`);
    this.#assertUnique(profile, undefined);
    const at = now();
    const user: UserRecord = {
      userId,
      createdAt: at,
      updatedAt: at,
      status: input.status ?? 'Activated',
      gender: input.gender ?? 'U',
      emailVerified: input.emailVerified ?? false,
      phoneVerified: input.phoneVerified ?? false,
      profile: {},
      customData: input.customData ?? {},
      loginsCount: 0,
      userSourceType: options.source,
    };
    for (const [k, v] of Object.entries(profile)) if (v !== null && v !== '') user.profile[k] = v;
    if (options.passwordHash) {
      user.passwordHash = options.passwordHash;
      user.passwordLastSetAt = at;
    }
    this.users.set(userId, user);
    this.#index(user);
    this.changed();
    this.emit('authing.user.created', userDto(user));
    return user;
  }

  updateUser(user: UserRecord, input: ValidatedProfile, passwordHash?: string): UserRecord {
    this.#assertUnique(input.profile, user.userId);
    this.#unindex(user);
    for (const [k, v] of Object.entries(input.profile)) {
      if (v === null || v === '') delete user.profile[k];
      else user.profile[k] = v;
    }
    if (input.status) user.status = input.status;
    if (input.gender) user.gender = input.gender;
    if (input.emailVerified !== undefined) user.emailVerified = input.emailVerified;
    if (input.phoneVerified !== undefined) user.phoneVerified = input.phoneVerified;
    if (input.customData) user.customData = { ...user.customData, ...input.customData };
    user.updatedAt = now();
    if (passwordHash) {
      user.passwordHash = passwordHash;
      user.passwordLastSetAt = user.updatedAt;
    }
    this.#index(user);
    this.changed();
    this.emit('authing.user.updated', userDto(user));
    return user;
  }

  deleteUser(user: UserRecord): void {
    this.#unindex(user);
    this.users.delete(user.userId);
    for (const role of this.roles.values()) role.members.delete(user.userId);
    for (const group of this.groups.values()) group.members.delete(user.userId);
    for (const d of this.collections.of('departments').values()) {
      if (Array.isArray(d.members)) d.members = d.members.filter((id) => id !== user.userId);
    }
    this.policies = this.policies.filter((p) => !(p.targetType === 'USER' && p.targetIdentifier === user.userId));
    this.emit('authing.user.deleted', userDto(user));
    this.changed();
  }

  /** Counts a successful login and adds it to the login history (newest first, bounded). */
  recordLogin(user: UserRecord, details: { appId?: string; clientIp?: string; loginMethod?: string } = {}): void {
    user.loginsCount += 1;
    user.lastLogin = now();
    const history = this.collections.of('loginHistory');
    const id = newId();
    history.set(id, {
      id,
      userId: user.userId,
      appId: details.appId ?? '',
      clientIp: details.clientIp ?? '127.0.0.1',
      loginMethod: details.loginMethod ?? 'PASSWORD',
      success: true,
      loginAt: user.lastLogin,
    });
    if (history.size > MAX_LOG_ROWS) history.delete(history.keys().next().value!);
    this.emit('authing.user.login', { ...userDto(user), appId: details.appId ?? '' });
    this.changed();
  }

  /**
   * Ends every session of a user: tokens issued before now stop verifying (and so introspect as
   * inactive), and the applications with a back-channel logout URI are told (see {@link onKick}).
   */
  kickUser(userId: string): Promise<void> {
    this.kickedAt.set(userId, Date.now());
    this.changed();
    return Promise.resolve(this.onKick(userId));
  }

  /**
   * Called when a user is kicked; the emulator ends the user's hosted-login sessions there, sending
   * the OpenID Connect back-channel logout tokens (resolves once they are delivered or refused).
   */
  onKick: (userId: string) => Promise<void> | void = () => undefined;

  /** Whether a token with this `iat` (seconds) was issued before the user's last kick. */
  isKicked(userId: string, iat: number): boolean {
    const at = this.kickedAt.get(userId);
    return at !== undefined && iat * 1000 < at;
  }

  findUser(id: string, type: string = 'user_id'): UserRecord | undefined {
    let userId: string | undefined;
    switch (type as UserIdType) {
      case 'user_id':
        userId = id;
        break;
      case 'email':
        userId = this.#byEmail.get(id.toLowerCase());
        break;
      case 'phone':
        userId = this.#byPhone.get(id);
        break;
      case 'username':
        userId = this.#byUsername.get(id.toLowerCase());
        break;
      case 'external_id':
        userId = this.#byExternalId.get(id);
        break;
      default:
        throw invalidArgument(
          `Unsupported userIdType: ${type} (the emulator knows user_id, email, phone, username, external_id)`,
        );
    }
    return userId === undefined ? undefined : this.users.get(userId);
  }

  requireUser(id: string, type: string = 'user_id'): UserRecord {
    const user = this.findUser(id, type);
    if (!user) throw new ApiError(404, API_CODES.USER_NOT_FOUND, 'User does not exist');
    return user;
  }

  /** Finds a user by any login identifier: email, username, phone or user id. */
  findByAccount(account: string): UserRecord | undefined {
    const userId =
      this.#byEmail.get(account.toLowerCase()) ??
      this.#byUsername.get(account.toLowerCase()) ??
      this.#byPhone.get(account) ??
      account;
    return this.users.get(userId);
  }

  #assertUnique(profile: Record<string, string | null>, self: string | undefined): void {
    const check = (index: Map<string, string>, key: string | null | undefined, label: string): void => {
      if (!key) return;
      const owner = index.get(key);
      if (owner !== undefined && owner !== self) throw conflict(`The ${label} is already taken by another user`);
    };
    check(this.#byEmail, profile.email?.toLowerCase(), 'email');
    check(this.#byPhone, profile.phone, 'phone');
    check(this.#byUsername, profile.username?.toLowerCase(), 'username');
    check(this.#byExternalId, profile.externalId, 'externalId');
  }

  #index(user: UserRecord): void {
    const { email, phone, username, externalId } = user.profile;
    if (email) this.#byEmail.set(email.toLowerCase(), user.userId);
    if (phone) this.#byPhone.set(phone, user.userId);
    if (username) this.#byUsername.set(username.toLowerCase(), user.userId);
    if (externalId) this.#byExternalId.set(externalId, user.userId);
  }

  #unindex(user: UserRecord): void {
    const { email, phone, username, externalId } = user.profile;
    if (email) this.#byEmail.delete(email.toLowerCase());
    if (phone) this.#byPhone.delete(phone);
    if (username) this.#byUsername.delete(username.toLowerCase());
    if (externalId) this.#byExternalId.delete(externalId);
  }

  // ─── Applications and keys ──────────────────────────────────────────────────────────────────────

  addApp(input: {
    appId?: string;
    appSecret?: string;
    appName?: string;
    redirectUris?: string[];
    logoutRedirectUris?: string[];
    webOrigins?: string[];
    tokenEndpointAuthMethod?: EmulatorClientAuthMethod;
  }): AppRecord {
    const appId = input.appId ?? newId();
    if (this.apps.has(appId)) throw conflict(`Application ${appId} already exists`);
    const app: AppRecord = {
      appId,
      appSecret: input.appSecret ?? newSecret(),
      appName: input.appName ?? DEFAULT_APP_NAME,
      redirectUris: [...(input.redirectUris ?? DEFAULT_REDIRECT_URIS)],
      logoutRedirectUris: [...(input.logoutRedirectUris ?? DEFAULT_LOGOUT_REDIRECT_URIS)],
      tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? 'client_secret_post',
      ...(input.webOrigins ? { webOrigins: [...input.webOrigins] } : {}),
      createdAt: now(),
    };
    this.apps.set(appId, app);
    if (!this.mainAppId) this.mainAppId = appId;
    this.changed();
    return app;
  }

  // ─── Persistence ────────────────────────────────────────────────────────────────────────────────

  toJSON(): PersistedState {
    return {
      version: 1,
      users: [...this.users.values()],
      roles: [...this.roles.values()].map((r) => ({ ...r, members: [...r.members] })),
      groups: [...this.groups.values()].map((g) => ({ ...g, members: [...g.members] })),
      resources: [...this.resources.values()],
      policies: this.policies,
      apps: [...this.apps.values()],
      accessKeys: [...this.accessKeys].map(([accessKeyId, accessKeySecret]) => ({ accessKeyId, accessKeySecret })),
      signingKeys: this.signingKeys,
      collections: this.collections.toJSON(),
      kickedAt: Object.fromEntries(this.kickedAt),
    };
  }

  /** Replaces the state with a persisted document; throws on a document that is not one. */
  load(state: unknown): void {
    if (!isPersistedState(state)) throw new Error('The data file is not an Authing emulator state (version 1)');
    for (const user of state.users) {
      this.users.set(user.userId, user);
      this.#index(user);
    }
    for (const r of state.roles) {
      this.roles.set(roleKey(r.namespace, r.code, r.tenantId), { ...r, members: new Set(r.members) });
    }
    for (const g of state.groups) this.groups.set(g.code, { ...g, members: new Set(g.members) });
    for (const r of state.resources) this.resources.set(roleKey(r.namespace, r.code), r);
    this.policies = state.policies;
    for (const app of state.apps) this.apps.set(app.appId, app);
    this.mainAppId = state.apps[0]?.appId ?? '';
    for (const k of state.accessKeys) this.accessKeys.set(k.accessKeyId, k.accessKeySecret);
    this.signingKeys = state.signingKeys;
    this.collections.load(state.collections);
    for (const [userId, at] of Object.entries(state.kickedAt ?? {}))
      if (typeof at === 'number') this.kickedAt.set(userId, at);
  }
}

function isPersistedState(value: unknown): value is PersistedState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    ['users', 'roles', 'groups', 'resources', 'policies', 'apps', 'accessKeys', 'signingKeys'].every((k) =>
      Array.isArray(v[k]),
    )
  );
}
