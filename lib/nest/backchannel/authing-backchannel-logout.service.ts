import { BadRequestException, Inject, Injectable, Logger, NotImplementedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuthingTokenError, type AuthenticationClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import type { AuthingRequest } from '../request/request-context.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { sidIndexKey, subIndexKey } from '../cluster/login-index.js';
import { destroyStored, sharedSessionOf } from '../cluster/shared-session.js';
import { isStoreError, SessionStoreError } from '../session/session-upkeep.js';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** How long a logout token's `jti` is remembered (it must not be replayed) when it has no `exp`. */
const JTI_TTL_MS = 10 * 60 * 1000;

/** What a back-channel logout ended. */
export interface BackchannelLogoutResult {
  /** Sessions of this application destroyed (on every replica: they share the store). */
  ended: number;
}

/**
 * OpenID Connect Back-Channel Logout 1.0: Authing POSTs a signed `logout_token` when the user logs
 * out (or is logged out); the sessions it names end on every replica. Needs the `cluster` option
 * (the `sid`/`sub` index and the `jti` replay check live there).
 *
 * @example
 * @Post('backchannel-logout') @Public() @HttpCode(200) @Header('Cache-Control', 'no-store')
 * async backchannelLogout(@Req() req: Request) { await this.backchannel.handle(req); }
 */
@Injectable()
export class AuthingBackchannelLogout {
  readonly #logger = new Logger('AuthingBackchannelLogout');

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
  ) {}

  /**
   * Verifies the request's `logout_token` (form body) and destroys the sessions it names. Throws 400
   * `invalid_request` (with the failed check) for a bad token, 503 if the store is down.
   */
  async handle(request: AuthingRequest & { body?: unknown }): Promise<BackchannelLogoutResult> {
    const cluster = this.options.cluster;
    if (!cluster) {
      throw new NotImplementedException('Back-channel logout needs the AuthingModule cluster option (shared state)');
    }
    const body = request.body as Record<string, unknown> | undefined;
    const token = typeof body === 'object' && body !== null ? body.logout_token : undefined;
    if (typeof token !== 'string' || token === '') throw invalid('logout_token: missing from the form body');
    const claims = await this.#verify(token);
    const handle = sharedSessionOf(request);
    if (!handle) throw new NotImplementedException('Back-channel logout needs the session middleware on its route');
    try {
      const ttl = typeof claims.exp === 'number' ? Math.max(1000, claims.exp * 1000 - Date.now() + 60_000) : JTI_TTL_MS;
      const jtiKey = `bcl:jti:${createHash('sha256').update(`${claims.iss}|${claims.jti}`).digest('base64url')}`;
      if (!(await cluster.claimOnce(jtiKey, ttl))) throw invalid('jti: this logout token was already used');
      // A sid names one Authing session (one login); a sub alone, every session of the user.
      const key = typeof claims.sid === 'string' ? sidIndexKey(claims.sid) : subIndexKey(claims.sub as string);
      const ids = await cluster.takeIndex(key);
      for (const id of ids) await destroyStored(handle.store, id);
      this.#logger.log(`Back-channel logout ended ${ids.length} session(s)`);
      return { ended: ids.length };
    } catch (error) {
      if (isStoreError(error)) throw new SessionStoreError(error);
      throw error;
    }
  }

  async #verify(token: string): Promise<Record<string, unknown>> {
    let claims: Record<string, unknown>;
    try {
      // Signature (the application's JWKS or secret), iss, aud, azp, exp and iat, as for an id_token.
      claims = (await this.root.verifyIdToken(token)) as unknown as Record<string, unknown>;
    } catch (error) {
      if (error instanceof AuthingTokenError) throw invalid(`${error.check}: ${error.reason}`);
      throw error;
    }
    if (typeof claims.iat !== 'number') throw invalid('iat: missing');
    const events = claims.events as Record<string, unknown> | undefined;
    const event = typeof events === 'object' && events !== null ? events[LOGOUT_EVENT] : undefined;
    if (typeof event !== 'object' || event === null) throw invalid(`events: no ${LOGOUT_EVENT} member`);
    if (typeof claims.jti !== 'string' || claims.jti === '') throw invalid('jti: missing');
    // A nonce would make it an id_token: one must never be accepted as the other.
    if ('nonce' in claims) throw invalid('nonce: a logout token has none');
    const sid = claims.sid;
    const sub = claims.sub;
    if ((typeof sid !== 'string' || sid === '') && (typeof sub !== 'string' || sub === '')) {
      throw invalid('sid: neither sid nor sub');
    }
    return claims;
  }
}

function invalid(description: string): BadRequestException {
  return new BadRequestException({ error: 'invalid_request', error_description: description });
}
