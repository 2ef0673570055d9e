/**
 * A user's bearer-only NestJS API, built as users build it: a separate application that installs the
 * packed `nestjs-authing` tarball and only the Nest runtime (no passport, passport-openidconnect,
 * express-session or oidc-provider), compiled with tsc and run with node. Its module options are
 * exactly `forRoot({ appId, appHost })`, plus introspection when a test asks for it.
 */
import type { ChildProcess } from 'node:child_process';
import { createConsumerApp, type ConsumerApp } from './packed-package.js';

/** The API's entry point: `GET /api/me` behind AuthingGuard, CORS for `CORS_ORIGIN` when set. */
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

const env = process.env;
// Revocation takes effect only with introspection; a public client (no secret) introspects as 'none'.
const introspection =
  env.AUTHING_TOKEN_VALIDATION === 'introspection'
    ? {
        tokenValidation: 'introspection' as const,
        introspectionEndPointAuthMethod: 'none' as const,
        introspectionCacheTtl: Number(env.AUTHING_INTROSPECTION_CACHE_TTL ?? 30_000),
      }
    : {};

@Module({
  // Exactly what an API behind a single-page app needs: no secret, no redirect URI.
  imports: [AuthingModule.forRoot({ appId: env.AUTHING_APP_ID!, appHost: env.AUTHING_APP_HOST!, ...introspection })],
  controllers: [ApiController],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
if (env.CORS_ORIGIN) app.enableCors({ origin: env.CORS_ORIGIN });
await app.listen(0, env.HOST ?? '127.0.0.1');
console.log(JSON.stringify({ url: await app.getUrl() }));
`;

/** The hosted-login packages a bearer-only API does without. */
export const HOSTED_LOGIN_PACKAGES = [
  'passport',
  'passport-openidconnect',
  '@nestjs/passport',
  'express-session',
  'oidc-provider',
] as const;

/**
 * Installs the API (and any `extraFiles`, compiled with it) from the packed tarball. `dist/main.js`
 * is the API; compile with `app.tsc()` before starting it.
 */
export function createBearerApiConsumer(extraFiles: Record<string, string> = {}): Promise<ConsumerApp> {
  return createConsumerApp({
    dependencies: [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      'reflect-metadata',
      'rxjs',
      '@types/node',
    ],
    files: { 'src/main.ts': MAIN, ...extraFiles },
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
}

export interface StartedServer {
  url: string;
  /** Whatever else the line the server printed once listening says. */
  printed: Record<string, unknown>;
  /** What the server logged so far. */
  stderr(): string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Starts a compiled script of a consumer app; resolves with the JSON line it prints once listening. */
export function startConsumerServer(
  consumer: ConsumerApp,
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<StartedServer> {
  const server = consumer.spawnNode(script, [], env);
  let stdout = '';
  let stderr = '';
  server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const close = () =>
    new Promise<void>((done) => {
      if (server.exitCode !== null || server.signalCode !== null) return done();
      server.once('exit', () => done());
      server.kill();
    });
  return new Promise((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      const printed = JSON.parse(line) as Record<string, unknown>;
      resolve({ url: String(printed.url), printed, stderr: () => stderr, process: server, close });
    });
    server.on('exit', (code) =>
      reject(new Error(`${script} exited (${code}) before listening:\n${stdout}\n${stderr}`)),
    );
  });
}
