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
import { AUTHING_RESOLVED_OPTIONS } from '../constants.js';
import { setRefusalHeaders } from '../guards/guard-errors.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingRequest, ResponseLike } from '../request/request-context.js';
import { attachUser, setReturnTo } from '../request/request-state.js';
import { AuthingSessionMissingError, establishLogin, sessionOf } from '../session/authing-session.js';
import { SessionStoreError } from '../session/session-upkeep.js';
import { isUnavailableSession } from '../session/store-unavailable.js';
import { AuthingStrategy, type AuthingPassportStrategy } from '../strategy/authing.strategy.js';
import { AuthingOptionalDependencyError } from '../strategy/hosted-login-dependencies.js';
import type { LoginAuthenticateOptions, LoginOutcome } from '../strategy/oidc-login-strategy.js';
import type { AuthingUser } from '../user/authing-user.js';
import { checkReturnTo } from './return-to.js';
import { describeLoginFailure } from './login-failure.js';
import { nodeLikeResponse } from './http-response.js';

type GuardRequest = AuthingRequest & { query?: Record<string, unknown> };

interface PassportOutcome {
  error: unknown;
  user: AuthingUser | false | null | undefined;
  info: LoginOutcome | undefined;
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
    @Inject(AUTHING_RESOLVED_OPTIONS) protected readonly options: ResolvedAuthingOptions,
    @Inject(AuthingStrategy) private readonly strategy: AuthingStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') throw new Error('AuthingLoginGuard only works on HTTP routes');
    const http = context.switchToHttp();
    const request = http.getRequest<GuardRequest>();
    const response = nodeLikeResponse(http.getResponse<unknown>());
    // Built on first use: checks redirectUri, then loads passport and passport-openidconnect
    // (optional peers), each failure naming what is missing.
    const loaded = await this.strategy.load();
    const session = sessionOf(request);
    if (!session) throw new AuthingSessionMissingError('AuthingLoginGuard');
    if (isUnavailableSession(session)) {
      // The store could not be read (Redis down): neither a login can start nor a callback find its state.
      this.handleRequest(new SessionStoreError(new Error('the session could not be read')), false, undefined, context);
    }
    const query = request.query ?? {};
    const isCallback = query.code !== undefined || query.error !== undefined;
    const start: LoginAuthenticateOptions = isCallback
      ? {}
      : { returnTo: checkReturnTo(query.returnTo, this.options.allowedReturnTo) };
    // On the login step the strategy answers with a redirect and this never settles (as with AuthGuard).
    const outcome = await this.#runStrategy(loaded, request, response, start);
    const user = this.handleRequest(outcome.error, outcome.user, outcome.info, context);
    await this.#startSession(request, response, user, outcome.info);
    attachUser(request, user);
    setReturnTo(
      request,
      checkReturnTo(outcome.info?.returnTo, this.options.allowedReturnTo) ?? this.options.defaultReturnTo,
    );
    return true;
  }

  /**
   * Turns passport's outcome into the user, or throws: 401 (or a redirect to `loginFailureRedirect`)
   * for a refused login, 503 when Authing could not be reached. Override to change the answers.
   */
  handleRequest(
    error: unknown,
    user: AuthingUser | false | null | undefined,
    _info: LoginOutcome | undefined,
    context: ExecutionContext,
  ): AuthingUser {
    if (!error && user) return user;
    if (error instanceof SessionStoreError) {
      setRefusalHeaders(nodeLikeResponse(context.switchToHttp().getResponse<unknown>()), { 'Retry-After': '5' });
      throw error; // a 503: the session store (Redis) is down, the login can be tried again shortly
    }
    if (
      error instanceof AuthingSessionMissingError ||
      error instanceof AuthingConfigurationError ||
      error instanceof AuthingOptionalDependencyError
    ) {
      throw error;
    }
    const failure = describeLoginFailure(error);
    const detail =
      failure.code === 'login_failed' && error instanceof Error ? ` [${error.name}: ${error.message}]` : '';
    this.logger.warn(`Login failed (${failure.code}): ${failure.description}${detail}`);
    const response = nodeLikeResponse(context.switchToHttp().getResponse<unknown>());
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
    start: LoginAuthenticateOptions,
  ): Promise<PassportOutcome> {
    return new Promise((resolve, reject) => {
      // A per-request object over the singleton strategy: passport attaches success/fail/redirect to
      // it, so concurrent logins never share them. Using the instance (not the name) also keeps several
      // applications in one process apart.
      const perRequest = Object.create(loaded.strategy) as object;
      const middleware = loaded.passport.authenticate(perRequest, { ...start, session: false }, (error, user, info) =>
        resolve({ error, user: user as AuthingUser | false, info: info as LoginOutcome | undefined }),
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

  async #startSession(
    request: GuardRequest,
    response: ResponseLike,
    user: AuthingUser,
    outcome: LoginOutcome | undefined,
  ): Promise<void> {
    const tokens = outcome?.tokens;
    const accessToken = tokens?.accessToken ?? user.accessToken;
    if (!accessToken) {
      setRefusalHeaders(response);
      throw new UnauthorizedException({ statusCode: 401, error: 'token', message: 'no access token' });
    }
    await establishLogin(
      request,
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

function appendQuery(target: string, key: string, value: string): string {
  const [base, hash] = target.split('#', 2) as [string, string | undefined];
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${key}=${encodeURIComponent(value)}${hash === undefined ? '' : `#${hash}`}`;
}
