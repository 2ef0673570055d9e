/**
 * #10.2: a scope is not a permission. A caller chooses the scopes it asks for, so with token-sourced
 * roles `@Permissions('admin:write')` must not be satisfied by a `scope` entry; only the explicit
 * `roles.scopesAsPermissions: true` opts in. A real Nest app against the emulator's tokens. (The
 * emulator's sign-in now drops scopes the app does not allow; a machine-to-machine token, whose
 * scopes the application asks for itself, still carries `admin:write`.)
 */
import 'reflect-metadata';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthingGuard, AuthingModule, CurrentUser, Permissions, type AuthingModuleOptions } from '../../lib/index.js';
import { AuthenticationClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

@Controller()
@UseGuards(AuthingGuard)
class WriteController {
  @Get('write')
  @Permissions('admin:write')
  write(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

const USER = { email: 'mallory@example.com', password: 'Mall0ry-pass!' };
let emulator: AuthingEmulator;
const apps: INestApplication[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [USER] } });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await emulator?.stop();
});

async function createApp(roles?: AuthingModuleOptions['roles']): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AuthingModule.forRoot({ appId: emulator.app.appId, appHost: emulator.appHost, roles })],
    controllers: [WriteController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return app;
}

/** A client-credentials token whose `scope` names the permission (checked, so the tests mean something). */
async function tokenWithScope(scope: string): Promise<{ token: string; sub: string }> {
  const client = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
  });
  const answer = await client.getAccessTokenByClientCredentials(scope);
  expect(answer.statusCode).toBe(200);
  const token = (answer.data as { access_token: string }).access_token;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    scope: string;
    sub: string;
  };
  expect(claims.scope.split(' ')).toContain(scope);
  return { token, sub: claims.sub };
}

test('a token whose scope names the permission is refused 403 by default', async () => {
  const app = await createApp();
  const { token } = await tokenWithScope('admin:write');
  const answer = await request(app.getHttpServer()).get('/write').set('Authorization', `Bearer ${token}`).expect(403);
  expect(answer.body.message).toBe('Missing permissions: admin:write');
  // Also with the token source chosen explicitly.
  const explicit = await createApp({ source: 'token' });
  await request(explicit.getHttpServer()).get('/write').set('Authorization', `Bearer ${token}`).expect(403);
});

test('roles.scopesAsPermissions: true opts in to scope-derived permissions', async () => {
  const app = await createApp({ scopesAsPermissions: true });
  const { token, sub } = await tokenWithScope('admin:write');
  await request(app.getHttpServer()).get('/write').set('Authorization', `Bearer ${token}`).expect(200, { sub });
  const other = await emulator.issueTokens({ user: USER.email, scope: 'openid profile' });
  await request(app.getHttpServer()).get('/write').set('Authorization', `Bearer ${other.access_token}`).expect(403);
});

test('a user cannot ask the sign-in for the scope: the emulator grants only what the app allows', async () => {
  const { access_token: token } = await emulator.issueTokens({ user: USER.email, scope: 'openid admin:write' });
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { scope: string };
  expect(claims.scope.split(' ')).not.toContain('admin:write');
});

test('roles.scopesAsPermissions must be a boolean', async () => {
  const error = await createApp({ scopesAsPermissions: 'yes' as never }).then(
    () => undefined,
    (e: unknown) => e as { option?: string },
  );
  expect(error?.option).toBe('roles.scopesAsPermissions');
});
