import 'reflect-metadata';
import { Controller, ForbiddenException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { WsException } from '@nestjs/websockets';
import {
  AuthingGuard,
  AuthingModule,
  CurrentUser,
  OptionalAuth,
  Public,
  Roles,
  type AuthingUser,
} from '../../lib/index.js';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { APP_HOST, APP_ID, APP_SECRET, createTestKeys, type TestKeys } from './support/keys.js';

/** GraphQL, WebSocket and RPC contexts, driven through hand-made execution contexts. */
@Controller()
class Handlers {
  open() {}
  guarded() {}
  @Roles('admin')
  admin() {}
  @Public()
  publicOne() {}
  @OptionalAuth()
  optional() {}
  whoAmI(@CurrentUser() _user: AuthingUser, @CurrentUser('sub') _sub: string) {}
}

let keys: TestKeys;
let moduleRef: TestingModule;
let guard: AuthingGuard;

beforeAll(async () => {
  keys = await createTestKeys();
  moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({ appId: APP_ID, appSecret: APP_SECRET, appHost: APP_HOST, serverJWKS: keys.jwks }),
    ],
  }).compile();
  await moduleRef.init();
  guard = moduleRef.get(AuthingGuard);
});

afterAll(() => moduleRef?.close());

function context(type: string, args: unknown[], handler: keyof Handlers = 'guarded') {
  const host = new ExecutionContextHost(args, Handlers, Handlers.prototype[handler]);
  host.setType(type);
  return host;
}

function graphql(headers: Record<string, string>, handler: keyof Handlers = 'guarded') {
  const headersSet: Record<string, string> = {};
  const req = { headers };
  const res = { setHeader: (name: string, value: string) => (headersSet[name] = value) };
  return { ctx: context('graphql', [{}, {}, { req, res }, {}], handler), req, headersSet };
}

function socketIo(
  handshake: { headers?: Record<string, string>; auth?: Record<string, unknown> },
  handler: keyof Handlers = 'guarded',
) {
  const client = {
    id: 'sock-1',
    handshake: { headers: handshake.headers ?? {}, auth: handshake.auth ?? {}, query: {} },
  };
  return { ctx: context('ws', [client, { message: 'hi' }, 'event'], handler), client };
}

/** Runs a param decorator's factory as Nest would. */
function paramValue(ctx: ExecutionContextHost, index: number): unknown {
  const metadata = Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, 'whoAmI') as Record<
    string,
    { index: number; data: unknown; factory: (data: unknown, ctx: ExecutionContextHost) => unknown }
  >;
  const entry = Object.values(metadata).find((m) => m.index === index)!;
  return entry.factory(entry.data, ctx);
}

describe('GraphQL context (req from getArgs()[2])', () => {
  test('a valid bearer passes and @CurrentUser finds the user', async () => {
    const token = await keys.sign({ sub: 'gql-user' });
    const { ctx, req } = graphql({ authorization: `Bearer ${token}` }, 'whoAmI');
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
    expect((req as { user?: AuthingUser }).user?.sub).toBe('gql-user');
    expect((paramValue(ctx, 0) as AuthingUser).sub).toBe('gql-user');
    expect(paramValue(ctx, 1)).toBe('gql-user');
  });

  test('no token: UnauthorizedException and the challenge header on the response', async () => {
    const { ctx, headersSet } = graphql({});
    await expect(guard.canActivate(ctx)).rejects.toBeInstanceOf(UnauthorizedException);
    expect(headersSet['WWW-Authenticate']).toBe('Bearer realm="authing"');
  });

  test('roles apply too', async () => {
    const token = await keys.sign({ sub: 'gql-user', roles: ['reader'] });
    await expect(guard.canActivate(graphql({ authorization: `Bearer ${token}` }, 'admin').ctx)).rejects.toBeInstanceOf(
      ForbiddenException,
    );
  });
});

describe('WebSocket context (handshake headers)', () => {
  test('bearer in the handshake headers or in socket.io auth', async () => {
    const token = await keys.sign({ sub: 'ws-user' });
    const viaHeader = socketIo({ headers: { authorization: `Bearer ${token}` } }, 'whoAmI');
    await expect(guard.canActivate(viaHeader.ctx)).resolves.toBe(true);
    expect(paramValue(viaHeader.ctx, 1)).toBe('ws-user');
    const viaAuth = socketIo({ auth: { token } });
    await expect(guard.canActivate(viaAuth.ctx)).resolves.toBe(true);
  });

  test('a bad or missing token is refused with a WsException (@nestjs/websockets is installed)', async () => {
    const missing = await Promise.resolve(guard.canActivate(socketIo({}).ctx)).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(WsException);
    expect((missing as WsException).getError()).toMatchObject({ status: 'error', statusCode: 401 });
    const garbage = await Promise.resolve(
      guard.canActivate(socketIo({ headers: { authorization: 'Bearer garbage' } }).ctx),
    ).catch((error: unknown) => error);
    expect(garbage).toBeInstanceOf(WsException);
    expect((garbage as WsException).getError()).toMatchObject({
      statusCode: 401,
      error: 'invalid_token',
      check: 'format',
    });
  });

  test('the token is checked again for every message of the connection', async () => {
    const token = await keys.sign({ sub: 'ws-user' });
    const { client } = socketIo({ headers: { authorization: `Bearer ${token}` } });
    const message = () => context('ws', [client, {}, 'event']);
    await expect(guard.canActivate(message())).resolves.toBe(true);
    // The same connection later presents an expired token: the next message is refused, not memoised.
    client.handshake.headers.authorization = `Bearer ${await keys.sign({ sub: 'ws-user' }, { expiresIn: -600 })}`;
    const refused = await Promise.resolve(guard.canActivate(message())).catch((error: unknown) => error);
    expect((refused as WsException).getError()).toMatchObject({ statusCode: 401, check: 'expired' });
  });
});

describe('unknown contexts are denied by default', () => {
  test('rpc: refused even with a valid token', async () => {
    const token = await keys.sign({ sub: 'rpc-user' });
    const ctx = context('rpc', [{ token }, { getHeaders: () => ({ authorization: `Bearer ${token}` }) }]);
    await expect(guard.canActivate(ctx)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(guard.canActivate(ctx)).rejects.toThrow(/cannot authenticate "rpc" contexts/);
  });

  test('rpc with @Public() is allowed: the opt-out is explicit', async () => {
    // A public route is answered synchronously (CanActivate allows a boolean).
    expect(guard.canActivate(context('rpc', [{}, {}], 'publicOne'))).toBe(true);
  });

  test('@OptionalAuth() in GraphQL never throws 401', async () => {
    await expect(guard.canActivate(graphql({ authorization: 'Bearer garbage' }, 'optional').ctx)).resolves.toBe(true);
  });
});

test('503 maps to ServiceUnavailableException in GraphQL too', async () => {
  const down = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        appHost: 'http://127.0.0.1:9',
        retry: false,
        timeout: 1000,
        loadSigningKeysOnStart: false,
      }),
    ],
  }).compile();
  await down.init();
  try {
    const token = await keys.sign({ sub: 'u' });
    await expect(
      down.get(AuthingGuard).canActivate(graphql({ authorization: `Bearer ${token}` }).ctx),
    ).rejects.toBeInstanceOf(ServiceUnavailableException);
  } finally {
    await down.close();
  }
});
