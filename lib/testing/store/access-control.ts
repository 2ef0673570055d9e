import { conflict, notFound } from '../http.js';
import { Collections } from './collections.js';
import {
  DEFAULT_NAMESPACE,
  newId,
  now,
  roleKey,
  type GroupRecord,
  type PolicyRecord,
  type PolicyTargetType,
  type ResourceRecord,
  type RoleRecord,
} from './records.js';

/**
 * Roles, groups, resources and the policies granting actions on them: who may do what, the part of
 * the emulator's state that `Store` (users, applications, keys, persistence) builds on. Role and
 * policy lookups are scoped to the user pool or to one Authing tenant.
 */
export class AccessControlStore {
  readonly roles = new Map<string, RoleRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly resources = new Map<string, ResourceRecord>();
  policies: PolicyRecord[] = [];
  /** Rows of the families without a dedicated store (see `families/`). */
  readonly collections = new Collections();

  /** Called after every mutation (the emulator persists from here). */
  onChange: () => void = () => undefined;

  changed(): void {
    this.onChange();
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
}
