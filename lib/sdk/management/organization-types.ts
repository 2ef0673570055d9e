// Organisations and departments in the management API. Field names follow Authing's v3 API.

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
  withCustomData?: boolean;
  flatCustomData?: boolean;
  tenantId?: string;
}

export interface DepartmentMembersRequest {
  organizationCode: string;
  departmentId: string;
  userIds: string[];
  departmentIdType?: DepartmentIdType;
  tenantId?: string;
}
