/**
 * AuthingGuard and the decorators on Nest's Fastify adapter, bearer tokens only (sessions and the
 * hosted login on Fastify are issue #13's). A real Fastify app over HTTP against the emulator.
 */
import 'reflect-metadata';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { AuthenticationClient } from '../../lib/index.js';
import {
  AuthingClient,
  AuthingGuard,
  AuthingModule,
  CurrentUser,
  Public,
  Roles,
  type AuthingUser,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

const USER = { email: 'fast@example.com', password: 'Fa5t-passw0rd!' };

@Controller()
@UseGuards(AuthingGuard)
class FastifyController {
  @Get('me')
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }

  @Get('client')
  client(@AuthingClient() client: AuthenticationClient) {
    return { hasToken: client.accessToken !== undefined };
  }

  @Get('open')
  @Public()
  open() {
    return { ok: true };
  }

  @Get('admin')
  @Roles('admin')
  admin() {
    return { ok: true };
  }
}

let emulator: AuthingEmulator;
let app: NestFastifyApplication;
let origin: string;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [USER] } });
  const moduleRef = await Test.createTestingModule({
    imports: [AuthingModule.forRoot({ appId: emulator.app.appId, appHost: emulator.appHost })],
    controllers: [FastifyController],
  }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  origin = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
  await emulator?.stop();
});

async function token(): Promise<string> {
  const { access_token: accessToken } = await emulator.issueTokens({ user: USER.email, scope: 'openid profile' });
  return accessToken;
}

test('a valid bearer token passes, the first time and warm, and the decorators see the user', async () => {
  const bearer = { authorization: `Bearer ${await token()}` };
  for (let i = 0; i < 2; i++) {
    const me = await fetch(`${origin}/me`, { headers: bearer });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ via: 'bearer' });
  }
  const client = await fetch(`${origin}/client`, { headers: bearer });
  expect(await client.json()).toEqual({ hasToken: true });
});

test('no token: 401 with the Bearer challenge and nosniff; a forged token names its check', async () => {
  const anonymous = await fetch(`${origin}/me`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="authing"');
  expect(anonymous.headers.get('x-content-type-options')).toBe('nosniff');

  const [header, payload] = (await token()).split('.');
  const forged = await fetch(`${origin}/me`, { headers: { authorization: `Bearer ${header}.${payload}.AAAA` } });
  expect(forged.status).toBe(401);
  expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer realm="authing", error="invalid_token"/);
  expect(await forged.json()).toMatchObject({ error: 'invalid_token', check: 'signature' });
});

test('@Public() passes without a token; @Roles() refuses a user without the role (403)', async () => {
  expect((await fetch(`${origin}/open`)).status).toBe(200);
  const admin = await fetch(`${origin}/admin`, { headers: { authorization: `Bearer ${await token()}` } });
  expect(admin.status).toBe(403);
});
