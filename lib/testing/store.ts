import { conflict, invalidArgument, notFound, ApiError, API_CODES } from './http.js';
import {
  DEFAULT_APP_NAME,
  DEFAULT_LOGOUT_REDIRECT_URIS,
  DEFAULT_NAMESPACE,
  DEFAULT_REDIRECT_URIS,
  newId,
  newSecret,
  now,
  roleKey,
  type AppRecord,
  type GroupRecord,
  type PersistedState,
  type PolicyRecord,
  type PolicyTargetType,
  type ResourceRecord,
  type RoleRecord,
  type UserRecord,
} from './store/records.js';
import { userDto, type ValidatedProfile } from './store/dtos.js';
import type { PrivateSigningJwk } from './keys.js';
import { Collections } from './store/collections.js';
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
export class Store {
  readonly users = new Map<string, UserRecord>();
  readonly roles = new Map<string, RoleRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  policies: PolicyRecord[] = [];
  readonly apps = new Map<string, AppRecord>();
  readonly accessKeys = new Map<string, string>();
  signingKeys: PrivateSigningJwk[] = [];
  /** Rows of the families without a dedicated store (see `families/`). */
  readonly collections = new Collections();
  /** When each user was last kicked out (epoch seconds): their earlier tokens no longer count. */
  readonly kickedAt = new Map<string, number>();
  /** Main application id (the first one created). */
  mainAppId = '';

  readonly #byEmail = new Map<string, string>();
  readonly #byPhone = new Map<string, string>();
  readonly #byUsername = new Map<string, string>();
  readonly #byExternalId = new Map<string, string>();

  /** Called after every mutation (the emulator persists from here). */
  onChange: () => void = () => undefined;

  changed(): void {
    this.onChange();
  }

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

  // ─── Roles ──────────────────────────────────────────────────────────────────────────────────────

  createRole(input: {
    code: string;
    name?: string;
    description?: string;
    namespace?: string;
    disableTime?: number;
    tenantId?: string;
  }): RoleRecord {
    const namespace = input.namespace || DEFAULT_NAMESPACE;
    const key = roleKey(namespace, input.code, input.tenantId);
    if (this.roles.has(key)) throw conflict(`Role ${input.code} already exists in namespace ${namespace}`);
    const role: RoleRecord = {
      id: newId(),
      code: input.code,
      name: input.name ?? input.code,
      description: input.description ?? '',
      namespace,
      status: 'ENABLE',
      disableTime: input.disableTime,
      createdAt: now(),
      members: new Set(),
      ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    };
    this.roles.set(key, role);
    this.changed();
    return role;
  }

  /** The role `code` of `namespace`, in the user pool or (with `tenantId`) in that tenant only. */
  findRole(code: string, namespace?: string, tenantId?: string): RoleRecord | undefined {
    return this.roles.get(roleKey(namespace || DEFAULT_NAMESPACE, code, tenantId));
  }

  requireRole(code: string, namespace?: string, tenantId?: string): RoleRecord {
    const role = this.findRole(code, namespace, tenantId);
    if (!role) throw notFound(`Role ${code} does not exist in namespace ${namespace || DEFAULT_NAMESPACE}`);
    return role;
  }

  deleteRole(role: RoleRecord): void {
    this.roles.delete(roleKey(role.namespace, role.code, role.tenantId));
    this.policies = this.policies.filter(
      (p) =>
        !(
          p.targetType === 'ROLE' &&
          p.targetIdentifier === role.code &&
          p.namespace === role.namespace &&
          p.tenantId === role.tenantId
        ),
    );
    this.changed();
  }

  renameRole(role: RoleRecord, newCode: string): void {
    if (newCode === role.code) return;
    const key = roleKey(role.namespace, newCode, role.tenantId);
    if (this.roles.has(key)) throw conflict(`Role ${newCode} already exists in namespace ${role.namespace}`);
    this.roles.delete(roleKey(role.namespace, role.code, role.tenantId));
    for (const p of this.policies) {
      if (
        p.targetType === 'ROLE' &&
        p.targetIdentifier === role.code &&
        p.namespace === role.namespace &&
        p.tenantId === role.tenantId
      ) {
        p.targetIdentifier = newCode;
      }
    }
    role.code = newCode;
    this.roles.set(key, role);
  }

  /**
   * A user's roles: assigned directly, or to a department the user is a member of; those of the user
   * pool, or (with `tenantId`) those of that tenant only.
   */
  rolesOfUser(userId: string, namespace?: string, tenantId?: string): RoleRecord[] {
    const departments = this.departmentsOfUser(userId);
    return [...this.roles.values()].filter(
      (r) =>
        r.tenantId === tenantId &&
        (namespace === undefined || r.namespace === namespace) &&
        (r.members.has(userId) || departments.some((d) => this.roleDepartments(r).includes(d))),
    );
  }

  /** Ids of the departments a user belongs to (see `families/organizations.ts`). */
  departmentsOfUser(userId: string): string[] {
    const out: string[] = [];
    for (const [id, row] of this.collections.of('departments')) {
      if (Array.isArray(row.members) && row.members.includes(userId)) out.push(id);
    }
    return out;
  }

  /** Ids of the departments a role is assigned to. */
  roleDepartments(role: RoleRecord): string[] {
    const row = this.collections.of('roleDepartments').get(roleKey(role.namespace, role.code, role.tenantId));
    return Array.isArray(row?.departmentIds) ? (row.departmentIds as string[]) : [];
  }

  setRoleDepartments(role: RoleRecord, departmentIds: string[]): void {
    const rows = this.collections.of('roleDepartments');
    const key = roleKey(role.namespace, role.code, role.tenantId);
    if (departmentIds.length === 0) rows.delete(key);
    else rows.set(key, { departmentIds: [...new Set(departmentIds)] });
    this.changed();
  }

  // ─── Groups ─────────────────────────────────────────────────────────────────────────────────────

  createGroup(input: {
    code: string;
    name: string;
    description?: string;
    type?: string;
    customData?: Record<string, unknown>;
  }): GroupRecord {
    if (this.groups.has(input.code)) throw conflict(`Group ${input.code} already exists`);
    const group: GroupRecord = {
      id: newId(),
      code: input.code,
      name: input.name,
      description: input.description ?? '',
      type: input.type ?? 'static',
      customData: input.customData ?? {},
      createdAt: now(),
      members: new Set(),
    };
    this.groups.set(group.code, group);
    this.changed();
    return group;
  }

  requireGroup(code: string): GroupRecord {
    const group = this.groups.get(code);
    if (!group) throw notFound(`Group ${code} does not exist`);
    return group;
  }

  groupsOfUser(userId: string): GroupRecord[] {
    return [...this.groups.values()].filter((g) => g.members.has(userId));
  }

  // ─── Resources and permissions ──────────────────────────────────────────────────────────────────

  createResource(resource: ResourceRecord): ResourceRecord {
    const key = roleKey(resource.namespace, resource.code);
    if (this.resources.has(key)) throw conflict(`Resource ${resource.code} already exists`);
    this.resources.set(key, resource);
    this.changed();
    return resource;
  }

  requireResource(code: string, namespace?: string): ResourceRecord {
    const resource = this.resources.get(roleKey(namespace || DEFAULT_NAMESPACE, code));
    if (!resource) throw notFound(`Resource ${code} does not exist`);
    return resource;
  }

  deleteResource(resource: ResourceRecord): void {
    this.resources.delete(roleKey(resource.namespace, resource.code));
    this.policies = this.policies.filter(
      (p) => !(p.resourceCode === resource.code && p.namespace === resource.namespace),
    );
    this.changed();
  }

  /** Adds (merges) the actions a target may perform on a resource. */
  authorize(policy: PolicyRecord): void {
    const existing = this.policies.find(
      (p) =>
        p.namespace === policy.namespace &&
        p.tenantId === policy.tenantId &&
        p.targetType === policy.targetType &&
        p.targetIdentifier === policy.targetIdentifier &&
        p.resourceCode === policy.resourceCode,
    );
    if (existing) existing.actions = [...new Set([...existing.actions, ...policy.actions])];
    else this.policies.push({ ...policy, actions: [...new Set(policy.actions)] });
    this.changed();
  }

  /** Policies that apply to a target directly (granted in the user pool, or with `tenantId` in that tenant). */
  policiesOf(
    targetType: PolicyTargetType,
    targetIdentifier: string,
    namespace?: string,
    tenantId?: string,
  ): PolicyRecord[] {
    return this.policies.filter(
      (p) =>
        p.tenantId === tenantId &&
        p.targetType === targetType &&
        p.targetIdentifier === targetIdentifier &&
        (namespace === undefined || p.namespace === namespace),
    );
  }

  /**
   * Everything a user may do: own policies plus those of their roles and groups; in the user pool,
   * or (with `tenantId`) in that tenant: its roles and what was granted there.
   */
  effectivePolicies(userId: string, namespace?: string, tenantId?: string): PolicyRecord[] {
    const out = this.policiesOf('USER', userId, namespace, tenantId);
    for (const role of this.rolesOfUser(userId, undefined, tenantId)) {
      out.push(
        ...this.policiesOf('ROLE', role.code, role.namespace, tenantId).filter(
          (p) => !namespace || p.namespace === namespace,
        ),
      );
    }
    for (const group of this.groupsOfUser(userId)) {
      out.push(...this.policiesOf('GROUP', group.code, namespace, tenantId));
    }
    for (const id of this.departmentsOfUser(userId)) {
      out.push(...this.policiesOf('DEPARTMENT', id, namespace, tenantId));
    }
    return out;
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
