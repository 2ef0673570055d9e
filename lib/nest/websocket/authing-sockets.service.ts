import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthingAuthenticator, type AuthenticationResult } from '../authentication/authing-authenticator.service.js';
import type { AuthingRequest } from '../request/request-context.js';
import { attachUser } from '../request/request-state.js';

/** What {@link AuthingSockets.middleware} uses of a socket.io `Socket`. */
export interface AuthingSocketLike {
  /** The connection's handshake: the token is read from `auth.token` or the `Authorization` header. */
  handshake: { headers: IncomingHttpHeaders; auth?: unknown; query?: unknown };
  /** Sends the client an event (the `exception` before a close at expiry). */
  emit(event: string, ...args: unknown[]): unknown;
  /** Closes the connection. */
  disconnect(close?: boolean): unknown;
  /** Runs once when the connection ends (the expiry timer is then cleared). */
  once(event: 'disconnect', listener: () => void): unknown;
}

/** Options of {@link AuthingSockets.middleware}. */
export interface AuthingSocketOptions {
  /**
   * Close the connection when its access token expires, after an `exception` event
   * `{ status: 'error', statusCode: 401, error: 'invalid_token', check: 'expired' }`. Default false:
   * the connection stays open and AuthingGuard refuses each guarded message after the expiry.
   */
  disconnectOnExpiry?: boolean;
  /** Let connections without a token in (guarded messages are still refused); default false. */
  allowAnonymous?: boolean;
}

/** The refusal a client's `connect_error` carries: `err.message`, and the details in `err.data`. */
export interface AuthingSocketRefusal extends Error {
  /** The same fields as an HTTP refusal's body. */
  data: { statusCode: 401 | 503; error: string; message: string; check?: string };
}

/** Node timers cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Authentication at connection time for socket.io gateways, which guards cannot do (they run per
 * message). `server.use(sockets.middleware())` in the gateway's `afterInit` refuses a connection
 * without a valid token (the client's `connect_error`), and attaches the user so `@CurrentUser()`
 * works from the first message. AuthingGuard on the handlers still checks the token on every message.
 */
@Injectable()
export class AuthingSockets {
  private readonly authenticator: AuthingAuthenticator;

  /** Nest builds it from the module's (internal) authenticator. */
  constructor(@Inject(AuthingAuthenticator) authenticator: object) {
    this.authenticator = authenticator as AuthingAuthenticator;
  }

  /** A socket.io middleware (`Server#use` / `Namespace#use`) checking the handshake's token. */
  middleware(options: AuthingSocketOptions = {}): (socket: AuthingSocketLike, next: (error?: Error) => void) => void {
    return (socket, next) => {
      this.#connect(socket, options).then(
        () => next(),
        (error: unknown) => next(error as Error),
      );
    };
  }

  async #connect(socket: AuthingSocketLike, options: AuthingSocketOptions): Promise<void> {
    const { headers, auth, query } = socket.handshake;
    const request: AuthingRequest = {
      headers,
      query,
      auth: typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : undefined,
    };
    const result = await this.authenticator.authenticate(request, { memoise: false });
    if (result.status === 'authenticated') {
      attachUser(socket, result.user);
      if (options.disconnectOnExpiry) this.#closeAtExpiry(socket, result.user.claims.exp);
      return;
    }
    if (result.status === 'anonymous' && options.allowAnonymous) {
      attachUser(socket, null);
      return;
    }
    throw refusal(result);
  }

  #closeAtExpiry(socket: AuthingSocketLike, exp: unknown): void {
    if (typeof exp !== 'number') return;
    const delay = exp * 1000 - Date.now();
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(
      () => {
        socket.emit('exception', {
          status: 'error',
          statusCode: 401,
          error: 'invalid_token',
          message: 'expired: the token has expired; reconnect with a new one',
          check: 'expired',
        });
        socket.disconnect(true);
      },
      Math.max(0, delay),
    );
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }
}

function refusal(result: Exclude<AuthenticationResult, { status: 'authenticated' }>): AuthingSocketRefusal {
  const data: AuthingSocketRefusal['data'] =
    result.status === 'invalid'
      ? { statusCode: 401, error: 'invalid_token', message: result.description, check: result.check }
      : result.status === 'unavailable'
        ? {
            statusCode: 503,
            error: 'Service Unavailable',
            message: `Authentication unavailable: ${result.description}`,
          }
        : { statusCode: 401, error: 'Unauthorized', message: 'Authentication required: send a bearer token' };
  return Object.assign(new Error(data.message), { data });
}
