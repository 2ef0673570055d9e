import { HttpException, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { AUTHING_STRATEGY } from '../constants.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { checkReturnTo } from '../login/return-to.js';
import { describeLoginFailure } from '../login/login-failure.js';
import type { AuthingRequest } from '../request/request-context.js';
import { attachUser, setReturnTo } from '../request/request-state.js';
import { AuthingSessionMissingError, sessionOf } from '../session/authing-session.js';
import { runAfterLogin, startLoginSession } from '../login/complete-login.js';
import { AuthingOptionalDependencyError, type OidcStrategyBase } from '../strategy/hosted-login-dependencies.js';
import type { LoginAuthenticateOptions, LoginOutcome } from '../strategy/oidc-login-strategy.js';
import type { AuthingUser } from '../user/authing-user.js';

/** The actions passport attaches to the per-request object of a strategy it runs. */
interface PassportActions {
  redirect(url: string, status?: number): void;
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
}

type LoginRequest = AuthingRequest & { query?: Record<string, unknown> };

/** What passport (and `AuthGuard('authing')`, as `req.authInfo`) receives: no tokens. */
export interface PassportLoginInfo {
  /** Where the login should send the browser: the checked `?returnTo=` of `/login`, or `defaultReturnTo`. */
  returnTo: string;
}

/**
 * The strategy registered with passport as `authing`, for applications that use `AuthGuard('authing')`
 * from @nestjs/passport (or `passport.authenticate('authing')`) rather than AuthingLoginGuard. It runs
 * the same hosted login (pending logins per `state`, PKCE, nonce, the SDK's callback checks) and then
 * does what AuthingLoginGuard does: starts the session (new session id), attaches the user and the
 * checked `returnTo` (`@AuthingReturnTo()`). Failures are Nest HTTP exceptions (401, 503), which
 * AuthGuard's default `handleRequest` rethrows as they are.
 */
export function createPassportLoginStrategy(
  login: OidcStrategyBase,
  options: ResolvedAuthingOptions,
): { name: string; authenticate(this: PassportActions, request: LoginRequest): void } {
  const logger = new Logger('AuthingLogin');
  return {
    name: AUTHING_STRATEGY,
    authenticate(this: PassportActions, request: LoginRequest): void {
      run(this, request);
    },
  };

  function run(actions: PassportActions, request: LoginRequest): void {
    if (!sessionOf(request)) return actions.error(new AuthingSessionMissingError("AuthGuard('authing')"));
    const query = request.query ?? {};
    const isCallback = query.code !== undefined || query.error !== undefined;
    const start: LoginAuthenticateOptions = isCallback
      ? {}
      : { returnTo: checkReturnTo(query.returnTo, options.allowedReturnTo) };
    // A per-request object over the singleton login strategy, as AuthingLoginGuard uses it.
    const perRequest = Object.create(login) as OidcStrategyBase & Partial<PassportActions>;
    perRequest.redirect = (url: string) => actions.redirect(url);
    perRequest.error = (error: unknown) => actions.error(asHttpError(error, logger));
    perRequest.fail = () => actions.error(asHttpError(undefined, logger));
    perRequest.success = (user: unknown, info?: unknown) => {
      const outcome = info as LoginOutcome | undefined;
      const returnTo = checkReturnTo(outcome?.returnTo, options.allowedReturnTo);
      complete(request, options, user as AuthingUser, outcome, returnTo).then(
        (kept) => {
          attachUser(request, kept);
          setReturnTo(request, returnTo ?? options.defaultReturnTo);
          const passportInfo: PassportLoginInfo = { returnTo: returnTo ?? options.defaultReturnTo };
          actions.success(kept, passportInfo);
        },
        (error: unknown) => actions.error(asHttpError(error, logger)),
      );
    };
    perRequest.authenticate(request, start);
  }
}

/** As AuthingLoginGuard: the `login.afterLogin` hook, then the session record; the user the session keeps. */
async function complete(
  request: LoginRequest,
  options: ResolvedAuthingOptions,
  user: AuthingUser,
  outcome: LoginOutcome | undefined,
  returnTo: string | undefined,
): Promise<AuthingUser> {
  const [kept, info] = await runAfterLogin(options, request, user, outcome, returnTo);
  if (await startLoginSession(request, options, kept, info)) return kept;
  throw new UnauthorizedException({ statusCode: 401, error: 'token', message: 'no access token' });
}

/**
 * A failed login as the HTTP answer AuthGuard rethrows: 401 naming the reason, 503 when Authing or
 * the session store is unreachable; configuration and installation errors as they are.
 */
function asHttpError(error: unknown, logger: Logger): unknown {
  if (
    error instanceof HttpException ||
    error instanceof AuthingSessionMissingError ||
    error instanceof AuthingConfigurationError ||
    error instanceof AuthingOptionalDependencyError
  ) {
    return error;
  }
  const failure = describeLoginFailure(error);
  logger.warn(`Login failed (${failure.code}): ${failure.description}`);
  if (failure.unavailable) {
    return new ServiceUnavailableException({ statusCode: 503, error: failure.code, message: failure.description });
  }
  return new UnauthorizedException({ statusCode: 401, error: failure.code, message: failure.description });
}
