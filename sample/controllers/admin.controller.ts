import {
  BadGatewayException,
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Post,
  Query,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { AuthingHttpError, AuthingNetworkError, ManagementClient, Roles } from '../../lib/index.js';

/** Administration through the ManagementClient: admins only. */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(@Inject(ManagementClient) private readonly management: ManagementClient) {}

  @Get('users')
  async users(@Res({ passthrough: true }) res: Response, @Query('page') page = '1') {
    const response = await reachable(res, () =>
      this.management.listUsers({
        options: { pagination: { page: Math.max(1, Number(page) || 1), limit: 20 } },
      }),
    );
    if (response.statusCode !== 200) throw new BadGatewayException(response.message);
    return {
      totalCount: response.data.totalCount,
      users: response.data.list.map((u) => ({ userId: u.userId, email: u.email, name: u.name, username: u.username })),
    };
  }

  @Post('roles')
  async createRole(@Res({ passthrough: true }) res: Response, @Body() body: { code?: unknown; description?: unknown }) {
    if (typeof body?.code !== 'string' || !/^[\w:-]{1,64}$/.test(body.code)) {
      throw new BadRequestException('code must be 1-64 letters, digits, _ - or :');
    }
    const code = body.code;
    const description = typeof body.description === 'string' ? body.description : undefined;
    const response = await reachable(res, () => this.management.createRole({ code, description }));
    if (response.statusCode !== 200) throw new BadRequestException(response.message);
    return { code: response.data.code, description: response.data.description };
  }
}

/** Authing unreachable (or answering something else than its API): 503 with Retry-After, not a 500. */
async function reachable<T>(res: Response, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AuthingNetworkError || error instanceof AuthingHttpError) {
      res.setHeader('Retry-After', '5');
      throw new ServiceUnavailableException('Authing could not be reached; try again shortly');
    }
    throw error;
  }
}
