import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { AuthingCallbackError, AuthingHttpError, AuthingNetworkError, AuthingTokenError } from '../../sdk/index.js';
import type { AuthingUser } from '../auth/authing-user.js';
import { checkReturnTo } from '../auth/return-to.js';
import { AUTHING_OPTIONS } from '../constants.js';
import { attachUser, type AuthingRequest, type ResponseLike } from '../context/request-context.js';
import { RETURN_TO } from '../decorators/param.decorators.js';
import { AuthingConfigurationError, type ResolvedAuthingOptions } from '../options/validate-options.js';
import { setRefusalHeaders } from './guard-errors.js';
import { AuthingSessionMissingError, establishLogin, sessionOf } from '../session/authing-session.js';
import { SessionStoreError } from '../session/session-upkeep.js';
import { AuthingStrategy, type AuthingPassportStrategy } from '../strategy/authing.strategy.js';
import { AuthingOptionalDependencyError } from '../strategy/hosted-login-dependencies.js';
import { LOGIN_TOKENS, type LoginTokens } from '../strategy/oidc-login-strategy.js';
import { LOGIN_RESTORED, LOGIN_START, type LoginRequest } from '../strategy/login-state-store.js';

type GuardRequest = LoginRequest & {
  query?: Record<string, unknown>;
  [LOGIN_TOKENS]?: LoginTokens;
  [RETURN_TO]?: string;
};

/** Why a login failed: a short code (sent as `?error=` to `loginFailureRedirect`) and a description. */
export interface LoginFailure {
  code: string;
  description: string;
  /** True when the identity server could not be reached (503 rather than 401). */
  unavailable: boolean;
}

interface PassportOutcome {
  error: unknown;
  user: AuthingUser | false | null | undefined;
  info: unknown;
}

/**
 * Hosted login in one guard, for both routes:
 *
 * - `/login` (no `code`): redirects to Authing's login page; `?returnTo=/path` is remembered if the
 *   allow-list accepts it. The handler does not run (the response is the redirect).
 * - `/callback`: checks the state, exchanges the code, verifies the id_token (signature, nonce), starts
 *   the session (new session id) and runs the handler, which reads the destination with
 *   `@AuthingReturnTo()`. A failed login answers 401 (or redirects to `loginFailureRedirect`), and
 *   503 when Authing is unreachable: never 500.
 *
 * @example
 * @Get('login') @UseGuards(AuthingLoginGuard) login() {}
 * @Get('callback') @UseGuards(AuthingLoginGuard) @Redirect()
 * callback(@AuthingReturnTo() url: string) { return { url }; }
 */
@Injectable()
export class AuthingLoginGuard implements CanActivate {
  protected readonly logger = new Logger('AuthingLogin');

  constructor(
    @Inject(AUTHING_OPTIONS) protected readonly options: ResolvedAuthingOptions,
    @Inject(AuthingStrategy) private readonly strategy: AuthingStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') throw new Error('AuthingLoginGuard only works on HTTP routes');
    const http = context.switchToHttp();
    const request = http.getRequest<GuardRequest>();
    const response = http.getResponse<ResponseLike>();
    // Built on first use: checks redirectUri, then loads passport and passport-openidconnect
    // (optional peers), each failure naming what is missing.
    const loaded = await this.strategy.load();
    if (!sessionOf(request)) throw new AuthingSessionMissingError('AuthingLoginGuard');
    const query = request.query ?? {};
    const isCallback = query.code !== undefined || query.error !== undefined;
    if (!isCallback) {
      request[LOGIN_START] = { returnTo: checkReturnTo(query.returnTo, this.options.allowedReturnTo) };
    } else if (query.iss !== undefined && query.iss !== this.strategy.expectedIssuer) {
      // RFC 9207: another identity server's answer (mix-up); refused before its code is redeemed.
      const error = new AuthingCallbackError('issuer', 'the callback names another issuer (iss)');
      this.handleRequest(error, false, undefined, context);
    }
    // On the login step the strategy answers with a redirect and this never settles (as with AuthGuard).
    const outcome = await this.#runStrategy(loaded, request, response);
    const user = this.handleRequest(outcome.error, outcome.user, outcome.info, context);
    await this.#startSession(request, response, user);
    attachUser(request, user);
    request[RETURN_TO] =
      checkReturnTo(request[LOGIN_RESTORED]?.returnTo, this.options.allowedReturnTo) ?? this.options.defaultReturnTo;
    return true;
  }

  /**
   * Turns passport's outcome into the user, or throws: 401 (or a redirect to `loginFailureRedirect`)
   * for a refused login, 503 when Authing could not be reached. Override to change the answers.
   */
  handleRequest(
    error: unknown,
    user: AuthingUser | false | null | undefined,
    info: unknown,
    context: ExecutionContext,
  ): AuthingUser {
    if (!error && user) return user;
    if (error instanceof SessionStoreError) {
      setRefusalHeaders(context.switchToHttp().getResponse<ResponseLike>(), { 'Retry-After': '5' });
      throw error; // a 503: the session store (Redis) is down, the login can be tried again shortly
    }
    if (
      error instanceof AuthingSessionMissingError ||
      error instanceof AuthingConfigurationError ||
      error instanceof AuthingOptionalDependencyError
    ) {
      throw error;
    }
    const request = context.switchToHttp().getRequest<GuardRequest>();
    const failure = describeFailure(error, info, request.query);
    const detail =
      failure.code === 'login_failed' && error instanceof Error ? ` [${error.name}: ${error.message}]` : '';
    this.logger.warn(`Login failed (${failure.code}): ${failure.description}${detail}`);
    const response = context.switchToHttp().getResponse<ResponseLike>();
    if (this.options.loginFailureRedirect) {
      const target = appendQuery(this.options.loginFailureRedirect, 'error', failure.code);
      setRefusalHeaders(response, { Location: target });
      throw new HttpException({ statusCode: 302, message: 'Login failed', error: failure.code }, HttpStatus.FOUND);
    }
    if (failure.unavailable) {
      setRefusalHeaders(response, { 'Retry-After': '5' });
      throw new ServiceUnavailableException({ statusCode: 503, error: failure.code, message: failure.description });
    }
    setRefusalHeaders(response);
    throw new UnauthorizedException({ statusCode: 401, error: failure.code, message: failure.description });
  }

  #runStrategy(
    loaded: AuthingPassportStrategy,
    request: GuardRequest,
    response: ResponseLike,
  ): Promise<PassportOutcome> {
    return new Promise((resolve, reject) => {
      // A per-request object over the singleton strategy: passport attaches success/fail/redirect to
      // it, so concurrent logins never share them. Using the instance (not the name) also keeps several
      // applications in one process apart.
      const perRequest = Object.create(loaded.strategy) as object;
      const middleware = loaded.passport.authenticate(perRequest, { session: false }, (error, user, info) =>
        resolve({ error, user: user as AuthingUser | false, info }),
      );
      try {
        middleware(request, response, (error?: unknown) =>
          error
            ? resolve({ error, user: false, info: undefined })
            : reject(new Error('passport called next() without an outcome')),
        );
      } catch (error) {
        resolve({ error, user: false, info: undefined });
      }
    });
  }

  async #startSession(request: GuardRequest, response: ResponseLike, user: AuthingUser): Promise<void> {
    const tokens = request[LOGIN_TOKENS];
    const accessToken = tokens?.accessToken ?? user.accessToken;
    if (!accessToken) {
      setRefusalHeaders(response);
      throw new UnauthorizedException({ statusCode: 401, error: 'token', message: 'no access token' });
    }
    await establishLogin(
      request as AuthingRequest,
      this.options.sessionKey,
      {
        v: 1,
        claims: tokens?.claims ?? { ...user.claims },
        ...(user.roles ? { roles: user.roles } : {}),
        accessToken,
        idToken: tokens?.idToken ?? user.idToken,
        refreshToken: tokens?.refreshToken,
        expiresAt: tokens?.expiresAt ?? Date.now() + 3600_000,
      },
      this.options.cluster,
    );
  }
}

/** Classifies what passport-openidconnect and the strategy report. Never includes a token or code. */
export function describeFailure(
  error: unknown,
  info: unknown,
  query: Record<string, unknown> | undefined,
): LoginFailure {
  if (error instanceof AuthingCallbackError) {
    return { code: error.reason, description: error.message, unavailable: false };
  }
  if (error instanceof AuthingTokenError) {
    if (error.check === 'jwks_unavailable') {
      return { code: 'unavailable', description: 'the identity server could not be reached', unavailable: true };
    }
    return { code: `id_token_${error.check}`, description: `id_token rejected (${error.check})`, unavailable: false };
  }
  if (error instanceof Error) {
    const inner = (error as { oauthError?: unknown }).oauthError;
    // Unreachable, or answering something that is not an OAuth answer (5xx, HTML, rate limited).
    if (isUnavailable(error) || isUnavailable(inner)) {
      return { code: 'unavailable', description: 'the identity server could not be reached', unavailable: true };
    }
    const oauthCode = (error as { code?: unknown }).code;
    const code = typeof oauthCode === 'string' ? oauthCode.replace(/[^\w.-]/g, '').slice(0, 64) : '';
    if (error.name === 'TokenError') {
      return {
        code: 'token_exchange',
        description: `the token endpoint refused the code (${code || 'error'})`,
        unavailable: false,
      };
    }
    if (error.name === 'AuthorizationError') {
      return {
        code: code || 'authorization_error',
        description: `Authing answered ${code || 'an error'}`,
        unavailable: false,
      };
    }
    if (error.name === 'InternalOAuthError') {
      return { code: 'token_exchange', description: 'the token endpoint could not be used', unavailable: false };
    }
    return { code: 'login_failed', description: 'the login could not be completed', unavailable: false };
  }
  if (query?.error === 'access_denied') {
    return { code: 'access_denied', description: 'the user or Authing denied the login', unavailable: false };
  }
  const message =
    typeof (info as { message?: unknown })?.message === 'string' ? (info as { message: string }).message : '';
  if (message.startsWith('state:')) return { code: 'state', description: message, unavailable: false };
  return { code: 'login_failed', description: message.slice(0, 200) || 'the login was refused', unavailable: false };
}

function isUnavailable(error: unknown): boolean {
  return error instanceof AuthingNetworkError || error instanceof AuthingHttpError;
}

function appendQuery(target: string, key: string, value: string): string {
  const [base, hash] = target.split('#', 2) as [string, string | undefined];
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${key}=${encodeURIComponent(value)}${hash === undefined ? '' : `#${hash}`}`;
}
