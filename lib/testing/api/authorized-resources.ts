import type { PolicyRecord, Store } from '../store.js';
import { optionalString, type Args } from '../validate.js';

/** Merges policies into Authing's authorized-resource items (one per resource code). */
export function summarize(policies: PolicyRecord[], store: Store, args: Args): Record<string, unknown>[] {
  const resourceType = optionalString(args, 'resourceType');
  const byCode = new Map<
    string,
    { resourceCode: string; resourceType: string; actions: Set<string>; namespace: string }
  >();
  for (const p of policies) {
    if (resourceType && p.resourceType !== resourceType) continue;
    const key = `${p.namespace}\u0000${p.resourceCode}`;
    let item = byCode.get(key);
    if (!item) {
      item = { resourceCode: p.resourceCode, resourceType: p.resourceType, actions: new Set(), namespace: p.namespace };
      byCode.set(key, item);
    }
    for (const a of p.actions) item.actions.add(a);
  }
  return [...byCode.entries()].map(([key, item]) => {
    const resource = store.resources.get(key);
    return {
      resourceCode: item.resourceCode,
      resourceType: item.resourceType,
      actions: [...item.actions],
      ...(resource?.apiIdentifier ? { apiIdentifier: resource.apiIdentifier } : {}),
      ...(resource?.description ? { description: resource.description } : {}),
    };
  });
}
