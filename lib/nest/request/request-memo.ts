import { IncomingMessage } from 'node:http';

/** The request a keep-alive connection last remembered a value for, its response if known, and that value. */
interface ConnectionValue<T> {
  request: object;
  response: Response | undefined;
  value: T;
}

/** What is read of Node's ServerResponse. */
interface Response {
  req?: unknown;
  writableEnded?: unknown;
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

  /**
   * The remembered value, else `compute(carrier)`'s, remembered. `compute` takes the request, so a
   * caller can pass one function made once rather than a closure per request. Reads the request's
   * connection once for both the lookup and the store.
   */
  of(carrier: object, compute: (carrier: object) => T): T {
    if (!(carrier instanceof IncomingMessage)) {
      let value = (carrier as Record<symbol, T | undefined>)[this.#key];
      if (value === undefined) (carrier as Record<symbol, T>)[this.#key] = value = compute(carrier);
      return value;
    }
    const connection = carrier.socket as object | null;
    const last = connection === null ? undefined : this.#connections.get(connection);
    if (last !== undefined && last.request === carrier) return last.value;
    let value = this.#messages.get(carrier);
    if (value === undefined) {
      value = compute(carrier);
      this.#store(carrier, connection, last, value);
    }
    return value;
  }

  /** Stores a request's value with its connection (`last`: the connection's entry), or apart from it. */
  #store(carrier: IncomingMessage, connection: object | null, last: ConnectionValue<T> | undefined, value: T): void {
    if (connection !== null && typeof connection === 'object' && !this.#messages.has(carrier)) {
      const response = responseOf(connection, carrier);
      if (last === undefined) {
        this.#connections.set(connection, { request: carrier, response, value });
        return;
      }
      if (last.request === carrier || answered(connection, last)) {
        last.request = carrier;
        last.response = response;
        last.value = value;
        return;
      }
    }
    this.#messages.set(carrier, value);
  }
}

/**
 * The response of `request`, if the connection is attached to it: Node attaches a connection to
 * one response at a time, in request order, so this is the case for a request that is not waiting
 * behind a pipelined one. Read from the socket and the response, objects of stable shape, rather
 * than from the request: every Express request has a hidden class of its own, so each property read
 * on one is a full lookup (the profile put `req.res` at a quarter of `@AuthingClient()`'s cost).
 */
function responseOf(connection: object, request: object): Response | undefined {
  const attached = (connection as { _httpMessage?: Response | null })._httpMessage;
  return attached?.req === request ? attached : undefined;
}

/**
 * Whether the response to the entry's request has finished; unknown counts as not finished. Node
 * detaches a connection from a response when it has finished, so a connection attached to anything
 * else has answered it. Without a known response, the request's own `res` is read (Express's).
 */
function answered(connection: object, entry: ConnectionValue<unknown>): boolean {
  if (entry.response !== undefined) {
    return (connection as { _httpMessage?: Response | null })._httpMessage !== entry.response;
  }
  return (entry.request as { res?: Response }).res?.writableEnded === true;
}
