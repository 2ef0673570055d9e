import { createHash } from 'node:crypto';
import type { AuthingRequest } from '../request/request-context.js';

/** The express-session / @fastify/session store methods the module uses (callback style). */
export interface SessionStoreLike {
  get(id: string, callback: (error: unknown, session?: Record<string, unknown> | null) => void): unknown;
  destroy(id: string, callback?: (error?: unknown) => void): unknown;
}

/** The session id and the store behind `req.session`, when the session middleware exposes them. */
export interface SharedSessionHandle {
  id: string;
  store: SessionStoreLike;
}

/**
 * express-session puts the store on `req.sessionStore` and the id on `req.sessionID`;
 * @fastify/session on `request.sessionStore` and `request.session.sessionId`.
 */
export function sharedSessionOf(request: AuthingRequest): SharedSessionHandle | undefined {
  const req = request as AuthingRequest & { sessionStore?: SessionStoreLike; sessionID?: unknown };
  const store = req.sessionStore;
  const id = req.sessionID ?? (req.session as { sessionId?: unknown } | undefined)?.sessionId;
  if (!store || typeof store.get !== 'function' || typeof id !== 'string') return undefined;
  return { id, store };
}

/** The stored copy of a session (what another replica may have written since this request read it). */
export function loadStored(handle: SharedSessionHandle): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    handle.store.get(handle.id, (error, session) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(session ?? null),
    );
  });
}

/** Destroys a session of the store by id (another replica's request may be holding it). */
export function destroyStored(store: SessionStoreLike, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    store.destroy(id, (error) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    );
  });
}

/** Lock and index keys never contain a session id in clear (it is a bearer credential). */
export function hashedId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
