import type { IncomingMessage, ServerResponse } from 'node:http';

/** A connect-style middleware, such as the one express-session returns. */
export type SessionMiddleware<Req, Res> = (request: Req, response: Res, next: (error?: unknown) => void) => void;

/** Options of {@link guardSessionStore}. */
export interface SessionStoreOutageOptions {
  /** Seconds in the `Retry-After` header of the 503. Default 5. */
  retryAfterSeconds?: number;
}

/**
 * Wraps the session middleware (express-session) so that a session store outage (Redis down) is
 * answered `503 Service Unavailable` with `Retry-After`, never a 500 and never an anonymous request
 * (a silent logout). A request with an `Authorization` header goes on without a session: bearer
 * routes keep working while the store is down. Sessions are untouched and work again when it returns.
 *
 * @example
 * app.use(guardSessionStore(session(authingSessionOptions({ secret, store: new RedisStore({ client }) }))));
 */
export function guardSessionStore<Req extends IncomingMessage, Res extends ServerResponse>(
  middleware: SessionMiddleware<Req, Res>,
  options: SessionStoreOutageOptions = {},
): SessionMiddleware<Req, Res> {
  if (typeof middleware !== 'function') {
    throw new TypeError('guardSessionStore: middleware must be the session middleware, e.g. session(options)');
  }
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  return (request, response, next) => {
    let answered = false;
    middleware(request, response, (error?: unknown) => {
      if (answered) return;
      answered = true;
      if (!error) return next();
      if (response.headersSent) return; // the answer went out already; the store failed saving after it
      if (typeof request.headers.authorization === 'string' && request.headers.authorization !== '') {
        delete (request as { session?: unknown }).session;
        return next();
      }
      response.statusCode = 503;
      response.setHeader('Retry-After', retryAfter);
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.setHeader('Cache-Control', 'no-store');
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.end(
        JSON.stringify({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'The session store is unavailable; try again shortly',
        }),
      );
    });
  };
}
