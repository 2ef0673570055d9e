import type { AuthingSessionRecord } from './authing-session.js';

/** Limits of a logged-in session, whatever its refresh token still allows. */
export interface AuthingSessionLifetime {
  /** Milliseconds from the login after which the session ends, active or not. Default 8 hours. */
  absolute?: number;
  /** Milliseconds without a request after which the session ends (rolling). Default 30 minutes. */
  idle?: number;
}

export const DEFAULT_ABSOLUTE_LIFETIME_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * How stale `seenAt` may get before a request writes it again: a session is written at most once per
 * this interval (not once per request), so a store round trip per request stays a read.
 */
export function seenAtGranularity(idleMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(idleMs / 10)));
}

/** Checks and fills in the `sessionLifetime` option. */
export function resolveSessionLifetime(
  input: unknown,
  fail: (option: string, reason: string) => Error,
): Required<AuthingSessionLifetime> {
  if (input === undefined) return { absolute: DEFAULT_ABSOLUTE_LIFETIME_MS, idle: DEFAULT_IDLE_TIMEOUT_MS };
  if (typeof input !== 'object' || input === null) {
    throw fail('sessionLifetime', 'must be an object { absolute?, idle? } (milliseconds)');
  }
  const value = input as Record<string, unknown>;
  const unknown = Object.keys(value).filter((key) => key !== 'absolute' && key !== 'idle');
  if (unknown.length > 0) throw fail('sessionLifetime', `has unknown keys: ${unknown.join(', ')} (absolute, idle)`);
  const read = (key: 'absolute' | 'idle', fallback: number): number => {
    const ms = value[key];
    if (ms === undefined) return fallback;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 1000) {
      throw fail(`sessionLifetime.${key}`, 'must be a number of milliseconds ≥ 1000');
    }
    return ms;
  };
  return { absolute: read('absolute', DEFAULT_ABSOLUTE_LIFETIME_MS), idle: read('idle', DEFAULT_IDLE_TIMEOUT_MS) };
}

/**
 * Whether a login is past its absolute lifetime or idle for too long (`'ended'`), due a `seenAt`
 * write (`'touch'`), or fine. Logins written before these fields existed count from now.
 */
export function lifetimeState(
  record: AuthingSessionRecord,
  lifetime: Required<AuthingSessionLifetime>,
  now: number,
): 'ended' | 'touch' | 'ok' {
  const loginAt = typeof record.loginAt === 'number' ? record.loginAt : undefined;
  const seenAt = typeof record.seenAt === 'number' ? record.seenAt : undefined;
  if (loginAt !== undefined && now - loginAt >= lifetime.absolute) return 'ended';
  if (seenAt !== undefined && now - seenAt >= lifetime.idle) return 'ended';
  if (seenAt === undefined || loginAt === undefined || now - seenAt >= seenAtGranularity(lifetime.idle)) return 'touch';
  return 'ok';
}
