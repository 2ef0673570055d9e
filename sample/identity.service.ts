import { Inject, Injectable } from '@nestjs/common';
import { AuthingRolesService } from '../lib/index.js';
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

/**
 * The caller's identity with the same fields whatever authenticated them: `email` and `name` as the
 * credential says (a session's id_token has them; Authing's access tokens do not, so they are null
 * over a bearer token rather than a hidden call to Authing on every request), and the roles that
 * `@Roles()` sees (through Authing when the management credentials are set, cached). When Authing
 * cannot be reached the answer still comes, with the roles the credential itself carries.
 */
@Injectable()
export class SampleIdentity {
  constructor(@Inject(AuthingRolesService) private readonly roles: AuthingRolesService) {}

  async describe(user: AuthingUser): Promise<SampleIdentityAnswer> {
    const roles = await this.roles.rolesOf(user).catch(() => [...(user.roles ?? [])]);
    return {
      sub: user.sub,
      email: user.email ?? null,
      name: user.name ?? null,
      roles,
      claims: user.claims,
      via: user.via,
    };
  }
}
