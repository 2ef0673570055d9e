import { invalidArgument } from '../http.js';

import {
  DEFAULT_NAMESPACE,
  isResourceType,
  resourceDto,
  type PolicyRecord,
  type PolicyTargetType,
  type ResourceRecord,
} from '../store.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';
import { summarize } from '../api/authorized-resources.js';
import { allows } from './resources-more.js';

const TARGET_TYPES: readonly string[] = ['USER', 'ROLE', 'GROUP', 'DEPARTMENT'];

/** Registers the resource, authorization and permission routes. */
export function registerResources(ctx: FamilyContext): void {
  const { store, route } = ctx;

  const resourceInput = (args: validation.Args, partial: boolean): Partial<ResourceRecord> => {
    const type = partial ? args.type : (args.type ?? undefined);
    if (!partial || type !== undefined) {
      if (type === undefined) throw invalidArgument('Missing required field: type');
      if (!isResourceType(type)) throw invalidArgument('Field type must be one of DATA, API, MENU, BUTTON, UI');
    }
    const actions = args.actions === undefined ? undefined : validation.requireArray(args, 'actions');
    return {
      ...(type !== undefined ? { type: type as ResourceRecord['type'] } : {}),
      name: validation.optionalString(args, 'name'),
      description: validation.optionalString(args, 'description'),
      apiIdentifier: validation.optionalString(args, 'apiIdentifier'),
      actions: actions?.map((a, i) => {
        if (typeof a !== 'object' || a === null) throw invalidArgument(`Field actions[${i}] must be an object`);
        return {
          name: validation.requireString(a as validation.Args, 'name'),
          description: validation.optionalString(a as validation.Args, 'description') ?? '',
        };
      }),
    };
  };

  route('POST', 'create-resource', (args) => {
    const input = resourceInput(args, false);
    return resourceDto(
      store.createResource({
        code: validation.requireString(args, 'code'),
        namespace: validation.optionalString(args, 'namespace') || DEFAULT_NAMESPACE,
        type: input.type!,
        name: input.name,
        description: input.description,
        apiIdentifier: input.apiIdentifier,
        actions: input.actions ?? [],
      }),
    );
  });

  route('GET', 'get-resource', (args) =>
    resourceDto(
      store.requireResource(validation.requireString(args, 'code'), validation.optionalString(args, 'namespace')),
    ),
  );

  route('GET', 'list-resources', (args) => {
    const { page, limit } = validation.pagination(args);
    const namespace = validation.optionalString(args, 'namespace');
    const type = validation.optionalString(args, 'type');
    const list = [...store.resources.values()].filter(
      (r) => (!namespace || r.namespace === namespace) && (!type || r.type === type),
    );
    return validation.paginate(list.map(resourceDto), page, limit);
  });

  route('POST', 'update-resource', (args) => {
    const resource = store.requireResource(
      validation.requireString(args, 'code'),
      validation.optionalString(args, 'namespace'),
    );
    const input = resourceInput(args, true);
    for (const [k, v] of Object.entries(input)) if (v !== undefined) (resource as unknown as validation.Args)[k] = v;
    store.changed();
    return resourceDto(resource);
  });

  route('POST', 'delete-resource', (args) => {
    store.deleteResource(
      store.requireResource(validation.requireString(args, 'code'), validation.optionalString(args, 'namespace')),
    );
    return { success: true };
  });

  route('POST', 'delete-resources-batch', (args) => {
    const namespace = validation.optionalString(args, 'namespace');
    for (const code of validation.requireStringArray(args, 'codeList')) {
      const resource = store.resources.get(`${namespace || DEFAULT_NAMESPACE}\u0000${code}`);
      if (resource) store.deleteResource(resource);
    }
    return { success: true };
  });

  route('POST', 'authorize-resources', (args, scope) => {
    const namespace = validation.optionalString(args, 'namespace') || DEFAULT_NAMESPACE;
    const list = validation.requireArray(args, 'list');
    const policies: PolicyRecord[] = [];
    for (const [i, raw] of list.entries()) {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      const targetType = validation.requireString(item, 'targetType');
      if (!TARGET_TYPES.includes(targetType)) throw invalidArgument(`Field list[${i}].targetType is invalid`);
      const identifiers = validation.requireStringArray(item, 'targetIdentifiers');
      for (const [j, rawResource] of validation.requireArray(item, 'resources').entries()) {
        if (typeof rawResource !== 'object' || rawResource === null) {
          throw invalidArgument(`Field list[${i}].resources[${j}] must be an object`);
        }
        const r = rawResource as validation.Args;
        // The official SDK names the field `code`; some documents call it `resourceCode`.
        const code = validation.optionalString(r, 'code') ?? validation.optionalString(r, 'resourceCode');
        if (!code) throw invalidArgument(`Missing required field: list[${i}].resources[${j}].code`);
        const resourceType = r.resourceType ?? store.resources.get(`${namespace}\u0000${code}`)?.type;
        if (!isResourceType(resourceType))
          throw invalidArgument(`Field list[${i}].resources[${j}].resourceType is invalid`);
        const actions = validation.requireStringArray(r, 'actions');
        for (const targetIdentifier of identifiers) {
          policies.push({
            namespace,
            targetType: targetType as PolicyTargetType,
            targetIdentifier,
            resourceCode: code,
            resourceType,
            actions,
            ...(scope?.tenantId !== undefined ? { tenantId: scope.tenantId } : {}),
          });
        }
      }
    }
    for (const policy of policies) store.authorize(policy);
    return { success: true };
  });

  route('GET', 'get-authorized-resources', (args) => {
    const targetType = validation.requireString(args, 'targetType');
    if (!TARGET_TYPES.includes(targetType)) throw invalidArgument('Field targetType is invalid');
    const identifier = validation.requireString(args, 'targetIdentifier');
    const namespace = validation.optionalString(args, 'namespace');
    const policies =
      targetType === 'USER'
        ? store.effectivePolicies(identifier, namespace)
        : store.policiesOf(targetType as PolicyTargetType, identifier, namespace);
    const list = summarize(policies, store, args);
    return { list, totalCount: list.length };
  });

  route('POST', 'check-permission', (args, scope) => {
    const user = store.requireUser(validation.requireString(args, 'userId'));
    const namespace =
      validation.optionalString(args, 'namespaceCode') ??
      validation.optionalString(args, 'namespace') ??
      DEFAULT_NAMESPACE;
    const action = validation.requireString(args, 'action');
    const policies = store.effectivePolicies(user.userId, namespace, scope?.tenantId);
    const checkResultList = validation.requireStringArray(args, 'resources').map((resource) => ({
      namespaceCode: namespace,
      action,
      resource,
      enabled: allows(policies, resource, action),
    }));
    return { checkResultList };
  });
}
