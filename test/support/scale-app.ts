/**
 * One replica of a hosted-login application, on Express (express-session) or Fastify
 * (@fastify/session), keeping its sessions in a shared Redis through connect-redis and its cluster
 * state there too: the multi-replica and fault suites start two of them on one emulator.
 */
import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import {
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Module,
  Post,
  Redirect,
  Req,
  Res,
  UseGuards,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import {
  AuthingBackchannelLogout,
  AuthingLoginGuard,
  AuthingLogout,
  AuthingModule,
  AuthingReturnTo,
  CurrentUser,
  Public,
  authingFastifySessionOptions,
  authingSessionOptions,
  guardSessionStore,
  redisSessionCluster,
  type AuthingModuleOptions,
  type AuthingRequest,
  type AuthingUser,
  type RedirectingResponse,
} from '../../lib/index.js';
import type { AuthingEmulator } from '../../lib/testing/index.js';
import { completeEmulatorLogin, type CookieClient } from './cookie-client.js';

export type Adapter = 'express' | 'fastify';

/** 32+ characters: @fastify/session's minimum, and the same on every replica. */
export const SCALE_SESSION_SECRET = 'replicas-share-this-session-secret-32+';

@Controller()
class ReplicaController {
  constructor(
    @Inject(AuthingLogout) private readonly logoutService: AuthingLogout,
    @Inject(AuthingBackchannelLogout) private readonly backchannel: AuthingBackchannelLogout,
  ) {}

  @Get('login')
  @Public()
  @UseGuards(AuthingLoginGuard)
  login(): void {
    // Not reached: the guard answers with the redirect to Authing.
  }

  @Get('callback')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() returnTo: string): { url: string } {
    return { url: returnTo };
  }

  @Get('api/me')
  me(@CurrentUser() user: AuthingUser): { sub: string; via: string; name?: unknown; claims: object; roles: unknown } {
    return { sub: user.sub, via: user.via, name: user.claims.name, claims: user.claims, roles: user.roles };
  }

  @Post('logout')
  @Public()
  async logout(@Req() req: AuthingRequest, @Res() res: RedirectingResponse): Promise<void> {
    await this.logoutService.logout(req, res);
  }

  @Get('logout')
  @Public()
  async logoutLink(@Req() req: AuthingRequest, @Res() res: RedirectingResponse): Promise<void> {
    await this.logoutService.logout(req, res);
  }

  @Post('backchannel-logout')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  backchannelLogout(@Req() req: AuthingRequest): Promise<{ ended: number }> {
    return this.backchannel.handle(req);
  }
}

export interface ScaleReplica {
  adapter: Adapter;
  app: INestApplication;
  /** `http://127.0.0.1:<port>`: this replica itself. */
  url: string;
  close(): Promise<void>;
}

export interface ScaleReplicaOptions {
  adapter: Adapter;
  emulator: AuthingEmulator;
  /** Sessions and cluster state in this Redis; without it, the session middleware's MemoryStore. */
  redisUrl?: string;
  /** The load balancer's URL, where redirect URIs point; default this replica's own URL. */
  publicUrl?: string;
  scope?: string;
  /** More module options (login hooks, session lifetime...). */
  module?: Partial<AuthingModuleOptions>;
  /** More controllers. */
  controllers?: Type[];
}

/** Starts one replica: Nest on the adapter, sessions and cluster state in the Redis at `redisUrl`. */
export async function startReplica(options: ScaleReplicaOptions): Promise<ScaleReplica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const publicUrl = options.publicUrl ?? url;
  const { emulator } = options;
  const app = emulator.app;
  emulator.updateApp(app.appId, {
    redirectUris: [...new Set([...app.redirectUris, `${publicUrl}/callback`])],
    logoutRedirectUris: [...new Set([...app.logoutRedirectUris, `${publicUrl}/`])],
    backchannelLogoutUri: `${publicUrl}/backchannel-logout`,
  });
  const client = options.redisUrl
    ? createClient({
        url: options.redisUrl,
        disableOfflineQueue: true,
        socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
      })
    : undefined;
  client?.on('error', () => undefined);
  await client?.connect();
  const store = client ? new RedisStore({ client, prefix: 'scale:sess:', disableTouch: true }) : undefined;

  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: app.appId,
        appSecret: app.appSecret,
        appHost: emulator.appHost,
        redirectUri: `${publicUrl}/callback`,
        logoutRedirectUri: `${publicUrl}/`,
        scope: options.scope ?? 'openid profile email offline_access',
        loginFailureRedirect: '/?login=failed',
        globalGuard: true,
        ...(client ? { cluster: redisSessionCluster(client, { prefix: 'scale:authing:' }) } : {}),
        ...options.module,
      }),
    ],
    controllers: [ReplicaController, ...(options.controllers ?? [])],
  })
  class ReplicaModule {}

  let nest: INestApplication;
  if (options.adapter === 'express') {
    nest = await NestFactory.create(ReplicaModule, new ExpressAdapter(), { logger: false });
    nest.use(guardSessionStore(session(authingSessionOptions({ secret: SCALE_SESSION_SECRET, store }))));
  } else {
    const fastify = await NestFactory.create<NestFastifyApplication>(ReplicaModule, new FastifyAdapter(), {
      logger: false,
    });
    await fastify.register(fastifyCookie);
    await fastify.register(fastifySession, authingFastifySessionOptions({ secret: SCALE_SESSION_SECRET, store }));
    nest = fastify;
  }
  await nest.listen(port, '127.0.0.1');
  return {
    adapter: options.adapter,
    app: nest,
    url,
    async close() {
      const server = nest.getHttpServer() as { closeAllConnections?(): void };
      server.closeAllConnections?.();
      await nest.close();
      if (client?.isOpen) await client.close();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the hosted login on `start` and signs `user` in at the emulator, up to the callback URL,
 * which names the public URL (`publicUrl`, replica A's, as a load balancer's would be).
 */
export async function loginUntilCallback(
  client: CookieClient,
  start: ScaleReplica,
  publicUrl: string,
  user: { email: string; password: string },
): Promise<string> {
  const begin = await client.request(`${start.url}/login`);
  await begin.arrayBuffer();
  if (begin.status !== 302) throw new Error(`/login on ${start.url} answered ${begin.status}, not 302`);
  return completeEmulatorLogin(
    client,
    begin.headers.get('location')!,
    { account: user.email, password: user.password },
    (url) => url.startsWith(publicUrl),
  );
}
