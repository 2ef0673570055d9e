/**
 * Deterministic arguments for the wire comparison, derived from the declared TypeScript types of
 * the official methods: strings with characters that need URL encoding, numbers, booleans, literal
 * unions, arrays for array-typed query parameters, and nested objects in bodies.
 */
import { dtoFields, type DeclaredField } from './official-surface.js';

export type Variant = 'full' | 'alternate';

/** The string literals of a union such as `"a" | "b"`, or of `Array<"a" | "b">`. */
function literals(type: string): string[] {
  return [...type.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

function arrayItemType(type: string): string | undefined {
  const m = /^Array<([\s\S]+)>$/.exec(type) ?? /^([\w.]+)\[\]$/.exec(type);
  return m?.[1];
}

/** A value for one query parameter of the given declared type. Arrays hold strings only. */
export function queryValue(field: DeclaredField, index: number, variant: Variant): unknown {
  const { name, type } = field;
  const item = arrayItemType(type);
  if (item !== undefined) {
    const choices = literals(item);
    if (choices.length > 0) {
      return variant === 'full' ? choices.slice(0, 2) : [choices[choices.length - 1]!];
    }
    return variant === 'full' ? [`${name}-1`, `${name} 2&x=[y]`] : [`${name}-only`];
  }
  const choices = literals(type);
  if (choices.length > 0) return variant === 'full' ? choices[0] : choices[choices.length - 1];
  switch (type) {
    case 'string':
      return variant === 'full' ? `${name} 值 ${index}&a=b+c/d?e#f%20` : '';
    case 'number':
      return variant === 'full' ? index + 2 : 0;
    case 'boolean':
      return variant === 'full';
    default:
      return variant === 'full' ? `${name}-any-${index}` : 42;
  }
}

function bodyValue(field: DeclaredField, depth: number): unknown {
  const { name, type } = field;
  const item = arrayItemType(type);
  if (item !== undefined) {
    const choices = literals(item);
    if (choices.length > 0) return choices.slice(0, 2);
    if (item === 'string') return [`${name}-a`, `${name} "b"`];
    if (item === 'number') return [1, 2.5];
    if (item === 'boolean') return [true, false];
    return [{ item: name, deep: { ok: true, list: [1, 'two', null] } }];
  }
  const choices = literals(type);
  if (choices.length > 0) return choices[0];
  if (type === 'string') return `${name}: 张三 & "co"\n`;
  if (type === 'number') return 3;
  if (type === 'boolean') return true;
  if (type === 'any') return { any: [1, { deep: [true, null] }] };
  if (/^\w+$/.test(type) && depth < 2) {
    const nested = dtoFields(type);
    if (nested.length > 0) return objectFrom(nested.slice(0, 4), depth + 1);
  }
  return { nested: { of: type, values: [1, 'two', false] } };
}

function objectFrom(fields: DeclaredField[], depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.name] = bodyValue(f, depth);
  return out;
}

/**
 * A JSON body for an official request DTO: only its declared fields (both SDKs refuse or would
 * refuse others), up to six with values of their types (nested DTOs recursively), then the
 * canonical form of the signature on declared fields: a top-level `null` and an `undefined` that
 * must vanish. A DTO that declares nothing (an undocumented body, sent as given) gets fields of
 * every JSON type instead.
 */
export function bodyFor(dto: string, endpoint: string): Record<string, unknown> {
  const fields = dtoFields(dto);
  if (fields.length === 0) return anyBody(endpoint);
  const body = objectFrom(fields.slice(0, 6), 0);
  // Beyond six fields: the seventh null, the eighth undefined. Else an optional string field is null.
  const [nulled, dropped] =
    fields.length > 6 ? fields.slice(6) : [fields.find((f) => f.optional && f.type === 'string'), undefined];
  if (nulled && fields.length > 1) body[nulled.name] = null;
  if (dropped) body[dropped.name] = undefined;
  return body;
}

function anyBody(endpoint: string): Record<string, unknown> {
  return {
    endpoint,
    count: 7,
    ratio: 0.25,
    enabled: false,
    tags: ['α', 'b c', '&='],
    options: { pagination: { page: 2, limit: 5 }, nested: { list: [1, 'two', { three: [true, null] }] } },
    nothing: null,
    dropped: undefined,
  };
}
