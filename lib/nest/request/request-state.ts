import type { AuthingUser } from '../user/authing-user.js';

/**
 * Everything the module remembers about one request lives here, on the request object itself (or,
 * for WebSocket gateways, on the client). A symbol-keyed property rather than a WeakMap: a WeakMap
 * entry per request is an ephemeron the garbage collector must trace, which showed up as a
 * double-digit throughput cost under load.
 */
type Carrier = Record<symbol, unknown>;

const USER = Symbol.for('nestjs-authing:user');
const RETURN_TO = Symbol.for('nestjs-authing:return-to');

/** Attaches the authenticated user (or `null`: anonymous) to a request or WebSocket client. */
export function attachUser(carrier: object, user: AuthingUser | null): void {
  (carrier as Carrier)[USER] = user;
  // The Passport convention, so code written for other strategies finds the user too (HTTP, GraphQL).
  if ('headers' in carrier) (carrier as { user?: unknown }).user = user ?? undefined;
}

/** The user a guard attached to this request or client; undefined when no guard ran. */
export function attachedUser(carrier: object): AuthingUser | null | undefined {
  return (carrier as Carrier)[USER] as AuthingUser | null | undefined;
}

/** Where a completed login sends the browser (set by AuthingLoginGuard, read by `@AuthingReturnTo()`). */
export function setReturnTo(carrier: object, url: string): void {
  (carrier as Carrier)[RETURN_TO] = url;
}

export function returnToOf(carrier: object): string | undefined {
  return (carrier as Carrier)[RETURN_TO] as string | undefined;
}

/**
 * A value computed at most once per request, under a symbol of its own (one per owner instance, so
 * two applications in one process keep theirs apart).
 */
export class RequestMemo<T> {
  readonly #key: symbol;

  constructor(name: string) {
    this.#key = Symbol(`nestjs-authing:${name}`);
  }

  of(carrier: object, compute: () => T): T {
    let value = this.get(carrier);
    if (value === undefined) {
      value = compute();
      this.set(carrier, value);
    }
    return value;
  }

  /** The remembered value, if any: with {@link set}, a warm path that allocates no closure. */
  get(carrier: object): T | undefined {
    return (carrier as Carrier)[this.#key] as T | undefined;
  }

  set(carrier: object, value: T): void {
    (carrier as Carrier)[this.#key] = value;
  }
}
