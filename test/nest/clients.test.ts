import 'reflect-metadata';
import { Controller, Get, Inject, Injectable, Req, Scope, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import request from 'supertest';
import {
  AUTHING_ROOT_CLIENT,
  AuthenticationClient,
  AuthingClient,
  AuthingClients,
  AuthingModule,
} from '../../lib/index.js';
import { APP_HOST, APP_ID, APP_SECRET } from './support/keys.js';

/** Per-request clients: the request-scoped provider, @AuthingClient() and AuthingClients.forRequest(). */
let created = 0;

@Controller({ path: 'scoped', scope: Scope.REQUEST })
class ScopedController {
  readonly serial = ++created;
  constructor(
    @Inject(AuthenticationClient) private readonly client: AuthenticationClient,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
  ) {}

  @Get()
  get() {
    return {
      token: this.client.accessToken ?? null,
      serial: this.serial,
      isRoot: this.client === this.root,
      sameAppHost: this.client.appHost === this.root.appHost,
    };
  }
}

@Injectable()
class ProfileService {
  constructor(@Inject(AuthingClients) private readonly clients: AuthingClients) {}

  clientFor(req: Request): AuthenticationClient {
    return this.clients.forRequest(req);
  }
}

const seen: AuthenticationClient[] = [];

@Controller('decorated')
class DecoratedController {
  constructor(@Inject(ProfileService) private readonly profiles: ProfileService) {}

  @Get()
  get(
    @AuthingClient() client: AuthenticationClient,
    @AuthingClient() again: AuthenticationClient,
    @Req() req: Request,
  ) {
    seen.push(client);
    return {
      token: client.accessToken ?? null,
      memoised: client === again && client === this.profiles.clientFor(req),
    };
  }
}

let app: INestApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, appHost: APP_HOST, loadSigningKeysOnStart: false }),
    ],
    controllers: [ScopedController, DecoratedController],
    providers: [ProfileService],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.use((req: { session?: unknown; headers: Record<string, string> }, _res: unknown, next: () => void) => {
    if (req.headers['x-test-session']) {
      req.session = {
        authing: {
          v: 1,
          claims: { sub: 's' },
          accessToken: req.headers['x-test-session'],
          expiresAt: Date.now() + 60_000,
        },
      };
    }
    next();
  });
  await app.init();
});

afterAll(() => app?.close());

test('the request-scoped AuthenticationClient is per request and carries that request bearer token', async () => {
  const first = await request(app.getHttpServer()).get('/scoped').set('Authorization', 'Bearer token-a').expect(200);
  const second = await request(app.getHttpServer()).get('/scoped').set('Authorization', 'Bearer token-b').expect(200);
  expect(first.body).toMatchObject({ token: 'token-a', isRoot: false, sameAppHost: true });
  expect(second.body).toMatchObject({ token: 'token-b', isRoot: false });
  expect(second.body.serial).toBe(first.body.serial + 1); // a new controller per request (scope bubbling)
  const anonymous = await request(app.getHttpServer()).get('/scoped').expect(200);
  expect(anonymous.body.token).toBeNull();
});

test('without a bearer header the client carries the session access token', async () => {
  const response = await request(app.getHttpServer()).get('/scoped').set('x-test-session', 'session-token').expect(200);
  expect(response.body.token).toBe('session-token');
});

test('@AuthingClient() and forRequest(): one client per request, no request scope', async () => {
  const before = created;
  const a = await request(app.getHttpServer()).get('/decorated').set('Authorization', 'Bearer token-a').expect(200);
  const b = await request(app.getHttpServer()).get('/decorated').set('Authorization', 'bearer token-b').expect(200);
  expect(a.body).toEqual({ token: 'token-a', memoised: true });
  expect(b.body).toEqual({ token: 'token-b', memoised: true });
  expect(seen[seen.length - 1]).not.toBe(seen[seen.length - 2]);
  expect(created).toBe(before); // the singleton controller was not re-created
});

test('the root client is a singleton shared with AuthingClients', () => {
  expect(app.get(AuthingClients).root).toBe(app.get(AUTHING_ROOT_CLIENT));
});
