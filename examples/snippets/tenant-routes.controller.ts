import { Controller, Get, Inject, Param, Redirect, UseGuards } from '@nestjs/common';
import {
  AuthingLoginGuard,
  AuthingReturnTo,
  AuthingTenants,
  CurrentUser,
  Public,
  type AuthingUser,
} from 'nestjs-authing';

// One set of routes for every tenant: the guards pick the tenant from the path.
@Controller('t/:tenant')
export class TenantRoutesController {
  constructor(@Inject(AuthingTenants) private readonly tenants: AuthingTenants) {}

  @Get('login')
  @Public()
  @UseGuards(AuthingLoginGuard) // the tenant's application and tenantId
  login(): void {}

  @Get('callback')
  @Public()
  @UseGuards(AuthingLoginGuard) // completes only a login this tenant started
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url };
  }

  @Get('api/me') // the global AuthingGuard: a token or session of this tenant only
  me(@Param('tenant') tenant: string, @CurrentUser() user: AuthingUser) {
    return { tenant: this.tenants.get(tenant)?.name, sub: user.sub };
  }
}
