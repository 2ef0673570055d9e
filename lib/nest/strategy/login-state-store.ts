import { AuthingCallbackError, type ExpectedCallback } from '../../sdk/index.js';
import type { AuthingSessionLike } from '../request/request-context.js';
import { pendingLogins, type PendingLogin } from '../session/authing-session.js';

/** How much longer than its pending login an anonymous session lives. */
const PENDING_SESSION_GRACE_MS = 60_000;

/** What the callback finds for its `state`: the login to complete. */
export interface RestoredLogin {
  expected: ExpectedCallback;
  returnTo?: string;
  /** A silent login (`prompt=none`), and the parameters of the interactive one to fall back to. */
  silent?: boolean;
  authorize?: PendingLogin['authorize'];
}

/** The callback's state names a pending login older than `loginTimeout`. */
export class PendingLoginExpiredError extends AuthingCallbackError {
  constructor() {
    super('state', 'the login took too long; start it again');
  }
}

/**
 * Keeps every pending login in the session under its own `state` (built by the SDK's
 * `buildAuthorizeUrl`), with its nonce, PKCE verifier and `returnTo`. Several tabs can log in at once
 * (passport-openidconnect's stock store keeps one per session), a state is single-use, and pending
 * logins expire.
 */
export class LoginStateStore {
  constructor(
    private readonly sessionKey: string,
    private readonly maxPending: number,
    private readonly timeoutMs: number,
  ) {}

  /** Remembers a login the SDK just started. */
  save(session: AuthingSessionLike, state: string, login: Omit<PendingLogin, 'createdAt'>): void {
    const pending = pendingLogins(session, this.sessionKey, true);
    this.#prune(pending);
    pending[state] = { ...login, createdAt: Date.now() };
    this.#expireWithPendingLogin(session);
  }

  /** Takes (single use) the pending login of a callback's `state`; undefined when unknown or used. */
  take(session: AuthingSessionLike, state: unknown): RestoredLogin | 'expired' | undefined {
    const pending = pendingLogins(session, this.sessionKey);
    const entry =
      pending && typeof state === 'string' && Object.prototype.hasOwnProperty.call(pending, state)
        ? pending[state]
        : undefined;
    if (entry && pending) delete pending[state as string];
    if (pending && Object.keys(pending).length === 0) delete session[`${this.sessionKey}:pending`];
    if (!entry || typeof entry !== 'object') return undefined;
    if (Date.now() - entry.createdAt > this.timeoutMs) return 'expired';
    const { nonce, codeVerifier, returnTo, silent, authorize } = entry;
    return {
      expected: { state: state as string, nonce, codeVerifier },
      returnTo,
      ...(silent === true ? { silent: true, authorize } : {}),
    };
  }

  /** Puts back a login whose callback was refused before its state was checked (a forged `iss`). */
  restore(session: AuthingSessionLike, login: RestoredLogin): void {
    const { state, nonce, codeVerifier } = login.expected;
    pendingLogins(session, this.sessionKey, true)[state] = {
      nonce,
      codeVerifier,
      returnTo: login.returnTo,
      ...(login.silent ? { silent: true, authorize: login.authorize } : {}),
      createdAt: Date.now(),
    };
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
