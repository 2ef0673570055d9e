import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingSessionRecord } from '../session/authing-session.js';
import type { AuthingSessionCluster } from './session-cluster.js';
import { sharedSessionOf } from './shared-session.js';

/** An index entry outlives the longest session it can point to. */
export const LOGIN_INDEX_TTL_MS = 24 * 60 * 60 * 1000;

/** Index keys of an Authing session id and of a user. */
export const sidIndexKey = (sid: string) => `bcl:sid:${sid}`;
export const subIndexKey = (sub: string) => `bcl:sub:${sub}`;

/**
 * Records which of our sessions a login made, under its Authing `sid` and its `sub`, so that a
 * back-channel logout (which names one of them) can end them on every replica.
 */
export async function indexLogin(
  cluster: AuthingSessionCluster,
  request: AuthingRequest,
  record: AuthingSessionRecord,
): Promise<void> {
  const handle = sharedSessionOf(request);
  if (!handle) return;
  const keys: string[] = [];
  if (typeof record.claims.sid === 'string' && record.claims.sid !== '') keys.push(sidIndexKey(record.claims.sid));
  if (typeof record.claims.sub === 'string' && record.claims.sub !== '') keys.push(subIndexKey(record.claims.sub));
  if (keys.length > 0) await cluster.addToIndex(keys, handle.id, LOGIN_INDEX_TTL_MS);
}
