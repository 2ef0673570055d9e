import { PERMISSIONS_KEY, ROLES_KEY } from '../constants.js';
import {
  normaliseCodes,
  normaliseResource,
  type AuthingPermissionRequirement,
  type AuthingResourceRequirement,
  type AuthingRoleRequirement,
} from './requirements.js';

/** Metadata keys of the requirement lists (one entry per decorator applied to a class or method). */
export const ROLE_REQUIREMENTS_KEY = 'authing:role-requirements';
export const PERMISSION_REQUIREMENTS_KEY = 'authing:permission-requirements';
export const RESOURCE_REQUIREMENTS_KEY = 'authing:resource-requirements';

/**
 * Appends a requirement to the list on the class or method: stacked decorators all apply (a plain
 * `SetMetadata` would keep only the last one).
 */
function appending(
  key: string,
  requirement: object,
  legacy?: [key: string, value: unknown],
): MethodDecorator & ClassDecorator {
  return (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor): void => {
    const where = (descriptor ? descriptor.value : target) as object;
    const previous = (Reflect.getOwnMetadata(key, where) as object[] | undefined) ?? [];
    // Decorators run bottom-up: put this one first, so the list reads in source order.
    Reflect.defineMetadata(key, [requirement, ...previous], where);
    // The plain list under the public ROLES_KEY / PERMISSIONS_KEY, for code that reads it.
    if (legacy) Reflect.defineMetadata(legacy[0], legacy[1], where);
  };
}

/**
 * Requires roles (403 otherwise). `@Roles('admin', 'owner')`: any one of them, in the default
 * namespace. `@Roles({ roles: ['editor', 'reviewer'], match: 'all', namespace: 'cms' })`: every one,
 * in namespace `cms`. Controller and handler requirements all apply (see `inherit`), as do stacked
 * `@Roles()`. Roles come from the token's `roles` claim or from Authing (option `roles.source`).
 */
export function Roles(...codes: string[]): MethodDecorator & ClassDecorator;
/** Requires roles as the requirement says: `match` (`any` / `all`), `namespace`, `inherit`. */
export function Roles(requirement: AuthingRoleRequirement): MethodDecorator & ClassDecorator;
export function Roles(...args: unknown[]): MethodDecorator & ClassDecorator {
  const requirement = normaliseCodes('Roles', 'roles', args, 'any');
  return appending(ROLE_REQUIREMENTS_KEY, requirement, [ROLES_KEY, [...requirement.codes]]);
}

/**
 * Requires permissions (`resourceCode:action`, or entries of the `permissions` claim with the token
 * source). `@Permissions('a', 'b')`: every one; `@Permissions({ permissions: [...], match: 'any' })`:
 * one of them. Merged with the controller's as `@Roles()` is.
 */
export function Permissions(...permissions: string[]): MethodDecorator & ClassDecorator;
/** Requires permissions as the requirement says: `match` (`all` / `any`), `namespace`, `inherit`. */
export function Permissions(requirement: AuthingPermissionRequirement): MethodDecorator & ClassDecorator;
export function Permissions(...args: unknown[]): MethodDecorator & ClassDecorator {
  const requirement = normaliseCodes('Permissions', 'permissions', args, 'all');
  return appending(PERMISSION_REQUIREMENTS_KEY, requirement, [PERMISSIONS_KEY, [...requirement.codes]]);
}

/**
 * Asks Authing whether the user may perform `action` on one resource instance, whose id comes from
 * the route: `@ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })` asks about
 * `order:<id>` (`isActionAllowed`, or `checkPermission` with `api`). Answers are cached briefly and
 * concurrent identical questions share one call (option `authorization`). 403 when refused, 400 when
 * the request lacks the id, 503 when Authing cannot be reached. Needs management credentials.
 */
export function ResourceAccess(requirement: AuthingResourceRequirement): MethodDecorator & ClassDecorator {
  return appending(RESOURCE_REQUIREMENTS_KEY, normaliseResource(requirement));
}
