/**
 * The slot that marks a session whose store could not be read (Redis down) on Fastify: the session
 * exists for the request, so a bearer request goes on, but nothing may read a login from it (503) nor
 * write it back over the real one.
 */
export const STORE_UNAVAILABLE = 'authing:storeUnavailable';

export function isUnavailableSession(session: object | undefined): boolean {
  return session !== undefined && (session as Record<string, unknown>)[STORE_UNAVAILABLE] === true;
}
