import { BadGatewayException, Controller, Get } from '@nestjs/common';
import { AuthingRolesService, CurrentUser, ManagementClient, Roles } from 'nestjs-authing';
import type { AuthingUser } from 'nestjs-authing';

@Controller('api')
export class ApiController {
  constructor(
    private readonly management: ManagementClient,
    private readonly roles: AuthingRolesService,
  ) {}

  /** Bearer access token or session: { sub, email, name, roles, claims, via }. */
  @Get('me')
  async me(@CurrentUser() user: AuthingUser) {
    // Tokens are not enumerable: spreading or returning the user never serialises them.
    return { ...user, roles: await this.roles.rolesOf(user) };
  }

  @Get('admin/users')
  @Roles('admin') // 403 unless the caller has the `admin` role
  async users() {
    const { statusCode, message, data } = await this.management.listUsers({
      options: { pagination: { page: 1, limit: 20 } },
    });
    if (statusCode !== 200) throw new BadGatewayException(message); // Authing's envelope said no
    return data.list.map((u) => ({ userId: u.userId, email: u.email, name: u.name }));
  }
}
