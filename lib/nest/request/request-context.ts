import type { ExecutionContext } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthingUser } from '../user/authing-user.js';
import { attachedUser } from './request-state.js';

/**
 * The parts of a request the module reads: an Express request, a GraphQL context's `req`, or (for
 * WebSocket gateways) the handshake of the connection, presented with the same shape.
 */
export interface AuthingRequest {
  headers: IncomingHttpHeaders;
  query?: unknown;
  /** express-session's `req.session`. */
  session?: object;
  user?: unknown;
  /** socket.io's `handshake.auth` (WebSocket only). */
  auth?: Record<string, unknown>;
}

/** What the module needs of `req.session` (express-session). */
export interface AuthingSessionLike {
  [key: string]: unknown;
  regenerate?(callback: (error?: unknown) => void): unknown;
  save?(callback: (error?: unknown) => void): unknown;
  destroy?(callback: (error?: unknown) => void): unknown;
}

/** Where a guard or decorator runs, and what it can read and answer through. */
export type AuthingTransport =
  | { kind: 'http'; request: AuthingRequest; response: ResponseLike | undefined; carrier: object }
  | { kind: 'graphql'; request: AuthingRequest; response: ResponseLike | undefined; carrier: object }
  | { kind: 'ws'; request: AuthingRequest; response: undefined; carrier: object }
  | { kind: 'unknown'; type: string };

/** The response methods the guard uses to set a challenge header. */
export interface ResponseLike {
  setHeader(name: string, value: string): unknown;
  headersSent?: boolean;
}

const wsRequests = new WeakMap<object, AuthingRequest>();

/**
 * Finds the request behind any execution context: HTTP, GraphQL (`context.getArgs()[2].req`, without
 * importing @nestjs/graphql) and WebSocket (the connection's handshake headers). Anything else (RPC
 * microservices, unknown transports) is reported as `unknown`, which the guards refuse.
 */
export function resolveTransport(context: ExecutionContext): AuthingTransport {
  const type = context.getType<string>();
  // getArgByIndex rather than switchToHttp() / switchToWs(): those attach three new closures to the
  // context on every call, a measurable cost on the warm path.
  if (type === 'http') {
    const request: unknown = context.getArgByIndex(0);
    if (!isRequest(request)) return { kind: 'unknown', type };
    return { kind: 'http', request, response: asResponse(context.getArgByIndex(1)), carrier: request };
  }
  if (type === 'graphql') {
    const gqlContext = context.getArgs()[2] as Record<string, unknown> | undefined;
    const request = (gqlContext?.req ?? gqlContext?.request) as AuthingRequest | undefined;
    if (!isRequest(request)) return { kind: 'unknown', type };
    const response = asResponse(gqlContext?.res ?? (request as { res?: unknown }).res);
    return { kind: 'graphql', request, response, carrier: request };
  }
  if (type === 'ws') {
    const client: unknown = context.getArgByIndex(0);
    if (typeof client !== 'object' || client === null) return { kind: 'unknown', type };
    const request = wsRequestOf(client as Record<string, unknown>);
    if (!request) return { kind: 'unknown', type };
    return { kind: 'ws', request, response: undefined, carrier: client };
  }
  return { kind: 'unknown', type };
}

/** The request-like object a WebSocket client carries: socket.io's handshake, or ws's upgrade request. */
function wsRequestOf(client: Record<string, unknown>): AuthingRequest | undefined {
  const cached = wsRequests.get(client);
  if (cached) return cached;
  const handshake = client.handshake as { headers?: IncomingHttpHeaders; auth?: unknown; query?: unknown } | undefined;
  let request: AuthingRequest | undefined;
  if (handshake && typeof handshake.headers === 'object' && handshake.headers !== null) {
    request = {
      headers: handshake.headers,
      query: handshake.query,
      auth:
        typeof handshake.auth === 'object' && handshake.auth !== null
          ? (handshake.auth as Record<string, unknown>)
          : undefined,
    };
  } else {
    const upgrade = (client.upgradeReq ?? client.request) as { headers?: IncomingHttpHeaders } | undefined;
    if (upgrade && typeof upgrade.headers === 'object' && upgrade.headers !== null)
      request = { headers: upgrade.headers };
  }
  if (request) wsRequests.set(client, request);
  return request;
}

/**
 * Whether `value` is an HTTP request. Node's own request is recognised by its class first: every
 * Express request has a hidden class of its own, so reading a property of one is a full lookup.
 */
export function isRequest(value: unknown): value is AuthingRequest {
  if (value instanceof IncomingMessage) return true;
  return typeof value === 'object' && value !== null && typeof (value as AuthingRequest).headers === 'object';
}

/**
 * The HTTP or GraphQL request of a context without building a transport: the guard's warm path.
 * Undefined for any other context (WebSocket, RPC), which take the full path.
 */
export function httpRequestOf(context: ExecutionContext): AuthingRequest | undefined {
  const type = context.getType<string>();
  if (type === 'http') {
    const request: unknown = context.getArgByIndex(0);
    return isRequest(request) ? request : undefined;
  }
  if (type === 'graphql') {
    const transport = resolveTransport(context);
    return transport.kind === 'graphql' ? transport.request : undefined;
  }
  return undefined;
}

/** Express's response (`setHeader`), or Fastify's reply (`header`, `sent`) seen through the same shape. */
function asResponse(value: unknown): ResponseLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof (value as ResponseLike).setHeader === 'function') return value as ResponseLike;
  const reply = value as { header?: unknown; sent?: boolean };
  if (typeof reply.header !== 'function') return undefined;
  const header = reply.header as (name: string, value: string) => unknown;
  return {
    setHeader: (name, headerValue) => header.call(reply, name, headerValue),
    get headersSent() {
      return reply.sent === true;
    },
  };
}

/** The user attached to the request of an execution context, if any. */
export function userFromContext(context: ExecutionContext): AuthingUser | undefined {
  const transport = resolveTransport(context);
  if (transport.kind === 'unknown') return undefined;
  return attachedUser(transport.carrier) ?? undefined;
}

/** The request of an execution context (HTTP, GraphQL or the WebSocket handshake), if any. */
export function requestFromContext(context: ExecutionContext): AuthingRequest | undefined {
  if (context.getType<string>() === 'http') {
    const request: unknown = context.getArgByIndex(0);
    return isRequest(request) ? request : undefined;
  }
  const transport = resolveTransport(context);
  return transport.kind === 'unknown' ? undefined : transport.request;
}

/** The last `Authorization` header parsed on a connection, and its token (undefined: not a bearer). */
interface ParsedHeader {
  header: string;
  token: string | undefined;
}
const lastHeaders = new WeakMap<object, ParsedHeader>();

/**
 * The bearer token of an `Authorization` header, remembered per keep-alive connection: a client
 * usually repeats its header, and comparing it with the last one costs a fraction of the whitespace
 * search over a token of hundreds of characters. A pure function of the header, so nothing of one
 * request can reach another.
 */
function bearerTokenOf(request: AuthingRequest, header: string): string | undefined {
  const connection = (request as { socket?: unknown }).socket;
  if (typeof connection !== 'object' || connection === null) return bearerToken(header);
  const last = lastHeaders.get(connection);
  if (last !== undefined && last.header === header) return last.token;
  const token = bearerToken(header);
  if (last === undefined) lastHeaders.set(connection, { header, token });
  else {
    last.header = header;
    last.token = token;
  }
  return token;
}

/** `Authorization: Bearer <token>`, or socket.io's `handshake.auth.token`. */
export function defaultExtractToken(request: AuthingRequest): string | undefined {
  const header = request.headers?.authorization;
  if (typeof header === 'string') {
    const token = bearerTokenOf(request, header);
    if (token !== undefined) return token;
  }
  const fromAuth = request.auth?.token;
  if (typeof fromAuth === 'string' && fromAuth !== '') return fromAuth.replace(/^Bearer[ \t]+/i, '');
  return undefined;
}

const BEARER = 'bearer';
const WHITESPACE = /\s/;

/**
 * The token of an `Authorization` header value, as `/^Bearer[ \t]+(\S+)[ \t]*$/i` would capture it,
 * without a match array: the scheme and the blanks around the token are read character by
 * character, the token itself (hundreds of characters) is searched for whitespace by the native
 * regular expression engine, several times faster than a JavaScript loop over it.
 */
export function bearerToken(header: string): string | undefined {
  const length = header.length;
  if (length < 8) return undefined;
  for (let i = 0; i < 6; i++) if ((header.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return undefined;
  let start = 6;
  while (start < length && isBlank(header.charCodeAt(start))) start++;
  if (start === 6 || start === length) return undefined;
  let end = length;
  while (isBlank(header.charCodeAt(end - 1))) end--;
  const token = header.slice(start, end);
  return WHITESPACE.test(token) ? undefined : token;
}

/** A space or a tab. */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
