import { ApiError, API_CODES } from './http.js';

/** Authing-like account lockout after repeated failed sign-ins (passwords and passcodes). */
export interface LockoutOptions {
  /** Failed attempts that lock the account; default 5. */
  maxAttempts?: number;
  /** Failures are counted within this many seconds, and the lock lasts as long; default 300. */
  windowSeconds?: number;
}

/**
 * Counts failed sign-ins per account (or per email/phone for passcodes of unknown users). After
 * `maxAttempts` failures within the window the account is locked for `windowSeconds`: every sign-in
 * is refused with apiCode 2005 (Authing's "user is locked"), even with the right password. A
 * successful sign-in clears the count.
 */
export class Lockout {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();

  constructor(options: LockoutOptions | false | undefined) {
    const { maxAttempts, windowSeconds } = resolveLockout(options);
    this.#max = maxAttempts;
    this.#windowMs = windowSeconds * 1000;
  }

  /** Seconds the account stays locked, or 0. */
  remainingSeconds(key: string): number {
    const until = this.#lockedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.#lockedUntil.delete(key);
    return 0;
  }

  /** Throws the lockout error when the account is locked. */
  assertOpen(key: string): void {
    const seconds = this.remainingSeconds(key);
    if (seconds > 0) throw lockedError(seconds);
  }

  /** Records a failure; true when it locked the account. */
  fail(key: string): boolean {
    if (this.#max <= 0) return false;
    const now = Date.now();
    const recent = (this.#failures.get(key) ?? []).filter((at) => now - at < this.#windowMs);
    recent.push(now);
    if (recent.length >= this.#max) {
      this.#failures.delete(key);
      this.#lockedUntil.set(key, now + this.#windowMs);
      return true;
    }
    this.#failures.set(key, recent);
    return false;
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }

  /** Forgets old failures and ended locks. */
  sweep(): void {
    const now = Date.now();
    for (const [key, list] of this.#failures) {
      if (list.every((at) => now - at >= this.#windowMs)) this.#failures.delete(key);
    }
    for (const [key, until] of this.#lockedUntil) if (until <= now) this.#lockedUntil.delete(key);
  }
}

/** The lockout settings with their defaults; throws a TypeError naming a bad one. */
export function resolveLockout(options: LockoutOptions | false | undefined): Required<LockoutOptions> {
  if (options === false) return { maxAttempts: 0, windowSeconds: 1 };
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('lockout: expected { maxAttempts, windowSeconds } or false');
  }
  const maxAttempts = options?.maxAttempts ?? 5;
  const windowSeconds = options?.windowSeconds ?? 300;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 0) {
    throw new TypeError('lockout.maxAttempts: expected a whole number >= 0 (0 turns the lockout off)');
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new TypeError('lockout.windowSeconds: expected a whole number of seconds > 0');
  }
  return { maxAttempts, windowSeconds };
}

export function lockedError(seconds: number): ApiError {
  return new ApiError(
    403,
    API_CODES.USER_LOCKED,
    `Account locked after too many failed sign-in attempts; try again in ${seconds} s`,
  );
}
