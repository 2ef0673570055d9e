import { SetMetadata } from '@nestjs/common';
import { OPTIONAL_AUTH_KEY, PERMISSIONS_KEY, PUBLIC_KEY, ROLES_KEY } from '../constants.js';

/** Opts a route (or controller) out of {@link AuthingGuard}, e.g. when the guard is global. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The user is attached when a valid token or session is present; the route never answers 401. */
export const OptionalAuth = (): MethodDecorator & ClassDecorator => SetMetadata(OPTIONAL_AUTH_KEY, true);

/**
 * Requires at least one of these role codes (403 otherwise). The handler's list replaces the
 * controller's. Roles come from the token's `roles` claim or from Authing (option `roles.source`).
 */
export const Roles = (...codes: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, checked('Roles', codes));

/** Requires every one of these permissions (`resource:action`, or scope values with the token source). */
export const Permissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(PERMISSIONS_KEY, checked('Permissions', permissions));

function checked(decorator: string, values: string[]): string[] {
  if (values.length === 0 || values.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new TypeError(`@${decorator}() needs one or more non-empty strings`);
  }
  return [...values];
}
