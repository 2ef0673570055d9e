import { randomBytes } from 'node:crypto';
import type { AuthingRequest, AuthingSessionLike } from '../context/request-context.js';
import { AuthingSessionMissingError, pendingLogins, sessionOf, type PendingLogin } from '../session/authing-session.js';
import { saveSession } from '../session/session-upkeep.js';

/** Set on the request by the strategy before the state is stored: what the login must remember. */
export const LOGIN_START = Symbol.for('nestjs-authing:login-start');
/** Set on the request by the store when the callback's state matched: the restored login. */
export const LOGIN_RESTORED = Symbol.for('nestjs-authing:login-restored');

export type LoginRequest = AuthingRequest & {
  [LOGIN_START]?: { returnTo?: string; codeVerifier?: string };
  [LOGIN_RESTORED]?: PendingLogin;
};

/** How much longer than its pending login an anonymous session lives. */
const PENDING_SESSION_GRACE_MS = 60_000;

type StoreCallback = (error: Error | null, handle?: string) => void;
type VerifyCallback = (error: Error | null, ctx?: false | { nonce?: string }, state?: unknown) => void;

/**
 * passport-openidconnect state store keeping every pending login in the session under its own
 * random `state` handle, with its nonce, PKCE verifier and `returnTo`. Several tabs can log in at
 * once (the stock store keeps one per session), a state is single-use, and pending logins expire.
 */
export class AuthingLoginStore {
  constructor(
    private readonly sessionKey: string,
    private readonly maxPending: number,
    private readonly timeoutMs: number,
  ) {}

  store(req: LoginRequest, ctx: { nonce?: string }, _appState: unknown, _meta: unknown, cb: StoreCallback): void {
    const session = sessionOf(req);
    if (!session) return cb(new AuthingSessionMissingError('AuthingLoginGuard'));
    const pending = pendingLogins(session, this.sessionKey, true);
    this.#prune(pending);
    const handle = randomBytes(24).toString('base64url');
    const start = req[LOGIN_START] ?? {};
    pending[handle] = {
      nonce: ctx.nonce,
      codeVerifier: start.codeVerifier,
      returnTo: start.returnTo,
      createdAt: Date.now(),
    };
    this.#expireWithPendingLogin(session);
    // Stored before the browser leaves for Authing: with a shared store (Redis) the callback may come
    // back to another replica, and if the store is down the login is refused now (503), not half-made.
    saveSession(session).then(
      () => cb(null, handle),
      (error: unknown) => cb(error as Error),
    );
  }

  verify(req: LoginRequest, handle: unknown, cb: VerifyCallback): void {
    const session = sessionOf(req);
    if (!session) return cb(new AuthingSessionMissingError('AuthingLoginGuard'));
    const pending = pendingLogins(session, this.sessionKey);
    const entry =
      pending && typeof handle === 'string' && Object.prototype.hasOwnProperty.call(pending, handle)
        ? pending[handle]
        : undefined;
    if (entry && pending) delete pending[handle as string];
    if (pending && Object.keys(pending).length === 0) delete session[`${this.sessionKey}:pending`];
    if (!entry || typeof entry !== 'object') {
      return cb(null, false, { message: 'state: unknown or already used login state; start the login again' });
    }
    if (Date.now() - entry.createdAt > this.timeoutMs) {
      return cb(null, false, { message: 'state: the login took too long; start it again' });
    }
    req[LOGIN_RESTORED] = entry;
    // passport-openidconnect checks the id_token's nonce against ctx.nonce; we verify it again, signed.
    cb(null, { nonce: entry.nonce }, { returnTo: entry.returnTo });
  }

  /**
   * An anonymous visitor's session holds nothing but this pending login: it lives as long as the
   * login may take (plus a minute), not the 8 hours of a logged-in session, or every anonymous
   * `/login` would leave a long-lived session in the store. express-session derives the store's
   * expiry from the cookie's; the login callback regenerates the session with the full lifetime.
   */
  #expireWithPendingLogin(session: AuthingSessionLike): void {
    if (session[this.sessionKey] !== undefined) return; // logged in already: keep its lifetime
    const cookie = (session as { cookie?: { maxAge?: number | null } }).cookie;
    // A minute of grace, so that a late callback still finds the login and hears it took too long.
    if (typeof cookie === 'object' && cookie !== null && 'maxAge' in cookie) {
      cookie.maxAge = this.timeoutMs + PENDING_SESSION_GRACE_MS;
    }
  }

  #prune(pending: Record<string, PendingLogin>): void {
    const now = Date.now();
    const entries = Object.entries(pending).sort((a, b) => a[1].createdAt - b[1].createdAt);
    let count = entries.length;
    for (const [handle, entry] of entries) {
      if (now - entry.createdAt > this.timeoutMs || count >= this.maxPending) {
        delete pending[handle];
        count--;
      }
    }
  }
}
