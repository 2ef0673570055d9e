/**
 * A user's bearer-only API, built as users build it: a separate application that installs the packed
 * `nestjs-authing` tarball with npm and only the Nest runtime (no passport, passport-openidconnect,
 * @nestjs/passport, express-session or oidc-provider), compiled with tsc and run with node, against
 * the emulator started here from the repository's source.
 */
import type { ChildProcess } from 'node:child_process';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { createConsumerApp, type ConsumerApp } from '../support/packed-package.js';

const LONG = 300_000;

const MAIN = `
import 'reflect-metadata';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthingGuard, AuthingModule, CurrentUser } from 'nestjs-authing';
import type { AuthingUser } from 'nestjs-authing';

@Controller('api')
class ApiController {
  @Get('me')
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }
}

@Module({
  imports: [
    // Exactly what an API behind a single-page app needs: no secret, no redirect URI.
    AuthingModule.forRoot({ appId: process.env.AUTHING_APP_ID!, appHost: process.env.AUTHING_APP_HOST! }),
  ],
  controllers: [ApiController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
console.log(JSON.stringify({ url: await app.getUrl() }));
`;

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
const servers: ChildProcess[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0 });
  consumer = await createConsumerApp({
    dependencies: [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      'reflect-metadata',
      'rxjs',
      '@types/node',
    ],
    files: { 'src/main.ts': MAIN, 'src/login.ts': LOGIN },
    tsconfig: {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        isolatedModules: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        outDir: 'dist',
        rootDir: 'src',
      },
    },
  });
}, LONG);

afterAll(async () => {
  for (const server of servers) server.kill();
  await emulator?.stop();
  await consumer?.remove();
});

interface Started {
  url: string;
  loadError?: { name: string; packages: string[] };
  /** What the app logged so far. */
  stderr: () => string;
}

/** Starts a compiled script of the consumer app; resolves with the JSON line it prints once listening. */
async function startServer(script: string): Promise<Started> {
  const server = consumer.spawnNode(script, [], {
    AUTHING_APP_ID: emulator.app.appId,
    AUTHING_APP_SECRET: emulator.app.appSecret,
    AUTHING_APP_HOST: emulator.appHost,
  });
  servers.push(server);
  let stdout = '';
  let stderr = '';
  server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...(JSON.parse(line) as Omit<Started, 'stderr'>), stderr: () => stderr });
    });
    server.on('exit', (code) =>
      reject(new Error(`${script} exited (${code}) before listening:\n${stdout}\n${stderr}`)),
    );
  });
}

test(
  'a bearer-only API boots and guards routes without any hosted-login package installed',
  async () => {
    const installed = await consumer.installedPackages();
    for (const absent of [
      'passport',
      'passport-openidconnect',
      '@nestjs/passport',
      'express-session',
      'oidc-provider',
    ]) {
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
    const { url, loadError, stderr } = await startServer('dist/login.js');
    expect(loadError).toEqual({
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
