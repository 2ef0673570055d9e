import type { Dispatcher } from 'undici';
import {
  AuthingArgumentError,
  AuthingHttpError,
  AuthingNetworkError,
  AuthingTimeoutError,
  type HttpFailure,
} from '../errors.js';
import { looksLikeEnvelope, type AuthingResponse } from '../envelope.js';
import type { HttpMethod } from '../catalogue/endpoint.js';
import { toQueryString } from './query-string.js';
import { backoffDelay, resolveRetry, RETRYABLE_STATUS, type ResolvedRetry, type RetryOptions } from './retry.js';

/** Languages Authing answers messages in. */
export type AuthingLang = 'zh-CN' | 'en-US' | 'ja-JP' | 'zh-TW';
export const LANGS: readonly AuthingLang[] = ['zh-CN', 'en-US', 'ja-JP', 'zh-TW'];

/** Options shared by both clients' transports. */
export interface TransportOptions {
  /** Request timeout in ms, covering connect, headers and body. Default 10000. */
  timeout?: number;
  /** `false` accepts an untrusted TLS certificate (private deployments with their own CA). Default true. */
  rejectUnauthorized?: boolean;
  /** Language of the server's messages, sent as `x-authing-lang`. Default `zh-CN`. */
  lang?: AuthingLang;
  /** Retries for network failures and HTTP 429/502/503/504; `false` turns them off. */
  retry?: RetryOptions | false;
}

export interface TransportRequest {
  method: HttpMethod;
  path: string;
  query?: Readonly<Record<string, unknown>>;
  /** Serialized body and its content type. */
  body?: { contentType: string; text: string };
  headers?: Readonly<Record<string, string>>;
  /**
   * Called before each attempt for headers that must be fresh per attempt (a signature's date and
   * nonce), so a retried request is not refused as a replay.
   */
  attemptHeaders?: (headers: Record<string, string>) => void;
  /** Whether repeating the request is safe; defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /**
   * Whether a 429/502/503/504 answer is retried (default true). False for callers with their own
   * back-off (the JWKS store): the server answered that it is unwell, and retrying would multiply
   * the load it asked us to shed. Connection failures are still retried.
   */
  retryOnStatus?: boolean;
}

export interface TransportResponse {
  status: number;
  /** The `retry-after` header, if any. */
  retryAfter: string | null;
  contentType: string;
  text: string;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * HTTP for both clients: keep-alive connection pool, timeout by abort, bounded jittered retries,
 * and errors that say what happened without leaking the query string or body.
 */
export class HttpTransport {
  readonly baseUrl: string;
  readonly timeout: number;
  readonly lang: AuthingLang;
  private readonly retry: ResolvedRetry;
  private readonly rejectUnauthorized: boolean;
  private client: Promise<Dispatcher> | undefined;
  // The resolved client, so the hot path does not await an already settled promise per request.
  private loaded: Dispatcher | undefined;

  constructor(baseUrl: string, options: TransportOptions, urlOption: string) {
    this.baseUrl = validateBaseUrl(baseUrl, urlOption);
    this.timeout = validateTimeout(options.timeout, 'timeout');
    this.lang = validateLang(options.lang, 'lang');
    if (options.rejectUnauthorized !== undefined && typeof options.rejectUnauthorized !== 'boolean') {
      throw new AuthingArgumentError('rejectUnauthorized', 'must be a boolean');
    }
    this.retry = validateRetry(options.retry, 'retry');
    this.rejectUnauthorized = options.rejectUnauthorized !== false;
  }

  // undici is loaded with the first request, not at import: it is most of the SDK's start-up time.
  private http(): Promise<Dispatcher> {
    this.client ??= import('undici').then(
      ({ Agent }) =>
        new Agent({ keepAliveTimeout: 10_000, connect: this.rejectUnauthorized ? {} : { rejectUnauthorized: false } }),
    );
    return this.client;
  }

  /** Sends a request and returns the raw answer; throws only when no HTTP answer came back. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = this.baseUrl + request.path;
    const fullUrl = url + toQueryString(request.query);
    const canRetry = request.idempotent ?? IDEMPOTENT.has(request.method);
    const retries = canRetry || this.retry.nonIdempotent ? this.retry.retries : 0;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'x-authing-lang': this.lang, ...request.headers };
      if (request.body) headers['content-type'] = request.body.contentType;
      request.attemptHeaders?.(headers);
      let response: TransportResponse;
      try {
        response = await this.attempt(request.method, url, fullUrl, headers, request.body?.text);
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoffDelay(this.retry, attempt, null));
          continue;
        }
        throw error;
      }
      if (attempt < retries && request.retryOnStatus !== false && RETRYABLE_STATUS.has(response.status)) {
        await sleep(backoffDelay(this.retry, attempt, response.retryAfter));
        continue;
      }
      return response;
    }
  }

  /** Sends a request and returns the Authing envelope; a non-envelope answer throws `AuthingHttpError`. */
  async envelope<T>(request: TransportRequest): Promise<AuthingResponse<T>> {
    const response = await this.send(request);
    return parseEnvelope<T>(request.method, this.baseUrl + request.path, response);
  }

  /** Closes pooled connections; the client cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
  }

  private async attempt(
    method: string,
    url: string,
    fullUrl: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<TransportResponse> {
    const dispatcher = this.loaded ?? (this.loaded = await this.http());
    // undici's request() rather than fetch(): the same HTTP exchange (no redirect followed, the URL
    // normalised the same way) at a fraction of fetch's per-call cost, which a busy Management API
    // caller pays on every call.
    const target = new URL(fullUrl);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeout);
    try {
      const res = await dispatcher.request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: controller.signal,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        retryAfter: headerValue(res.headers['retry-after']),
        contentType: headerValue(res.headers['content-type']) ?? '',
        text,
      };
    } catch (error) {
      if (controller.signal.aborted) throw new AuthingTimeoutError(method, url, this.timeout);
      throw new AuthingNetworkError(method, url, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A response header as one string (the first of a repeated one). */
function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : (value[0] ?? null);
}

/** Parses an answer that should be an Authing envelope. */
export function parseEnvelope<T>(method: string, url: string, response: TransportResponse): AuthingResponse<T> {
  const parsed = parseJson(response.text);
  if (parsed.ok && looksLikeEnvelope(parsed.value)) return parsed.value as AuthingResponse<T>;
  if (!parsed.ok) throw httpError(method, url, response, 'the body is not JSON', 'not_json');
  const detail =
    response.status >= 400
      ? 'the body is not an Authing response envelope'
      : 'the JSON is not an Authing response envelope';
  throw httpError(method, url, response, detail, 'not_envelope');
}

/** An {@link AuthingHttpError} for an answer that is not what `url` should have answered. */
export function httpError(
  method: string,
  url: string,
  response: TransportResponse,
  detail: string,
  reason: HttpFailure,
): AuthingHttpError {
  return new AuthingHttpError(method, url, response.status, response.contentType, detail, reason);
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function validateBaseUrl(value: string, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AuthingArgumentError(option, 'must be a non-empty URL such as https://example.authing.cn');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthingArgumentError(option, `"${value}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthingArgumentError(option, 'must be an http: or https: URL');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new AuthingArgumentError(option, 'must not carry a query, fragment or credentials');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function validateTimeout(value: unknown, option: string): number {
  if (value === undefined) return 10_000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AuthingArgumentError(option, 'must be a positive number of milliseconds');
  }
  return value;
}

function validateLang(value: unknown, option: string): AuthingLang {
  if (value === undefined) return 'zh-CN';
  if (!LANGS.includes(value as AuthingLang)) {
    throw new AuthingArgumentError(option, `must be one of ${LANGS.join(', ')}`);
  }
  return value as AuthingLang;
}

function validateRetry(value: unknown, option: string): ResolvedRetry {
  if (value !== undefined && value !== false && (typeof value !== 'object' || value === null)) {
    throw new AuthingArgumentError(option, 'must be false or an object');
  }
  const resolved = resolveRetry(value as RetryOptions | false | undefined);
  for (const key of ['retries', 'minDelayMs', 'maxDelayMs'] as const) {
    const n = resolved[key];
    if (!Number.isInteger(n) || n < 0) throw new AuthingArgumentError(`${option}.${key}`, 'must be an integer ≥ 0');
  }
  if (resolved.retries > 10) throw new AuthingArgumentError(`${option}.retries`, 'must be at most 10');
  return resolved;
}
