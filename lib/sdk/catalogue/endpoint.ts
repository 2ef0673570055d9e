import { AuthingArgumentError } from '../errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where a call's arguments travel: the query string, a JSON body, or nowhere. */
export type ArgsLocation = 'query' | 'body' | 'none';

/**
 * A query parameter: its name; or its name and the default the official SDKs send when it is omitted;
 * or, when the wire name differs from the argument name (`appId` sent as `app_id`), all three.
 */
export type QueryParam =
  | string
  | readonly [name: string, defaultValue: string | number | boolean]
  | readonly [name: string, defaultValue: string | number | boolean | null, wireName: string];

/**
 * One catalogue entry: `[method, path, argsLocation, queryParams | bodyFields]`. `{name}` path
 * segments are parameters. `bodyFields`, the top-level fields of the official request type, is
 * absent where that type declares none (then any body is sent as given).
 */
export type EndpointSpec =
  | readonly [HttpMethod, string, 'none']
  | readonly [HttpMethod, string, 'body', (readonly string[])?]
  | readonly [HttpMethod, string, 'query', readonly QueryParam[]];

/** A call ready for the transport. */
export interface PreparedCall {
  method: HttpMethod;
  path: string;
  /** Query parameters in the order the official SDKs send them. */
  query?: Record<string, unknown>;
  /** Top-level JSON body fields; `undefined` sends no body. */
  body?: Record<string, unknown>;
}

const PATH_PARAM = /\{(\w+)\}/g;

/**
 * Turns a method's single argument object into method, path, query and body, exactly as the
 * endpoint says: path parameters are taken out of the object and substituted, query parameters
 * get the official defaults, and the rest becomes the body.
 */
export function prepareCall(name: string, spec: EndpointSpec, args: unknown): PreparedCall {
  if (args !== undefined && !isPlainObject(args)) {
    throw new AuthingArgumentError(name, `expected an object of named arguments, got ${describe(args)}`);
  }
  const rest: Record<string, unknown> = args ? { ...args } : {};
  const [method, pattern, location] = spec;
  const path = pattern.includes('{') ? substitutePath(name, pattern, rest) : pattern;

  if (location === 'query') {
    const query: Record<string, unknown> = {};
    for (const param of spec[3]) {
      const [key, fallback, wire] = typeof param === 'string' ? [param, undefined, param] : param;
      // As with the official SDKs' parameter defaults, an explicit `undefined` also gets the default.
      const given = Object.prototype.hasOwnProperty.call(rest, key) ? rest[key] : undefined;
      const value = given === undefined ? fallback : given;
      delete rest[key];
      if (value !== undefined && value !== null) query[wire ?? key] = value;
    }
    const unknown = Object.keys(rest).filter((k) => rest[k] !== undefined);
    if (unknown.length > 0) {
      const known = spec[3].map((p) => (typeof p === 'string' ? p : p[0]));
      throw new AuthingArgumentError(
        `${name}.${unknown[0]}`,
        `not a parameter of ${name}; it takes ${known.join(', ') || 'no parameters'}`,
      );
    }
    return { method, path, query };
  }
  if (location === 'none') {
    const extra = Object.keys(rest).filter((k) => rest[k] !== undefined);
    if (extra.length > 0) throw new AuthingArgumentError(`${name}.${extra[0]}`, `${name} takes no arguments`);
    return { method, path };
  }
  const fields = spec[3];
  if (fields) {
    const unknown = Object.keys(rest).filter((k) => rest[k] !== undefined && !fields.includes(k));
    if (unknown.length > 0) {
      throw new AuthingArgumentError(
        `${name}.${unknown[0]}`,
        `not a field of ${name}'s request body; it takes ${fields.join(', ')}`,
      );
    }
  }
  return { method, path, body: args === undefined ? undefined : rest };
}

function substitutePath(name: string, pattern: string, rest: Record<string, unknown>): string {
  return pattern.replace(PATH_PARAM, (_, key: string) => {
    const value = rest[key];
    if ((typeof value !== 'string' || value === '') && typeof value !== 'number') {
      throw new AuthingArgumentError(`${name}.${key}`, 'required path parameter is missing or empty');
    }
    delete rest[key];
    return encodeURIComponent(String(value));
  });
}

/** The path parameters an endpoint needs, e.g. `['id']` for `/api/v3/ip-list/{id}`. */
export function pathParams(spec: EndpointSpec): string[] {
  return [...spec[1].matchAll(PATH_PARAM)].map((m) => m[1] as string);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
