import { IncomingMessage } from 'node:http';
import type { AuthingUser } from '../user/authing-user.js';

/**
 * Everything the module remembers about one request lives here, keyed by the request object (or,
 * for WebSocket gateways, by the client), in one of two places chosen by what the object costs to
 * extend:
 *
 * - Node's `IncomingMessage` (Express's request, and GraphQL's under Express) gets a hidden class of
 *   its own on every request, so adding a property to it copies its ~35 property descriptors: about
 *   1.4 KB allocated per property per request (sampling heap profiler, `bench/nest-apps.ts` under
 *   load). These go in a WeakMap, whose entry costs about a tenth of that.
 * - Any other object (Fastify's request, sockets) shares its hidden class with its siblings, so a
 *   symbol-keyed property costs next to nothing, while a WeakMap entry per request is an ephemeron
 *   the collector must trace (about 1 µs per request on the Fastify benchmark).
 */
class RequestSlot<T> {
  readonly #key: symbol;
  readonly #messages: WeakMap<object, T>;

  /** `key` and `messages`: shared by every copy of the module that must agree. */
  constructor(key: symbol, messages: WeakMap<object, T>) {
    this.#key = key;
    this.#messages = messages;
  }

  get(carrier: object): T | undefined {
    if (carrier instanceof IncomingMessage) return this.#messages.get(carrier);
    return (carrier as Record<symbol, T | undefined>)[this.#key];
  }

  set(carrier: object, value: T): void {
    if (carrier instanceof IncomingMessage) this.#messages.set(carrier, value);
    else (carrier as Record<symbol, T>)[this.#key] = value;
  }
}

/**
 * A slot every copy of this package in the process shares (two installs side by side, as with a
 * linked package): the symbol from the global registry, the WeakMap kept under it on `globalThis`.
 */
function sharedSlot<T>(name: string): RequestSlot<T> {
  const key = Symbol.for(`nestjs-authing:${name}`);
  const registry = globalThis as unknown as Record<symbol, WeakMap<object, T> | undefined>;
  const messages = (registry[key] ??= new WeakMap<object, T>());
  return new RequestSlot<T>(key, messages);
}

const USER = sharedSlot<AuthingUser | null>('user');
const RETURN_TO = sharedSlot<string>('return-to');

/** Attaches the authenticated user (or `null`: anonymous) to a request or WebSocket client. */
export function attachUser(carrier: object, user: AuthingUser | null): void {
  USER.set(carrier, user);
  // The Passport convention, so code written for other strategies finds the user too (HTTP, GraphQL).
  if (carrier instanceof IncomingMessage || 'headers' in carrier)
    (carrier as { user?: unknown }).user = user ?? undefined;
}

/** The user a guard attached to this request or client; undefined when no guard ran. */
export function attachedUser(carrier: object): AuthingUser | null | undefined {
  return USER.get(carrier);
}

/** Where a completed login sends the browser (set by AuthingLoginGuard, read by `@AuthingReturnTo()`). */
export function setReturnTo(carrier: object, url: string): void {
  RETURN_TO.set(carrier, url);
}

export function returnToOf(carrier: object): string | undefined {
  return RETURN_TO.get(carrier);
}
