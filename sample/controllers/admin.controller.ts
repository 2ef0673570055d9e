import {
  BadGatewayException,
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Post,
  Query,
  Redirect,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthingHttpError, AuthingNetworkError, CurrentUser, ManagementClient, Roles } from '../../lib/index.js';
import type { AuthingUser } from '../../lib/index.js';
import { rolesPage, usersPage } from '../admin-views.js';

const PAGE_SIZE = 20;
const ROLE_CODE = /^[\w:-]{1,64}$/;

/** A browser asks for a page; API clients (and anything without Accept: text/html) get JSON. */
export function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/** Administration through the ManagementClient: admins only. Pages for browsers, JSON for the rest. */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(@Inject(ManagementClient) private readonly management: ManagementClient) {}

  @Get()
  @Redirect('/admin/users')
  index(): void {}

  @Get('users')
  async users(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() viewer: AuthingUser,
    @Query('page') pageParam = '1',
  ) {
    const page = Math.max(1, Math.floor(Number(pageParam)) || 1);
    const response = await reachable(res, () =>
      this.management.listUsers({ options: { pagination: { page, limit: PAGE_SIZE } } }),
    );
    if (response.statusCode !== 200) throw new BadGatewayException(response.message);
    const users = response.data.list.map((u) => ({
      userId: u.userId,
      email: u.email,
      name: u.name,
      username: u.username,
    }));
    if (!wantsHtml(req)) return { totalCount: response.data.totalCount, users };
    res.type('html');
    return usersPage(viewer, users, response.data.totalCount, page, PAGE_SIZE);
  }

  @Get('roles')
  async roles(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() viewer: AuthingUser,
    @Query('created') created?: string,
  ) {
    const roles = await this.#roles(res);
    if (!wantsHtml(req)) return { totalCount: roles.length, roles };
    res.type('html');
    return rolesPage(viewer, roles, {
      created: typeof created === 'string' && ROLE_CODE.test(created) ? created : undefined,
    });
  }

  /** JSON `{ code, description }` → 201 JSON; the page's form → back to the roles page (303). */
  @Post('roles')
  async createRole(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentUser() viewer: AuthingUser,
    @Body() body: { code?: unknown; description?: unknown } | undefined,
  ): Promise<void> {
    const fromForm = req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
    const code = typeof body?.code === 'string' ? body.code.trim() : '';
    const description = typeof body?.description === 'string' && body.description !== '' ? body.description : undefined;
    const refuse = async (message: string) => {
      if (!fromForm) throw new BadRequestException(message);
      const roles = await this.#roles(res);
      res
        .status(400)
        .type('html')
        .send(rolesPage(viewer, roles, { error: message, code, description }));
    };
    if (!ROLE_CODE.test(code)) return refuse('The code must be 1-64 letters, digits, _ - or :');
    const response = await reachable(res, () => this.management.createRole({ code, description }));
    if (response.statusCode !== 200) return refuse(response.message);
    if (fromForm) return res.redirect(303, `/admin/roles?created=${encodeURIComponent(code)}`);
    res.status(201).json({ code: response.data.code, description: response.data.description });
  }

  async #roles(res: Response): Promise<{ code: string; description?: string }[]> {
    const response = await reachable(res, () => this.management.listRoles({ page: 1, limit: 50 }));
    if (response.statusCode !== 200) throw new BadGatewayException(response.message);
    return response.data.list.map((r) => ({ code: r.code, description: r.description }));
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
