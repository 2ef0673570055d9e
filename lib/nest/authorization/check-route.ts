import type { AuthingRolesService } from '../roles/authing-roles.service.js';
import type { AuthingRequest, AuthingTransport } from '../request/request-context.js';
import type { AuthingUser } from '../user/authing-user.js';
import { badRequest, forbidden } from '../guards/guard-errors.js';
import type { AuthingAuthorization } from './authing-authorization.service.js';
import { resourceIdOf } from './resource-id.js';
import {
  DEFAULT_NAMESPACE,
  meets,
  missingOf,
  type AuthingResourceApi,
  type NormalisedRequirement,
  type NormalisedResourceRequirement,
} from './requirements.js';
import type { RouteRequirements } from './route-requirements.js';
import type { TenancyDispatch } from '../tenancy/tenancy-dispatch.js';

/** What the check needs: where roles come from, the resource questions, the module's defaults. */
export interface RouteCheckDeps {
  roles: AuthingRolesService;
  authorization: AuthingAuthorization;
  rolesNamespace: string | undefined;
  resourceNamespace: string | undefined;
  resourceApi: 'isActionAllowed' | 'checkPermission';
  /** Only with the `tenancy` option: the request's tenant's management scope answers. */
  tenancy: TenancyDispatch | undefined;
}

/**
 * Checks every requirement of a route, in order: roles, permissions, then resource instances (the
 * only ones that may cost a call per instance). Throws the 403 (or 400) naming the first requirement
 * that failed; lets network failures through (the caller answers 503).
 */
export async function checkRoute(
  deps: RouteCheckDeps,
  transport: Exclude<AuthingTransport, { kind: 'unknown' }>,
  user: AuthingUser,
  requirements: RouteRequirements,
): Promise<void> {
  // The request's tenant (resolved once per request, memoised); undefined without tenancy.
  const tenant = deps.tenancy?.contextOf(transport.request)?.name;
  const lookup = tenant === undefined ? undefined : { tenant };
  for (const requirement of requirements.roles) {
    const namespace = requirement.namespace ?? deps.rolesNamespace ?? DEFAULT_NAMESPACE;
    const held = await deps.roles.rolesIn(user, namespace, lookup);
    if (!meets(held, requirement.codes, requirement.match)) {
      throw forbidden(transport, roleMessage(requirement, namespace), {
        reason: 'missing_role',
        requirement: { roles: [...requirement.codes], match: requirement.match, namespace },
      });
    }
  }
  for (const requirement of requirements.permissions) {
    const namespace = requirement.namespace ?? deps.rolesNamespace ?? DEFAULT_NAMESPACE;
    const held = await deps.roles.permissionsIn(user, namespace, lookup);
    if (!meets(held, requirement.codes, requirement.match)) {
      const message =
        requirement.match === 'all'
          ? `Missing permissions: ${missingOf(held, requirement.codes).join(', ')}`
          : `Requires one of the permissions: ${requirement.codes.join(', ')}`;
      throw forbidden(transport, message, {
        reason: 'missing_permission',
        requirement: { permissions: [...requirement.codes], match: requirement.match, namespace },
      });
    }
  }
  if (requirements.resources.length === 0) return;
  // Ids first: a request lacking one is refused before any question is asked.
  const questions = requirements.resources.map((requirement) => {
    const question = questionOf(deps, transport.request, requirement);
    if ('problem' in question) {
      throw badRequest(
        transport,
        `Resource id unavailable for ${requirement.resource}/${requirement.action}: ${question.problem}`,
        {
          reason: 'missing_resource_id',
          requirement: { resource: requirement.resource, action: requirement.action, id: { ...requirement.id } },
        },
      );
    }
    return question;
  });
  // Asked together: the slowest answer, not their sum, is what the request waits for.
  const answers = await Promise.all(
    questions.map((q) => deps.authorization.ask(user.sub, q.action, q.resource, q.namespace, q.api, tenant)),
  );
  const denied = answers.findIndex((allowed) => !allowed);
  if (denied >= 0) {
    const q = questions[denied]!;
    throw forbidden(transport, `Not allowed to ${q.action} ${q.resource}`, {
      reason: 'action_not_allowed',
      requirement: { resource: q.resource, action: q.action, ...(q.namespace ? { namespace: q.namespace } : {}) },
    });
  }
}

/**
 * The route's verdict from answers already remembered, without a promise: true when the route asks
 * only resource questions and every one has a fresh "allowed" answer. Undefined otherwise (an answer
 * missing or denied, an id missing, role or permission requirements): {@link checkRoute} then asks,
 * or refuses with its reason.
 */
export function checkRouteCached(
  deps: RouteCheckDeps,
  request: AuthingRequest,
  user: AuthingUser,
  requirements: RouteRequirements,
): true | undefined {
  if (!onlyResourceQuestions(requirements)) return undefined;
  const tenant = deps.tenancy?.contextOf(request)?.name;
  for (const requirement of requirements.resources) {
    const question = questionOf(deps, request, requirement);
    if ('problem' in question) return undefined;
    const { action, resource, namespace, api } = question;
    if (deps.authorization.peek(user.sub, action, resource, namespace, api, tenant) !== true) return undefined;
  }
  return true;
}

/** One question to Authing: may the user perform `action` on `resource` (an instance: `order:42`)? */
interface ResourceQuestion {
  action: string;
  resource: string;
  namespace: string | undefined;
  api: AuthingResourceApi;
}

/** The question a resource requirement asks of this request (the instance id read from it), or why none. */
function questionOf(
  deps: RouteCheckDeps,
  request: AuthingRequest,
  requirement: NormalisedResourceRequirement,
): ResourceQuestion | { problem: string } {
  let resource = requirement.resource;
  if (requirement.id) {
    const found = resourceIdOf(request, requirement.id);
    if ('problem' in found) return found;
    resource = `${requirement.resource}:${found.id}`;
  }
  return {
    action: requirement.action,
    resource,
    namespace: requirement.namespace ?? deps.resourceNamespace,
    api: requirement.api ?? deps.resourceApi,
  };
}

/** Whether a route asks only resource questions (no roles or permissions): {@link checkRouteCached}'s case. */
export function onlyResourceQuestions(requirements: RouteRequirements): boolean {
  return requirements.roles.length === 0 && requirements.permissions.length === 0;
}

function roleMessage(requirement: NormalisedRequirement, namespace: string): string {
  const where = namespace === DEFAULT_NAMESPACE ? '' : ` (namespace ${namespace})`;
  return requirement.match === 'all'
    ? `Requires all of the roles: ${requirement.codes.join(', ')}${where}`
    : `Requires one of the roles: ${requirement.codes.join(', ')}${where}`;
}
