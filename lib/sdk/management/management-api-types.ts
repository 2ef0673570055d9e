/**
 * Request and `data` types of the management API's core calls, by method name: the generated
 * catalogue (catalogue/management.api.ts) uses them in place of its default shapes. Calls not listed
 * here keep the catalogue's default shapes. The types themselves live in one file per area.
 */
import type { Paginated } from '../envelope.js';
import type {
  Application,
  AuthorizeResourcesRequest,
  AuthorizedResource,
  CheckPermissionRequest,
  CreateApplicationRequest,
  IsActionAllowedRequest,
  CreateResourceRequest,
  IsSuccess,
  PermissionCheckResult,
  PolicyTargetType,
  Resource,
  ResourceQuery,
  ResourceType,
} from './application-resource-types.js';
import type {
  CreateDepartmentRequest,
  CreateOrganizationRequest,
  Department,
  DepartmentIdType,
  DepartmentMembersRequest,
  DepartmentQuery,
  Organization,
} from './organization-types.js';
import type {
  AssignRoleRequest,
  CreateGroupRequest,
  CreateRoleRequest,
  Group,
  GroupMembersRequest,
  RevokeRoleRequest,
  Role,
  RoleQuery,
  UpdateGroupRequest,
  UpdateRoleRequest,
} from './role-group-types.js';
import type {
  CreateUserRequest,
  GetUserRequest,
  ListUsersRequest,
  PageQuery,
  UpdateUserRequest,
  User,
  UserIdType,
  UserLookup,
} from './user-types.js';

export type * from './user-types.js';
export type * from './role-group-types.js';
export type * from './organization-types.js';
export type * from './application-resource-types.js';

/** Request and `data` types of the core calls, by method name. */
export interface ManagementCoreCalls {
  listUsers: { request: ListUsersRequest; data: Paginated<User> };
  getUser: { request: GetUserRequest; data: User };
  getUserBatch: {
    request: {
      userIds: string[];
      userIdType?: UserIdType;
      withCustomData?: boolean;
      flatCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
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
      PageQuery & {
        withCustomData?: boolean;
        withDepartmentPaths?: boolean;
        sortBy?: string;
        orderBy?: 'Asc' | 'Desc';
      };
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
    request: RoleQuery &
      PageQuery & { withCustomData?: boolean; withIdentities?: boolean; withDepartmentIds?: boolean };
    data: Paginated<User>;
  };
  getRoleAuthorizedResources: {
    request: RoleQuery & { resourceType?: ResourceType };
    data: Paginated<AuthorizedResource>;
  };
  createGroup: { request: CreateGroupRequest; data: Group };
  getGroup: { request: { code: string; withCustomData?: boolean }; data: Group };
  listGroups: {
    request: PageQuery & {
      keywords?: string;
      withMetadata?: boolean;
      withCustomData?: boolean;
      flatCustomData?: boolean;
    };
    data: Paginated<Group>;
  };
  updateGroup: { request: UpdateGroupRequest; data: Group };
  deleteGroupsBatch: { request: { codeList: string[] }; data: IsSuccess };
  addGroupMembers: { request: GroupMembersRequest; data: IsSuccess };
  removeGroupMembers: { request: GroupMembersRequest; data: IsSuccess };
  listGroupMembers: {
    request: { code: string } & PageQuery & {
        withCustomData?: boolean;
        withIdentities?: boolean;
        withDepartmentIds?: boolean;
        flatCustomData?: boolean;
      };
    data: Paginated<User>;
  };
  createOrganization: { request: CreateOrganizationRequest; data: Organization };
  listOrganizations: {
    request: PageQuery & {
      fetchAll?: boolean;
      withCustomData?: boolean;
      withPost?: boolean;
      tenantId?: string;
      status?: boolean;
    };
    data: Paginated<Organization>;
  };
  createDepartment: { request: CreateDepartmentRequest; data: Department };
  getDepartment: { request: DepartmentQuery; data: Department };
  listChildrenDepartments: {
    request: {
      organizationCode: string;
      departmentId: string;
      status?: boolean;
      departmentIdType?: DepartmentIdType;
      excludeVirtualNode?: boolean;
      onlyVirtualNode?: boolean;
      withCustomData?: boolean;
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
      includeChildrenDepartments?: boolean;
      withCustomData?: boolean;
      withIdentities?: boolean;
      withDepartmentIds?: boolean;
      tenantId?: string;
    } & PageQuery;
    data: Paginated<User>;
  };
  addDepartmentMembers: { request: DepartmentMembersRequest; data: IsSuccess };
  removeDepartmentMembers: { request: DepartmentMembersRequest; data: IsSuccess };
  getApplication: { request: { appId: string }; data: Application };
  listApplications: {
    request: PageQuery & {
      isIntegrateApp?: boolean;
      isSelfBuiltApp?: boolean;
      ssoEnabled?: boolean;
      keywords?: string;
      all?: boolean;
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
      withDenied?: boolean;
    };
    data: Paginated<AuthorizedResource>;
  };
  checkPermission: { request: CheckPermissionRequest; data: { checkResultList: PermissionCheckResult[] } };
  isActionAllowed: { request: IsActionAllowedRequest; data: { allowed: boolean } };
}
