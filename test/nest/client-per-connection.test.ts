import 'reflect-metadata';
import { Controller, Get, Inject, Module, Query, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthenticationClient } from '../../lib/index.js';
import { AuthingClient, AuthingClients, AuthingModule } from '../../lib/index.js';
import { APP_ID, APP_SECRET } from './support/keys.js';

/**
 * The per-request client is remembered with the keep-alive connection on Express: requests that
 * follow each other on one connection, and pipelined requests answered concurrently on it, must
 * each get a client of their own, carrying their own token, the same one throughout the request.
 */
@Controller('who')
class WhoController {
  constructor(@Inject(AuthingClients) private readonly clients: AuthingClients) {}

  @Get()
  async who(@AuthingClient() client: AuthenticationClient, @Req() request: object, @Query('wait') wait?: string) {
    const before = client.accessToken;
    if (wait) await sleep(Number(wait));
    const again = this.clients.forRequest(request as never);
    return { before, after: again.accessToken, same: again === client };
  }
}

async function start(platform: 'express' | 'fastify'): Promise<{ app: INestApplication; port: number }> {
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        appHost: 'http://127.0.0.1:9',
        loadSigningKeysOnStart: false,
      }),
    ],
    controllers: [WhoController],
  })
  class AppModule {}
  const app =
    platform === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

/** One keep-alive connection: `send` writes requests in one go (pipelined) and reads their JSON bodies. */
class Connection {
  readonly #socket;
  #received = '';
  #read = 0;
  #waiting: (() => void) | undefined;

  constructor(port: number) {
    this.#socket = connect(port, '127.0.0.1');
    this.#socket.setEncoding('utf8');
    this.#socket.on('data', (chunk: string) => {
      this.#received += chunk;
      this.#waiting?.();
    });
  }

  async send(requests: { token: string; wait?: number }[]): Promise<unknown[]> {
    this.#socket.write(
      requests
        .map(
          ({ token, wait }) =>
            `GET /who${wait ? `?wait=${wait}` : ''} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        )
        .join(''),
    );
    const target = this.#read + requests.length;
    while (this.#bodies().length < target) await new Promise<void>((resolve) => (this.#waiting = resolve));
    const bodies = this.#bodies().slice(this.#read, target);
    this.#read = target;
    return bodies;
  }

  close(): void {
    this.#socket.destroy();
  }

  #bodies(): unknown[] {
    return [...this.#received.matchAll(/\r\n\r\n(?:[0-9a-f]+\r\n)?(\{[^\r]*\})/g)].map((match) =>
      JSON.parse(match[1]!),
    );
  }
}

const apps: INestApplication[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

describe.each(['express', 'fastify'] as const)('@AuthingClient() on one %s connection', (platform) => {
  let port: number;
  beforeAll(async () => {
    const started = await start(platform);
    apps.push(started.app);
    port = started.port;
  });

  test('requests one after another on a keep-alive connection each get their own client', async () => {
    const connection = new Connection(port);
    try {
      for (const token of ['token-a', 'token-b', 'token-a', 'token-c', 'token-c']) {
        expect(await connection.send([{ token }])).toEqual([{ before: token, after: token, same: true }]);
      }
    } finally {
      connection.close();
    }
  });

  test('pipelined requests answered concurrently keep their clients apart', async () => {
    const connection = new Connection(port);
    try {
      const tokens = ['token-slow', 'token-fast', 'token-middle', 'token-last'];
      const bodies = await connection.send(tokens.map((token, i) => ({ token, wait: [80, 0, 20, 0][i] })));
      expect(bodies).toEqual(tokens.map((token) => ({ before: token, after: token, same: true })));
      // The connection goes on serving requests one after another afterwards.
      expect(await connection.send([{ token: 'token-next' }])).toEqual([
        { before: 'token-next', after: 'token-next', same: true },
      ]);
    } finally {
      connection.close();
    }
  });
});
