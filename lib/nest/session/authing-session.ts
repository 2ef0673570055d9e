import { AuthingError } from '../../sdk/index.js';
import type { AuthingSessionCluster } from '../cluster/session-cluster.js';
import { indexLogin } from '../cluster/login-index.js';
import type { AuthingRequest, AuthingSessionLike } from '../request/request-context.js';
import { saveSession, SessionStoreError } from './session-upkeep.js';
import { isUnavailableSession } from './store-unavailable.js';

/** What a completed hosted login keeps in `req.session[sessionKey]` (server-side with express-session). */
export interface AuthingSessionRecord {
  v: 1;
  /** Verified id_token claims (plus userinfo when fetched). */
  claims: Record<string, unknown>;
  roles?: string[];
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** When the access token expires (ms since the epoch); then the refresh token renews it, or the login ends. */
  expiresAt: number;
  /** When the user logged in (ms since the epoch): the absolute lifetime counts from it. */
  loginAt?: number;
  /** When the session was last used, to a minute or so: the inactivity timeout counts from it. */
  seenAt?: number;
}

/** A login started at `/login` and not yet completed, keyed by its `state` handle. */
export interface PendingLogin {
  nonce?: string;
  codeVerifier?: string;
  returnTo?: string;
  /** `prompt=none`: Authing answering `login_required` & co. is a fallback, not a failure. */
  silent?: boolean;
  /** For a silent login: the interactive login's authorize parameters. */
  authorize?: Record<string, unknown>;
  createdAt: number;
}

/**
 * Thrown when a request reaches the hosted-login flow without express-session: `code`
 * `session_missing`, `reason` what needed it (e.g. `AuthingLoginGuard`).
 */
export class AuthingSessionMissingError extends AuthingError {
  declare readonly code: 'session_missing';
  constructor(what: string) {
    super(
      'session_missing',
      what,
      `${what} needs a session: install express-session and app.use(session(authingSessionOptions({ secret })))` +
        ' before the routes (req.session is undefined).',
    );
  }
}

export function sessionOf(request: AuthingRequest): AuthingSessionLike | undefined {
  const session = request.session;
  return typeof session === 'object' && session !== null ? (session as AuthingSessionLike) : undefined;
}

/**
 * The login kept in the session, or undefined (none, malformed, or expired: an expired one is removed,
 * unless `keepExpired` asks for it so that its refresh token can renew it). Throws
 * {@link SessionStoreError} when the session could not be read from its store (503, not anonymous).
 */
export function readLogin(
  request: AuthingRequest,
  key: string,
  now = Date.now(),
  options: { keepExpired?: boolean } = {},
): AuthingSessionRecord | undefined {
  const session = sessionOf(request);
  if (isUnavailableSession(session)) throw new SessionStoreError(new Error('the session could not be read'));
  const record = session?.[key] as Partial<AuthingSessionRecord> | undefined;
  if (!record || typeof record !== 'object') return undefined;
  if (record.v !== 1 || typeof record.accessToken !== 'string' || typeof record.claims !== 'object') return undefined;
  if (typeof record.expiresAt !== 'number') {
    delete session![key];
    return undefined;
  }
  if (record.expiresAt <= now && !options.keepExpired) {
    delete session![key];
    return undefined;
  }
  return record as AuthingSessionRecord;
}

/** The pending logins of a session (created on demand). */
export function pendingLogins(session: AuthingSessionLike, key: string, create: true): Record<string, PendingLogin>;
export function pendingLogins(
  session: AuthingSessionLike,
  key: string,
  create?: false,
): Record<string, PendingLogin> | undefined;
export function pendingLogins(
  session: AuthingSessionLike,
  key: string,
  create = false,
): Record<string, PendingLogin> | undefined {
  const slot = `${key}:pending`;
  const value = session[slot];
  if (typeof value === 'object' && value !== null) return value as Record<string, PendingLogin>;
  if (!create) return undefined;
  const fresh: Record<string, PendingLogin> = {};
  session[slot] = fresh;
  return fresh;
}

/**
 * Starts the logged-in session: a new session id (against session fixation), keeping the other tabs'
 * pending logins, then the login record, saved before the redirect that follows.
 */
export async function establishLogin(
  request: AuthingRequest,
  key: string,
  record: AuthingSessionRecord,
  cluster?: AuthingSessionCluster,
): Promise<void> {
  const now = Date.now();
  record = { ...record, loginAt: record.loginAt ?? now, seenAt: now };
  const before = sessionOf(request);
  if (!before) throw new AuthingSessionMissingError('The login callback');
  const pending = pendingLogins(before, key);
  if (typeof before.regenerate === 'function') {
    await callback((done) => before.regenerate!(done));
  }
  const session = sessionOf(request)!;
  if (pending && Object.keys(pending).length > 0) session[`${key}:pending`] = pending;
  session[key] = record;
  await saveSession(session);
  // Back-channel logout names an Authing session (sid) or a user (sub): remember which of ours they made.
  if (cluster) await indexLogin(cluster, request, record);
}

/** Ends the session: destroyed when possible, otherwise the login is removed from it. */
export async function destroyLogin(request: AuthingRequest, key: string): Promise<void> {
  const session = sessionOf(request);
  if (!session) return;
  if (typeof session.destroy === 'function') {
    await callback((done) => session.destroy!(done));
    return;
  }
  delete session[key];
  delete session[`${key}:pending`];
}

function callback(run: (done: (error?: unknown) => void) => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    run((error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}

/** express-session options with safe defaults; pass them to `session()`. */
export interface AuthingSessionOptions {
  /** Signs the session cookie (one secret, or several for rotation, newest first). */
  secret: string | string[];
  /** Cookie name. Default `authing.sid`. */
  name?: string;
  /** Cookie lifetime in ms. Default 8 hours. */
  maxAge?: number;
  /**
   * The session store. Default express-session's MemoryStore (one process, development only). Several
   * replicas share one store, e.g. connect-redis's `new RedisStore({ client, disableTouch: true })`
   * (see docs/production.md).
   */
  store?: import('express-session').Store;
}

/**
 * Recommended express-session settings: signed, HttpOnly, SameSite=Lax cookie, `Secure` whenever the
 * request came over HTTPS (`secure: 'auto'`, with `app.set('trust proxy', 1)` behind a proxy), no
 * session stored until there is something to store.
 *
 * The default store (MemoryStore) is for development only: add a real one in production.
 *
 * @example
 * app.use(session({ ...authingSessionOptions({ secret: process.env.SESSION_SECRET! }), store: new RedisStore(...) }));
 */
export function authingSessionOptions(options: AuthingSessionOptions) {
  const secrets = Array.isArray(options?.secret) ? options.secret : [options?.secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length < 16)) {
    throw new TypeError('authingSessionOptions: secret must be a string of at least 16 characters (or a list of them)');
  }
  return {
    secret: options.secret,
    name: options.name ?? 'authing.sid',
    resave: false,
    saveUninitialized: false,
    ...(options.store ? { store: options.store } : {}),
    cookie: {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: 'auto' as const,
      maxAge: options.maxAge ?? 8 * 60 * 60 * 1000,
      path: '/',
    },
  };
}
