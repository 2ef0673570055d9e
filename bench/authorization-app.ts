/**
 * The authorization benchmark's NestJS app, in its own process (pinned by the parent): the same
 * trivial route behind AuthingGuard alone, and behind AuthingGuard with a resource-instance check
 * (@ResourceAccess, answered from the cache once warm). Answers `cpu` and `stop` on stdin.
 */
import 'reflect-metadata';
import { Controller, Get, Module, Param, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serveAppCommands } from './app-commands.js';
import type { AddressInfo } from 'node:net';
import { AuthingGuard, AuthingModule, ResourceAccess, Roles } from '../lib/nest/index.js';

export interface AuthorizationBenchConfig {
  appHost: string;
  appId: string;
  host: string;
  accessKeyId: string;
  accessKeySecret: string;
}

@Controller()
@UseGuards(AuthingGuard)
class BenchController {
  @Get('guarded/:id')
  guarded(@Param('id') id: string): object {
    return { ok: id !== '' };
  }

  @Get('orders/:id')
  @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })
  order(@Param('id') id: string): object {
    return { ok: id !== '' };
  }

  @Get('roles-all/:id')
  @Roles({ roles: ['admin', 'bench'], match: 'all' })
  rolesAll(@Param('id') id: string): object {
    return { ok: id !== '' };
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as AuthorizationBenchConfig;

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: config.appId,
      appHost: config.appHost,
      host: config.host,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      // Long enough that every measured request is answered from the cache.
      roles: { cacheTtl: 600_000 },
      authorization: { cacheTtl: 600_000 },
    }),
  ],
  controllers: [BenchController],
})
class AuthorizationBenchModule {}

const app = await NestFactory.create(AuthorizationBenchModule, { logger: ['error'] });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
serveAppCommands(`http://127.0.0.1:${port}`, app);
