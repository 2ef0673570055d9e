import type { LoginTokens } from '../strategy/oidc-login-strategy.js';
import type { AuthingLoginDecision } from './login-options.js';

/** Claims that identify the login: the hook can neither change nor drop them. */
const PINNED = ['sub', 'sid'];

/** The session tokens after the `afterLogin` hook's decision (claims merged or trimmed, roles, refresh token). */
export function applyDecision(tokens: LoginTokens, decision: AuthingLoginDecision): LoginTokens {
  let claims: Record<string, unknown> = { ...tokens.claims, ...decision.claims };
  for (const name of PINNED) {
    if (name in tokens.claims) claims[name] = tokens.claims[name];
    else delete claims[name];
  }
  if (Array.isArray(decision.keepClaims)) {
    const keep = new Set([...decision.keepClaims, ...PINNED]);
    claims = Object.fromEntries(Object.entries(claims).filter(([name]) => keep.has(name)));
  }
  const next: LoginTokens = { ...tokens, claims };
  if (Array.isArray(decision.roles)) next.roles = decision.roles.filter((role) => typeof role === 'string');
  if (decision.keepRefreshToken === false) delete next.refreshToken;
  return next;
}
