import { ServiceUnavailableException } from '@nestjs/common';
import type { AuthingRequest, AuthingSessionLike } from '../request/request-context.js';
import { sessionOf, type AuthingSessionRecord } from './authing-session.js';
import { lifetimeState, type AuthingSessionLifetime } from './session-lifetime.js';

/**
 * The login if it is within its absolute lifetime and inactivity timeout, else undefined (and it is
 * removed from the session). Its `seenAt` is moved forward at most once per granularity step, so that
 * the session is written then, not on every request.
 */
export function enforceLifetime(
  request: AuthingRequest,
  key: string,
  login: AuthingSessionRecord,
  lifetime: Required<AuthingSessionLifetime>,
  now = Date.now(),
): AuthingSessionRecord | undefined {
  const session = sessionOf(request);
  const state = lifetimeState(login, lifetime, now);
  if (state === 'ended') {
    if (session) delete session[key];
    return undefined;
  }
  if (state === 'touch' && session) {
    const touched = { ...login, loginAt: login.loginAt ?? now, seenAt: now };
    session[key] = touched;
    return touched;
  }
  return login;
}

/** Writes a renewed login into the session (or removes it) and saves the session to its store now. */
export async function persistLogin(
  request: AuthingRequest,
  key: string,
  record: AuthingSessionRecord | undefined,
): Promise<void> {
  const session = sessionOf(request);
  if (!session) return;
  if (record) session[key] = record;
  else delete session[key];
  await saveSession(session);
}

/** Saves the session to its store now; a store failure becomes a {@link SessionStoreError} (503). */
export async function saveSession(session: AuthingSessionLike): Promise<void> {
  if (typeof session.save !== 'function') return;
  await new Promise<void>((resolve, reject) =>
    session.save!((error) => (error ? reject(new SessionStoreError(error)) : resolve())),
  );
}

/** The session store failed (Redis down, connection lost): 503, try again shortly. */
export class SessionStoreError extends ServiceUnavailableException {
  constructor(cause: unknown) {
    super({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The session store is unavailable; try again shortly',
    });
    this.name = 'SessionStoreError';
    // Only the class of the cause: a store error may quote the session it was writing.
    this.message = `the session store failed (${cause instanceof Error ? cause.name : typeof cause})`;
  }
}

/**
 * Errors of the session store or the cluster's Redis client (node-redis and ioredis name their
 * connection errors so): the store is unavailable, which is not the user's fault (503, never 401).
 */
export function isStoreError(error: unknown): boolean {
  if (error instanceof SessionStoreError) return true;
  if (!(error instanceof Error)) return false;
  return (
    /^(ClientClosedError|ClientOfflineError|ConnectionTimeoutError|SocketClosedUnexpectedlyError|ReconnectStrategyError|MaxRetriesPerRequestError)$/.test(
      error.name,
    ) ||
    /ECONNREFUSED|ECONNRESET|The client is closed|offline queue|Connection is closed|Socket closed/i.test(error.message)
  );
}
