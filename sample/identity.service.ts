import { Inject, Injectable } from '@nestjs/common';
import { AuthingRolesService, isManagementConfigured, ManagementClient } from '../lib/index.js';
import type { AuthingUser } from '../lib/index.js';

/** What `GET /api/me` answers, the same fields over a bearer token and a session. */
export interface SampleIdentityAnswer {
  sub: string;
  email: string | null;
  name: string | null;
  roles: string[];
  claims: Readonly<Record<string, unknown>>;
  via: 'bearer' | 'session';
}

const PROFILE_TTL_MS = 30_000;
const PROFILE_CACHE_SIZE = 1_000;

/**
 * The caller's identity with the same fields whatever authenticated them. A session's id_token has
 * the email and name; an access token has neither, so they are read from Authing (the management
 * API, cached per user). Roles are the ones `@Roles()` sees. When Authing cannot be reached the
 * answer still comes, from the verified token alone (email/name null, roles from its claims).
 */
@Injectable()
export class SampleIdentity {
  readonly #profiles = new Map<string, { until: number; email: string | null; name: string | null }>();

  constructor(
    @Inject(AuthingRolesService) private readonly roles: AuthingRolesService,
    @Inject(ManagementClient) private readonly management: ManagementClient,
  ) {}

  async describe(user: AuthingUser): Promise<SampleIdentityAnswer> {
    const [roles, profile] = await Promise.all([
      this.roles.rolesOf(user).catch(() => [...(user.roles ?? [])]),
      user.email !== undefined && user.name !== undefined ? undefined : this.#profile(user.sub),
    ]);
    return {
      sub: user.sub,
      email: user.email ?? profile?.email ?? null,
      name: user.name ?? profile?.name ?? null,
      roles,
      claims: user.claims,
      via: user.via,
    };
  }

  async #profile(sub: string): Promise<{ email: string | null; name: string | null } | undefined> {
    if (!isManagementConfigured(this.management)) return undefined;
    const cached = this.#profiles.get(sub);
    if (cached && cached.until > Date.now()) return cached;
    try {
      const response = await this.management.getUser({ userId: sub });
      if (response.statusCode !== 200) return undefined;
      const entry = {
        until: Date.now() + PROFILE_TTL_MS,
        email: response.data.email ?? null,
        name: response.data.name ?? response.data.nickname ?? response.data.username ?? null,
      };
      if (this.#profiles.size >= PROFILE_CACHE_SIZE) this.#profiles.delete(this.#profiles.keys().next().value!);
      this.#profiles.set(sub, entry);
      return entry;
    } catch {
      return undefined; // Authing unreachable: answer from the token alone
    }
  }
}
