import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingUser } from '../user/authing-user.js';

/** Authorize parameters of one login, from the route ({@link AuthingLoginParams}) or the `/login` query. */
export interface AuthingAuthorizeParams {
  /** `prompt`: `none` (silent login), `login` (ask again), `consent`, `select_account`. */
  prompt?: 'none' | 'login' | 'consent' | 'select_account';
  /** `login_hint`: the account to prefill (an email, a phone number, a username). */
  loginHint?: string;
  /** `ui_locales`: the languages of Authing's pages, e.g. `zh-CN en`. */
  uiLocales?: string;
  /** Scopes added to the module's `scope` for this login. */
  scopes?: string[];
  /** `tenant_id`: the Authing tenant to log into. */
  tenantId?: string;
  /** Any other authorize parameter, sent as given (from the route only, never from the query). */
  extra?: Record<string, string>;
}

/** What the `afterLogin` hook sees besides the user. */
export interface AuthingLoginContext {
  /** The callback request (Express request or Fastify request). */
  request: AuthingRequest;
  /** The verified id_token claims (with userinfo when fetched). */
  claims: Readonly<Record<string, unknown>>;
  /** Whether Authing issued a refresh token (the session can renew itself). */
  hasRefreshToken: boolean;
  /** The checked `returnTo` of the login, if any. */
  returnTo?: string;
  /**
   * Refuses the login: no session starts, and the failure path of docs/login-failures.md answers
   * with `reason` as its code (401 `{ error: reason }`, or `loginFailureRedirect?error=reason`).
   * `reason` is a short code (letters, digits, `_.-`, up to 64); `description` a sentence for the 401.
   */
  refuse(reason: string, description?: string): never;
}

/** What the `afterLogin` hook may return: changes to the user and to what the session keeps. */
export interface AuthingLoginDecision {
  /** Claims merged into the user's (e.g. from your database); `sub` and `sid` cannot change. */
  claims?: Record<string, unknown>;
  /** Replaces the user's roles. */
  roles?: string[];
  /**
   * Only these claims are kept in the session (and on the user); `sub` and `sid` always are.
   * Default: every claim.
   */
  keepClaims?: string[];
  /** `false`: the refresh token is not kept, so the session ends with the access token. Default true. */
  keepRefreshToken?: boolean;
}

/** The `login` module option: hooks and per-login parameters of the hosted login. */
export interface AuthingLoginOptions {
  /**
   * Runs when Authing has confirmed a login, before the session starts: check or enrich the user,
   * `context.refuse(reason)` to turn the login down, or return what the session keeps. May be async;
   * use `forRootAsync` to give it your services.
   */
  afterLogin?: (
    user: AuthingUser,
    context: AuthingLoginContext,
  ) => AuthingLoginDecision | void | Promise<AuthingLoginDecision | void>;
  /**
   * Authorize parameters the `/login` query may set: any of `prompt`, `login_hint`, `ui_locales`,
   * `tenant_id`. Default `['prompt', 'login_hint', 'ui_locales']` (they change nothing of what the
   * login grants). Extra scopes are governed by `allowedScopes` alone.
   */
  queryParams?: Array<'prompt' | 'login_hint' | 'ui_locales' | 'tenant_id'>;
  /** Extra scopes the `/login?scope=a b` query may ask for (others are ignored). Default none. */
  allowedScopes?: string[];
  /**
   * A silent login (`prompt=none`) that Authing cannot complete without the user
   * (`login_required`, `interaction_required`, `consent_required`, `account_selection_required`):
   * `'returnTo'` (default) lands the user anonymous on the login's `returnTo`; `'login'` starts the
   * interactive login instead. Never the failure page.
   */
  silentFallback?: 'returnTo' | 'login';
}

/** The `login` option with its defaults. */
export interface ResolvedLoginOptions {
  /** The hook, if any. */
  afterLogin: AuthingLoginOptions['afterLogin'];
  /** Authorize parameters the query may set. */
  queryParams: ReadonlySet<string>;
  /** Scopes the query may add. */
  allowedScopes: ReadonlySet<string>;
  /** Where a silent login that needs the user goes. */
  silentFallback: 'returnTo' | 'login';
}

const QUERY_PARAMS = ['prompt', 'login_hint', 'ui_locales', 'tenant_id'];
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

/** Checks the `login` module option. */
export function resolveLoginOptions(
  input: unknown,
  fail: (option: string, reason: string) => Error,
): ResolvedLoginOptions {
  const value = (input ?? {}) as Record<string, unknown>;
  if (typeof value !== 'object' || Array.isArray(value)) throw fail('login', 'must be an object');
  const known = ['afterLogin', 'queryParams', 'allowedScopes', 'silentFallback'];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw fail('login', `has unknown keys: ${unknown.join(', ')} (${known.join(', ')})`);
  if (value.afterLogin !== undefined && typeof value.afterLogin !== 'function') {
    throw fail('login.afterLogin', 'must be a function (user, context) => decision');
  }
  const list = (key: string, check: (item: string) => boolean, hint: string): string[] | undefined => {
    const items = value[key];
    if (items === undefined) return undefined;
    if (!Array.isArray(items) || items.some((item) => typeof item !== 'string' || !check(item))) {
      throw fail(`login.${key}`, hint);
    }
    return items as string[];
  };
  const queryParams = list(
    'queryParams',
    (p) => QUERY_PARAMS.includes(p),
    `must list some of ${QUERY_PARAMS.join(', ')}`,
  );
  const allowedScopes = list('allowedScopes', (s) => SCOPE.test(s), 'must be a list of scope names');
  const fallback = value.silentFallback ?? 'returnTo';
  if (fallback !== 'returnTo' && fallback !== 'login')
    throw fail('login.silentFallback', "must be 'returnTo' or 'login'");
  return {
    afterLogin: value.afterLogin as AuthingLoginOptions['afterLogin'],
    queryParams: new Set(queryParams ?? ['prompt', 'login_hint', 'ui_locales']),
    allowedScopes: new Set(allowedScopes ?? []),
    silentFallback: fallback,
  };
}

/** The authorize parameters the `/login` query may set, checked; anything else is ignored. */
export function paramsFromQuery(query: Record<string, unknown>, options: ResolvedLoginOptions): AuthingAuthorizeParams {
  const params: AuthingAuthorizeParams = {};
  const text = (key: string, pattern: RegExp): string | undefined => {
    const raw = query[key];
    return options.queryParams.has(key) && typeof raw === 'string' && pattern.test(raw) ? raw : undefined;
  };
  const prompt = text('prompt', /^[a-z_]{1,20}$/);
  if (prompt && PROMPTS.has(prompt)) params.prompt = prompt as AuthingAuthorizeParams['prompt'];
  // Printable characters only: it is echoed into Authing's login form.
  const loginHint = text('login_hint', /^[^\u0000-\u001f\u007f]{1,256}$/);
  if (loginHint) params.loginHint = loginHint;
  const uiLocales = text('ui_locales', /^[A-Za-z0-9-]{1,35}( [A-Za-z0-9-]{1,35}){0,4}$/);
  if (uiLocales) params.uiLocales = uiLocales;
  const tenantId = text('tenant_id', /^[A-Za-z0-9_-]{1,64}$/);
  if (tenantId) params.tenantId = tenantId;
  // The scope allow-list is its own switch: scopes come from the query only when it names some.
  const rawScope = query.scope;
  const scope =
    options.allowedScopes.size > 0 && typeof rawScope === 'string' && /^[\x21-\x7e ]{1,512}$/.test(rawScope)
      ? rawScope
      : undefined;
  if (scope) {
    const scopes = scope.split(' ').filter((s) => options.allowedScopes.has(s));
    if (scopes.length > 0) params.scopes = scopes;
  }
  return params;
}

/** The route's parameters win over the query's (the application pinned them); scopes add up. */
export function mergeParams(
  route: AuthingAuthorizeParams | undefined,
  query: AuthingAuthorizeParams,
): AuthingAuthorizeParams {
  const merged: AuthingAuthorizeParams = { ...query, ...route };
  const scopes = [...new Set([...(query.scopes ?? []), ...(route?.scopes ?? [])])];
  if (scopes.length > 0) merged.scopes = scopes;
  return merged;
}

/** The parameters as they go on the authorize URL (scopes aside: they join the `scope` parameter). */
export function authorizeQuery(params: AuthingAuthorizeParams): Record<string, string> {
  const query: Record<string, string> = { ...params.extra };
  if (params.prompt) query.prompt = params.prompt;
  if (params.loginHint) query.login_hint = params.loginHint;
  if (params.uiLocales) query.ui_locales = params.uiLocales;
  if (params.tenantId) query.tenant_id = params.tenantId;
  return query;
}
