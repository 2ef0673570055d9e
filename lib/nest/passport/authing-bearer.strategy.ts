import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import passport from 'passport';
import { AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import { AUTHING_RESOLVED_OPTIONS } from '../constants.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { defaultExtractToken, type AuthingRequest } from '../request/request-context.js';
import { attachUser } from '../request/request-state.js';

/** The name {@link AuthingBearerStrategy} is registered under with passport. */
export const AUTHING_BEARER_STRATEGY = 'authing-bearer';

/**
 * A Passport strategy for applications that compose Passport guards:
 * `@UseGuards(AuthGuard(['authing-bearer', 'jwt']))` from @nestjs/passport. It checks the request's
 * bearer access token the way AuthingGuard does (local JWKS verification or introspection, per
 * `tokenValidation`), and hands passport the same `AuthingUser` (`req.user`, `@CurrentUser()`).
 *
 * No token, or a refused one: passport's `fail` (401 with a `Bearer` challenge), so the next strategy
 * of the list is tried. Authing unreachable: an error (503), not a refusal. Sessions are not read: use
 * AuthingGuard for those. Register it as a provider once; constructing it registers it with passport.
 *
 * @example
 * providers: [AuthingBearerStrategy] // with AuthingModule imported
 */
@Injectable()
export class AuthingBearerStrategy {
  /** The name passport knows it by: `authing-bearer`. */
  readonly name = AUTHING_BEARER_STRATEGY;

  private readonly authenticator: AuthingAuthenticator;
  private readonly options: ResolvedAuthingOptions;

  /** Nest builds it from the module's (internal) authenticator and resolved options. */
  constructor(@Inject(AuthingAuthenticator) authenticator: object, @Inject(AUTHING_RESOLVED_OPTIONS) options: object) {
    this.authenticator = authenticator as AuthingAuthenticator;
    this.options = options as ResolvedAuthingOptions;
    passport.use(AUTHING_BEARER_STRATEGY, this as unknown as passport.Strategy);
  }

  /** Called by passport on a per-request object that has its `success` / `fail` / `error` actions. */
  authenticate(request: AuthingRequest): void {
    const actions = this as unknown as PassportActions;
    let token: string | undefined;
    try {
      token = (this.options.extractToken ?? defaultExtractToken)(request);
    } catch {
      token = undefined; // an unreadable credential is the same as none here; AuthingGuard logs it
    }
    if (!token) return actions.fail('Bearer realm="authing"', 401);
    this.authenticator.verifyBearer(token).then(
      (result) => {
        if (result.status === 'authenticated') {
          attachUser(request, result.user);
          return actions.success(result.user);
        }
        if (result.status === 'unavailable') {
          return actions.error(
            new ServiceUnavailableException({
              statusCode: 503,
              error: 'Service Unavailable',
              message: `Authentication unavailable: ${result.description}`,
            }),
          );
        }
        const description = result.status === 'invalid' ? result.description : 'no token';
        actions.fail(`Bearer realm="authing", error="invalid_token", error_description="${quoted(description)}"`, 401);
      },
      (error: unknown) => actions.error(error),
    );
  }
}

/** The actions passport attaches to the object it authenticates with. */
interface PassportActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge: string, status: number): void;
  error(error: unknown): void;
}

/** Characters allowed inside a quoted-string of an HTTP auth challenge, conservatively. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, '').slice(0, 200);
}
