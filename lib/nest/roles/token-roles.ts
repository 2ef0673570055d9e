import { Logger } from '@nestjs/common';
import type { AuthenticationClient, UserInfo } from '../../sdk/index.js';
import { roleCodes, type AuthingUser } from '../user/authing-user.js';
import { TtlCache, tokenKey } from '../cache/ttl-cache.js';
import { DEFAULT_NAMESPACE } from '../authorization/requirements.js';

/** A role as Authing identifies it: namespace and code. */
export interface RoleRef {
  code: string;
  namespace: string;
}

/**
 * Roles out of a `roles` claim: a string entry is a role of Authing's default namespace; an object
 * entry `{ code, namespace }` (as Authing's role lists) keeps its namespace (default when absent).
 */
export function roleRefs(value: unknown): RoleRef[] | undefined {
  if (!Array.isArray(value)) {
    const codes = roleCodes(value);
    return codes?.map((code) => ({ code, namespace: DEFAULT_NAMESPACE }));
  }
  const refs: RoleRef[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item !== '') refs.push({ code: item, namespace: DEFAULT_NAMESPACE });
    else if (typeof item === 'object' && item !== null && typeof (item as { code?: unknown }).code === 'string') {
      const { code, namespace } = item as { code: string; namespace?: unknown };
      refs.push({ code, namespace: typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE });
    }
  }
  return refs;
}

/**
 * Roles with `roles.source: 'token'`. A login's id_token carries the `roles` claim when the login
 * asked for the `roles` scope; Authing's access tokens never carry it, so for a bearer token granted
 * the `roles` scope the userinfo endpoint is asked once per token (cached). When no source can tell,
 * the check answers 403 and the reason is logged once, so that a real administrator's 403 is never
 * a mystery.
 */
export class TokenRoles {
  readonly #byToken = new TtlCache<Promise<RoleRef[] | undefined>>(10_000);
  readonly #logged = new Set<string>();
  readonly #logger = new Logger('AuthingRoles');

  constructor(
    private readonly root: AuthenticationClient,
    private readonly cacheTtl: number,
  ) {}

  /** Role codes of every namespace (what `AuthingRolesService.rolesOf` has always answered). */
  async rolesOf(user: AuthingUser): Promise<string[]> {
    if (user.roles) return user.roles;
    return (await this.refsOf(user)).map((ref) => ref.code);
  }

  /** The user's roles with their namespaces (string claim entries are the default namespace's). */
  async refsOf(user: AuthingUser): Promise<RoleRef[]> {
    const own = roleRefs(user.claims.roles) ?? (user.roles ? roleRefs(user.roles) : undefined);
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

  #userInfoRoles(sub: string, token: string, exp: unknown): Promise<RoleRef[] | undefined> {
    const key = tokenKey(token);
    const hit = this.#byToken.get(key);
    if (hit) return hit;
    const pending = this.root.getUserInfoByAccessToken(token).then((response) => {
      const info = response.data as Partial<UserInfo> & { roles?: unknown };
      if (response.statusCode !== 200 || info?.sub !== sub) return undefined;
      return roleRefs(info.roles);
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
