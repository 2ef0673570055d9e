import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthingClient, AuthingGuard, type AuthenticationClient } from 'nestjs-authing';

@Controller('api')
@UseGuards(AuthingGuard)
export class ProfileController {
  @Get('me/profile')
  async profile(@AuthingClient() client: AuthenticationClient) {
    const response = await client.getProfile(); // the caller's own token
    return response.data;
  }
}
