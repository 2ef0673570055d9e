/**
 * A user's bearer-only API, built as users build it: a separate application that installs the packed
 * `nestjs-authing` tarball with npm and only the Nest runtime (no passport, passport-openidconnect,
 * @nestjs/passport, express-session or oidc-provider), compiled with tsc and run with node, against
 * the emulator started here from the repository's source.
 */
import { AuthingEmulator } from '../../lib/testing/index.js';
import {
  createBearerApiConsumer,
  HOSTED_LOGIN_PACKAGES,
  startConsumerServer,
  type StartedServer,
} from '../support/bearer-api-consumer.js';
import type { ConsumerApp } from '../support/packed-package.js';

const LONG = 300_000;

/** The same kind of app with a hosted-login route, still without passport installed. */
const LOGIN = `
import 'reflect-metadata';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthingLoginGuard, AuthingModule, AuthingStrategy } from 'nestjs-authing';

@Controller()
class LoginController {
  @Get('login')
  @UseGuards(AuthingLoginGuard)
  login() {
    return 'not reached';
  }
}

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appSecret: process.env.AUTHING_APP_SECRET!,
      appHost: process.env.AUTHING_APP_HOST!,
      redirectUri: 'http://127.0.0.1:3000/callback',
    }),
  ],
  controllers: [LoginController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const loadError = await app.get(AuthingStrategy).load().then(
  () => undefined,
  (error: { name: string; packages?: readonly string[] }) => ({ name: error.name, packages: error.packages }),
);
console.log(JSON.stringify({ url: await app.getUrl(), loadError }));
`;

let emulator: AuthingEmulator;
let consumer: ConsumerApp;
const servers: StartedServer[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0 });
  consumer = await createBearerApiConsumer({ 'src/login.ts': LOGIN });
}, LONG);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await emulator?.stop();
  await consumer?.remove();
});

async function startServer(script: string): Promise<StartedServer> {
  const server = await startConsumerServer(consumer, script, {
    AUTHING_APP_ID: emulator.app.appId,
    AUTHING_APP_SECRET: emulator.app.appSecret,
    AUTHING_APP_HOST: emulator.appHost,
  });
  servers.push(server);
  return server;
}

test(
  'a bearer-only API boots and guards routes without any hosted-login package installed',
  async () => {
    const installed = await consumer.installedPackages();
    for (const absent of HOSTED_LOGIN_PACKAGES) {
      expect(installed).not.toContain(absent);
    }
    const compiled = await consumer.tsc();
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);

    const { url } = await startServer('dist/main.js');

    const anonymous = await fetch(`${url}/api/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="authing"');

    const { access_token: token } = await emulator.issueTokens({ user: emulator.users[0]!.userId });
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ sub: emulator.users[0]!.userId, via: 'bearer' });

    const forged = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}x` } });
    expect(forged.status).toBe(401);
  },
  LONG,
);

test(
  'using the hosted login without passport is a typed error naming the packages to install',
  async () => {
    // Configured for the hosted login, the app still boots; the guard fails when it is used.
    const { url, printed, stderr } = await startServer('dist/login.js');
    expect(printed.loadError).toEqual({
      name: 'AuthingOptionalDependencyError',
      packages: ['passport', 'passport-openidconnect'],
    });
    const login = await fetch(`${url}/login`, { redirect: 'manual' });
    expect(login.status).toBe(500);
    await new Promise((r) => setTimeout(r, 200));
    expect(stderr()).toContain(
      'The hosted login (AuthingLoginGuard) needs the optional peer dependencies passport, passport-openidconnect',
    );
    expect(stderr()).toContain('npm install passport passport-openidconnect');
  },
  LONG,
);
