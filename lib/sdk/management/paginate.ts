import { AuthingApiError, AuthingArgumentError } from '../errors.js';
import type { AuthingResponse, Paginated } from '../envelope.js';
import { MANAGEMENT_ENDPOINTS } from '../catalogue/management.catalogue.js';
import type { ManagementApi, ManagementData, ManagementMethod } from '../catalogue/management.api.js';
import { isPlainObject, type EndpointSpec } from '../catalogue/endpoint.js';

/** The name of a catalogue query parameter, bare or in a `[name, default, wireName?]` tuple. */
export type QueryParamName<P> = P extends string ? P : P extends readonly [infer N, ...unknown[]] ? N : never;

/** Management methods that may be iterated: every GET with `page`, and every body call (via `options.pagination`). */
export type PaginatedMethod = {
  [K in ManagementMethod]: (typeof MANAGEMENT_ENDPOINTS)[K] extends readonly ['GET', string, 'query', infer Q]
    ? Q extends readonly (infer P)[]
      ? 'page' extends QueryParamName<P>
        ? K
        : never
      : never
    : (typeof MANAGEMENT_ENDPOINTS)[K] extends readonly ['POST', string, 'body', ...unknown[]]
      ? K
      : never;
}[ManagementMethod];

/** The item type of a paginated method. */
export type PageItem<K extends ManagementMethod> = ManagementData<K> extends Paginated<infer T> ? T : unknown;

export interface PaginateOptions {
  /** Items per page; default 50, Authing's maximum. */
  pageSize?: number;
  /** The page to start from; default 1. */
  startPage?: number;
}

/** Iterates over a paginated list call page by page, holding one page at a time. */
export async function* paginate<K extends PaginatedMethod>(
  client: Pick<ManagementApi, PaginatedMethod>,
  method: K,
  request: unknown,
  options: PaginateOptions = {},
): AsyncGenerator<PageItem<K>, void, undefined> {
  const spec = (MANAGEMENT_ENDPOINTS as Record<string, EndpointSpec>)[method];
  const style = spec ? paginationStyle(spec) : undefined;
  if (!style) throw new AuthingArgumentError('method', `"${String(method)}" is not a paginated list call`);
  if (request !== undefined && !isPlainObject(request)) {
    throw new AuthingArgumentError(`${method}.request`, 'expected an object');
  }
  const limit = options.pageSize ?? 50;
  if (!Number.isInteger(limit) || limit < 1) throw new AuthingArgumentError('pageSize', 'must be a positive integer');
  let page = options.startPage ?? 1;
  if (!Number.isInteger(page) || page < 1) throw new AuthingArgumentError('startPage', 'must be an integer ≥ 1');
  const call = client[method] as (args: unknown) => Promise<AuthingResponse<unknown>>;
  let seen = (page - 1) * limit;
  for (;;) {
    const base = (request ?? {}) as Record<string, unknown>;
    const args =
      style === 'query'
        ? { ...base, page, limit }
        : { ...base, options: { ...(base.options as object | undefined), pagination: { page, limit } } };
    const response = await call.call(client, args);
    if (response.statusCode !== 200) throw new AuthingApiError(method, response);
    const data = response.data as Partial<Paginated<PageItem<K>>> | undefined;
    const list = Array.isArray(data?.list) ? data.list : [];
    for (const item of list) yield item;
    seen += list.length;
    const total = typeof data?.totalCount === 'number' ? data.totalCount : undefined;
    if (list.length < limit || (total !== undefined && seen >= total)) return;
    page++;
  }
}

function paginationStyle(spec: EndpointSpec): 'query' | 'body' | undefined {
  if (spec[2] === 'query')
    return spec[3].some((p) => (typeof p === 'string' ? p : p[0]) === 'page') ? 'query' : undefined;
  return spec[2] === 'body' && spec[0] === 'POST' ? 'body' : undefined;
}
