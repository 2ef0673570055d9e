import {
  BadGatewayException,
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Param,
  Post,
  Redirect,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthingLoginGuard,
  AuthingLogout,
  AuthingReturnTo,
  AuthingTenants,
  CurrentUser,
  OptionalAuth,
  Public,
  Roles,
  type AuthingTenant,
  type AuthingUser,
} from '../../lib/index.js';
import { SampleIdentity, type SampleIdentityAnswer } from '../identity.service.js';
import { tenantAdminPage, tenantHomePage } from '../tenant-views.js';

/**
 * The same app for each tenant under `/t/<tenant>`: the module's path resolver sends these requests
 * to the tenant's own Authing application, so each has its own login, session and API, and a token
 * or session of one tenant is refused by the other (401).
 */
@Controller('t/:tenant')
export class TenantController {
  constructor(
    @Inject(AuthingTenants) private readonly tenants: AuthingTenants,
    @Inject(AuthingLogout) private readonly authingLogout: AuthingLogout,
    @Inject(SampleIdentity) private readonly identity: SampleIdentity,
  ) {}

  @Get()
  @OptionalAuth()
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(@Param('tenant') name: string, @CurrentUser() user: AuthingUser | undefined): string {
    return tenantHomePage(this.#tenant(name), user);
  }

  /** The tenant's hosted login (its application, `tenantId` passed to Authing). */
  @Get('login')
  @Public()
  @UseGuards(AuthingLoginGuard)
  login(): void {
    // Not reached: the guard redirects to Authing.
  }

  @Get('callback')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() returnTo: string): { url: string } {
    return { url: returnTo };
  }

  @Post('logout')
  @Public()
  async logout(@Param('tenant') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.#tenant(name);
    await this.authingLogout.logout(req, res);
  }

  /** Who is calling, as this tenant sees it (bearer token or session of this tenant only). */
  @Get('api/me')
  async me(
    @Param('tenant') name: string,
    @CurrentUser() user: AuthingUser,
  ): Promise<SampleIdentityAnswer & { tenant: string }> {
    return { ...(await this.identity.describe(user)), tenant: this.#tenant(name).name };
  }

  /** The tenant's members, through the tenant's own ManagementClient: admins only. */
  @Get('admin')
  @Roles('admin')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async admin(@Param('tenant') name: string, @CurrentUser() viewer: AuthingUser): Promise<string> {
    const tenant = this.#tenant(name);
    const response = await tenant.management.listTenantUsers({ tenantId: tenant.tenantId });
    if (response.statusCode !== 200) throw new BadGatewayException(response.message);
    const data = response.data as { list?: { userId?: string; email?: string; name?: string }[] };
    return tenantAdminPage(tenant, viewer, data.list ?? []);
  }

  #tenant(name: string): AuthingTenant {
    const tenant = this.tenants.get(name);
    if (!tenant) throw new NotFoundException(`No tenant "${name}"`);
    return tenant;
  }
}
