import { IncomingMessage } from 'node:http';

/** The request a keep-alive connection last remembered a value for, and that value. */
interface ConnectionValue<T> {
  request: object;
  value: T;
}

/**
 * A value computed once per request from the request alone (a per-request client, a tenant, an
 * authentication), so that every part of one request sees the same one. One memo per owner
 * instance: two applications in one process keep theirs apart.
 *
 * Where it is kept depends on the request (see `request-state.ts` for the costs):
 * - on Express (Node's `IncomingMessage`), with the request's keep-alive connection: the last
 *   request of a connection holds the connection's entry, so a client sending its requests one
 *   after another costs no allocation per request. A request arriving while the connection's entry
 *   belongs to one still being answered (pipelining) gets an entry of its own in a WeakMap. Once a
 *   response has ended and the next request on its connection has taken the entry, a late call for
 *   the earlier request computes its value again (never another request's: entries are matched by
 *   request);
 * - on anything else (Fastify's request, WebSocket clients), under a symbol-keyed property.
 */
export class RequestMemo<T> {
  readonly #key: symbol;
  readonly #connections = new WeakMap<object, ConnectionValue<T>>();
  readonly #messages = new WeakMap<object, T>();

  constructor(name: string) {
    this.#key = Symbol(`nestjs-authing:${name}`);
  }

  /** The remembered value, else `compute()`'s, remembered. {@link get} and {@link set} allocate no closure. */
  of(carrier: object, compute: () => T): T {
    let value = this.get(carrier);
    if (value === undefined) {
      value = compute();
      this.set(carrier, value);
    }
    return value;
  }

  get(carrier: object): T | undefined {
    if (!(carrier instanceof IncomingMessage)) return (carrier as Record<symbol, T | undefined>)[this.#key];
    const last = this.#connections.get(carrier.socket as object);
    if (last !== undefined && last.request === carrier) return last.value;
    return this.#messages.get(carrier);
  }

  set(carrier: object, value: T): void {
    if (!(carrier instanceof IncomingMessage)) {
      (carrier as Record<symbol, T>)[this.#key] = value;
      return;
    }
    const connection = carrier.socket as object | null;
    if (connection !== null && typeof connection === 'object' && !this.#messages.has(carrier)) {
      const last = this.#connections.get(connection);
      if (last === undefined) {
        this.#connections.set(connection, { request: carrier, value });
        return;
      }
      if (last.request === carrier || responseEnded(last.request)) {
        last.request = carrier;
        last.value = value;
        return;
      }
    }
    this.#messages.set(carrier, value);
  }
}

/** Whether the response to an Express request has ended (`req.res`); unknown counts as not ended. */
function responseEnded(request: object): boolean {
  return (request as { res?: { writableEnded?: unknown } }).res?.writableEnded === true;
}
