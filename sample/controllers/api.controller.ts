import { Controller, Get, Inject, Scope } from '@nestjs/common';
import {
  AccessToken,
  AuthenticationClient,
  AuthingClient,
  CurrentUser,
  Public,
  type AuthingUser,
} from '../../lib/index.js';
import { SampleIdentity, type SampleIdentityAnswer } from '../identity.service.js';

/** The JSON API: bearer token or session (the guard is global in this sample). */
@Controller('api')
export class ApiController {
  constructor(@Inject(SampleIdentity) private readonly identity: SampleIdentity) {}

  /** Who is calling: `{ sub, email, name, roles, claims, via }`, by bearer token or session alike. */
  @Get('me')
  me(@CurrentUser() user: AuthingUser): Promise<SampleIdentityAnswer> {
    return this.identity.describe(user);
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
