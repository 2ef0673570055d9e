import { AuthingArgumentError } from '../errors.js';
import { DEFAULT_EVENT_RETRIES } from './subscription.js';

/** Validates the `retryTimes` option: a whole number from 0 (default 5). */
export function eventRetries(value: unknown): number {
  if (value === undefined) return DEFAULT_EVENT_RETRIES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw new AuthingArgumentError('retryTimes', 'must be a whole number from 0 to 100');
  }
  return value;
}
