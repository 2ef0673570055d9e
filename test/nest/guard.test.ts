import 'reflect-metadata';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { Controller, Get, Req, Res, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AccessToken,
  AuthingGuard,
  AuthingModule,
  AuthingRolesGuard,
  CurrentUser,
  OptionalAuth,
  Permissions,
  Public,
  Roles,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../lib/index.js';
import { APP_HOST, APP_ID, APP_SECRET, createTestKeys, type TestKeys } from './support/keys.js';

@Controller()
@UseGuards(AuthingGuard)
class GuardedController {
  @Get('private')
  private(@CurrentUser() user: AuthingUser, @CurrentUser('email') email: string | undefined) {
    return { user, email, hasToken: typeof user.accessToken === 'string' };
  }

  @Get('passport-convention')
  passportConvention(
    @Req() req: { user?: AuthingUser },
    @Res({ passthrough: true }) res: { locals: object },
    @CurrentUser('sub') sub: string,
  ) {
    return { sub, reqUser: req.user?.sub, ownUser: Object.hasOwn(req, 'user'), locals: Object.keys(res.locals) };
  }

  @Get('token')
  token(@AccessToken() token: string) {
    return { token };
  }

  @Get('public')
  @Public()
  public(@CurrentUser() user: AuthingUser | undefined) {
    return { open: true, user: user ?? null };
  }

  @Get('optional')
  @OptionalAuth()
  optional(@CurrentUser() user: AuthingUser | undefined) {
    return { user: user ?? null };
  }

  @Get('admin')
  @Roles('admin', 'owner')
  admin(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @Get('orders')
  @Permissions('orders:read', 'orders:list')
  orders() {
    return { orders: [] };
  }
}

@Controller('roles-only')
class RolesOnlyController {
  @Get()
  @UseGuards(AuthingRolesGuard)
  @Roles('admin')
  get(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @Get('open')
  @UseGuards(AuthingRolesGuard)
  open(@CurrentUser() user: AuthingUser | undefined) {
    return { user: user ?? null };
  }
}

@Controller('everywhere')
class UnguardedController {
  @Get()
  get(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }
}

let keys: TestKeys;

async function createApp(
  options: Partial<AuthingModuleOptions> & { globalGuard?: boolean } = {},
  configure?: (app: INestApplication) => void,
) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        appHost: APP_HOST,
        serverJWKS: keys.jwks,
        ...options,
      }),
    ],
    controllers: [GuardedController, RolesOnlyController, UnguardedController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configure?.(app);
  await app.init();
  return app;
}

let app: INestApplication;
let globalApp: INestApplication;

beforeAll(async () => {
  keys = await createTestKeys();
  app = await createApp();
  globalApp = await createApp({ globalGuard: true });
});

afterAll(async () => {
  await app?.close();
  await globalApp?.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('AuthingGuard: bearer tokens', () => {
  test('no token: 401 with a bare Bearer challenge', async () => {
    const response = await request(app.getHttpServer()).get('/private').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="authing"');
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  test('another scheme counts as no token', async () => {
    const response = await request(app.getHttpServer())
      .get('/private')
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="authing"');
  });

  test.each<[string, () => Promise<string>, string]>([
    ['garbage', async () => 'not-a-jwt', 'format'],
    ['expired', () => keys.sign({ sub: 'u1' }, { expiresIn: -600 }), 'expired'],
    ['signed by another key', () => keys.sign({ sub: 'u1' }, { foreign: true }), 'signature'],
    ['another audience', () => keys.sign({ sub: 'u1', aud: 'other-app' }), 'audience'],
    ['another issuer', () => keys.sign({ sub: 'u1', iss: 'https://evil.example/oidc' }), 'issuer'],
    ['unknown key id', () => keys.sign({ sub: 'u1' }, { kid: 'nope' }), 'key'],
    [
      'alg none',
      async () =>
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'u1', iss: `${APP_HOST}/oidc`, aud: APP_ID, exp: 9999999999, iat: 1 }),
        ).toString('base64url')}.`,
      'algorithm',
    ],
  ])('%s token: 401 saying which check failed', async (_name, makeToken, check) => {
    const token = await makeToken();
    const response = await request(app.getHttpServer()).get('/private').set(bearer(token)).expect(401);
    const challenge = response.headers['www-authenticate']!;
    expect(challenge).toMatch(
      new RegExp(`^Bearer realm="authing", error="invalid_token", error_description="${check}: [^"]+"$`),
    );
    expect(response.body).toMatchObject({ statusCode: 401, error: 'invalid_token', check });
    expect(JSON.stringify(response.body)).not.toContain(token.slice(0, 20) || 'x'.repeat(30));
  });

  test('valid token: 200, @CurrentUser() is the typed user and its tokens stay out of JSON', async () => {
    const token = await keys.sign({ sub: 'user-1', email: 'ada@example.com', name: 'Ada', roles: ['reader'] });
    const response = await request(app.getHttpServer()).get('/private').set(bearer(token)).expect(200);
    expect(response.body).toEqual({
      user: {
        sub: 'user-1',
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['reader'],
        via: 'bearer',
        claims: expect.objectContaining({ sub: 'user-1', aud: APP_ID }),
      },
      email: 'ada@example.com',
      hasToken: true,
    });
    expect(JSON.stringify(response.body)).not.toContain(token);
  });

  test("Express: req.user is the user (Passport's convention), without a property added to the request", async () => {
    const token = await keys.sign({ sub: 'user-9' });
    for (let i = 0; i < 2; i++) {
      const response = await request(app.getHttpServer()).get('/passport-convention').set(bearer(token)).expect(200);
      expect(response.body).toEqual({ sub: 'user-9', reqUser: 'user-9', ownUser: false, locals: [] });
    }
  });

  test('@AccessToken() gives the verified token', async () => {
    const token = await keys.sign({ sub: 'user-1' });
    await request(app.getHttpServer()).get('/token').set(bearer(token)).expect(200, { token });
  });

  test('@Public(): no check at all', async () => {
    await request(app.getHttpServer()).get('/public').expect(200, { open: true, user: null });
    await request(app.getHttpServer()).get('/public').set(bearer('garbage')).expect(200);
  });

  test('@OptionalAuth(): user when valid, anonymous otherwise, never 401', async () => {
    await request(app.getHttpServer()).get('/optional').expect(200, { user: null });
    await request(app.getHttpServer()).get('/optional').set(bearer('garbage')).expect(200, { user: null });
    const expired = await keys.sign({ sub: 'u1' }, { expiresIn: -600 });
    await request(app.getHttpServer()).get('/optional').set(bearer(expired)).expect(200, { user: null });
    const token = await keys.sign({ sub: 'user-9' });
    const response = await request(app.getHttpServer()).get('/optional').set(bearer(token)).expect(200);
    expect(response.body.user.sub).toBe('user-9');
  });
});

describe('roles and permissions from the token', () => {
  test('@Roles(): any listed role passes, others get 403, anonymous 401', async () => {
    const owner = await keys.sign({ sub: 'owner-1', roles: ['owner'] });
    await request(app.getHttpServer()).get('/admin').set(bearer(owner)).expect(200, { sub: 'owner-1' });
    const reader = await keys.sign({ sub: 'reader-1', roles: ['reader'] });
    const denied = await request(app.getHttpServer()).get('/admin').set(bearer(reader)).expect(403);
    expect(denied.body).toMatchObject({ statusCode: 403, message: 'Requires one of the roles: admin, owner' });
    const none = await keys.sign({ sub: 'nobody' });
    await request(app.getHttpServer()).get('/admin').set(bearer(none)).expect(403);
    await request(app.getHttpServer()).get('/admin').expect(401);
  });

  test('role objects with a code are understood', async () => {
    const token = await keys.sign({ sub: 'obj-1', roles: [{ code: 'admin', name: 'Administrator' }] });
    await request(app.getHttpServer()).get('/admin').set(bearer(token)).expect(200);
  });

  test('@Permissions(): every listed permission is needed (from the permissions claim)', async () => {
    const both = await keys.sign({ sub: 'p1', permissions: ['orders:read', 'orders:list'] });
    await request(app.getHttpServer()).get('/orders').set(bearer(both)).expect(200);
    const one = await keys.sign({ sub: 'p2', permissions: ['orders:read'] });
    const denied = await request(app.getHttpServer()).get('/orders').set(bearer(one)).expect(403);
    expect(denied.body.message).toBe('Missing permissions: orders:list');
  });

  test('AuthingRolesGuard alone authenticates and checks; without requirements it lets through', async () => {
    const admin = await keys.sign({ sub: 'admin-1', roles: ['admin'] });
    await request(app.getHttpServer()).get('/roles-only').set(bearer(admin)).expect(200, { sub: 'admin-1' });
    const reader = await keys.sign({ sub: 'reader-1', roles: ['reader'] });
    await request(app.getHttpServer()).get('/roles-only').set(bearer(reader)).expect(403);
    const none = await request(app.getHttpServer()).get('/roles-only').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="authing"');
    await request(app.getHttpServer()).get('/roles-only/open').expect(200, { user: null });
  });
});

describe('globalGuard: true', () => {
  test('every route needs a login unless @Public()', async () => {
    await request(app.getHttpServer()).get('/everywhere').expect(200); // not global here: no guard
    const response = await request(globalApp.getHttpServer()).get('/everywhere').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="authing"');
    const token = await keys.sign({ sub: 'g-1' });
    await request(globalApp.getHttpServer()).get('/everywhere').set(bearer(token)).expect(200, { sub: 'g-1' });
    await request(globalApp.getHttpServer()).get('/everywhere/open').expect(200, { open: true });
  });

  test('a route with both the global and its own guard verifies once and still checks roles', async () => {
    const reader = await keys.sign({ sub: 'reader-1', roles: ['reader'] });
    await request(globalApp.getHttpServer()).get('/admin').set(bearer(reader)).expect(403);
    const admin = await keys.sign({ sub: 'admin-1', roles: ['admin'] });
    await request(globalApp.getHttpServer()).get('/admin').set(bearer(admin)).expect(200);
  });
});

describe('session logins', () => {
  let sessionApp: INestApplication;
  let session: Record<string, unknown> | undefined;

  beforeAll(async () => {
    sessionApp = await createApp({}, (nest) =>
      nest.use((req: { session?: unknown }, _res: unknown, next: () => void) => {
        req.session = session;
        next();
      }),
    );
  });
  afterAll(() => sessionApp.close());

  test('a login kept in the session authenticates; an expired one does not', async () => {
    session = {
      authing: {
        v: 1,
        claims: { sub: 'sess-1', email: 'sess@example.com', name: 'Sess' },
        roles: ['admin'],
        accessToken: 'opaque-session-token',
        idToken: 'id-token',
        expiresAt: Date.now() + 60_000,
      },
    };
    const response = await request(sessionApp.getHttpServer()).get('/private').expect(200);
    expect(response.body.user).toMatchObject({ sub: 'sess-1', email: 'sess@example.com', via: 'session' });
    await request(sessionApp.getHttpServer()).get('/admin').expect(200);
    await request(sessionApp.getHttpServer()).get('/token').expect(200, { token: 'opaque-session-token' });

    session = { authing: { ...(session.authing as object), expiresAt: Date.now() - 1 } };
    await request(sessionApp.getHttpServer()).get('/private').expect(401);
    expect(session.authing).toBeUndefined(); // the expired login was dropped
  });

  test('a bearer token wins over the session', async () => {
    session = {
      authing: { v: 1, claims: { sub: 'sess-1' }, accessToken: 'x', expiresAt: Date.now() + 60_000 },
    };
    const token = await keys.sign({ sub: 'bearer-1' });
    const response = await request(sessionApp.getHttpServer()).get('/private').set(bearer(token)).expect(200);
    expect(response.body.user.sub).toBe('bearer-1');
    await request(sessionApp.getHttpServer()).get('/private').set(bearer('garbage')).expect(401);
  });
});

describe('identity server unreachable', () => {
  test('503 (never 401 or 500) when the signing keys cannot be fetched', async () => {
    const port = await closedPort();
    const unreachable = await createApp({
      appHost: `http://127.0.0.1:${port}`,
      serverJWKS: undefined,
      timeout: 2000,
      retry: false,
    });
    try {
      const token = await keys.sign({ sub: 'u1' });
      const response = await request(unreachable.getHttpServer()).get('/private').set(bearer(token)).expect(503);
      expect(response.body).toMatchObject({
        statusCode: 503,
        message: 'Authentication unavailable: the identity server could not be reached',
      });
      expect(response.headers['retry-after']).toBe('5');
      // Without a token there is nothing to verify: a plain 401.
      await request(unreachable.getHttpServer()).get('/private').expect(401);
    } finally {
      await unreachable.close();
    }
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('AuthingGuard: several requests on one keep-alive connection', () => {
  test('each request is answered for the token it carries, whatever the connection carried before', async () => {
    const server = app.getHttpServer() as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    server.on('connection', (socket) => sockets.add(socket));
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; sub: string | undefined }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/private', headers, agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, sub: JSON.parse(body).user?.sub }));
        });
        req.on('error', reject);
      });
    try {
      const alice = await keys.sign({ sub: 'alice' });
      const bob = await keys.sign({ sub: 'bob' });
      const answers = [];
      for (const headers of [bearer(alice), bearer(alice), bearer(bob), bearer(alice), {}, bearer(bob), bearer(bob)]) {
        answers.push(await get(headers));
      }
      expect(sockets.size).toBe(1); // one connection carried them all
      expect(answers).toEqual([
        { status: 200, sub: 'alice' },
        { status: 200, sub: 'alice' },
        { status: 200, sub: 'bob' },
        { status: 200, sub: 'alice' },
        { status: 401, sub: undefined },
        { status: 200, sub: 'bob' },
        { status: 200, sub: 'bob' },
      ]);
    } finally {
      agent.destroy(); // the server closes with the app
    }
  });
});
