import { invalidArgument } from '../http.js';
import type { EmulatorUser, EmulatorApp } from '../types.js';
import type { Args } from '../validate.js';
import {
  DEFAULT_NAMESPACE,
  PROFILE_STRING_FIELDS,
  type AppRecord,
  type GroupRecord,
  type ResourceRecord,
  type ResourceType,
  type RoleRecord,
  type UserRecord,
  type UserStatus,
} from './records.js';

const USER_STATUSES: readonly string[] = ['Suspended', 'Resigned', 'Activated', 'Archived', 'Deactivated'];
const GENDERS: readonly string[] = ['M', 'F', 'U'];
const RESOURCE_TYPES: readonly string[] = ['DATA', 'API', 'MENU', 'BUTTON', 'UI'];

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
