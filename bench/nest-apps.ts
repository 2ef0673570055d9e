/**
 * The NestJS apps the HTTP benchmarks load: the same trivial route behind different kinds of
 * protection, so any difference in throughput is the protection's cost.
 */
import 'reflect-metadata';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  UseGuards,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type PipeTransform,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { AddressInfo } from 'node:net';
import { AuthenticationClient } from '../lib/sdk/index.js';
import { AuthingClient, AuthingGuard, AuthingModule } from '../lib/nest/index.js';

/** The HTTP adapter the benchmark app runs on. */
export type BenchPlatform = 'express' | 'fastify';

export interface BenchAppConfig {
  appHost: string;
  appId: string;
  appSecret: string;
  /** Default `express`. */
  platform?: BenchPlatform;
  /**
   * Configures the `tenancy` option (path resolver, one tenant `acme` on the same application), so
   * `/guarded` is the default application behind the resolver and `/t/acme/guarded` the tenant.
   */
  tenancy?: boolean;
}

const PAYLOAD = { ok: true };
/** What a route answers when what it checks is missing: the same shape, so no route answers more. */
const MISSING = { ok: false };

/** A parameter decorator with an injectable pipe that does nothing: Nest's own cost for that shape. */
@Injectable()
class NoopPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown): unknown {
    return value;
  }
}
/** A factory that only returns the request: alone, Nest's own cost for any custom parameter. */
const RequestParam = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  context.getArgByIndex<unknown>(0),
);

/** The cheapest possible guard: what Nest's guard machinery alone costs a route. */
@Injectable()
class AllowAllGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** The guarded route of a tenant (`tenancy` apps): the resolver picks the tenant from the path. */
@Controller('t/:tenant')
class TenantController {
  @Get('guarded')
  @UseGuards(AuthingGuard)
  guarded(): object {
    return PAYLOAD;
  }
}

/**
 * AuthingGuard on a route of the tenant route's shape (`/p/:segment/guarded`): the tenancy
 * benchmark's baseline, so Express's own cost of a route parameter is in it too. In a tenancy app
 * the resolver (prefix `/t/`) gives it to the default application.
 */
@Controller('p/:segment')
class ShapeController {
  @Get('guarded')
  @UseGuards(AuthingGuard)
  guarded(): object {
    return PAYLOAD;
  }
}

/**
 * Every path has four letters, as `/open` has: on Fastify each character of the path cost about 0.2%
 * of a route's throughput in these benchmarks (a bare route at `/client-decorator3` ran at 0.972 of
 * `/open`, one at `/co` at 1.003), which a comparison would otherwise charge to the route's protection.
 */
@Controller()
class OpenController {
  @Get('open')
  open(): object {
    return PAYLOAD;
  }

  @Get('noop')
  @UseGuards(AllowAllGuard)
  noopGuard(): object {
    return PAYLOAD;
  }

  @Get('auth')
  @UseGuards(AuthingGuard)
  guarded(): object {
    return PAYLOAD;
  }

  @Get('pjwt')
  @UseGuards(AuthGuard('jwt'))
  passportJwt(): object {
    return PAYLOAD;
  }

  @Get('pipe')
  noopPipe(@RequestParam(undefined, NoopPipe) request: object): object {
    return request !== undefined ? PAYLOAD : MISSING;
  }

  @Get('reqp')
  requestParam(@RequestParam() request: object): object {
    return request !== undefined ? PAYLOAD : MISSING;
  }

  @Get('clnt')
  decorator(@AuthingClient() client: AuthenticationClient): object {
    return client.accessToken !== undefined ? PAYLOAD : MISSING;
  }
}

/** Injecting the request-scoped client makes this controller request-scoped too (scope bubbling). */
@Controller()
class ScopedController {
  constructor(@Inject(AuthenticationClient) private readonly client: AuthenticationClient) {}

  @Get('scop')
  scoped(): object {
    return this.client.accessToken !== undefined ? PAYLOAD : MISSING;
  }
}

function jwtStrategyFor(config: BenchAppConfig) {
  @Injectable()
  class BenchJwtStrategy extends PassportStrategy(JwtStrategy, 'jwt') {
    constructor() {
      super({
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKeyProvider: passportJwtSecret({
          jwksUri: `${config.appHost}/oidc/.well-known/jwks.json`,
          cache: true,
          rateLimit: true,
        }),
        issuer: `${config.appHost}/oidc`,
        audience: config.appId,
        algorithms: ['RS256'],
      });
    }

    validate(payload: unknown): unknown {
      return payload;
    }
  }
  return BenchJwtStrategy;
}

/** Starts the benchmark app on 127.0.0.1 and returns its origin. */
export async function startBenchApp(config: BenchAppConfig): Promise<{ app: INestApplication; origin: string }> {
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: config.appId,
        appSecret: config.appSecret,
        appHost: config.appHost,
        ...(config.tenancy ? { tenancy: { resolve: { by: 'path' }, tenants: [{ name: 'acme' }] } } : {}),
      }),
      PassportModule,
    ],
    controllers: [OpenController, ScopedController, ShapeController, ...(config.tenancy ? [TenantController] : [])],
    providers: [jwtStrategyFor(config)],
  })
  class BenchModule {}

  const app =
    config.platform === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: ['error'] })
      : await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, origin: `http://127.0.0.1:${port}` };
}
