import { MANAGEMENT_ENDPOINTS } from '../../sdk/catalogue/management.catalogue.js';
import type { HttpMethod } from '../../sdk/catalogue/endpoint.js';
import { MAX_LOG_ROWS, newId, type Store, type UserRecord } from '../store.js';
import { optionalString, requireString, type Args } from '../validate.js';

/**
 * Where a management call acts: the user pool, or the Authing tenant a tenant-scoped ManagementClient
 * names (its `tenantId` option, sent as `x-authing-app-id`).
 */
export interface ManagementScope {
  readonly tenantId?: string;
}

/** A management endpoint: validated arguments (and the call's scope) in, `data` of the success envelope out. */
export type ManagementHandler = (args: Args, scope?: ManagementScope) => unknown;

/** What every entity family gets to register its routes: the store and a few shared look-ups. */
export interface FamilyContext {
  readonly store: Store;
  /** Registers `<method> /api/v3/<path>`; a second registration of the same key is a programming error. */
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: ManagementHandler): void;
  /** Registers `path` for every HTTP method the management catalogue gives it. */
  routeAll(path: string, handler: ManagementHandler): void;
  /** The user named by `args[idField]` (of type `args[typeField]`, default `user_id`), or a 2004 error. */
  userOf(args: Args, idField?: string, typeField?: string): UserRecord;
}

/** An entity family's module: registers its routes on the shared context. */
export type Family = (ctx: FamilyContext) => void;

/** Catalogue path → the HTTP methods it is called with. */
const CATALOGUE_METHODS = new Map<string, HttpMethod[]>();
for (const [method, path] of Object.values(MANAGEMENT_ENDPOINTS)) {
  const methods = CATALOGUE_METHODS.get(path) ?? [];
  if (!methods.includes(method)) methods.push(method);
  CATALOGUE_METHODS.set(path, methods);
}

/** Paths that only read: everything else is written to the admin audit log. */
const READ_ONLY = /^(get|list|search|check|is|has|filter|preview)-|-exists$|(^|\/)(get|list)-/;

/** Wraps a mutating handler so each call, success or failure, lands in the admin audit log. */
function audited(store: Store, path: string, handler: ManagementHandler): ManagementHandler {
  const [verb = path, ...rest] = path.split('-');
  const entry = { operationType: verb, resourceType: rest.join('-') || verb, operationParam: path };
  return async (args, scope) => {
    const log = (success: boolean): void => {
      const rows = store.collections.of('adminAuditLogs');
      const id = newId();
      rows.set(id, { id, ...entry, success, clientIp: '127.0.0.1', createdAt: new Date().toISOString() });
      if (rows.size > MAX_LOG_ROWS) rows.delete(rows.keys().next().value!);
    };
    try {
      const data: unknown = await handler(args, scope);
      log(true);
      return data;
    } catch (error) {
      log(false);
      throw error;
    }
  };
}

/** Builds the route table from the families, in order. */
export function buildRoutes(store: Store, families: readonly Family[]): Map<string, ManagementHandler> {
  const routes = new Map<string, ManagementHandler>();
  const ctx: FamilyContext = {
    store,
    route(method, path, handler) {
      const key = `${method} /api/v3/${path}`;
      if (routes.has(key)) throw new Error(`emulator: ${key} registered twice`);
      routes.set(key, READ_ONLY.test(path) || method === 'GET' ? handler : audited(store, path, handler));
    },
    routeAll(path, handler) {
      const methods = CATALOGUE_METHODS.get(`/api/v3/${path}`);
      if (!methods) throw new Error(`emulator: ${path} is not in the management catalogue`);
      for (const method of methods) ctx.route(method, path, handler);
    },
    userOf: (args, idField = 'userId', typeField = 'userIdType') =>
      store.requireUser(requireString(args, idField), optionalString(args, typeField) ?? 'user_id'),
  };
  for (const register of families) register(ctx);
  return routes;
}
