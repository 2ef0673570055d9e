/**
 * Fastify: the bearer guard on @nestjs/platform-fastify, with @fastify/session keeping sessions in
 * the same Redis (connect-redis store) as the Express replicas. Bearer routes need no session, so
 * they keep working while Redis is down.
 */
import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { AuthingModule, CurrentUser, redisSessionCluster, type AuthingUser } from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { RedisServer } from '../support/redis-server.js';

const USER = { email: 'fastify@example.com', password: 'Fastify-passw0rd' };

@Controller('api')
class MeController {
  @Get('me')
  me(@CurrentUser() user: AuthingUser): { sub: string; via: string } {
    return { sub: user.sub, via: user.via };
  }
}

let redis: RedisServer;
let emulator: AuthingEmulator;
let app: NestFastifyApplication;
let url: string;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await RedisServer.start();
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [{ ...USER }] } });
  client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => undefined);
  await client.connect();
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        globalGuard: true,
        cluster: redisSessionCluster(client),
      }),
    ],
    controllers: [MeController],
  })
  class FastifyAppModule {}
  app = await NestFactory.create<NestFastifyApplication>(FastifyAppModule, new FastifyAdapter(), { logger: false });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: 'fastify-session-secret-of-32-chars!!',
    cookieName: 'authing.sid',
    saveUninitialized: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax' },
    store: new RedisStore({ client, prefix: 'sample:sess:', disableTouch: true }) as never,
  });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
  if (client?.isOpen) await client.close();
  await emulator?.stop();
  await redis?.dispose();
});

test('the bearer guard works on Fastify: 200 with a token, 401 with a challenge without', async () => {
  const { access_token: token } = await emulator.issueTokens({ user: USER.email });
  const ok = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as { via: string }).via).toBe('bearer');
  const refused = await fetch(`${url}/api/me`);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toContain('Bearer realm="authing"');
});

test('with Redis down, bearer routes on Fastify keep working', async () => {
  const { access_token: token } = await emulator.issueTokens({ user: USER.email });
  await redis.stop({ keepData: true });
  try {
    const ok = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
  } finally {
    await redis.start();
  }
});
