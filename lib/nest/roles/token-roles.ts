import { Logger } from '@nestjs/common';
import type { AuthenticationClient, UserInfo } from '../../sdk/index.js';
import { roleCodes, type AuthingUser } from '../user/authing-user.js';
import { TtlCache, tokenKey } from '../cache/ttl-cache.js';

/**
 * Roles with `roles.source: 'token'`. A login's id_token carries the `roles` claim when the login
 * asked for the `roles` scope; Authing's access tokens never carry it, so for a bearer token granted
 * the `roles` scope the userinfo endpoint is asked once per token (cached). When no source can tell,
 * the check answers 403 and the reason is logged once, so that a real administrator's 403 is never
 * a mystery.
 */
export class TokenRoles {
  readonly #byToken = new TtlCache<Promise<string[] | undefined>>(10_000);
  readonly #logged = new Set<string>();
  readonly #logger = new Logger('AuthingRoles');

  constructor(
    private readonly root: AuthenticationClient,
    private readonly cacheTtl: number,
  ) {}

  async rolesOf(user: AuthingUser): Promise<string[]> {
    const own = user.roles ?? roleCodes(user.claims.roles);
    if (own) return own;
    if (user.via === 'session') {
      this.#explain(
        'session',
        "this login's id_token has no roles claim: ask for the `roles` scope at login (option `scope`)",
      );
      return [];
    }
    const token = user.accessToken;
    const scopes = typeof user.claims.scope === 'string' ? user.claims.scope.split(' ') : [];
    if (!token || !scopes.includes('roles')) {
      this.#explain(
        'bearer-scope',
        'bearer access tokens carry no roles claim and this one was not granted the `roles` scope ' +
          '(have the client ask for it at sign-in, so that the userinfo endpoint returns the roles)',
      );
      return [];
    }
    const fromUserInfo = await this.#userInfoRoles(user.sub, token, user.claims.exp);
    if (fromUserInfo) return fromUserInfo;
    this.#explain('userinfo', 'the userinfo endpoint returned no roles claim for a token granted the `roles` scope');
    return [];
  }

  #userInfoRoles(sub: string, token: string, exp: unknown): Promise<string[] | undefined> {
    const key = tokenKey(token);
    const hit = this.#byToken.get(key);
    if (hit) return hit;
    const pending = this.root.getUserInfoByAccessToken(token).then((response) => {
      const info = response.data as Partial<UserInfo> & { roles?: unknown };
      if (response.statusCode !== 200 || info?.sub !== sub) return undefined;
      return roleCodes(info.roles);
    });
    // Network failures are not remembered (the guard answers 503 and the next request asks again).
    pending.catch(() => this.#byToken.delete(key));
    const untilExpiry = typeof exp === 'number' ? exp * 1000 - Date.now() : this.cacheTtl;
    this.#byToken.set(key, pending, Math.min(this.cacheTtl, untilExpiry));
    return pending;
  }

  /** Logs once per reason: the cause of 403s that the role source cannot decide. */
  #explain(reason: string, detail: string): void {
    if (this.#logged.has(reason)) return;
    this.#logged.add(reason);
    this.#logger.warn(
      `Role check answered 403 without roles to compare: roles come from the token (roles.source 'token', the ` +
        `default without management credentials), but ${detail}. Or set accessKeyId/accessKeySecret so that ` +
        'roles are read from Authing. (Logged once.)',
    );
  }
}
