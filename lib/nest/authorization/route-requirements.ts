import type { Reflector } from '@nestjs/core';
import { PERMISSIONS_KEY, ROLES_KEY } from '../constants.js';
import { PERMISSION_REQUIREMENTS_KEY, RESOURCE_REQUIREMENTS_KEY, ROLE_REQUIREMENTS_KEY } from './decorators.js';
import { mergeRequirements, type NormalisedRequirement, type NormalisedResourceRequirement } from './requirements.js';

/** Every requirement a route must meet, controller's and handler's merged (see `mergeRequirements`). */
export interface RouteRequirements {
  roles: readonly NormalisedRequirement[];
  permissions: readonly NormalisedRequirement[];
  resources: readonly NormalisedResourceRequirement[];
}

type Target = object | undefined;

/**
 * Reads a route's requirements once (the guard memoises the result per handler and class). A
 * plain `SetMetadata(ROLES_KEY, [...])` (as before match modes existed) still counts as `any`.
 */
export function readRequirements(reflector: Reflector, handler: Target, type: Target): RouteRequirements | undefined {
  const roles = merged(reflector, ROLE_REQUIREMENTS_KEY, ROLES_KEY, 'any', handler, type);
  const permissions = merged(reflector, PERMISSION_REQUIREMENTS_KEY, PERMISSIONS_KEY, 'all', handler, type);
  const resources = mergeRequirements<NormalisedResourceRequirement>({
    onClass: list(reflector, RESOURCE_REQUIREMENTS_KEY, type),
    onHandler: list(reflector, RESOURCE_REQUIREMENTS_KEY, handler),
  });
  if (roles.length === 0 && permissions.length === 0 && resources.length === 0) return undefined;
  return { roles, permissions, resources };
}

function merged(
  reflector: Reflector,
  key: string,
  legacyKey: string,
  match: 'any' | 'all',
  handler: Target,
  type: Target,
): NormalisedRequirement[] {
  const of = (target: Target): readonly NormalisedRequirement[] | undefined => {
    const declared = list<NormalisedRequirement>(reflector, key, target);
    if (declared) return declared;
    const legacy = target ? reflector.get<unknown>(legacyKey, target as never) : undefined;
    if (!Array.isArray(legacy) || legacy.length === 0) return undefined;
    const codes = legacy.filter((c): c is string => typeof c === 'string' && c !== '');
    return codes.length ? [{ codes, match, namespace: undefined, inherit: true }] : undefined;
  };
  return mergeRequirements({ onClass: of(type), onHandler: of(handler) });
}

function list<T>(reflector: Reflector, key: string, target: Target): readonly T[] | undefined {
  if (!target) return undefined;
  const value = reflector.get<T[] | undefined>(key, target as never);
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}
