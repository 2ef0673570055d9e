import { buildRoutes, type Family, type ManagementHandler } from './api/registry.js';
import { registerApplications } from './families/applications.js';
import { registerApprovals } from './families/approvals.js';
import { registerCustomFields } from './families/custom-fields.js';
import { registerEvents } from './families/events.js';
import { registerGroups } from './families/groups.js';
import { registerMoreGroupRoutes } from './families/groups-more.js';
import { registerMfa } from './families/mfa.js';
import { registerNamespaces } from './families/namespaces.js';
import { registerOrganizations } from './families/organizations.js';
import { registerPlatformRows } from './families/platform-rows.js';
import { registerResources } from './families/resources.js';
import { registerMoreResourceRoutes } from './families/resources-more.js';
import { registerRoles } from './families/roles.js';
import { registerSessionsAndLogs } from './families/sessions-logs.js';
import { registerSettingsFamily } from './families/settings.js';
import { registerTenants } from './families/tenants.js';
import { registerUsers } from './families/users.js';
import { registerMoreUserRoutes } from './families/users-more.js';
import type { Store } from './store.js';

export type { ManagementHandler } from './api/registry.js';

/** Every entity family of the management API, each in its own module under `families/`. */
const FAMILIES: readonly Family[] = [
  registerUsers,
  registerMoreUserRoutes,
  registerRoles,
  registerGroups,
  registerMoreGroupRoutes,
  registerOrganizations,
  registerResources,
  registerMoreResourceRoutes,
  registerNamespaces,
  registerApplications,
  registerMfa,
  registerSessionsAndLogs,
  registerCustomFields,
  registerTenants,
  registerSettingsFamily,
  registerPlatformRows,
  registerEvents,
  registerApprovals,
];

/**
 * The management API the emulator implements, keyed `"<METHOD> <path>"` with the paths and methods
 * of Authing's v3 API (as the official SDK calls them). Field names follow its DTOs.
 */
export function managementRoutes(store: Store): Map<string, ManagementHandler> {
  return buildRoutes(store, FAMILIES);
}
