import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import session from 'express-session';
import { authingSessionOptions, guardSessionStore, type AuthingSessionLifetime } from '../lib/index.js';
import { AuthingEmulator } from '../lib/testing/index.js';
import { AppModule } from './app.module.js';
import { connectSampleRedis, type SampleRedis } from './redis.js';
import { configFromEnv, hasAuthingEnv, type SampleAuthingConfig } from './config.js';
import { sampleTenants } from './tenants.js';

export interface SampleAppOptions {
  /** TCP port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * An emulator to log in with (its main application gets the sample's redirect URIs). Without one,
   * the AUTHING_* variables of `env` are used when AUTHING_APP_ID is set, else an emulator is started.
   */
  emulator?: AuthingEmulator;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Nest log levels; default errors and warnings. `false` silences Nest. */
  logger?: LoggerService | LogLevel[] | false;
  /**
   * The URL browsers use (a load balancer in front of several copies); redirect URIs are built on it.
   * Default this copy's own URL.
   */
  publicUrl?: string;
  /**
   * Accounts (emails, user ids) made members of the tenants `/t/acme` and `/t/globex` on the emulator.
   * Default: the demo account when the sample starts its own emulator, else nobody.
   */
  tenantMembers?: string[];
  /** Of those, the accounts given each tenant's own `admin` role (default: the demo account). */
  tenantAdmins?: string[];
}

export interface SampleApp {
  app: NestExpressApplication;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The emulator in use (given or started), undefined with a real Authing. */
  emulator?: AuthingEmulator;
  /** The seeded demo account, when the sample started its own emulator. */
  demo?: { email: string; password: string };
  /** Redis, when REDIS_URL is set: sessions and login state live there, shared by every copy. */
  redis?: SampleRedis;
  /** Stops the app, and the emulator if the sample started it. */
  close(): Promise<void>;
}

/** Demo account of the embedded emulator: an administrator. */
export const DEMO_EMAIL = 'demo@example.com';

/**
 * Boots the sample: listens first (so the redirect URI knows the port, even for port 0), then
 * creates the Nest application on that server.
 */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<SampleApp> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const expressApp = express();
  const server = createServer(expressApp);
  await listen(server, options.port ?? 3000, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  const publicUrl = (options.publicUrl ?? env.PUBLIC_URL ?? url).replace(/\/+$/, '');

  let emulator = options.emulator;
  let ownEmulator: AuthingEmulator | undefined;
  let demo: SampleApp['demo'];
  let authing: SampleAuthingConfig;
  let redis: SampleRedis | undefined;
  try {
    if (!emulator && hasAuthingEnv(env)) {
      authing = configFromEnv(env, publicUrl);
    } else {
      if (!emulator) {
        demo = { email: DEMO_EMAIL, password: randomBytes(9).toString('base64url') };
        ownEmulator = await AuthingEmulator.start({
          port: 0,
          host: '127.0.0.1',
          seed: {
            users: [
              { email: demo.email, username: 'demo', name: 'Demo Admin', password: demo.password, roles: ['admin'] },
            ],
          },
        });
        emulator = ownEmulator;
      }
      const app = emulator.app;
      emulator.updateApp(app.appId, {
        redirectUris: [...new Set([...app.redirectUris, `${publicUrl}/callback`])],
        logoutRedirectUris: [...new Set([...app.logoutRedirectUris, `${publicUrl}/`])],
        // With Redis, the emulator tells the sample when a user logs out there (back-channel logout).
        ...(env.REDIS_URL ? { backchannelLogoutUri: `${publicUrl}/backchannel-logout` } : {}),
      });
      authing = {
        appId: app.appId,
        appSecret: app.appSecret,
        appHost: emulator.appHost,
        redirectUri: `${publicUrl}/callback`,
        logoutRedirectUri: `${publicUrl}/`,
        ...emulator.accessKey,
        host: emulator.host,
        scope: env.AUTHING_SCOPE || undefined,
        // Two tenants on the same emulator, each with its own application: /t/acme and /t/globex.
        tenants: sampleTenants(
          emulator,
          publicUrl,
          options.tenantMembers ?? (demo ? [demo.email] : []),
          options.tenantAdmins ?? (demo ? [demo.email] : []),
        ),
      };
    }

    // With REDIS_URL, sessions (with their pending logins) live in Redis: every copy of the sample
    // sharing it and SESSION_SECRET serves every user.
    if (env.REDIS_URL) redis = await connectSampleRedis(env.REDIS_URL, env.REDIS_PREFIX || 'sample:');
    const nest = await NestFactory.create<NestExpressApplication>(
      AppModule.register(authing, { cluster: redis?.cluster, sessionLifetime: lifetimeFromEnv(env) }),
      new ExpressAdapter(expressApp),
      { logger: options.logger ?? ['error', 'warn'] },
    );
    // Behind a TLS-terminating proxy, trust its X-Forwarded-Proto so cookies get `Secure`.
    nest.set('trust proxy', 1);
    const secret = env.SESSION_SECRET || randomBytes(32).toString('hex');
    // A Redis outage answers 503 (Retry-After) on session routes; bearer requests go on without it.
    nest.use(guardSessionStore(session(authingSessionOptions({ secret, store: redis?.store }))));
    await nest.init();

    return {
      app: nest,
      url,
      emulator,
      demo,
      redis,
      async close() {
        await nest.close();
        await redis?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownEmulator) await ownEmulator.stop();
      },
    };
  } catch (error) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await redis?.close();
    if (ownEmulator) await ownEmulator.stop();
    throw error;
  }
}

/** SESSION_ABSOLUTE_LIFETIME_MS and SESSION_IDLE_TIMEOUT_MS, when set (the module's defaults otherwise). */
function lifetimeFromEnv(env: NodeJS.ProcessEnv): AuthingSessionLifetime | undefined {
  const absolute = env.SESSION_ABSOLUTE_LIFETIME_MS ? Number(env.SESSION_ABSOLUTE_LIFETIME_MS) : undefined;
  const idle = env.SESSION_IDLE_TIMEOUT_MS ? Number(env.SESSION_IDLE_TIMEOUT_MS) : undefined;
  if (absolute === undefined && idle === undefined) return undefined;
  return { ...(absolute !== undefined ? { absolute } : {}), ...(idle !== undefined ? { idle } : {}) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
