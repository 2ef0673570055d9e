import type { ResponseLike } from '../request/request-context.js';

/**
 * What passport's `redirect` and the guard's refusals write to: Express's response as it is, or
 * Fastify's reply seen through the same Node-like shape. On Fastify the answer must go through the
 * reply (not `reply.raw`), so that @fastify/session's `onSend` hook still sets the session cookie.
 */
export interface NodeLikeResponse extends ResponseLike {
  statusCode: number;
  end(body?: string): unknown;
}

interface FastifyReplyLike {
  statusCode: number;
  sent?: boolean;
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  send(payload?: unknown): unknown;
}

const adapted = new WeakMap<object, NodeLikeResponse>();

export function nodeLikeResponse(response: unknown): NodeLikeResponse {
  const value = response as Partial<NodeLikeResponse> & Partial<FastifyReplyLike>;
  if (typeof value?.setHeader === 'function') return value as NodeLikeResponse;
  if (typeof value?.header !== 'function' || typeof value.code !== 'function' || typeof value.send !== 'function') {
    throw new TypeError('AuthingLoginGuard: the response is neither an Express response nor a Fastify reply');
  }
  const reply = value as FastifyReplyLike;
  const cached = adapted.get(reply);
  if (cached) return cached;
  const shim: NodeLikeResponse = {
    get statusCode() {
      return reply.statusCode;
    },
    set statusCode(status: number) {
      reply.code(status);
    },
    setHeader: (name, headerValue) => reply.header(name, headerValue),
    end: (body) => reply.send(body ?? ''),
    get headersSent() {
      return reply.sent === true;
    },
  };
  adapted.set(reply, shim);
  return shim;
}
