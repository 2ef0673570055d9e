import type { AuthingResponse } from './envelope.js';

/**
 * Errors thrown by the SDK. Business errors never throw: they come back as the response envelope.
 * These classes cover what cannot be expressed as an envelope: bad arguments, a network that failed,
 * a timeout, a server that answered something that is not Authing's protocol, a refused token or
 * login callback, and a failed page while iterating a list.
 *
 * Every error carries a machine-readable `code` (its family, stable across releases) and `reason`
 * (the specific check or argument), so callers branch on fields rather than parse messages.
 *
 * Messages and properties never carry secrets: request URLs are reported without their query
 * string (which may hold tokens) and request bodies are never attached.
 */

/** The `code` of every error the SDK throws; the Nest layer adds its own codes. */
export type AuthingSdkErrorCode = 'invalid_argument' | 'network' | 'http' | 'api' | 'token' | 'callback';

/**
 * The base of every error this package throws (the SDK's and the Nest layer's): `instanceof
 * AuthingError` catches them all.
 */
export class AuthingError extends Error {
  /**
   * @param code the error's family, e.g. `invalid_argument`, `network`, `token`
   * @param reason the specific check, argument or cause within that family
   * @param message the human-readable message (never a secret)
   */
  constructor(
    /** The error's family: stable, machine-readable, e.g. `invalid_argument`, `network`, `token`. */
    readonly code: string,
    /** The specific check, argument or cause within the family, e.g. `appId`, `expired`, `state`. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument or option was missing or invalid; `argument` (and `reason`) name it. */
export class AuthingArgumentError extends AuthingError {
  declare readonly code: 'invalid_argument';
  constructor(
    /** The name of the offending argument or option, e.g. `accessKeyId` or `listUsers.options`. */
    readonly argument: string,
    /** What is wrong with it, in words, e.g. `must be a non-empty string`. */
    readonly detail: string,
  ) {
    super('invalid_argument', argument, `Invalid argument "${argument}": ${detail}`);
  }
}

/** The request never got an HTTP answer (DNS, refused connection, TLS, reset). */
export class AuthingNetworkError extends AuthingError {
  declare readonly code: 'network';
  constructor(
    readonly method: string,
    /** Origin and path of the request, without the query string. */
    readonly url: string,
    cause: unknown,
    detail = describeCause(cause),
    /** The system error code (`ECONNREFUSED`, `ENOTFOUND`…), `timeout`, or `request_failed`. */
    reason = causeCode(cause) ?? 'request_failed',
  ) {
    super('network', reason, `${method} ${url} failed: ${detail}`, { cause: sanitizeCause(cause) });
  }
}

/** The request took longer than the configured `timeout`; `code` is `network`, `reason` is `timeout`. */
export class AuthingTimeoutError extends AuthingNetworkError {
  constructor(
    method: string,
    url: string,
    readonly timeoutMs: number,
  ) {
    super(method, url, undefined, `no answer within ${timeoutMs} ms`, 'timeout');
  }
}

/** Why an answer is not Authing's protocol (the `reason` of {@link AuthingHttpError}). */
export type HttpFailure = 'not_json' | 'not_envelope' | 'not_oauth' | 'not_key_set' | 'unexpected_status';

/**
 * The server answered, but not with Authing's JSON envelope: an HTTP error page, a 5xx, HTML from a
 * proxy. `status` and `contentType` say what came back; `reason` says which expectation failed.
 */
export class AuthingHttpError extends AuthingError {
  declare readonly code: 'http';
  declare readonly reason: HttpFailure;
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly contentType: string,
    /** What was expected, in words, e.g. `the body is not JSON`. */
    readonly detail: string,
    reason: HttpFailure = 'unexpected_status',
  ) {
    super('http', reason, `${method} ${url} answered HTTP ${status} (${contentType || 'no content type'}): ${detail}`);
  }
}

/**
 * A list call answered with a non-200 envelope while iterating (`ManagementClient.paginate`); carries the
 * envelope's codes. `reason` is the method name, e.g. `listUsers`.
 */
export class AuthingApiError extends AuthingError {
  declare readonly code: 'api';
  readonly statusCode: number;
  readonly apiCode: number | undefined;
  readonly requestId: string | undefined;
  constructor(method: string, response: AuthingResponse) {
    super('api', method, `${method} answered statusCode ${response.statusCode}: ${response.message}`);
    this.statusCode = response.statusCode;
    this.apiCode = response.apiCode;
    this.requestId = response.requestId;
  }
}

/**
 * Duck-typed rather than `instanceof Error`: errors raised inside Node's internals (TLS, sockets)
 * may come from another realm (vm contexts, test runners), where `instanceof` is false.
 */
function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** The system error code of a failure or of its cause (undici wraps socket errors one level down). */
function causeCode(cause: unknown): string | undefined {
  if (!isErrorLike(cause)) return undefined;
  const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeCause(cause: unknown): string {
  if (isErrorLike(cause)) {
    const code = causeCode(cause);
    const inner = isErrorLike(cause.cause) ? cause.cause.message : '';
    return [cause.message, inner, code ? `(${code})` : ''].filter(Boolean).join(' ');
  }
  return String(cause);
}

/** Keeps the error chain for debugging but drops anything that could hold request data. */
function sanitizeCause(cause: unknown): unknown {
  if (!isErrorLike(cause)) return undefined;
  const copy = new Error(cause.message);
  copy.name = cause.name;
  const code = causeCode(cause);
  if (code) (copy as Error & { code: string }).code = code;
  return copy;
}
