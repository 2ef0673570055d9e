import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTHING_RESOLVED_OPTIONS } from '../constants.js';
import { setRefusalHeaders } from '../guards/guard-errors.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingRequest, ResponseLike } from '../request/request-context.js';
import { attachUser, setReturnTo } from '../request/request-state.js';
import { AuthingSessionMissingError, sessionOf } from '../session/authing-session.js';
import { SessionStoreError } from '../session/session-upkeep.js';
import { isUnavailableSession } from '../session/store-unavailable.js';
import { AuthingStrategy, type AuthingPassportStrategy } from '../strategy/authing.strategy.js';
import { AuthingOptionalDependencyError } from '../strategy/hosted-login-dependencies.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';
import type { LoginAuthenticateOptions, LoginOutcome } from '../strategy/oidc-login-strategy.js';
import type { AuthingUser } from '../user/authing-user.js';
import { runAfterLogin, startLoginSession } from './complete-login.js';
import { mergeParams, paramsFromQuery, type AuthingAuthorizeParams } from './login-options.js';
import { AUTHING_LOGIN_PARAMS } from './login-params.decorator.js';
import { SilentLoginUnavailable } from './login-refusal.js';
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
  /** With the `tenancy` option: a tenant's login and callback run in that tenant's own guard. */
  @Optional() @Inject(AUTHING_TENANCY) private readonly tenancy?: TenancyDispatch;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) protected readonly options: ResolvedAuthingOptions,
    @Inject(AuthingStrategy) private readonly strategy: AuthingStrategy,
    @Optional() @Inject(Reflector) private readonly reflector?: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') throw new Error('AuthingLoginGuard only works on HTTP routes');
    const http = context.switchToHttp();
    const request = http.getRequest<GuardRequest>();
    if (this.tenancy?.enabled) {
      const tenant = this.tenancy.contextOf(request);
      if (tenant) return tenant.loginGuard().canActivate(context) as Promise<boolean>;
      if (tenant === null) throw new NotFoundException({ statusCode: 404, error: 'tenant', message: 'Unknown tenant' });
    }
    // Built on first use: checks redirectUri, then loads passport and passport-openidconnect
    // (optional peers), each failure naming what is missing.
    const loaded = await this.strategy.load();
    const session = sessionOf(request);
    if (!session) throw new AuthingSessionMissingError('AuthingLoginGuard');
    if (isUnavailableSession(session)) {
      // The store could not be read (Redis down): neither a login can start nor a callback find its state.
      this.handleRequest(new SessionStoreError(new Error('the session could not be read')), false, undefined, context);
    }
    const response = nodeLikeResponse(http.getResponse<unknown>());
    const query = request.query ?? {};
    const isCallback = query.code !== undefined || query.error !== undefined;
    const start: LoginAuthenticateOptions = isCallback
      ? {}
      : {
          returnTo: checkReturnTo(query.returnTo, this.options.allowedReturnTo),
          params: mergeParams(this.#routeParams(context), paramsFromQuery(query, this.options.login)),
        };
    // On the login step the strategy answers with a redirect and this never settles (as with AuthGuard).
    const outcome = await this.#runStrategy(loaded, request, response, start);
    if (outcome.error instanceof SilentLoginUnavailable) {
      return this.#silentFallback(loaded, request, response, outcome.error, context);
    }
    const confirmed = this.handleRequest(outcome.error, outcome.user, outcome.info, context);
    const returnTo = checkReturnTo(outcome.info?.returnTo, this.options.allowedReturnTo);
    const [user, info] = await this.#afterLogin(request, confirmed, outcome.info, returnTo, context);
    await this.#startSession(request, response, user, info);
    attachUser(request, user);
    setReturnTo(request, returnTo ?? this.options.defaultReturnTo);
    return true;
  }

  /** `@AuthingLoginParams()` of the handler, else of its controller. */
  #routeParams(context: ExecutionContext): AuthingAuthorizeParams | undefined {
    if (typeof context.getHandler !== 'function') return undefined; // a context built by hand
    const reflector = this.reflector ?? new Reflector();
    return reflector.getAllAndOverride<AuthingAuthorizeParams | undefined>(AUTHING_LOGIN_PARAMS, [
      context.getHandler(),
      context.getClass(),
    ]);
  }

  /**
   * Authing could not complete a silent login without the user: the interactive login starts
   * (`login.silentFallback: 'login'`), or the handler sends the user, anonymous, to `returnTo`.
   */
  async #silentFallback(
    loaded: AuthingPassportStrategy,
    request: GuardRequest,
    response: ResponseLike,
    silent: SilentLoginUnavailable,
    context: ExecutionContext,
  ): Promise<boolean> {
    const returnTo = checkReturnTo(silent.returnTo, this.options.allowedReturnTo);
    if (this.options.login.silentFallback === 'login') {
      const params = (silent.authorize ?? {}) as AuthingAuthorizeParams;
      const outcome = await this.#runStrategy(loaded, request, response, { begin: true, returnTo, params });
      this.handleRequest(outcome.error ?? new Error('the interactive login did not start'), false, undefined, context);
    }
    setReturnTo(request, returnTo ?? this.options.defaultReturnTo);
    return true;
  }

  /** The `login.afterLogin` hook: a refusal (or any error it throws) takes the failure path. */
  async #afterLogin(
    request: GuardRequest,
    user: AuthingUser,
    info: LoginOutcome | undefined,
    returnTo: string | undefined,
    context: ExecutionContext,
  ): Promise<[AuthingUser, LoginOutcome | undefined]> {
    try {
      return await runAfterLogin(this.options, request, user, info, returnTo);
    } catch (error) {
      if (error instanceof HttpException) throw error; // the application's own answer
      return this.handleRequest(error, false, info, context) as never;
    }
  }

  /**
   * Turns passport's outcome into the user, or throws: 401 (or a redirect to `loginFailureRedirect`)
   * for a refused login, 503 when Authing could not be reached. Override to change the answers.
   */
  handleRequest(
    error: unknown,
    user: AuthingUser | false | null | undefined,
    _info: unknown,
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
    if (await startLoginSession(request, this.options, user, outcome)) return;
    setRefusalHeaders(response);
    throw new UnauthorizedException({ statusCode: 401, error: 'token', message: 'no access token' });
  }
}

function appendQuery(target: string, key: string, value: string): string {
  const [base, hash] = target.split('#', 2) as [string, string | undefined];
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}${key}=${encodeURIComponent(value)}${hash === undefined ? '' : `#${hash}`}`;
}
