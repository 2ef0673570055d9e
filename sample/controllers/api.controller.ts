import { Controller, Get, Inject, Scope } from '@nestjs/common';
import {
  AccessToken,
  AuthenticationClient,
  AuthingClient,
  CurrentUser,
  Public,
  type AuthingUser,
} from '../../lib/index.js';

/** The JSON API: bearer token or session (the guard is global in this sample). */
@Controller('api')
export class ApiController {
  /** Who is calling, from the verified token (no network call once the keys are cached). */
  @Get('me')
  me(@CurrentUser() user: AuthingUser): Pick<AuthingUser, 'sub' | 'email' | 'name' | 'roles' | 'via'> {
    // The same fields over a bearer token and a session; null where the credential does not say.
    return { sub: user.sub, email: user.email, name: user.name, roles: user.roles, via: user.via };
  }

  /** The caller's profile from Authing, through their own client (no request scope needed). */
  @Get('me/profile')
  async profile(@AuthingClient() client: AuthenticationClient, @AccessToken() token: string | undefined) {
    const response = await client.getProfile();
    return { statusCode: response.statusCode, profile: response.data, tokenForwarded: client.accessToken === token };
  }

  @Get('public')
  @Public()
  publicInfo(): { message: string } {
    return { message: 'Anyone may read this.' };
  }
}

/**
 * The same profile call with the request-scoped AuthenticationClient injected: simple, but the
 * controller becomes request-scoped (created per request).
 */
@Controller({ path: 'api/scoped', scope: Scope.REQUEST })
export class ScopedProfileController {
  constructor(@Inject(AuthenticationClient) private readonly client: AuthenticationClient) {}

  @Get('profile')
  async profile() {
    const response = await this.client.getProfile();
    return { statusCode: response.statusCode, profile: response.data };
  }
}
