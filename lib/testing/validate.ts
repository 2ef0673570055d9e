import { invalidArgument } from './http.js';

/** Request arguments: a JSON body, or the query of a GET (string values, `key[]` arrays). */
export type Args = Record<string, unknown>;

export function requireString(args: Args, field: string): string {
  const value = args[field];
  if (value === undefined || value === null || value === '') throw invalidArgument(`Missing required field: ${field}`);
  if (typeof value !== 'string') throw invalidArgument(`Field ${field} must be a string`);
  return value;
}

export function optionalString(args: Args, field: string): string | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`Field ${field} must be a string`);
  return value;
}

/** Booleans arrive as JSON booleans in bodies and as `"true"`/`"false"` in queries. */
export function optionalBoolean(args: Args, field: string): boolean | undefined {
  const value = args[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidArgument(`Field ${field} must be a boolean`);
}

/** Integers arrive as JSON numbers in bodies and as strings in queries. */
export function optionalInteger(args: Args, field: string): number | undefined {
  const value = args[field];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw invalidArgument(`Field ${field} must be an integer`);
  return n;
}

export function requireArray(args: Args, field: string): unknown[] {
  const value = args[field];
  if (value === undefined || value === null) throw invalidArgument(`Missing required field: ${field}`);
  if (!Array.isArray(value)) throw invalidArgument(`Field ${field} must be an array`);
  return value;
}

export function requireStringArray(args: Args, field: string): string[] {
  const value = args[field];
  // A GET query may carry a single value or a comma-separated list.
  if (typeof value === 'string' && value !== '') return value.split(',').map((s) => s.trim());
  const list = requireArray(args, field);
  if (list.some((item) => typeof item !== 'string'))
    throw invalidArgument(`Field ${field} must be an array of strings`);
  return list as string[];
}

export function optionalObject(args: Args, field: string): Args | undefined {
  const value = args[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`Field ${field} must be an object`);
  return value as Args;
}

export function requireObject(args: Args, field: string): Args {
  const value = optionalObject(args, field);
  if (!value) throw invalidArgument(`Missing required field: ${field}`);
  return value;
}

/** `page` from 1, `limit` default 10 and at most 50 (Authing's documented maximum; larger is clamped). */
export function pagination(args: Args | undefined): { page: number; limit: number } {
  const page = (args && optionalInteger(args, 'page')) ?? 1;
  const limit = (args && optionalInteger(args, 'limit')) ?? 10;
  if (page < 1) throw invalidArgument('Field page must be at least 1');
  if (limit < 1) throw invalidArgument('Field limit must be at least 1');
  return { page, limit: Math.min(limit, 50) };
}

export function paginate<T>(items: readonly T[], page: number, limit: number): { list: T[]; totalCount: number } {
  const start = (page - 1) * limit;
  return { list: items.slice(start, start + limit), totalCount: items.length };
}
