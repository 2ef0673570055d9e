import 'reflect-metadata';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AUTHING_ROOT_CLIENT,
  AuthenticationClient,
  AuthingGuard,
  AuthingModule,
  AuthingRolesService,
  CurrentUser,
  Roles,
  type AuthingModuleOptions,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

/** Guard behaviour with real tokens and a real (emulated) identity server. */
@Controller()
@UseGuards(AuthingGuard)
class ProbeController {
  @Get('me')
  me(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @Get('admin')
  @Roles('admin')
  admin(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

let emulator: AuthingEmulator;
const apps: INestApplication[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { email: 'admin@example.com', password: 'Adm1n-pass!', roles: ['admin'] },
        { email: 'user@example.com', password: 'Us3r-pass!', roles: ['reader'] },
      ],
    },
  });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await emulator?.stop();
});

async function createApp(options: Partial<AuthingModuleOptions> = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        ...options,
      }),
    ],
    controllers: [ProbeController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return app;
}

const tokenOf = async (user: string) => (await emulator.issueTokens({ user })).access_token;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

test('local verification: the JWKS is fetched once, then no network per request', async () => {
  const app = await createApp({ loadSigningKeysOnStart: false });
  const root = app.get<AuthenticationClient>(AUTHING_ROOT_CLIENT);
  const token = await tokenOf('user@example.com');
  const other = await tokenOf('admin@example.com');
  emulator.resetRequestCounts();
  for (let i = 0; i < 5; i++) {
    await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
    await request(app.getHttpServer()).get('/me').set(bearer(other)).expect(200);
  }
  expect(root.jwksFetchCount).toBe(1);
  expect(emulator.requestCount).toBe(1);
});

test('roles from the ManagementClient: 403/200, cached per user for cacheTtl', async () => {
  const app = await createApp({ roles: { source: 'management', cacheTtl: 1500 } });
  const admin = await tokenOf('admin@example.com');
  const user = await tokenOf('user@example.com');
  const adminId = emulator.findUser('admin@example.com')!.userId;
  emulator.resetRequestCounts();
  await request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(200, { sub: adminId });
  await request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(200);
  await request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(200);
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(1);
  const denied = await request(app.getHttpServer()).get('/admin').set(bearer(user)).expect(403);
  expect(denied.body.message).toBe('Requires one of the roles: admin');
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(2);

  await new Promise((resolve) => setTimeout(resolve, 1600));
  await request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(200);
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(3);

  // A role granted in Authing shows after invalidation (or the TTL).
  app.get(AuthingRolesService).invalidate();
  await request(app.getHttpServer()).get('/admin').set(bearer(user)).expect(403);
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(4);
});

test('concurrent requests of one user share one role lookup', async () => {
  const app = await createApp({ roles: { source: 'management', cacheTtl: 60_000 } });
  const admin = await tokenOf('admin@example.com');
  emulator.resetRequestCounts();
  await Promise.all(
    Array.from({ length: 8 }, () => request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(200)),
  );
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(1);
});

test('introspection mode: asks the server, caches by token hash, notices revocation after the TTL', async () => {
  const app = await createApp({ tokenValidation: 'introspection', introspectionCacheTtl: 1500 });
  const token = await tokenOf('user@example.com');
  emulator.resetRequestCounts();
  await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
  await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(200);
  expect(emulator.requestCountFor('/oidc/token/introspection')).toBe(1);
  expect(emulator.requestCountFor('/oidc/.well-known/jwks.json')).toBe(0);

  const client = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
  });
  expect((await client.revokeToken(token)).statusCode).toBe(200);
  await client.close();
  await new Promise((resolve) => setTimeout(resolve, 1600));
  const refused = await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401);
  expect(refused.headers['www-authenticate']).toBe(
    'Bearer realm="authing", error="invalid_token", error_description="inactive: the token is not active"',
  );
  await request(app.getHttpServer()).get('/me').set(bearer('garbage')).expect(401);
});

test('local mode refuses a token of another application (audience)', async () => {
  const other = emulator.addApp({ appName: 'other' });
  const app = await createApp();
  const token = (await emulator.issueTokens({ user: 'user@example.com', appId: other.appId })).access_token;
  const response = await request(app.getHttpServer()).get('/me').set(bearer(token)).expect(401);
  expect(response.body.check).toBe('audience');
});

test('503 when the management API is unreachable for a role check', async () => {
  const app = await createApp({
    roles: { source: 'management' },
    host: 'http://127.0.0.1:9',
    retry: false,
    timeout: 2000,
  });
  const admin = await tokenOf('admin@example.com');
  await request(app.getHttpServer()).get('/me').set(bearer(admin)).expect(200);
  await request(app.getHttpServer()).get('/admin').set(bearer(admin)).expect(503);
});
