/**
 * The access requirements `@Roles()`, `@Permissions()` and `@ResourceAccess()` attach to a route,
 * how a controller's and a handler's requirements combine, and how a set of roles meets one. Pure
 * functions: the guard and the unit tests share them.
 */

/** How the listed roles or permissions must be held: at least one (`any`) or every one (`all`). */
export type AuthingMatch = 'any' | 'all';

/** Authing's own namespace (permission space) code: where roles and resources live unless told otherwise. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * A role requirement: `@Roles({ roles: ['editor', 'reviewer'], match: 'all', namespace: 'cms' })`.
 * A role is identified by namespace and code: a role of another namespace never satisfies it.
 */
export interface AuthingRoleRequirement {
  /** Role codes. */
  roles: string[];
  /** `any` (default): one of the roles suffices; `all`: every one is needed. */
  match?: AuthingMatch;
  /** Namespace of the roles. Default: the module's `roles.namespace`, else Authing's `default`. */
  namespace?: string;
  /**
   * On a handler: `false` drops the controller's role requirements for this handler (it replaces
   * them). Default `true`: the controller's and the handler's requirements all apply.
   */
  inherit?: boolean;
}

/** A permission requirement: `@Permissions({ permissions: ['order:read'], match: 'any' })`. */
export interface AuthingPermissionRequirement {
  /** Permissions, `resourceCode:action` (management source) or entries of the `permissions` claim. */
  permissions: string[];
  /** `all` (default, as `@Permissions('a', 'b')` always meant) or `any`. */
  match?: AuthingMatch;
  /** Namespace of the permissions. Default: the module's `roles.namespace`, else Authing's `default`. */
  namespace?: string;
  /** On a handler: `false` replaces the controller's permission requirements. Default `true`. */
  inherit?: boolean;
}

/** Where a resource instance's id is read: a route parameter, a query parameter or a body field. */
export type AuthingResourceId = { param: string } | { query: string } | { body: string };

/** The Authing call that answers a resource question. */
export type AuthingResourceApi = 'isActionAllowed' | 'checkPermission';

/**
 * A resource-instance requirement: `@ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })`
 * asks Authing whether the user may `read` the resource `order:<id>`.
 */
export interface AuthingResourceRequirement {
  /** Resource code (`order`); with `id`, the instance asked about is `<resource>:<id>` (`order:42`). */
  resource: string;
  /** The action, e.g. `read`. */
  action: string;
  /** Where the instance id comes from. Without it the resource itself (all instances) is asked about. */
  id?: AuthingResourceId;
  /** Namespace (permission space). Default: the module's `authorization.namespace`. */
  namespace?: string;
  /** Which Authing call answers. Default: the module's `authorization.api` (`isActionAllowed`). */
  api?: AuthingResourceApi;
  /** On a handler: `false` replaces the controller's resource requirements. Default `true`. */
  inherit?: boolean;
}

/** The requirements of one kind declared on a controller and on a handler. */
export interface Declared<T extends { inherit?: boolean }> {
  onClass: readonly T[] | undefined;
  onHandler: readonly T[] | undefined;
}

/**
 * The merging rule. Requirements accumulate: the controller's and the handler's all apply (each must
 * be met), so a handler can narrow its controller's access but never widen it by accident. A handler
 * requirement with `inherit: false` replaces the controller's requirements of the same kind.
 */
export function mergeRequirements<T extends { inherit?: boolean }>(declared: Declared<T>): T[] {
  const handler = declared.onHandler ?? [];
  if (handler.some((r) => r.inherit === false)) return [...handler];
  return [...(declared.onClass ?? []), ...handler];
}

/** Whether held codes meet listed ones, under a match mode. */
export function meets(
  held: ReadonlySet<string> | readonly string[],
  required: readonly string[],
  match: AuthingMatch,
): boolean {
  const has = Array.isArray(held)
    ? (code: string) => held.includes(code)
    : (code: string) => (held as ReadonlySet<string>).has(code);
  return match === 'all' ? required.every(has) : required.some(has);
}

/** The required codes the held ones lack (all of them for `any` when none is held). */
export function missingOf(held: readonly string[], required: readonly string[]): string[] {
  return required.filter((code) => !held.includes(code));
}

/** A role or permission requirement checked and normalised (defaults filled, copies frozen). */
export interface NormalisedRequirement {
  codes: readonly string[];
  match: AuthingMatch;
  namespace: string | undefined;
  inherit: boolean;
}

const MATCHES: readonly AuthingMatch[] = ['any', 'all'];

/**
 * Validates a decorator's arguments: either codes (`@Roles('a', 'b')`) or one requirement object.
 * Throws a TypeError naming the decorator and the bad field: a typo must fail at class definition.
 */
export function normaliseCodes(
  decorator: 'Roles' | 'Permissions',
  field: 'roles' | 'permissions',
  args: readonly unknown[],
  defaultMatch: AuthingMatch,
): NormalisedRequirement {
  const first = args[0];
  if (args.length === 1 && typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const input = first as Record<string, unknown>;
    const unknown = Object.keys(input).filter((k) => ![field, 'match', 'namespace', 'inherit'].includes(k));
    if (unknown.length > 0) {
      throw new TypeError(`@${decorator}(): unknown field "${unknown[0]}" (takes ${field}, match, namespace, inherit)`);
    }
    const codes = input[field];
    if (!Array.isArray(codes)) throw new TypeError(`@${decorator}(): "${field}" must be an array of non-empty strings`);
    checkStrings(decorator, codes);
    if (input.match !== undefined && !MATCHES.includes(input.match as AuthingMatch)) {
      throw new TypeError(`@${decorator}(): "match" must be 'any' or 'all'`);
    }
    if (input.namespace !== undefined && (typeof input.namespace !== 'string' || input.namespace.trim() === '')) {
      throw new TypeError(`@${decorator}(): "namespace" must be a non-empty string`);
    }
    if (input.inherit !== undefined && typeof input.inherit !== 'boolean') {
      throw new TypeError(`@${decorator}(): "inherit" must be true or false`);
    }
    return Object.freeze({
      codes: Object.freeze([...(codes as string[])]),
      match: (input.match as AuthingMatch | undefined) ?? defaultMatch,
      namespace: input.namespace as string | undefined,
      inherit: input.inherit !== false,
    });
  }
  checkStrings(decorator, args);
  return Object.freeze({
    codes: Object.freeze([...(args as string[])]),
    match: defaultMatch,
    namespace: undefined,
    inherit: true,
  });
}

function checkStrings(decorator: string, values: readonly unknown[]): void {
  if (values.length === 0 || values.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new TypeError(`@${decorator}() needs one or more non-empty strings`);
  }
}

/** A resource requirement checked and normalised. */
export interface NormalisedResourceRequirement {
  resource: string;
  action: string;
  id: Readonly<AuthingResourceId> | undefined;
  namespace: string | undefined;
  api: AuthingResourceApi | undefined;
  inherit: boolean;
}

const ID_SOURCES = ['param', 'query', 'body'] as const;

/** Validates `@ResourceAccess()`'s argument; throws a TypeError naming the bad field. */
export function normaliseResource(input: unknown): NormalisedResourceRequirement {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError("@ResourceAccess() needs { resource, action, id?: { param | query | body: 'name' } }");
  }
  const value = input as Record<string, unknown>;
  const allowed = ['resource', 'action', 'id', 'namespace', 'api', 'inherit'];
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new TypeError(`@ResourceAccess(): unknown field "${unknown[0]}" (takes ${allowed.join(', ')})`);
  for (const field of ['resource', 'action'] as const) {
    if (typeof value[field] !== 'string' || (value[field] as string).trim() === '') {
      throw new TypeError(`@ResourceAccess(): "${field}" must be a non-empty string`);
    }
  }
  let id: AuthingResourceId | undefined;
  if (value.id !== undefined) {
    const source = value.id as Record<string, unknown> | null;
    const keys = typeof source === 'object' && source !== null ? Object.keys(source) : [];
    const key = keys[0] as (typeof ID_SOURCES)[number] | undefined;
    if (
      keys.length !== 1 ||
      !key ||
      !ID_SOURCES.includes(key) ||
      typeof source![key] !== 'string' ||
      source![key] === ''
    ) {
      throw new TypeError(
        `@ResourceAccess(): "id" must be one of { param: 'name' }, { query: 'name' }, { body: 'name' }`,
      );
    }
    id = Object.freeze({ [key]: source![key] } as AuthingResourceId);
  }
  if (value.namespace !== undefined && (typeof value.namespace !== 'string' || value.namespace.trim() === '')) {
    throw new TypeError('@ResourceAccess(): "namespace" must be a non-empty string');
  }
  if (value.api !== undefined && value.api !== 'isActionAllowed' && value.api !== 'checkPermission') {
    throw new TypeError(`@ResourceAccess(): "api" must be 'isActionAllowed' or 'checkPermission'`);
  }
  if (value.inherit !== undefined && typeof value.inherit !== 'boolean') {
    throw new TypeError('@ResourceAccess(): "inherit" must be true or false');
  }
  return Object.freeze({
    resource: value.resource as string,
    action: value.action as string,
    id,
    namespace: value.namespace as string | undefined,
    api: value.api as AuthingResourceApi | undefined,
    inherit: value.inherit !== false,
  });
}

/** `param:id`, `query:orderId`, `body:orderId`: where an id source reads, for messages. */
export function describeIdSource(id: AuthingResourceId): { from: 'param' | 'query' | 'body'; name: string } {
  if ('param' in id) return { from: 'param', name: id.param };
  if ('query' in id) return { from: 'query', name: id.query };
  return { from: 'body', name: id.body };
}
