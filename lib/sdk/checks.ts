import { AuthingArgumentError } from './errors.js';

/**
 * The argument and option checks the SDK's clients share. Each names the offending argument in an
 * {@link AuthingArgumentError}, so a caller (or the Nest layer) can say which option to fix.
 */

/** `value` when it is a non-empty string; else an error naming `name`. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new AuthingArgumentError(name, 'is required and must be a non-empty string');
  }
  return value;
}

/** `value` when it is a string with something other than blanks (for options: ids, secrets). */
export function requireNonBlank(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingArgumentError(name, 'is required and must be a non-empty string');
  }
  return value;
}

/** A number ≥ 0, or `fallback` when the option was left out. */
export function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AuthingArgumentError(name, 'must be a number ≥ 0');
  }
  return value;
}

/** `value` when it is one of `allowed`; the error lists them and says what was given. */
export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) {
    throw new AuthingArgumentError(name, `must be one of ${allowed.join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** Whether `value` is an absolute http: or https: URL. */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A short, safe description of a wrong value: a string is quoted and truncated, anything else typed. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}
