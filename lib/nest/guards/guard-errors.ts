import {
  BadRequestException,
  ForbiddenException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { AuthingTransport, ResponseLike } from '../request/request-context.js';

type WsExceptionClass = new (error: string | object) => Error;

let wsException: WsExceptionClass | null | undefined;

/**
 * `WsException` from @nestjs/websockets when the application has it (gateways then send the error to
 * the client); loaded lazily so the module has no dependency on it.
 */
export async function loadWsException(): Promise<WsExceptionClass | null> {
  if (wsException !== undefined) return wsException;
  const specifier = '@nestjs/websockets';
  try {
    const module = (await import(specifier)) as { WsException?: WsExceptionClass };
    wsException = typeof module.WsException === 'function' ? module.WsException : null;
  } catch {
    wsException = null;
  }
  return wsException;
}

/**
 * Headers of every refusal the guards answer over HTTP: the JSON body must not be sniffed as
 * something else (HTML) by a browser that is shown it.
 */
export function setRefusalHeaders(response: ResponseLike | undefined, extra: Record<string, string> = {}): void {
  if (!response || response.headersSent) return;
  response.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(extra)) response.setHeader(name, value);
}

function responseOf(transport: AuthingTransport): ResponseLike | undefined {
  return transport.kind === 'http' || transport.kind === 'graphql' ? transport.response : undefined;
}

/** Characters allowed inside a quoted-string of an HTTP auth challenge, conservatively. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, '').slice(0, 200);
}

/**
 * 401 in the caller's transport. HTTP and GraphQL get `WWW-Authenticate: Bearer realm="authing"`, plus
 * `error="invalid_token", error_description="<check>: <reason>"` when a token was refused (RFC 6750).
 */
export function unauthorized(transport: AuthingTransport, refused?: { check: string; description: string }): Error {
  const challenge = refused
    ? `Bearer realm="authing", error="invalid_token", error_description="${quoted(refused.description)}"`
    : 'Bearer realm="authing"';
  const body = refused
    ? { statusCode: 401, error: 'invalid_token', message: refused.description, check: refused.check }
    : { statusCode: 401, error: 'Unauthorized', message: 'Authentication required: send a bearer token or log in' };
  if (transport.kind === 'ws' && wsException) return new wsException({ status: 'error', ...body });
  setRefusalHeaders(responseOf(transport), { 'WWW-Authenticate': challenge });
  return new UnauthorizedException(body);
}

/**
 * 403: authenticated, but without the required role or permission. `details` (`reason`,
 * `requirement`) say which requirement failed; they hold route metadata only, never credentials.
 */
export function forbidden(transport: AuthingTransport, message: string, details?: object): Error {
  const body = { statusCode: 403, error: 'Forbidden', message, ...details };
  if (transport.kind === 'ws' && wsException) return new wsException({ status: 'error', ...body });
  setRefusalHeaders(responseOf(transport));
  return new ForbiddenException(body);
}

/** 400: the request lacks what a requirement needs (a resource id); `details` say which. */
export function badRequest(transport: AuthingTransport, message: string, details?: object): Error {
  const body = { statusCode: 400, error: 'Bad Request', message, ...details };
  if (transport.kind === 'ws' && wsException) return new wsException({ status: 'error', ...body });
  setRefusalHeaders(responseOf(transport));
  return new BadRequestException(body);
}

/**
 * 403: a session-authenticated request that did not come from the application's own origin (CSRF).
 * Names the reason, so a legitimate caller knows to add its origin to `csrf.allowedOrigins`.
 */
export function crossSiteRefused(transport: AuthingTransport, reason: string): Error {
  const body = { statusCode: 403, error: 'cross_site_request', message: `Cross-site request refused: ${reason}` };
  if (transport.kind === 'ws' && wsException) return new wsException({ status: 'error', ...body });
  setRefusalHeaders(responseOf(transport));
  return new ForbiddenException(body);
}

/** 503: the identity server was needed and could not be reached; never reported as a 401 or 500. */
export function unavailable(transport: AuthingTransport, description: string): Error {
  const body = { statusCode: 503, error: 'Service Unavailable', message: `Authentication unavailable: ${description}` };
  if (transport.kind === 'ws' && wsException) return new wsException({ status: 'error', ...body });
  setRefusalHeaders(responseOf(transport), { 'Retry-After': '5' });
  return new ServiceUnavailableException(body);
}

/** Contexts the guard cannot check (RPC, unknown) are refused, never let through unchecked. */
export function unsupportedContext(type: string): Error {
  return new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    message: `AuthingGuard cannot authenticate "${type}" contexts; the call is refused. Mark the handler @Public() to allow it.`,
  });
}
