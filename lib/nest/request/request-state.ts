import { IncomingMessage } from 'node:http';
import type { AuthingUser } from '../user/authing-user.js';

/**
 * Everything the module remembers about one request lives here, keyed by the request object (or,
 * for WebSocket gateways, by the client), in one of three places chosen by what the object costs to
 * extend:
 *
 * - Node's `IncomingMessage` (Express's request, and GraphQL's under Express) gets a hidden class of
 *   its own on every request, so adding a property to it copies its ~35 property descriptors: about
 *   1.4 KB allocated per property per request (sampling heap profiler, `bench/nest-apps.ts` under
 *   load). Under Express, the values go in `res.locals`, the request's own bag, a dictionary object
 *   where a (non-enumerable, symbol-keyed) entry is a hash insert (one comparison on the guard bench,
 *   within that host's noise, put a WeakMap entry per request at about 3% of Express's throughput
 *   and an added property at about 1%). Replacing `res.locals` mid-request loses them.
 * - An `IncomingMessage` without Express's `res.locals` (a bare Node server): a WeakMap.
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
    if (carrier instanceof IncomingMessage) {
      const locals = localsOf(carrier);
      return locals ? (locals[this.#key] as T | undefined) : this.#messages.get(carrier);
    }
    return (carrier as Record<symbol, T | undefined>)[this.#key];
  }

  set(carrier: object, value: T): void {
    if (!(carrier instanceof IncomingMessage)) {
      (carrier as Record<symbol, T>)[this.#key] = value;
      return;
    }
    const locals = localsOf(carrier);
    // Not enumerable: `res.locals` is spread into view options and may be logged.
    if (locals) Object.defineProperty(locals, this.#key, { value, writable: true, configurable: true });
    else this.#messages.set(carrier, value);
  }
}

/** Express's `res.locals` of a request (set before any middleware runs), if it is one of Express's. */
function localsOf(request: IncomingMessage): Record<symbol, unknown> | undefined {
  const locals = (request as { res?: { locals?: unknown } }).res?.locals;
  return typeof locals === 'object' && locals !== null ? (locals as Record<symbol, unknown>) : undefined;
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

/**
 * Express request prototypes whose `user` reads the attached user (see {@link exposeUserOnRequests}),
 * shared by every copy of the package as the slots are.
 */
const USER_VIEWS = ((globalThis as unknown as Record<symbol, WeakSet<object> | undefined>)[
  Symbol.for('nestjs-authing:user-views')
] ??= new WeakSet<object>());

/** Attaches the authenticated user (or `null`: anonymous) to a request or WebSocket client. */
export function attachUser(carrier: object, user: AuthingUser | null): void {
  USER.set(carrier, user);
  // The Passport convention, so code written for other strategies finds the user too (HTTP, GraphQL).
  if (carrier instanceof IncomingMessage) {
    // Express: the prototype's `user` already answers it, unless something assigned its own.
    if (!USER_VIEWS.has(Object.getPrototypeOf(carrier) as object) || Object.hasOwn(carrier, 'user'))
      (carrier as { user?: unknown }).user = user ?? undefined;
  } else if ('headers' in carrier) (carrier as { user?: unknown }).user = user ?? undefined;
}

/** `req.user` on an Express application's requests: the attached user until something assigns one. */
const userView: PropertyDescriptor = {
  configurable: true,
  get(this: object): unknown {
    return USER.get(this) ?? undefined;
  },
  set(this: object, value: unknown): void {
    // Passport's login, or the application's own code: from then on a plain property, as before.
    Object.defineProperty(this, 'user', { value, writable: true, enumerable: true, configurable: true });
  },
};

/**
 * Makes `req.user` of an Express application's requests read the user the guards attach, so that
 * attaching one adds no property to the request (see the costs above). `app.request` is Express's
 * documented prototype of its requests. Does nothing for anything else, or when the prototype
 * already defines `user`.
 */
export function exposeUserOnRequests(expressApp: unknown): void {
  const prototype = (expressApp as { request?: unknown } | undefined)?.request;
  if (typeof prototype !== 'object' || prototype === null || USER_VIEWS.has(prototype)) return;
  if (Object.hasOwn(prototype, 'user')) return;
  Object.defineProperty(prototype, 'user', userView);
  USER_VIEWS.add(prototype);
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
