/**
 * Controllers exercising @Roles match modes, namespaces, controller+handler merging and
 * @ResourceAccess, and a starter for a real Nest app (Express, 127.0.0.1) on top of them.
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import {
  AuthingAuthorization,
  AuthingGuard,
  AuthingModule,
  CurrentUser,
  Permissions,
  ResourceAccess,
  Roles,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../../lib/index.js';

@Controller('docs')
@UseGuards(AuthingGuard)
@Roles('editor')
export class DocsController {
  /** Controller's `editor` AND one of `reviewer` / `admin`. */
  @Get('review')
  @Roles('reviewer', 'admin')
  review() {
    return { ok: 'review' };
  }

  @Get('all')
  @Roles({ roles: ['editor', 'reviewer'], match: 'all' })
  all() {
    return { ok: 'all' };
  }

  /** Replaces the controller's requirement: `viewer` alone. */
  @Get('replace')
  @Roles({ roles: ['viewer'], inherit: false })
  replace() {
    return { ok: 'replace' };
  }

  @Get('plain')
  plain() {
    return { ok: 'plain' };
  }

  /** Stacked: (editor) AND (reviewer) AND (publisher). */
  @Get('stacked')
  @Roles('reviewer')
  @Roles('publisher')
  stacked() {
    return { ok: 'stacked' };
  }

  @Get('perm-any')
  @Permissions({ permissions: ['doc:read', 'doc:admin'], match: 'any' })
  permAny() {
    return { ok: 'perm-any' };
  }
}

@Controller('crm')
@UseGuards(AuthingGuard)
export class CrmController {
  @Get('admin')
  @Roles({ roles: ['admin'], namespace: 'crm' })
  crmAdmin() {
    return { ok: 'crm-admin' };
  }

  @Get('default-admin')
  @Roles('admin')
  defaultAdmin() {
    return { ok: 'default-admin' };
  }
}

@Controller('orders')
@UseGuards(AuthingGuard)
export class OrdersController {
  constructor(@Inject(AuthingAuthorization) private readonly authorization: AuthingAuthorization) {}

  @Get('by-query')
  @ResourceAccess({ resource: 'order', action: 'read', id: { query: 'orderId' } })
  byQuery(@Query('orderId') id: string) {
    return { id };
  }

  @Get('can/:id')
  async can(@CurrentUser() user: AuthingUser, @Param('id') id: string) {
    return { allowed: await this.authorization.isAllowed(user, 'read', `order:${id}`) };
  }

  @Get(':id')
  @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })
  get(@Param('id') id: string, @CurrentUser('sub') sub: string, @Req() request: { user?: AuthingUser }) {
    return { id, sub, passportUser: request.user?.sub };
  }

  @Post('pay')
  @ResourceAccess({ resource: 'order', action: 'pay', id: { body: 'orderId' } })
  pay(@Body('orderId') id: string) {
    return { paid: id };
  }
}

@Controller('invoices')
@UseGuards(AuthingGuard)
@ResourceAccess({ resource: 'invoice', action: 'read', id: { param: 'invoiceId' }, namespace: 'billing' })
export class InvoicesController {
  @Get(':invoiceId')
  get(@Param('invoiceId') id: string) {
    return { id };
  }

  /** Class-level check AND a data-resource check through checkPermission. */
  @Post(':invoiceId/refund')
  @ResourceAccess({
    resource: 'invoice',
    action: 'refund',
    id: { param: 'invoiceId' },
    namespace: 'billing',
    api: 'checkPermission',
  })
  refund(@Param('invoiceId') id: string) {
    return { refunded: id };
  }
}

export const ALL_CONTROLLERS = [DocsController, CrmController, OrdersController, InvoicesController];

export interface RunningNest {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** A Nest app (Express, or Fastify) on a free 127.0.0.1 port; `init()` failures (start-up checks) reject. */
export async function startAuthorizationApp(
  options: AuthingModuleOptions,
  controllers: (new (...args: never[]) => unknown)[] = ALL_CONTROLLERS,
  platform: 'express' | 'fastify' = 'express',
): Promise<RunningNest> {
  const moduleRef = await Test.createTestingModule({
    imports: [AuthingModule.forRoot({ loadSigningKeysOnStart: false, ...options })],
    controllers,
  }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
