// Users in the management API: the user record, the profile an administrator sets, and the requests
// that create, update, list and look up users. Field names follow Authing's v3 API.

/** How a user is identified in `userId`. */
export type UserIdType =
  'user_id' | 'external_id' | 'phone' | 'email' | 'username' | 'identity' | 'sync_relation' | 'custom_field';
export type UserStatus = 'Suspended' | 'Resigned' | 'Activated' | 'Archived' | 'Deactivated';
export type Gender = 'M' | 'F' | 'U';

/** Page and page size; `page` counts from 1. */
export interface PageQuery {
  page?: number;
  limit?: number;
}

// ─── Users ────────────────────────────────────────────────────────────────────────────────────────

export interface UserIdentity {
  identityId: string;
  extIdpId: string;
  provider: string;
  type: string;
  userIdInIdp: string;
  originConnIds?: string[];
  userInfoInIdp?: Record<string, unknown>;
}

/** Profile fields a user may set on themselves and an administrator on any user. */
export interface ProfileFields {
  name?: string;
  nickname?: string;
  photo?: string;
  externalId?: string;
  birthdate?: string;
  gender?: Gender;
  username?: string;
  company?: string;
  country?: string;
  province?: string;
  city?: string;
  address?: string;
  streetAddress?: string;
  postalCode?: string;
  givenName?: string;
  familyName?: string;
  middleName?: string;
  profile?: string;
  preferredUsername?: string;
  website?: string;
  zoneinfo?: string;
  locale?: string;
  customData?: Record<string, unknown>;
}

export interface User extends ProfileFields {
  userId: string;
  createdAt: string;
  updatedAt: string;
  status: UserStatus;
  workStatus?: string;
  email?: string;
  phone?: string;
  phoneCountryCode?: string;
  loginsCount?: number;
  lastLogin?: string;
  lastIp?: string;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  passwordLastSetAt?: string;
  browser?: string;
  device?: string;
  formatted?: string;
  region?: string;
  userSourceType?: string;
  userSourceId?: string;
  lastLoginApp?: string;
  mainDepartmentId?: string;
  departmentIds?: string[];
  identities?: UserIdentity[];
  identityNumber?: string;
  postIdList?: string[];
  tenantId?: string;
}

/** Profile fields an administrator may set when creating or updating a user. */
export interface UserProfileInput extends ProfileFields {
  status?: UserStatus;
  email?: string;
  phone?: string;
  phoneCountryCode?: string;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  formatted?: string;
  region?: string;
  identityNumber?: string;
}

export interface CreateUserRequest extends UserProfileInput {
  password?: string;
  salt?: string;
  tenantIds?: string[];
  departmentIds?: string[];
  identities?: Partial<UserIdentity>[];
  options?: {
    keepPassword?: boolean;
    resetPasswordOnFirstLogin?: boolean;
    departmentIdType?: 'department_id' | 'open_department_id' | 'sync_relation' | 'custom_field' | 'code';
    sendNotification?: Record<string, unknown>;
    passwordEncryptType?: 'sm2' | 'rsa' | 'none';
    autoGeneratePassword?: boolean;
  };
}

export interface UpdateUserRequest extends UserProfileInput {
  userId: string;
  password?: string;
  options?: { userIdType?: UserIdType; passwordEncryptType?: 'sm2' | 'rsa' | 'none' };
}

export interface ListUsersRequest {
  keywords?: string;
  advancedFilter?: { field: string; operator: string; value: unknown }[];
  searchQuery?: Record<string, unknown>;
  options?: {
    pagination?: PageQuery;
    sort?: { field: string; direction: 'asc' | 'desc' }[];
    fuzzySearchOn?: string[];
    withCustomData?: boolean;
    withPost?: boolean;
    withIdentities?: boolean;
    withDepartmentIds?: boolean;
    flatCustomData?: boolean;
  };
}

export interface GetUserRequest {
  userId: string;
  userIdType?: UserIdType;
  flatCustomData?: boolean;
  withCustomData?: boolean;
  withPost?: boolean;
  withIdentities?: boolean;
  withDepartmentIds?: boolean;
}

export interface UserLookup {
  userId: string;
  userIdType?: UserIdType;
}
