/**
 * Request and response types of the management API's core areas: users, roles, groups,
 * organisations and departments, applications, resources and permissions. Field names follow
 * Authing's v3 API. Calls not listed here keep the catalogue's default shapes.
 */
import type { Paginated } from '../envelope.js';

type Flag = boolean;
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
    withCustomData?: Flag;
    withPost?: Flag;
    withIdentities?: Flag;
    withDepartmentIds?: Flag;
    flatCustomData?: Flag;
  };
}

export interface GetUserRequest {
  userId: string;
  userIdType?: UserIdType;
  flatCustomData?: Flag;
  withCustomData?: Flag;
  withPost?: Flag;
  withIdentities?: Flag;
  withDepartmentIds?: Flag;
}

export interface UserLookup {
  userId: string;
  userIdType?: UserIdType;
}

// ─── Roles ────────────────────────────────────────────────────────────────────────────────────────

export interface Role {
  id: string;
  code: string;
  name: string;
  description: string;
  namespace: string;
  namespaceName?: string;
  status?: 'ENABLE' | 'DISABLE';
  disableTime?: number;
}

export interface CreateRoleRequest {
  code: string;
  name?: string;
  namespace?: string;
  description?: string;
  disableTime?: number;
}

export interface UpdateRoleRequest {
  code: string;
  newCode: string;
  name?: string;
  namespace?: string;
  description?: string;
}

/** Who a role is assigned to. */
export interface RoleTarget {
  targetType: 'USER' | 'DEPARTMENT';
  targetIdentifier: string;
}

export interface AssignRoleRequest {
  code: string;
  targets: RoleTarget[];
  namespace?: string;
  endTime?: number;
  enableTime?: number;
}

export interface RevokeRoleRequest {
  code: string;
  targets: RoleTarget[];
  namespace?: string;
}

export interface RoleQuery {
  code: string;
  namespace?: string;
}

// ─── Groups ───────────────────────────────────────────────────────────────────────────────────────

export interface Group {
  id?: string;
  code: string;
  name: string;
  description: string;
  type?: 'static' | 'dynamic';
  metadataSource?: string[];
  customData?: Record<string, unknown>;
}

export interface CreateGroupRequest {
  code: string;
  name: string;
  description: string;
  type?: 'static' | 'dynamic';
  customData?: Record<string, unknown>;
}

export interface UpdateGroupRequest {
  code: string;
  newCode?: string;
  name?: string;
  description?: string;
  customData?: Record<string, unknown>;
}

export interface GroupMembersRequest {
  code: string;
  userIds: string[];
}

// ─── Organisations and departments ────────────────────────────────────────────────────────────────

export interface Organization {
  organizationCode: string;
  organizationName: string;
  description?: string;
  createdAt?: string;
  updatedAt?: string;
  departmentId: string;
  openDepartmentId?: string;
  hasChildren: boolean;
  leaderUserIds?: string[];
  membersCount: number;
  isVirtualNode: boolean;
  customData?: Record<string, unknown>;
  tenantId?: string;
  status?: boolean;
}

export interface CreateOrganizationRequest {
  organizationCode: string;
  organizationName: string;
  description?: string;
  openDepartmentId?: string;
  tenantId?: string;
}

export type DepartmentIdType = 'department_id' | 'open_department_id' | 'sync_relation' | 'custom_field' | 'code';

export interface Department {
  organizationCode: string;
  departmentId: string;
  createdAt?: string;
  updatedAt?: string;
  openDepartmentId?: string;
  name: string;
  code?: string;
  description?: string;
  parentDepartmentId: string;
  parentDepartmentCode?: string;
  leaderUserIds?: string[];
  membersCount: number;
  hasChildren: boolean;
  isVirtualNode?: boolean;
  customData?: Record<string, unknown>;
  status?: boolean;
}

export interface CreateDepartmentRequest {
  organizationCode: string;
  name: string;
  parentDepartmentId: string;
  openDepartmentId?: string;
  code?: string;
  description?: string;
  leaderUserIds?: string[];
  departmentIdType?: DepartmentIdType;
  customData?: Record<string, unknown>;
  tenantId?: string;
}

export interface DepartmentQuery {
  organizationCode: string;
  departmentId?: string;
  departmentCode?: string;
  departmentIdType?: DepartmentIdType;
  withCustomData?: Flag;
  flatCustomData?: Flag;
  tenantId?: string;
}

export interface DepartmentMembersRequest {
  organizationCode: string;
  departmentId: string;
  userIds: string[];
  departmentIdType?: DepartmentIdType;
  tenantId?: string;
}

// ─── Applications ─────────────────────────────────────────────────────────────────────────────────

export interface Application {
  appId: string;
  appIdentifier?: string;
  appName: string;
  appLogo?: string;
  appDescription?: string;
  appType?: 'web' | 'spa' | 'native' | 'api' | 'mfa' | 'mini-program';
  userPoolId?: string;
  isIntegrateApp?: boolean;
  defaultProtocol?: 'oidc' | 'oauth' | 'saml' | 'cas' | 'asa';
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  oidcConfig?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface CreateApplicationRequest {
  appName: string;
  appIdentifier?: string;
  appLogo?: string;
  appDescription?: string;
  appType?: Application['appType'];
  defaultProtocol?: Application['defaultProtocol'];
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  [field: string]: unknown;
}

// ─── Resources and permissions ────────────────────────────────────────────────────────────────────

export type ResourceType = 'DATA' | 'API' | 'MENU' | 'BUTTON' | 'UI';

export interface ResourceAction {
  name: string;
  description: string;
}

export interface Resource {
  code: string;
  description?: string;
  name?: string;
  type: ResourceType;
  actions?: ResourceAction[];
  apiIdentifier?: string;
  namespace?: string;
}

export interface CreateResourceRequest {
  code: string;
  type: ResourceType;
  description?: string;
  name?: string;
  actions?: ResourceAction[];
  apiIdentifier?: string;
  namespace?: string;
}

export interface ResourceQuery {
  code: string;
  namespace?: string;
}

export type PolicyTargetType = 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';

export interface AuthorizedResource {
  resourceCode: string;
  resourceType: ResourceType;
  actions: string[];
  apiIdentifier?: string;
  description?: string;
}

export interface AuthorizeResourcesRequest {
  namespace?: string;
  list: {
    targetType: PolicyTargetType;
    targetIdentifiers: string[];
    resources: { resourceType: ResourceType; code: string; actions: string[] }[];
  }[];
}

export interface CheckPermissionRequest {
  userId: string;
  namespace?: string;
  resources: string[];
  action: string;
}

export interface PermissionCheckResult {
  resource: string;
  action: string;
  enabled: boolean;
}

export interface IsSuccess {
  success: boolean;
}

/** Request and `data` types of the core calls, by method name. */
export interface ManagementCoreCalls {
  listUsers: { request: ListUsersRequest; data: Paginated<User> };
  getUser: { request: GetUserRequest; data: User };
  getUserBatch: {
    request: {
      userIds: string[];
      userIdType?: UserIdType;
      withCustomData?: Flag;
      flatCustomData?: Flag;
      withIdentities?: Flag;
      withDepartmentIds?: Flag;
    };
    data: User[];
  };
  createUser: { request: CreateUserRequest; data: User };
  createUsersBatch: { request: { list: CreateUserRequest[]; options?: CreateUserRequest['options'] }; data: User[] };
  updateUser: { request: UpdateUserRequest; data: User };
  deleteUsersBatch: { request: { userIds: string[]; options?: { userIdType?: UserIdType } }; data: IsSuccess };
  getUserRoles: { request: UserLookup & { namespace?: string }; data: Paginated<Role> };
  getUserGroups: { request: UserLookup; data: Paginated<Group> };
  getUserDepartments: {
    request: UserLookup &
      PageQuery & { withCustomData?: Flag; withDepartmentPaths?: Flag; sortBy?: string; orderBy?: 'Asc' | 'Desc' };
    data: Paginated<Department>;
  };
  getUserAuthorizedResources: {
    request: UserLookup & { namespace?: string; resourceType?: ResourceType };
    data: Paginated<AuthorizedResource>;
  };
  createRole: { request: CreateRoleRequest; data: Role };
  getRole: { request: RoleQuery; data: Role };
  listRoles: { request: PageQuery & { keywords?: string; namespace?: string }; data: Paginated<Role> };
  updateRole: { request: UpdateRoleRequest; data: IsSuccess };
  deleteRolesBatch: { request: { codeList: string[]; namespace?: string }; data: IsSuccess };
  assignRole: { request: AssignRoleRequest; data: IsSuccess };
  revokeRole: { request: RevokeRoleRequest; data: IsSuccess };
  listRoleMembers: {
    request: RoleQuery & PageQuery & { withCustomData?: Flag; withIdentities?: Flag; withDepartmentIds?: Flag };
    data: Paginated<User>;
  };
  getRoleAuthorizedResources: {
    request: RoleQuery & { resourceType?: ResourceType };
    data: Paginated<AuthorizedResource>;
  };
  createGroup: { request: CreateGroupRequest; data: Group };
  getGroup: { request: { code: string; withCustomData?: Flag }; data: Group };
  listGroups: {
    request: PageQuery & { keywords?: string; withMetadata?: Flag; withCustomData?: Flag; flatCustomData?: Flag };
    data: Paginated<Group>;
  };
  updateGroup: { request: UpdateGroupRequest; data: Group };
  deleteGroupsBatch: { request: { codeList: string[] }; data: IsSuccess };
  addGroupMembers: { request: GroupMembersRequest; data: IsSuccess };
  removeGroupMembers: { request: GroupMembersRequest; data: IsSuccess };
  listGroupMembers: {
    request: { code: string } & PageQuery & {
        withCustomData?: Flag;
        withIdentities?: Flag;
        withDepartmentIds?: Flag;
        flatCustomData?: Flag;
      };
    data: Paginated<User>;
  };
  createOrganization: { request: CreateOrganizationRequest; data: Organization };
  listOrganizations: {
    request: PageQuery & { fetchAll?: Flag; withCustomData?: Flag; withPost?: Flag; tenantId?: string; status?: Flag };
    data: Paginated<Organization>;
  };
  createDepartment: { request: CreateDepartmentRequest; data: Department };
  getDepartment: { request: DepartmentQuery; data: Department };
  listChildrenDepartments: {
    request: {
      organizationCode: string;
      departmentId: string;
      status?: Flag;
      departmentIdType?: DepartmentIdType;
      excludeVirtualNode?: Flag;
      onlyVirtualNode?: Flag;
      withCustomData?: Flag;
      tenantId?: string;
    };
    data: Paginated<Department>;
  };
  listDepartmentMembers: {
    request: {
      organizationCode: string;
      departmentId: string;
      sortBy?: string;
      orderBy?: 'Asc' | 'Desc';
      departmentIdType?: DepartmentIdType;
      includeChildrenDepartments?: Flag;
      withCustomData?: Flag;
      withIdentities?: Flag;
      withDepartmentIds?: Flag;
      tenantId?: string;
    } & PageQuery;
    data: Paginated<User>;
  };
  addDepartmentMembers: { request: DepartmentMembersRequest; data: IsSuccess };
  removeDepartmentMembers: { request: DepartmentMembersRequest; data: IsSuccess };
  getApplication: { request: { appId: string }; data: Application };
  listApplications: {
    request: PageQuery & {
      isIntegrateApp?: Flag;
      isSelfBuiltApp?: Flag;
      ssoEnabled?: Flag;
      keywords?: string;
      all?: Flag;
    };
    data: Paginated<Application>;
  };
  createApplication: { request: CreateApplicationRequest; data: Application };
  deleteApplication: { request: { appId: string }; data: IsSuccess };
  createResource: { request: CreateResourceRequest; data: Resource };
  getResource: { request: ResourceQuery; data: Resource };
  listResources: { request: PageQuery & { namespace?: string; type?: ResourceType }; data: Paginated<Resource> };
  updateResource: { request: Omit<CreateResourceRequest, 'type'> & { type?: ResourceType }; data: Resource };
  deleteResource: { request: ResourceQuery; data: IsSuccess };
  authorizeResources: { request: AuthorizeResourcesRequest; data: IsSuccess };
  getAuthorizedResources: {
    request: {
      targetType: PolicyTargetType;
      targetIdentifier: string;
      namespace?: string;
      resourceType?: ResourceType;
      resourceList?: string[];
      withDenied?: Flag;
    };
    data: Paginated<AuthorizedResource>;
  };
  checkPermission: { request: CheckPermissionRequest; data: { checkResultList: PermissionCheckResult[] } };
}
