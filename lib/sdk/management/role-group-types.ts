// Roles and groups in the management API. Field names follow Authing's v3 API.

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
