import type { ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthingUser } from '../auth/authing-user.js';

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
// A symbol-keyed property rather than a WeakMap: a WeakMap entry per request is an ephemeron the
// garbage collector must trace, which showed up as a double-digit throughput cost under load.
const USER = Symbol.for('nestjs-authing:user');

/**
 * Finds the request behind any execution context: HTTP, GraphQL (`context.getArgs()[2].req`, without
 * importing @nestjs/graphql) and WebSocket (the connection's handshake headers). Anything else (RPC
 * microservices, unknown transports) is reported as `unknown`, which the guards refuse.
 */
export function resolveTransport(context: ExecutionContext): AuthingTransport {
  const type = context.getType<string>();
  if (type === 'http') {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthingRequest | undefined>();
    if (!isRequest(request)) return { kind: 'unknown', type };
    return { kind: 'http', request, response: asResponse(http.getResponse()), carrier: request };
  }
  if (type === 'graphql') {
    const gqlContext = context.getArgs()[2] as Record<string, unknown> | undefined;
    const request = (gqlContext?.req ?? gqlContext?.request) as AuthingRequest | undefined;
    if (!isRequest(request)) return { kind: 'unknown', type };
    const response = asResponse(gqlContext?.res ?? (request as { res?: unknown }).res);
    return { kind: 'graphql', request, response, carrier: request };
  }
  if (type === 'ws') {
    const client = context.switchToWs().getClient<Record<string, unknown> | undefined>();
    if (typeof client !== 'object' || client === null) return { kind: 'unknown', type };
    const request = wsRequestOf(client);
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

function isRequest(value: unknown): value is AuthingRequest {
  return typeof value === 'object' && value !== null && typeof (value as AuthingRequest).headers === 'object';
}

function asResponse(value: unknown): ResponseLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof (value as ResponseLike).setHeader === 'function') return value as ResponseLike;
  // A Fastify reply (@nestjs/platform-fastify) sets headers with header(); without this the 401's
  // WWW-Authenticate challenge and the 503's Retry-After would be lost on Fastify.
  const reply = value as { header?: (name: string, value: string) => unknown; sent?: boolean };
  if (typeof reply.header === 'function') {
    return {
      setHeader: (name, headerValue) => reply.header!(name, headerValue),
      get headersSent() {
        return reply.sent === true;
      },
    };
  }
  return undefined;
}

/** Attaches the authenticated user (or `null`: anonymous) to a request or WebSocket client. */
export function attachUser(carrier: object, user: AuthingUser | null): void {
  (carrier as { [USER]?: AuthingUser | null })[USER] = user;
  // The Passport convention, so code written for other strategies finds the user too (HTTP, GraphQL).
  if ('headers' in carrier) (carrier as AuthingRequest).user = user ?? undefined;
}

/** The user a guard attached to this request or client; undefined when no guard ran. */
export function attachedUser(carrier: object): AuthingUser | null | undefined {
  return (carrier as { [USER]?: AuthingUser | null })[USER];
}

/** The user attached to the request of an execution context, if any. */
export function userFromContext(context: ExecutionContext): AuthingUser | undefined {
  const transport = resolveTransport(context);
  if (transport.kind === 'unknown') return undefined;
  return attachedUser(transport.carrier) ?? undefined;
}

/** The request of an execution context (HTTP, GraphQL or the WebSocket handshake), if any. */
export function requestFromContext(context: ExecutionContext): AuthingRequest | undefined {
  const transport = resolveTransport(context);
  return transport.kind === 'unknown' ? undefined : transport.request;
}

/** `Authorization: Bearer <token>`, or socket.io's `handshake.auth.token`. */
export function defaultExtractToken(request: AuthingRequest): string | undefined {
  const header = request.headers?.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
    if (match) return match[1];
  }
  const fromAuth = request.auth?.token;
  if (typeof fromAuth === 'string' && fromAuth !== '') return fromAuth.replace(/^Bearer[ \t]+/i, '');
  return undefined;
}
