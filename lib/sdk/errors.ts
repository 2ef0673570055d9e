/**
 * Errors thrown by the SDK. Business errors never throw: they come back as the response envelope.
 * These classes cover what cannot be expressed as an envelope: bad arguments, a network that failed,
 * a timeout, and a server that answered something that is not Authing's protocol.
 *
 * Messages and properties never carry secrets: request URLs are reported without their query
 * string (which may hold tokens) and request bodies are never attached.
 */
export class AuthingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument or option was missing or invalid; `argument` names it. */
export class AuthingArgumentError extends AuthingError {
  constructor(
    /** The name of the offending argument or option, e.g. `accessKeyId` or `listUsers.options`. */
    readonly argument: string,
    reason: string,
  ) {
    super(`Invalid argument "${argument}": ${reason}`);
  }
}

/** The request never got an HTTP answer (DNS, refused connection, TLS, reset). */
export class AuthingNetworkError extends AuthingError {
  constructor(
    readonly method: string,
    /** Origin and path of the request, without the query string. */
    readonly url: string,
    cause: unknown,
    detail = describeCause(cause),
  ) {
    super(`${method} ${url} failed: ${detail}`, { cause: sanitizeCause(cause) });
  }
}

/** The request took longer than the configured `timeout`. */
export class AuthingTimeoutError extends AuthingNetworkError {
  constructor(
    method: string,
    url: string,
    readonly timeoutMs: number,
  ) {
    super(method, url, undefined, `no answer within ${timeoutMs} ms`);
  }
}

/**
 * The server answered, but not with Authing's JSON envelope: an HTTP error page, a 5xx, HTML from a
 * proxy. `status` and `contentType` say what came back.
 */
export class AuthingHttpError extends AuthingError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly contentType: string,
    reason: string,
  ) {
    super(`${method} ${url} answered HTTP ${status} (${contentType || 'no content type'}): ${reason}`);
  }
}

/**
 * Duck-typed rather than `instanceof Error`: errors raised inside Node's internals (TLS, sockets)
 * may come from another realm (vm contexts, test runners), where `instanceof` is false.
 */
function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function describeCause(cause: unknown): string {
  if (isErrorLike(cause)) {
    const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
    const inner = isErrorLike(cause.cause) ? cause.cause.message : '';
    return [cause.message, inner, typeof code === 'string' ? `(${code})` : ''].filter(Boolean).join(' ');
  }
  return String(cause);
}

/** Keeps the error chain for debugging but drops anything that could hold request data. */
function sanitizeCause(cause: unknown): unknown {
  if (!isErrorLike(cause)) return undefined;
  const copy = new Error(cause.message);
  copy.name = cause.name;
  const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') (copy as Error & { code: string }).code = code;
  return copy;
}
