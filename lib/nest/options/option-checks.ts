/**
 * The checks every module option goes through: each throws {@link AuthingConfigurationError} naming
 * the option, and never echoes a secret's value.
 */

import { AuthingError } from '../../sdk/index.js';
import type { AuthingSessionCluster } from '../cluster/session-cluster.js';

/**
 * A module option is missing or invalid. Thrown at start-up, so a misconfigured app does not boot;
 * `option` names the offending option. The message never contains a secret's value.
 */
export class AuthingConfigurationError extends AuthingError {
  declare readonly code: 'configuration';
  constructor(
    /** The offending option, e.g. `appHost` or `roles.source`; also the error's `reason`. */
    readonly option: string,
    /** What is wrong with it, in words. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('configuration', option, `AuthingModule option "${option}" ${detail}`, options);
  }
}

export function safeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function requiredString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingConfigurationError(
      option,
      `is required and must be a non-empty string (got ${describe(value, option)})`,
    );
  }
  return value;
}

export function optionalString(value: unknown, option: string): void {
  if (value !== undefined) requiredString(value, option);
}

export function absoluteUrl(value: unknown, option: string, originOnly = false): string {
  const text = requiredString(value, option);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuthingConfigurationError(option, `must be an absolute http(s) URL (got ${describe(value, option)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthingConfigurationError(option, `must be an absolute http(s) URL (got ${describe(value, option)})`);
  }
  return originOnly ? text.replace(/\/+$/, '') : text;
}

export function oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new AuthingConfigurationError(
      option,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(value, option)})`,
    );
  }
  return value as T;
}

export function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AuthingConfigurationError(option, `must be a number ≥ 0 (got ${describe(value, option)})`);
  }
  return value;
}

export function positiveInt(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new AuthingConfigurationError(option, `must be an integer ≥ 1 (got ${describe(value, option)})`);
  }
  return value;
}

export function bool(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new AuthingConfigurationError(option, `must be true or false (got ${describe(value, option)})`);
  return value;
}

const SECRET_OPTIONS = new Set(['appSecret', 'accessKeyId', 'accessKeySecret']);

/** Describes a bad value; secrets are never echoed, only their type and length. */
export function describe(value: unknown, option: string): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (SECRET_OPTIONS.has(option)) return `a string of ${value.length} characters`;
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  return `a ${typeof value}`;
}

/** The `cluster` option: an object with every method the replicas' shared state needs. */
export function clusterOption(value: unknown): AuthingSessionCluster | undefined {
  if (value === undefined) return undefined;
  const methods = ['acquireLock', 'releaseLock', 'claimOnce', 'addToIndex', 'takeIndex'] as const;
  const cluster = value as Record<string, unknown> | null;
  const missing = methods.filter((name) => typeof cluster?.[name] !== 'function');
  if (typeof value !== 'object' || value === null || missing.length > 0) {
    throw new AuthingConfigurationError(
      'cluster',
      `must be an AuthingSessionCluster, e.g. redisSessionCluster(redisClient) (missing: ${missing.join(', ')})`,
    );
  }
  return value as AuthingSessionCluster;
}
