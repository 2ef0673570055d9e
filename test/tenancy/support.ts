import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Redirect, UseGuards, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import session from 'express-session';
import {
  AccessToken,
  AuthingGuard,
  AuthingLoginGuard,
  AuthingModule,
  AuthingReturnTo,
  authingSessionOptions,
  CurrentUser,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../lib/index.js';

/** Routes of the default application and of every tenant (`/t/<tenant>/...`), as an app would write them. */
@Controller()
class TenancyTestController {
  @Get(['login', 't/:tenant/login'])
  @UseGuards(AuthingLoginGuard)
  login() {
    return 'never';
  }

  @Get(['callback', 't/:tenant/callback'])
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url };
  }

  @Get(['api/me', 't/:tenant/api/me'])
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, tenant: user.claims.tenant_id ?? null, aud: user.claims.aud ?? null };
  }

  @Get(['api/token', 't/:tenant/api/token'])
  @UseGuards(AuthingGuard)
  token(@AccessToken() token: string) {
    return { token };
  }
}

@Module({})
class TenancyTestModule {
  static register(options: () => AuthingModuleOptions): DynamicModule {
    return {
      module: TenancyTestModule,
      imports: [AuthingModule.forRootAsync({ useFactory: async () => options() })],
      controllers: [TenancyTestController],
    };
  }
}

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

/** A real Nest app over HTTP on 127.0.0.1; `options` receives its URL (for the redirect URIs). */
export async function startTenancyApp(options: (url: string) => AuthingModuleOptions): Promise<TestApp> {
  const expressApp = express();
  const server: Server = createServer(expressApp);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await NestFactory.create<NestExpressApplication>(
    TenancyTestModule.register(() => options(url)),
    new ExpressAdapter(expressApp),
    { logger: false },
  );
  app.use(session(authingSessionOptions({ secret: 'tenancy-test-secret' })));
  await app.init();
  return {
    app,
    url,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
