import { randomBytes } from 'node:crypto';
import { MANAGEMENT_ENDPOINTS } from '../../sdk/catalogue/management.catalogue.js';
import type { PrivateSigningJwk } from '../keys.js';
import type { EmulatorAccessKey, EmulatorApp } from '../types.js';

export type UserStatus = 'Suspended' | 'Resigned' | 'Activated' | 'Archived' | 'Deactivated';

/** Fields of `createUser` that are not free text: enums, flags, secrets and structured values. */
const STRUCTURED_USER_FIELDS: ReadonlySet<string> = new Set([
  'status',
  'gender',
  'emailVerified',
  'phoneVerified',
  'password',
  'salt',
  'tenantIds',
  'otp',
  'departmentIds',
  'customData',
  'metadataSource',
  'identities',
  'options',
]);

/**
 * Free-text profile fields of Authing's `UserDto` the emulator stores as given: the text fields of the
 * catalogue's `createUser` body, plus `locality`, which only the DTO carries.
 */
export const PROFILE_STRING_FIELDS: readonly string[] = [
  ...(MANAGEMENT_ENDPOINTS.createUser[3] ?? []).filter((field) => !STRUCTURED_USER_FIELDS.has(field)),
  'locality',
];

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
  /** The Authing tenant the role belongs to (created through a tenant-scoped ManagementClient). */
  tenantId?: string;
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
  /** The Authing tenant the authorization was granted in (absent: the user pool's). */
  tenantId?: string;
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
  /** Generic families' rows by collection (absent in files written before they existed). */
  collections?: Record<string, [string, Record<string, unknown>][]>;
  /** Session kicks: user id → epoch seconds. */
  kickedAt?: Record<string, number>;
}

export const DEFAULT_NAMESPACE = 'default';

/** 24 hex characters, the shape of Authing's object ids. */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

export const now = (): string => new Date().toISOString();

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

export function roleKey(namespace: string, code: string, tenantId?: string): string {
  // A tenant's roles live beside the pool's: the same code may exist in both, and in several tenants.
  return tenantId === undefined ? `${namespace}\u0000${code}` : `${tenantId}\u0001${namespace}\u0000${code}`;
}
