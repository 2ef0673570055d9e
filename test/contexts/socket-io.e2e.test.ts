import 'reflect-metadata';
import { Inject, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { AuthingGuard, AuthingModule, AuthingSockets, CurrentUser, Roles } from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

/** A real socket.io gateway (@nestjs/platform-socket.io) behind AuthingGuard, against the emulator. */
@WebSocketGateway({ namespace: 'live' })
@UseGuards(AuthingGuard)
class LiveGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @SubscribeMessage('echo')
  echo(@MessageBody() text: string, @CurrentUser('sub') sub: string) {
    return { sub, text };
  }

  @SubscribeMessage('purge')
  @Roles('admin')
  purge(@CurrentUser('sub') sub: string) {
    return { purgedBy: sub };
  }
}

/** Checks the token at connection time too, and closes the socket when it expires (opt-in). */
@WebSocketGateway({ namespace: 'strict' })
@UseGuards(AuthingGuard)
class StrictGateway implements OnGatewayInit {
  constructor(@Inject(AuthingSockets) private readonly sockets: AuthingSockets) {}

  afterInit(namespace: Namespace) {
    namespace.use(this.sockets.middleware({ disconnectOnExpiry: true }));
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

let emulator: AuthingEmulator;
let app: INestApplication;
let origin: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { email: 'admin@example.com', password: 'Adm1n-pass!', roles: ['admin'] },
        { email: 'reader@example.com', password: 'Re4der-pass!', roles: ['reader'] },
      ],
    },
  });

  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        clockTolerance: 0,
      }),
    ],
    providers: [LiveGateway, StrictGateway],
  })
  class SocketAppModule {}

  app = await NestFactory.create(SocketAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await app?.close();
  await emulator?.stop();
});

async function connect(
  auth: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  namespace = 'live',
): Promise<Socket> {
  const socket = io(`${origin}/${namespace}`, {
    auth,
    extraHeaders: headers,
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The answer to a message (its ack), or the `exception` event the server sent instead. */
async function send(socket: Socket, event: string, data?: unknown): Promise<{ ack?: unknown; exception?: unknown }> {
  return new Promise((resolve) => {
    const onException = (exception: unknown) => resolve({ exception });
    socket.once('exception', onException);
    socket.emit(event, data, (ack: unknown) => {
      socket.off('exception', onException);
      resolve({ ack });
    });
  });
}

const tokenOf = async (user: string, expiresIn?: number) =>
  (await emulator.issueTokens({ user, expiresIn })).access_token;

test('a token in socket.io auth: the handler runs and @CurrentUser is its user', async () => {
  const socket = await connect({ token: await tokenOf('reader@example.com') });
  expect(await send(socket, 'whoami')).toEqual({ ack: { sub: emulator.findUser('reader@example.com')!.userId } });
  expect(await send(socket, 'echo', 'hi')).toEqual({ ack: expect.objectContaining({ text: 'hi' }) });
});

test('a token in the handshake Authorization header works too', async () => {
  const socket = await connect({}, { authorization: `Bearer ${await tokenOf('reader@example.com')}` });
  expect(await send(socket, 'whoami')).toEqual({ ack: { sub: emulator.findUser('reader@example.com')!.userId } });
});

test('no token: every message is refused with a 401 exception event', async () => {
  const socket = await connect();
  const answer = await send(socket, 'whoami');
  expect(answer).toEqual({
    exception: {
      status: 'error',
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Authentication required: send a bearer token or log in',
    },
  });
  // The connection stays open (guards run per message): a later message is refused the same way.
  expect(socket.connected).toBe(true);
  expect((await send(socket, 'echo', 'x')).exception).toMatchObject({ statusCode: 401 });
});

test('@Roles: 403 for a reader, runs for an admin', async () => {
  const reader = await connect({ token: await tokenOf('reader@example.com') });
  const refused = await send(reader, 'purge');
  expect(refused).toEqual({
    exception: {
      status: 'error',
      statusCode: 403,
      error: 'Forbidden',
      message: 'Requires one of the roles: admin',
      reason: 'missing_role',
      requirement: { roles: ['admin'], match: 'any', namespace: 'default' },
    },
  });
  const admin = await connect({ token: await tokenOf('admin@example.com') });
  expect(await send(admin, 'purge')).toEqual({ ack: { purgedBy: emulator.findUser('admin@example.com')!.userId } });
});

test('a token that expires while the socket is open: the next message is refused', async () => {
  const socket = await connect({ token: await tokenOf('reader@example.com', 2) });
  expect((await send(socket, 'whoami')).ack).toBeDefined();
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const after = await send(socket, 'whoami');
  expect(after.exception).toMatchObject({ status: 'error', statusCode: 401, error: 'invalid_token', check: 'expired' });
  // By default the server does not close the connection at expiry: the client reconnects with a new token.
  expect(socket.connected).toBe(true);
});

describe('AuthingSockets.middleware(): the token checked at connection time', () => {
  test('no token or a bad one: the connection is refused, connect_error says why', async () => {
    await expect(connect({}, {}, 'strict')).rejects.toMatchObject({
      message: 'Authentication required: send a bearer token',
      data: { statusCode: 401, error: 'Unauthorized' },
    });
    await expect(connect({ token: 'garbage' }, {}, 'strict')).rejects.toMatchObject({
      data: { statusCode: 401, error: 'invalid_token', check: 'format' },
    });
    const expired = await tokenOf('reader@example.com', -600);
    await expect(connect({ token: expired }, {}, 'strict')).rejects.toMatchObject({ data: { check: 'expired' } });
  });

  test('disconnectOnExpiry: the server says why and closes the socket when the token expires', async () => {
    const socket = await connect({ token: await tokenOf('reader@example.com', 2) }, {}, 'strict');
    expect(await send(socket, 'whoami')).toEqual({ ack: { sub: emulator.findUser('reader@example.com')!.userId } });
    const exception = new Promise((resolve) => socket.once('exception', resolve));
    const reason = await new Promise((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect(await exception).toMatchObject({ statusCode: 401, error: 'invalid_token', check: 'expired' });
  });
});
