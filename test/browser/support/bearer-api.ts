/**
 * The NestJS API behind the SPA: bearer tokens only (no app secret, no hosted login), AuthingGuard
 * on its routes, CORS for the SPA's origin.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthingGuard, AuthingModule, CurrentUser, type AuthingUser } from '../../../lib/index.js';

@Controller('api')
@UseGuards(AuthingGuard)
class MeController {
  @Get('me')
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }
}

export interface BearerApiOptions {
  appId: string;
  appHost: string;
  tokenValidation: 'local' | 'introspection';
  /** Milliseconds an introspection answer is reused (revocation takes effect after it). */
  introspectionCacheTtl?: number;
  /** The browser origin allowed to call the API. */
  corsOrigin: string;
  host: string;
}

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startBearerApi(options: BearerApiOptions): Promise<RunningApi> {
  const authing: DynamicModule = AuthingModule.forRoot({
    appId: options.appId,
    appHost: options.appHost,
    tokenValidation: options.tokenValidation,
    introspectionCacheTtl: options.introspectionCacheTtl,
    // A public application has no secret. Until a bare { appId, appHost } boots (issue #17, module
    // side), the three endpoint authentication methods say so.
    tokenEndPointAuthMethod: 'none',
    introspectionEndPointAuthMethod: 'none',
    revocationEndPointAuthMethod: 'none',
  });

  @Module({ imports: [authing], controllers: [MeController] })
  class ApiModule {}

  const app: INestApplication = await NestFactory.create(ApiModule, { logger: false });
  app.enableCors({ origin: options.corsOrigin });
  await app.listen(0, options.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://${options.host}:${port}`, close: () => app.close() };
}
