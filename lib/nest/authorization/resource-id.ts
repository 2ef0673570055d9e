import type { AuthingRequest } from '../request/request-context.js';
import { describeIdSource, type AuthingResourceId } from './requirements.js';

/** Longest resource id accepted from a request: Authing's resource identifiers are short. */
const MAX_ID_LENGTH = 256;

/**
 * Characters Authing reads as resource structure: `order:1` granted would cover `order:1:2`, `*` is
 * the wildcard and `/` separates tree nodes. An id holding one could name another resource than
 * the one the handler serves, so it is refused rather than passed on.
 */
const STRUCTURAL = /[:*/]/;

/** The id read from the request, or why there is none. */
export type ResourceIdResult = { id: string } | { problem: string };

/**
 * Reads a resource instance id from the request: `req.params`, `req.query` or `req.body` (Express
 * and Fastify alike). A single string or finite number only: an array (`?id=1&id=2`), an object,
 * an empty value or one with `:`, `*` or `/` is refused, never turned into some other resource name.
 */
export function resourceIdOf(request: AuthingRequest | undefined, source: AuthingResourceId): ResourceIdResult {
  const { from, name } = describeIdSource(source);
  const where = { param: 'route parameter', query: 'query parameter', body: 'body field' }[from];
  const bag = (request as Record<string, unknown> | undefined)?.[from === 'param' ? 'params' : from];
  const value =
    typeof bag === 'object' && bag !== null && Object.prototype.hasOwnProperty.call(bag, name)
      ? (bag as Record<string, unknown>)[name]
      : undefined;
  if (value === undefined || value === null || value === '') return { problem: `${where} "${name}" is missing` };
  if (typeof value === 'number' && Number.isFinite(value)) return { id: String(value) };
  if (typeof value !== 'string') return { problem: `${where} "${name}" must be a single string or number` };
  if (value.length > MAX_ID_LENGTH) return { problem: `${where} "${name}" is longer than ${MAX_ID_LENGTH} characters` };
  if (STRUCTURAL.test(value)) return { problem: `${where} "${name}" must not contain ":", "*" or "/"` };
  return { id: value };
}
