import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { AuthenticationClient } from '../../lib/index.js';
import { AuthingClient, AuthingModule } from '../../lib/index.js';
import { APP_ID, APP_SECRET } from './support/keys.js';

/**
 * `@AuthingClient()` finds its module's clients without injection: with several AuthingModule
 * instances alive (applications side by side, non-global modules in one application) each request
 * must still get the client of the module its controller resolves to.
 */
const moduleFor = (appHost: string, isGlobal = true) =>
  AuthingModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, appHost, loadSigningKeysOnStart: false, isGlobal });

@Controller('which')
class WhichController {
  @Get()
  which(@AuthingClient() client: AuthenticationClient) {
    return { appHost: client.appHost, token: client.accessToken ?? null };
  }
}

@Controller('other')
class OtherController {
  @Get()
  which(@AuthingClient() client: AuthenticationClient) {
    return { appHost: client.appHost };
  }
}

async function appWith(appHost: string, platform: 'express' | 'fastify'): Promise<INestApplication> {
  @Module({ imports: [moduleFor(appHost)], controllers: [WhichController] })
  class AppModule {}
  const app =
    platform === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(AppModule, { logger: false });
  await app.init();
  if (platform === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  return app;
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

test.each(['express', 'fastify'] as const)(
  'two %s applications side by side: each request gets its own module client',
  async (platform) => {
    const a = await appWith('http://127.0.0.1:11', platform);
    const b = await appWith('http://127.0.0.1:12', platform);
    apps.push(a, b);
    for (let i = 0; i < 3; i++) {
      const fromA = await request(a.getHttpServer()).get('/which').set('Authorization', 'Bearer token-a').expect(200);
      const fromB = await request(b.getHttpServer()).get('/which').set('Authorization', 'Bearer token-b').expect(200);
      expect(fromA.body).toEqual({ appHost: 'http://127.0.0.1:11', token: 'token-a' });
      expect(fromB.body).toEqual({ appHost: 'http://127.0.0.1:12', token: 'token-b' });
    }
  },
);

test('a single application still resolves after another one closed', async () => {
  const a = await appWith('http://127.0.0.1:11', 'express');
  const b = await appWith('http://127.0.0.1:12', 'express');
  await a.close();
  apps.push(b);
  const response = await request(b.getHttpServer()).get('/which').expect(200);
  expect(response.body).toEqual({ appHost: 'http://127.0.0.1:12', token: null });
});

test('two non-global AuthingModule instances in one application: each controller gets the one its module imports', async () => {
  @Module({ imports: [moduleFor('http://127.0.0.1:21', false)], controllers: [WhichController] })
  class FirstFeature {}
  @Module({ imports: [moduleFor('http://127.0.0.1:22', false)], controllers: [OtherController] })
  class SecondFeature {}
  @Module({ imports: [FirstFeature, SecondFeature] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  apps.push(app);
  const first = await request(app.getHttpServer()).get('/which').expect(200);
  const second = await request(app.getHttpServer()).get('/other').expect(200);
  expect(first.body.appHost).toBe('http://127.0.0.1:21');
  expect(second.body).toEqual({ appHost: 'http://127.0.0.1:22' });
});
