import type { Store, UserRecord } from '../store.js';
import { optionalString, requireString, type Args } from '../validate.js';

/** A management endpoint: validated arguments in, `data` of the success envelope out. */
export type ManagementHandler = (args: Args) => unknown;

/** What every entity family gets to register its routes: the store and a few shared look-ups. */
export interface FamilyContext {
  readonly store: Store;
  /** Registers `<method> /api/v3/<path>`; a second registration of the same key is a programming error. */
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: ManagementHandler): void;
  /** The user named by `args[idField]` (of type `args[typeField]`, default `user_id`), or a 2004 error. */
  userOf(args: Args, idField?: string, typeField?: string): UserRecord;
}

/** An entity family's module: registers its routes on the shared context. */
export type Family = (ctx: FamilyContext) => void;

/** Builds the route table from the families, in order. */
export function buildRoutes(store: Store, families: readonly Family[]): Map<string, ManagementHandler> {
  const routes = new Map<string, ManagementHandler>();
  const ctx: FamilyContext = {
    store,
    route(method, path, handler) {
      const key = `${method} /api/v3/${path}`;
      if (routes.has(key)) throw new Error(`emulator: ${key} registered twice`);
      routes.set(key, handler);
    },
    userOf: (args, idField = 'userId', typeField = 'userIdType') =>
      store.requireUser(requireString(args, idField), optionalString(args, typeField) ?? 'user_id'),
  };
  for (const register of families) register(ctx);
  return routes;
}
