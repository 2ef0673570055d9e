import { SessionStoreError } from './session-upkeep.js';
import { isUnavailableSession, STORE_UNAVAILABLE } from './store-unavailable.js';

/**
 * A session store as @fastify/session calls it (callback style): connect-redis's `RedisStore`, the
 * same store the Express replicas use, fits.
 */
export interface FastifySessionStoreLike {
  /** Reads a session (null or undefined when there is none). */
  get(id: string, callback: (error: unknown, session?: unknown) => void): unknown;
  /** Writes a session. */
  set(id: string, session: unknown, callback: (error?: unknown) => void): unknown;
  /** Removes a session. */
  destroy(id: string, callback: (error?: unknown) => void): unknown;
}

/** Options of {@link authingFastifySessionOptions}. */
export interface AuthingFastifySessionOptions {
  /**
   * Signs the session cookie: at least 32 characters (@fastify/session's rule), or a list for
   * rotation, newest first. Use the Express replicas' secret to share sessions with them.
   */
  secret: string | string[];
  /** Cookie name. Default `authing.sid` (as {@link authingSessionOptions}). */
  name?: string;
  /** Cookie lifetime in ms. Default 8 hours. */
  maxAge?: number;
  /** The session store, e.g. connect-redis's `new RedisStore({ client, disableTouch: true })`. Default @fastify/session's MemoryStore (one process). */
  store?: FastifySessionStoreLike;
  /** Seconds in the `Retry-After` header of the 503 answered while the store is down. Default 5. */
  retryAfterSeconds?: number;
}

/** The @fastify/session options {@link authingFastifySessionOptions} returns. */
export interface AuthingFastifySessionPluginOptions {
  /** The cookie's signing secret(s). */
  secret: string | string[];
  /** Default `authing.sid`. */
  cookieName: string;
  /** `s:`, as express-session. */
  cookiePrefix: string;
  /** No session stored before there is something in it. */
  saveUninitialized: false;
  /** No write per request. */
  rolling: false;
  /** HttpOnly, SameSite=Lax, Secure over HTTPS. */
  cookie: { httpOnly: true; sameSite: 'lax'; secure: 'auto'; maxAge: number; path: '/' };
  /** The given store, guarded (see {@link authingFastifySessionOptions}). */
  store?: FastifySessionPluginStore;
}

/**
 * The guarded store handed to @fastify/session. Its callbacks are typed loosely (`never`) so that it
 * fits @fastify/session's own `SessionStore` type without the module depending on it.
 */
export interface FastifySessionPluginStore {
  /** Reads a session. */
  get(id: string, callback: (error: never, session?: never) => void): void;
  /** Writes a session. */
  set(id: string, session: never, callback: (error?: never) => void): void;
  /** Removes a session. */
  destroy(id: string, callback: (error?: never) => void): void;
}

/**
 * Recommended @fastify/session settings, the Fastify twin of {@link authingSessionOptions}: a signed,
 * HttpOnly, SameSite=Lax cookie, `Secure` over HTTPS, nothing stored until there is something to
 * store, and no write per request (`rolling: false`: the module writes a session when it changes).
 *
 * The cookie is written as express-session writes it (`s:` prefix, same signature), so Express and
 * Fastify replicas with the same secret and store share sessions. While the store is down (Redis),
 * as with {@link guardSessionStore} on Express: session routes and the login answer `503` with
 * `Retry-After`, never a 500 and never a silent logout; bearer requests go on; the cookie is kept, so
 * the session is back when the store is.
 *
 * @example
 * await app.register(fastifyCookie);
 * await app.register(fastifySession, authingFastifySessionOptions({ secret, store: new RedisStore({ client }) }));
 */
export function authingFastifySessionOptions(
  options: AuthingFastifySessionOptions,
): AuthingFastifySessionPluginOptions {
  const secrets = Array.isArray(options?.secret) ? options.secret : [options?.secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 32)) {
    throw new TypeError(
      'authingFastifySessionOptions: secret must be a string of at least 32 characters (or a list of them)',
    );
  }
  if (options.store !== undefined && !isStore(options.store)) {
    throw new TypeError('authingFastifySessionOptions: store must have get, set and destroy methods (a session store)');
  }
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  return {
    secret: options.secret,
    cookieName: options.name ?? 'authing.sid',
    // express-session's signed-cookie prefix: a cookie set by an Express replica works here, and back.
    cookiePrefix: 's:',
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      maxAge: options.maxAge ?? 8 * 60 * 60 * 1000,
      path: '/',
    },
    ...(options.store ? { store: guardStore(options.store, retryAfter) } : {}),
  };
}

function isStore(value: unknown): value is FastifySessionStoreLike {
  const store = value as Partial<FastifySessionStoreLike> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.destroy === 'function'
  );
}

/**
 * The store, guarded. A failed read gives the request a marked empty session rather than an error
 * (an error there would be a 500 before any guard runs, and would refuse bearer requests too): the
 * module answers 503 for it, and it is never written back. Other failures become a
 * {@link SessionStoreError} (503, with `Retry-After` for Fastify's own error handler).
 */
function guardStore(store: FastifySessionStoreLike, retryAfter: string): FastifySessionPluginStore {
  const unavailable = (error: unknown): unknown => {
    // @fastify/session treats ENOENT as "no such session" (a new one); keep that meaning.
    if ((error as { code?: unknown })?.code === 'ENOENT') return error;
    const failure = new SessionStoreError(error);
    Object.assign(failure, {
      statusCode: 503,
      headers: { 'retry-after': retryAfter, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    });
    return failure;
  };
  type Done = (error?: unknown, session?: unknown) => void;
  return {
    get(id, callback) {
      const done = callback as Done;
      store.get(id, (error, session) => {
        if (!error) return done(null, session);
        if ((error as { code?: unknown })?.code === 'ENOENT') return done(error);
        // Same id (the cookie stays), no cookie settings of its own: @fastify/session keeps it as is.
        done(null, { [STORE_UNAVAILABLE]: true });
      });
    },
    set(id, session, callback) {
      const done = callback as Done;
      if (isUnavailableSession(session as object)) return done(unavailable(new Error('the session was not read')));
      store.set(id, session, (error) => done(error ? unavailable(error) : undefined));
    },
    destroy(id, callback) {
      const done = callback as Done | undefined;
      store.destroy(id, (error) => done?.(error ? unavailable(error) : undefined));
    },
  };
}
