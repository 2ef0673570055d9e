import { randomBytes } from 'node:crypto';
import { conflict, invalidArgument, notFound, ApiError, API_CODES } from './http.js';
import type { PrivateSigningJwk } from './keys.js';
import type { EmulatorAccessKey, EmulatorApp, EmulatorClientAuthMethod, EmulatorUser } from './types.js';
import type { Args } from './validate.js';

export type UserStatus = 'Suspended' | 'Resigned' | 'Activated' | 'Archived' | 'Deactivated';
const USER_STATUSES: readonly string[] = ['Suspended', 'Resigned', 'Activated', 'Archived', 'Deactivated'];
const GENDERS: readonly string[] = ['M', 'F', 'U'];

/** Free-text profile fields of Authing's `UserDto` the emulator stores as given. */
export const PROFILE_STRING_FIELDS = [
  'email',
  'phone',
  'phoneCountryCode',
  'username',
  'externalId',
  'name',
  'nickname',
  'photo',
  'birthdate',
  'country',
  'province',
  'city',
  'address',
  'streetAddress',
  'postalCode',
  'company',
  'browser',
  'device',
  'givenName',
  'familyName',
  'middleName',
  'profile',
  'preferredUsername',
  'website',
  'zoneinfo',
  'locale',
  'formatted',
  'region',
  'locality',
  'identityNumber',
] as const;

export interface UserRecord {
  userId: string;
  createdAt: string;
  updatedAt: string;
  status: UserStatus;
  gender: 'M' | 'F' | 'U';
  emailVerified: boolean;
  phoneVerified: boolean;
  profile: Record<string, string>;
  customData: Record<string, unknown>;
  passwordHash?: string;
  passwordLastSetAt?: string;
  loginsCount: number;
  lastLogin?: string;
  userSourceType: 'adminCreated' | 'register';
}

export interface RoleRecord {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  status: 'ENABLE' | 'DISABLE';
  disableTime?: number;
  createdAt: string;
  members: Set<string>;
}

export interface GroupRecord {
  id: string;
  code: string;
  name: string;
  description: string;
  type: string;
  customData: Record<string, unknown>;
  createdAt: string;
  members: Set<string>;
}

export type ResourceType = 'DATA' | 'API' | 'MENU' | 'BUTTON' | 'UI';
const RESOURCE_TYPES: readonly string[] = ['DATA', 'API', 'MENU', 'BUTTON', 'UI'];

export interface ResourceRecord {
  code: string;
  name?: string;
  description?: string;
  type: ResourceType;
  actions: { name: string; description: string }[];
  apiIdentifier?: string;
  namespace: string;
}

export type PolicyTargetType = 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';

export interface PolicyRecord {
  namespace: string;
  targetType: PolicyTargetType;
  targetIdentifier: string;
  resourceCode: string;
  resourceType: ResourceType;
  actions: string[];
}

export interface AppRecord extends EmulatorApp {
  createdAt: string;
}

/** The JSON document of the `dataFile`. */
export interface PersistedState {
  version: 1;
  users: UserRecord[];
  roles: (Omit<RoleRecord, 'members'> & { members: string[] })[];
  groups: (Omit<GroupRecord, 'members'> & { members: string[] })[];
  resources: ResourceRecord[];
  policies: PolicyRecord[];
  apps: AppRecord[];
  accessKeys: EmulatorAccessKey[];
  signingKeys: PrivateSigningJwk[];
}

export const DEFAULT_NAMESPACE = 'default';

/** 24 hex characters, the shape of Authing's object ids. */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

const now = (): string => new Date().toISOString();

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
    return user;
  }

  deleteUser(user: UserRecord): void {
    this.#unindex(user);
    this.users.delete(user.userId);
    for (const role of this.roles.values()) role.members.delete(user.userId);
    for (const group of this.groups.values()) group.members.delete(user.userId);
    this.policies = this.policies.filter((p) => !(p.targetType === 'USER' && p.targetIdentifier === user.userId));
    this.changed();
  }

  recordLogin(user: UserRecord): void {
    user.loginsCount += 1;
    user.lastLogin = now();
    this.changed();
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
  }): RoleRecord {
    const namespace = input.namespace || DEFAULT_NAMESPACE;
    const key = roleKey(namespace, input.code);
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
    };
    this.roles.set(key, role);
    this.changed();
    return role;
  }

  findRole(code: string, namespace?: string): RoleRecord | undefined {
    return this.roles.get(roleKey(namespace || DEFAULT_NAMESPACE, code));
  }

  requireRole(code: string, namespace?: string): RoleRecord {
    const role = this.findRole(code, namespace);
    if (!role) throw notFound(`Role ${code} does not exist in namespace ${namespace || DEFAULT_NAMESPACE}`);
    return role;
  }

  deleteRole(role: RoleRecord): void {
    this.roles.delete(roleKey(role.namespace, role.code));
    this.policies = this.policies.filter(
      (p) => !(p.targetType === 'ROLE' && p.targetIdentifier === role.code && p.namespace === role.namespace),
    );
    this.changed();
  }

  renameRole(role: RoleRecord, newCode: string): void {
    if (newCode === role.code) return;
    const key = roleKey(role.namespace, newCode);
    if (this.roles.has(key)) throw conflict(`Role ${newCode} already exists in namespace ${role.namespace}`);
    this.roles.delete(roleKey(role.namespace, role.code));
    for (const p of this.policies) {
      if (p.targetType === 'ROLE' && p.targetIdentifier === role.code && p.namespace === role.namespace) {
        p.targetIdentifier = newCode;
      }
    }
    role.code = newCode;
    this.roles.set(key, role);
  }

  rolesOfUser(userId: string, namespace?: string): RoleRecord[] {
    return [...this.roles.values()].filter(
      (r) => r.members.has(userId) && (namespace === undefined || r.namespace === namespace),
    );
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
        p.targetType === policy.targetType &&
        p.targetIdentifier === policy.targetIdentifier &&
        p.resourceCode === policy.resourceCode,
    );
    if (existing) existing.actions = [...new Set([...existing.actions, ...policy.actions])];
    else this.policies.push({ ...policy, actions: [...new Set(policy.actions)] });
    this.changed();
  }

  /** Policies that apply to a target directly. */
  policiesOf(targetType: PolicyTargetType, targetIdentifier: string, namespace?: string): PolicyRecord[] {
    return this.policies.filter(
      (p) =>
        p.targetType === targetType &&
        p.targetIdentifier === targetIdentifier &&
        (namespace === undefined || p.namespace === namespace),
    );
  }

  /** Everything a user may do: own policies plus those of their roles and groups. */
  effectivePolicies(userId: string, namespace?: string): PolicyRecord[] {
    const out = this.policiesOf('USER', userId, namespace);
    for (const role of this.rolesOfUser(userId)) {
      out.push(
        ...this.policiesOf('ROLE', role.code, role.namespace).filter((p) => !namespace || p.namespace === namespace),
      );
    }
    for (const group of this.groupsOfUser(userId)) out.push(...this.policiesOf('GROUP', group.code, namespace));
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
    };
  }

  /** Replaces the state with a persisted document; throws on a document that is not one. */
  load(state: unknown): void {
    if (!isPersistedState(state)) throw new Error('The data file is not an Authing emulator state (version 1)');
    for (const user of state.users) {
      this.users.set(user.userId, user);
      this.#index(user);
    }
    for (const r of state.roles) this.roles.set(roleKey(r.namespace, r.code), { ...r, members: new Set(r.members) });
    for (const g of state.groups) this.groups.set(g.code, { ...g, members: new Set(g.members) });
    for (const r of state.resources) this.resources.set(roleKey(r.namespace, r.code), r);
    this.policies = state.policies;
    for (const app of state.apps) this.apps.set(app.appId, app);
    this.mainAppId = state.apps[0]?.appId ?? '';
    for (const k of state.accessKeys) this.accessKeys.set(k.accessKeyId, k.accessKeySecret);
    this.signingKeys = state.signingKeys;
  }
}

export const DEFAULT_REDIRECT_URIS = ['http://localhost:3000/callback', 'http://127.0.0.1:3000/callback'];
/**
 * Matching is exact, as at Authing: both spellings of the home page are registered, so an app sending
 * `http://127.0.0.1:3000/` (the sample, and most apps) and one sending it without the slash both work.
 */
export const DEFAULT_LOGOUT_REDIRECT_URIS = [
  'http://localhost:3000/',
  'http://localhost:3000',
  'http://127.0.0.1:3000/',
  'http://127.0.0.1:3000',
];

/** The name on the hosted login page of an application created without one. */
export const DEFAULT_APP_NAME = 'My App';

function roleKey(namespace: string, code: string): string {
  return `${namespace}\u0000${code}`;
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

// ─── Input validation and output shapes ──────────────────────────────────────────────────────────

export interface ValidatedProfile {
  /** String fields; `null` clears on update. */
  profile: Record<string, string | null>;
  status?: UserStatus;
  gender?: 'M' | 'F' | 'U';
  emailVerified?: boolean;
  phoneVerified?: boolean;
  customData?: Record<string, unknown>;
}

/** Validates the profile part of a create/update request; unknown fields are ignored like Authing does. */
export function validateProfile(args: Args): ValidatedProfile {
  const out: ValidatedProfile = { profile: {} };
  for (const field of PROFILE_STRING_FIELDS) {
    const value = args[field];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') throw invalidArgument(`Field ${field} must be a string`);
    out.profile[field] = value;
  }
  if (
    typeof out.profile.email === 'string' &&
    out.profile.email !== '' &&
    !/^[^\s@]+@[^\s@]+$/.test(out.profile.email)
  ) {
    throw invalidArgument('Field email is not a valid email address');
  }
  if (args.status !== undefined && args.status !== null) {
    if (typeof args.status !== 'string' || !USER_STATUSES.includes(args.status)) {
      throw invalidArgument(`Field status must be one of ${USER_STATUSES.join(', ')}`);
    }
    out.status = args.status as UserStatus;
  }
  if (args.gender !== undefined && args.gender !== null) {
    if (typeof args.gender !== 'string' || !GENDERS.includes(args.gender)) {
      throw invalidArgument('Field gender must be one of M, F, U');
    }
    out.gender = args.gender as 'M' | 'F' | 'U';
  }
  for (const field of ['emailVerified', 'phoneVerified'] as const) {
    const value = args[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw invalidArgument(`Field ${field} must be a boolean`);
    out[field] = value;
  }
  if (args.customData !== undefined && args.customData !== null) {
    if (typeof args.customData !== 'object' || Array.isArray(args.customData)) {
      throw invalidArgument('Field customData must be an object');
    }
    out.customData = args.customData as Record<string, unknown>;
  }
  return out;
}

export function isResourceType(value: unknown): value is ResourceType {
  return typeof value === 'string' && RESOURCE_TYPES.includes(value);
}

/** Authing's `UserDto`; never carries password material. */
export function userDto(user: UserRecord, options: { withCustomData?: boolean } = {}): EmulatorUser {
  const dto: EmulatorUser = {
    userId: user.userId,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    status: user.status,
    workStatus: 'Active',
    gender: user.gender,
    emailVerified: user.emailVerified,
    phoneVerified: user.phoneVerified,
    loginsCount: user.loginsCount,
    userSourceType: user.userSourceType,
    ...user.profile,
  };
  if (user.lastLogin) dto.lastLogin = user.lastLogin;
  if (user.passwordLastSetAt) dto.passwordLastSetAt = user.passwordLastSetAt;
  if (options.withCustomData) dto.customData = { ...user.customData };
  return dto;
}

export function roleDto(role: RoleRecord): Record<string, unknown> {
  return {
    id: role.id,
    code: role.code,
    name: role.name,
    description: role.description,
    namespace: role.namespace,
    namespaceName: role.namespace === DEFAULT_NAMESPACE ? 'Default' : role.namespace,
    status: role.status,
    ...(role.disableTime !== undefined ? { disableTime: role.disableTime } : {}),
  };
}

export function groupDto(group: GroupRecord, options: { withCustomData?: boolean } = {}): Record<string, unknown> {
  return {
    id: group.id,
    code: group.code,
    name: group.name,
    description: group.description,
    type: group.type,
    metadataSource: [],
    ...(options.withCustomData ? { customData: { ...group.customData } } : {}),
  };
}

export function resourceDto(resource: ResourceRecord): Record<string, unknown> {
  const dto: Record<string, unknown> = {
    code: resource.code,
    type: resource.type,
    actions: resource.actions,
    namespace: resource.namespace,
  };
  if (resource.name !== undefined) dto.name = resource.name;
  if (resource.description !== undefined) dto.description = resource.description;
  if (resource.apiIdentifier !== undefined) dto.apiIdentifier = resource.apiIdentifier;
  return dto;
}

export function publicApp(app: AppRecord): EmulatorApp {
  return {
    appId: app.appId,
    appSecret: app.appSecret,
    appName: app.appName,
    redirectUris: [...app.redirectUris],
    logoutRedirectUris: [...app.logoutRedirectUris],
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    ...(app.webOrigins ? { webOrigins: [...app.webOrigins] } : {}),
  };
}

/** The browser origins of an application: of its redirect and logout redirect URIs, and its web origins. */
export function appOrigins(app: EmulatorApp): Set<string> {
  const origins = new Set<string>();
  for (const uri of [...app.redirectUris, ...app.logoutRedirectUris, ...(app.webOrigins ?? [])]) {
    const parsed = URL.parse(uri);
    if (parsed && parsed.origin !== 'null') origins.add(parsed.origin);
  }
  return origins;
}
