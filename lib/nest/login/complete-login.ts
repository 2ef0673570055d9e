import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import type { AuthingRequest } from '../request/request-context.js';
import { establishLogin } from '../session/authing-session.js';
import type { LoginOutcome } from '../strategy/oidc-login-strategy.js';
import { createAuthingUser, type AuthingUser } from '../user/authing-user.js';
import { applyDecision } from './login-decision.js';
import type { AuthingLoginDecision } from './login-options.js';
import { AuthingLoginRefusedError } from './login-refusal.js';

/*
 * What every hosted-login entry (AuthingLoginGuard, passport's `authing` strategy behind
 * `AuthGuard('authing')`) does once Authing's answer is verified, defined once so both keep the
 * same hook and the same session record.
 */

/**
 * Runs the `login.afterLogin` hook. Resolves to the user and outcome the session should keep; rejects
 * with what the hook threw (an {@link AuthingLoginRefusedError} when it refused), for the caller to
 * answer as a failed login.
 */
export async function runAfterLogin(
  options: ResolvedAuthingOptions,
  request: AuthingRequest,
  user: AuthingUser,
  info: LoginOutcome | undefined,
  returnTo: string | undefined,
): Promise<[AuthingUser, LoginOutcome | undefined]> {
  const hook = options.login.afterLogin;
  if (!hook || !info) return [user, info];
  const decision: AuthingLoginDecision | void = await hook(user, {
    request,
    claims: Object.freeze({ ...info.tokens.claims }),
    hasRefreshToken: info.tokens.refreshToken !== undefined,
    returnTo,
    refuse(reason: string, description?: string): never {
      throw new AuthingLoginRefusedError(reason, description);
    },
  });
  if (!decision) return [user, info];
  const tokens = applyDecision(info.tokens, decision);
  const decided = createAuthingUser({
    claims: tokens.claims,
    roles: tokens.roles,
    via: 'session',
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
  });
  return [decided, { ...info, tokens }];
}

/**
 * Writes the session record of a completed login (new session id, cluster index). Resolves to false,
 * writing nothing, when the login brought no access token: the caller answers 401.
 */
export async function startLoginSession(
  request: AuthingRequest,
  options: ResolvedAuthingOptions,
  user: AuthingUser,
  outcome: LoginOutcome | undefined,
): Promise<boolean> {
  const tokens = outcome?.tokens;
  const accessToken = tokens?.accessToken ?? user.accessToken;
  if (!accessToken) return false;
  await establishLogin(
    request,
    options.sessionKey,
    {
      v: 1,
      claims: tokens?.claims ?? { ...user.claims },
      ...(user.roles ? { roles: user.roles } : {}),
      accessToken,
      idToken: tokens?.idToken ?? user.idToken,
      refreshToken: tokens?.refreshToken,
      expiresAt: tokens?.expiresAt ?? Date.now() + 3600_000,
    },
    options.cluster,
  );
  return true;
}
