import { Controller, ForbiddenException, Get, Inject, Param, Req } from '@nestjs/common';
import {
  AuthingAuthorization,
  AuthingTenants,
  CurrentUser,
  ResourceAccess,
  Roles,
  type AuthingRequest,
  type AuthingUser,
} from 'nestjs-authing';

// Behind the global AuthingGuard. Each check asks the request's tenant's own ManagementClient
// (created with its tenantId), and each tenant's answers are cached apart from the others'.
@Controller('t/:tenant')
export class TenantAdminController {
  constructor(
    @Inject(AuthingAuthorization) private readonly authorization: AuthingAuthorization,
    @Inject(AuthingTenants) private readonly tenants: AuthingTenants,
  ) {}

  @Get('admin')
  @Roles('admin') // the user's roles in this tenant
  admin() {
    return { ok: true };
  }

  @Get('orders/:id')
  @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } }) // asked in this tenant
  order(@Param('id') id: string) {
    return { id };
  }

  @Get('invoices/:id')
  async invoice(@Req() request: AuthingRequest, @CurrentUser() user: AuthingUser, @Param('id') id: string) {
    // In code, name the tenant: the request's (AuthingTenants.of), or any configured one.
    const tenant = this.tenants.of(request)?.name;
    if (!(await this.authorization.isAllowed(user, 'read', `invoice:${id}`, { tenant }))) {
      throw new ForbiddenException(`Not allowed to read invoice ${id}`);
    }
    return { id };
  }
}
