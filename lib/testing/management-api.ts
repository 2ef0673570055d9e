import { buildRoutes, type Family, type ManagementHandler } from './api/registry.js';
import { registerApplications } from './families/applications.js';
import { registerGroups } from './families/groups.js';
import { registerResources } from './families/resources.js';
import { registerRoles } from './families/roles.js';
import { registerUsers } from './families/users.js';
import type { Store } from './store.js';

export type { ManagementHandler } from './api/registry.js';

/** Every entity family of the management API, each in its own module under `families/`. */
const FAMILIES: readonly Family[] = [
  registerUsers,
  registerRoles,
  registerGroups,
  registerResources,
  registerApplications,
];

/**
 * The management API the emulator implements, keyed `"<METHOD> <path>"` with the paths and methods
 * of Authing's v3 API (as the official SDK calls them). Field names follow its DTOs.
 */
export function managementRoutes(store: Store): Map<string, ManagementHandler> {
  return buildRoutes(store, FAMILIES);
}
