import { BadGatewayException, BadRequestException, Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ManagementClient, Roles } from '../../lib/index.js';

/** Administration through the ManagementClient: admins only. */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(@Inject(ManagementClient) private readonly management: ManagementClient) {}

  @Get('users')
  async users(@Query('page') page = '1') {
    const response = await this.management.listUsers({
      options: { pagination: { page: Math.max(1, Number(page) || 1), limit: 20 } },
    });
    if (response.statusCode !== 200) throw new BadGatewayException(response.message);
    return {
      totalCount: response.data.totalCount,
      users: response.data.list.map((u) => ({ userId: u.userId, email: u.email, name: u.name, username: u.username })),
    };
  }

  @Post('roles')
  async createRole(@Body() body: { code?: unknown; description?: unknown }) {
    if (typeof body?.code !== 'string' || !/^[\w:-]{1,64}$/.test(body.code)) {
      throw new BadRequestException('code must be 1-64 letters, digits, _ - or :');
    }
    const description = typeof body.description === 'string' ? body.description : undefined;
    const response = await this.management.createRole({ code: body.code, description });
    if (response.statusCode !== 200) throw new BadRequestException(response.message);
    return { code: response.data.code, description: response.data.description };
  }
}
