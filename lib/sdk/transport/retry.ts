/** Retry policy for transient failures. */
export interface RetryOptions {
  /** Extra attempts after the first one. Default 2; 0 turns retries off. */
  retries?: number;
  /** Base of the exponential backoff in ms. Default 100. */
  minDelayMs?: number;
  /** Ceiling of one backoff (and of a server's `Retry-After`) in ms. Default 2000. */
  maxDelayMs?: number;
  /**
   * Retry non-idempotent requests (POST) too. Default false: a POST that reached the server may have
   * taken effect, so repeating it could create something twice.
   */
  nonIdempotent?: boolean;
}

export type ResolvedRetry = Required<RetryOptions>;

export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function resolveRetry(options: RetryOptions | false | undefined): ResolvedRetry {
  if (options === false) return { retries: 0, minDelayMs: 0, maxDelayMs: 0, nonIdempotent: false };
  return {
    retries: options?.retries ?? 2,
    minDelayMs: options?.minDelayMs ?? 100,
    maxDelayMs: options?.maxDelayMs ?? 2000,
    nonIdempotent: options?.nonIdempotent ?? false,
  };
}

/** Full-jitter exponential backoff; a `Retry-After` from the server wins but is capped. */
export function backoffDelay(policy: ResolvedRetry, attempt: number, retryAfter: string | null): number {
  const fromServer = parseRetryAfter(retryAfter);
  if (fromServer !== undefined) return Math.min(fromServer, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return Math.floor(Math.random() * ceiling);
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
