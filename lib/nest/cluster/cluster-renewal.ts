import type { AuthingSessionRecord } from '../session/authing-session.js';
import type { AuthingSessionCluster } from './session-cluster.js';
import { hashedId, loadStored, type SharedSessionHandle } from './shared-session.js';

/** How long one replica may hold a session's refresh lock: longer than a token request can take. */
const LOCK_TTL_MS = 15_000;
/** How often a waiting replica re-reads the session from the store. */
const POLL_MS = 40;

/** Renewal failed for a reason that is not the user's (lock never freed, store unavailable). */
export class SessionRenewalUnavailableError extends Error {
  constructor(reason: string) {
    super(`session renewal unavailable: ${reason}`);
    this.name = 'SessionRenewalUnavailableError';
  }
}

/**
 * Renews an expired login once across every replica sharing the store. The replica that takes the
 * session's lock re-reads the stored session first (fencing: if another replica already renewed, its
 * refresh token differs and is taken as is), refreshes, writes the session to the store, then frees
 * the lock; the others wait and re-read the stored session. A rotated refresh token is therefore
 * used exactly once, and no replica logs the user out with a refresh token another one replaced.
 *
 * @param refresh asks Authing for new tokens (undefined: refused, log in again)
 * @param persist writes the renewed login into the session and saves it to the store
 */
export async function renewAcrossReplicas(
  cluster: AuthingSessionCluster,
  handle: SharedSessionHandle,
  sessionKey: string,
  login: AuthingSessionRecord,
  refresh: (login: AuthingSessionRecord) => Promise<AuthingSessionRecord | undefined>,
  persist: (record: AuthingSessionRecord | undefined) => Promise<void>,
): Promise<AuthingSessionRecord | undefined> {
  const lockKey = `renew:${hashedId(handle.id)}`;
  const deadline = Date.now() + LOCK_TTL_MS + 5_000;
  for (;;) {
    const token = await cluster.acquireLock(lockKey, LOCK_TTL_MS);
    if (token) {
      try {
        const stored = await storedLogin(handle, sessionKey);
        if (stored === null) return undefined; // logged out (or ended) meanwhile
        if (renewedSince(stored, login)) return stored;
        const renewed = await refresh(stored);
        if (!renewed) {
          // Refused: if another replica's renewal landed in between, its token is the good one.
          const again = await storedLogin(handle, sessionKey);
          if (again && renewedSince(again, login)) return again;
        }
        await persist(renewed);
        return renewed;
      } finally {
        await cluster.releaseLock(lockKey, token).catch(() => undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const stored = await storedLogin(handle, sessionKey);
    if (stored === null) return undefined;
    if (renewedSince(stored, login)) return stored;
    if (Date.now() > deadline) throw new SessionRenewalUnavailableError('another replica holds the refresh lock');
  }
}

/** The stored login; null when the session or its login is gone. */
async function storedLogin(handle: SharedSessionHandle, key: string): Promise<AuthingSessionRecord | null> {
  const session = await loadStored(handle);
  if (!session) return null;
  const record = session[key] as AuthingSessionRecord | undefined;
  if (!record || typeof record !== 'object') return null;
  return record;
}

function renewedSince(stored: AuthingSessionRecord, login: AuthingSessionRecord): boolean {
  return stored.refreshToken !== login.refreshToken || stored.expiresAt > Math.max(login.expiresAt, Date.now());
}
