/**
 * Roles and resource checks per tenant, on a real Nest app and the real emulator over HTTP: each
 * tenant's ManagementClient (created with its Authing `tenantId`) answers `@Roles`, `@ResourceAccess`
 * and `AuthingAuthorization`, and no tenant's cached answer serves another tenant. alice belongs to
 * tenants acme and globex; she is `admin` in acme only (globex has an `admin` role of its own, bob's).
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import {
  AuthingAuthorization,
  AuthingGuard,
  AuthingModule,
  AuthingRolesService,
  ResourceAccess,
  Roles,
} from '../../lib/index.js';
import { AuthingArgumentError, ManagementClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

const ALICE = { email: 'alice@tenants.test', password: 'Alice-passw0rd' };
const BOB = { email: 'bob@tenants.test', password: 'Bob-passw0rd!' };
const TENANT = { acme: 'tenant-acme', globex: 'tenant-globex' } as const;
type Name = keyof typeof TENANT;

@Controller()
class TenantAdminController {
  @Get(['admin', 't/:tenant/admin'])
  @UseGuards(AuthingGuard)
  @Roles('admin')
  admin() {
    return { ok: true };
  }

  @Get(['orders/:id', 't/:tenant/orders/:id'])
  @UseGuards(AuthingGuard)
  @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })
  order() {
    return { ok: true };
  }
}

let emulator: AuthingEmulator;
let nest: NestExpressApplication;
let server: Server;
let url: string;
const admins = {} as Record<Name, ManagementClient>;

async function must(response: Promise<{ statusCode: number; message?: string }>): Promise<void> {
  const answer = await response;
  if (answer.statusCode !== 200) throw new Error(`setup failed: ${answer.statusCode} ${answer.message}`);
}

const idOf = (account: { email: string }) => emulator.findUser(account.email)!.userId;

async function tokenOf(account: { email: string }, tenant: Name): Promise<string> {
  return (await emulator.issueTokens({ user: account.email, tenantId: TENANT[tenant] })).access_token;
}

async function status(path: string, token: string): Promise<number> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

const calls = (path: string, tenant?: Name) =>
  emulator.managementCallsFor(`/api/v3/${path}`, tenant === undefined ? undefined : TENANT[tenant]);

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [ALICE, BOB],
      tenants: [
        { tenantId: TENANT.acme, name: 'Acme', members: [ALICE.email, BOB.email] },
        { tenantId: TENANT.globex, name: 'Globex', members: [ALICE.email, BOB.email] },
      ],
    },
  });
  for (const name of ['acme', 'globex'] as const) {
    // What an administrator of each tenant does with the official SDK's `tenantId` option.
    admins[name] = new ManagementClient({ ...emulator.accessKey, host: emulator.host, tenantId: TENANT[name] });
    await must(admins[name].createRole({ code: 'admin' }));
  }
  const assign = (name: Name, who: { email: string }) =>
    must(admins[name].assignRole({ code: 'admin', targets: [{ targetType: 'USER', targetIdentifier: idOf(who) }] }));
  await assign('acme', ALICE);
  await assign('globex', BOB);
  for (const name of ['acme', 'globex'] as const) {
    await must(
      admins[name].authorizeResources({
        list: [
          {
            targetType: 'ROLE',
            targetIdentifiers: ['admin'],
            resources: [{ code: 'order:*', actions: ['read'], resourceType: 'DATA' }],
          },
        ],
      } as never),
    );
  }

  const expressApp = express();
  server = createServer(expressApp);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        roles: { source: 'management' },
        tenancy: {
          resolve: { by: 'path' },
          tenants: (['acme', 'globex'] as const).map((name) => ({
            name,
            tenantId: TENANT[name],
            redirectUri: `${url}/t/${name}/callback`,
          })),
        },
      }),
    ],
    controllers: [TenantAdminController],
  })
  class TenantRolesModule {}
  nest = await NestFactory.create<NestExpressApplication>(TenantRolesModule, new ExpressAdapter(expressApp), {
    logger: false,
  });
  await nest.init();
});

afterAll(async () => {
  await nest?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  for (const client of Object.values(admins)) await client.close();
  await emulator?.stop();
});

beforeEach(() => {
  emulator.resetRequestCounts();
  nest.get(AuthingRolesService).invalidate();
  nest.get(AuthingAuthorization).invalidate();
});

describe("each tenant's management scope answers its requests", () => {
  test("@Roles('admin'): alice passes in acme, gets 403 in globex; bob the other way round", async () => {
    expect(await status('/t/acme/admin', await tokenOf(ALICE, 'acme'))).toBe(200);
    expect(await status('/t/globex/admin', await tokenOf(ALICE, 'globex'))).toBe(403);
    expect(await status('/t/globex/admin', await tokenOf(BOB, 'globex'))).toBe(200);
    expect(await status('/t/acme/admin', await tokenOf(BOB, 'acme'))).toBe(403);
    // Each tenant's own client was asked (twice: alice and bob), the module's never.
    expect(calls('get-user-roles', 'acme')).toBe(2);
    expect(calls('get-user-roles', 'globex')).toBe(2);
    expect(calls('get-user-roles')).toBe(0);
  });

  test("a tenant's cached answer never serves another tenant (same user, same role, same instant)", async () => {
    const acme = await tokenOf(ALICE, 'acme');
    const globex = await tokenOf(ALICE, 'globex');
    expect(await status('/t/acme/admin', acme)).toBe(200);
    expect(await status('/t/acme/admin', acme)).toBe(200); // cached
    expect(await status('/t/globex/admin', globex)).toBe(403);
    expect(await status('/t/globex/admin', globex)).toBe(403); // cached
    expect(calls('get-user-roles', 'acme')).toBe(1);
    expect(calls('get-user-roles', 'globex')).toBe(1);
  });

  test('@ResourceAccess: order:7 readable in acme, refused in globex, asked of each tenant once', async () => {
    const acme = await tokenOf(ALICE, 'acme');
    const globex = await tokenOf(ALICE, 'globex');
    expect(await status('/t/acme/orders/7', acme)).toBe(200);
    expect(await status('/t/globex/orders/7', globex)).toBe(403);
    expect(await status('/t/acme/orders/7', acme)).toBe(200);
    expect(await status('/t/globex/orders/7', globex)).toBe(403);
    expect(calls('is-action-allowed', 'acme')).toBe(1);
    expect(calls('is-action-allowed', 'globex')).toBe(1);
    expect(calls('is-action-allowed')).toBe(0);
  });

  test("the module's own application (no tenant prefix) asks the user pool, where alice has no role", async () => {
    const pool = (await emulator.issueTokens({ user: ALICE.email })).access_token;
    expect(await status('/admin', pool)).toBe(403);
    expect(await status('/orders/7', pool)).toBe(403);
    expect(calls('get-user-roles')).toBe(1);
    expect(calls('is-action-allowed')).toBe(1);
    expect(calls('get-user-roles', 'acme') + calls('get-user-roles', 'globex')).toBe(0);
  });
});

describe('in code: AuthingAuthorization and AuthingRolesService name the tenant', () => {
  test('isAllowed(..., { tenant }) asks that tenant and caches per tenant', async () => {
    const authz = nest.get(AuthingAuthorization);
    const alice = idOf(ALICE);
    expect(await authz.isAllowed(alice, 'read', 'order:9', { tenant: 'acme' })).toBe(true);
    expect(await authz.isAllowed(alice, 'read', 'order:9', { tenant: 'globex' })).toBe(false);
    expect(await authz.isAllowed(alice, 'read', 'order:9')).toBe(false); // the user pool
    expect(calls('is-action-allowed', 'acme')).toBe(1);
    expect(calls('is-action-allowed', 'globex')).toBe(1);
    expect(calls('is-action-allowed')).toBe(1);
    expect(() => authz.isAllowed(alice, 'read', 'order:9', { tenant: 'initech' })).toThrow(AuthingArgumentError);
  });

  test('rolesIn(user, namespace, { tenant }) lists that tenant’s roles', async () => {
    const roles = nest.get(AuthingRolesService);
    const user = { sub: idOf(ALICE), claims: {} } as never;
    expect(await roles.rolesIn(user, undefined, { tenant: 'acme' })).toEqual(['admin']);
    expect(await roles.rolesIn(user, undefined, { tenant: 'globex' })).toEqual([]);
    expect(await roles.rolesIn(user)).toEqual([]);
    await expect(roles.rolesIn(user, undefined, { tenant: 'initech' })).rejects.toThrow(AuthingArgumentError);
  });
});
