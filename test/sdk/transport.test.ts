/**
 * Transport behaviour of the ManagementClient against real servers on 127.0.0.1 (no fetch mocks):
 * timeouts, bounded retries with fresh signatures, answers that are not Authing's protocol, TLS
 * verification, option validation, and no secret in any error.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { inspect } from 'node:util';
import {
  AuthingArgumentError,
  AuthingError,
  AuthingHttpError,
  AuthingNetworkError,
  AuthingTimeoutError,
  ManagementClient,
  type ManagementClientOptions,
} from '../../lib/sdk/index.js';
import { HttpTransport } from '../../lib/sdk/transport/http-transport.js';
import { RecordingServer, type RecordedRequest } from '../support/recording-server.js';
import { selfSignedCertificate } from '../support/tls.js';
import { checkSignature } from '../wire/support/signature.js';

const ACCESS_KEY_ID = 'transport-ak';
const ACCESS_KEY_SECRET = 'transport-SECRET-sk-0123456789';
/** Secret values carried in queries and bodies; none may show up in an error. */
const QUERY_SECRET = 'query-secret-token-abcdef';
const BODY_SECRET = 'body-secret-password-ghijkl';
const SECRETS = [ACCESS_KEY_SECRET, QUERY_SECRET, BODY_SECRET];

type Answer = { status?: number; headers?: Record<string, string>; body: string };

const ENVELOPE = JSON.stringify({ statusCode: 200, message: 'ok', data: { ok: true } });

/** Every error the tests below provoke, checked for secrets at the end. */
const thrown: unknown[] = [];

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    thrown.push(error);
    return error;
  }
  throw new Error('expected a failure');
}

function listen(server: Server | TcpServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function closeServer(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await listen(probe);
  const port = (probe.address() as AddressInfo).port;
  await closeServer(probe);
  return port;
}

describe('ManagementClient transport', () => {
  const server = new RecordingServer();
  const clients: ManagementClient[] = [];
  const extraServers: (Server | TcpServer)[] = [];

  function client(extra: Partial<ManagementClientOptions> = {}): ManagementClient {
    const c = new ManagementClient({
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: ACCESS_KEY_SECRET,
      host: server.url,
      retry: { minDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });
    clients.push(c);
    return c;
  }

  async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const s = createHttpServer(handler);
    extraServers.push(s);
    return `http://${await listen(s)}`;
  }

  beforeAll(async () => {
    await server.start();
  });
  afterEach(() => {
    server.take();
    server.respond = () => ({ body: ENVELOPE, headers: { 'content-type': 'application/json' } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(extraServers.map((s) => closeServer(s)));
    await server.stop();
  });

  describe('timeout', () => {
    it('a server that never answers ends in AuthingTimeoutError after about `timeout` ms', async () => {
      let received = 0;
      const url = await httpServer(() => {
        received++; // never answers
      });
      const c = client({ host: url, timeout: 300, retry: false });
      const started = Date.now();
      const error = await failure(c.getUser({ userId: QUERY_SECRET }));
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(AuthingTimeoutError);
      expect(error).toBeInstanceOf(AuthingNetworkError);
      expect(error).toMatchObject({ timeoutMs: 300, method: 'GET', url: `${url}/api/v3/get-user` });
      expect(error).toMatchObject({ code: 'network', reason: 'timeout' });
      expect((error as Error).message).toContain('300 ms');
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(3000);
      expect(received).toBe(1);
    });

    it('a GET that timed out is retried, each attempt with its own timeout', async () => {
      const requests: string[] = [];
      const url = await httpServer((req) => {
        requests.push(String(req.headers['x-authing-signature-nonce']));
      });
      const c = client({ host: url, timeout: 200, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
      const started = Date.now();
      const error = await failure(c.getUser({ userId: 'u-1' }));
      expect(error).toBeInstanceOf(AuthingTimeoutError);
      expect(requests).toHaveLength(2);
      expect(new Set(requests).size).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    });

    it('defaults to 10000 ms', () => {
      expect(new HttpTransport('https://api.authing.cn', {}, 'host').timeout).toBe(10_000);
      expect(new HttpTransport('https://api.authing.cn', { timeout: 1234 }, 'host').timeout).toBe(1234);
    });
  });

  describe('retries', () => {
    it.each([503, 429, 502, 504])('a GET answered %i is retried a bounded number of times', async (status) => {
      server.respond = () => ({ status, body: '<html>busy</html>', headers: { 'content-type': 'text/html' } });
      const error = await failure(
        client({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }).getUser({ userId: 'u' }),
      );
      expect(error).toBeInstanceOf(AuthingHttpError);
      expect(error).toMatchObject({ status, contentType: 'text/html' });
      expect(server.take()).toHaveLength(3);
    });

    it('a transient failure followed by success resolves, with a fresh signature per attempt', async () => {
      let n = 0;
      server.respond = () =>
        ++n < 3
          ? { status: 503, body: 'busy', headers: { 'content-type': 'text/plain' } }
          : { body: ENVELOPE, headers: { 'content-type': 'application/json' } };
      const response = await client().getUser({ userId: 'u-1' });
      expect(response).toEqual({ statusCode: 200, message: 'ok', data: { ok: true } });
      const attempts = server.take();
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((r) => r.headers['x-authing-signature-nonce'])).size).toBe(3);
      expect(new Set(attempts.map((r) => r.headers.authorization)).size).toBe(3);
      for (const attempt of attempts) expect(checkSignature(attempt, ACCESS_KEY_SECRET).valid).toBe(true);
    });

    it('the default policy retries twice', async () => {
      server.respond = () => ({ status: 502, body: '', headers: {} });
      const c = new ManagementClient({
        accessKeyId: ACCESS_KEY_ID,
        accessKeySecret: ACCESS_KEY_SECRET,
        host: server.url,
      });
      clients.push(c);
      await failure(c.listModel());
      expect(server.take()).toHaveLength(3);
    });

    it('a POST is not retried, unless retry.nonIdempotent is set', async () => {
      server.respond = () => ({ status: 503, body: 'busy', headers: { 'content-type': 'text/plain' } });
      const body = { code: 'admin', description: BODY_SECRET };
      expect(await failure(client({ retry: { retries: 3, minDelayMs: 1 } }).createRole(body))).toMatchObject({
        status: 503,
      });
      expect(server.take()).toHaveLength(1);
      await failure(
        client({ retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, nonIdempotent: true } }).createRole(body),
      );
      const attempts = server.take();
      expect(attempts).toHaveLength(4);
      expect(attempts.every((r) => r.body === JSON.stringify(body))).toBe(true);
      expect(new Set(attempts.map((r) => r.headers['x-authing-signature-nonce'])).size).toBe(4);
    });

    it('PUT and DELETE are retried like GET', async () => {
      server.respond = () => ({ status: 504, body: '', headers: {} });
      const c = client({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
      await failure(c.deleteById({ id: 'ip-1' }));
      await failure(c.processApproval({ number: 'a-1', isAgreed: true }));
      expect(server.take().map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'PUT', 'PUT']);
    });

    it('retry: false and retries: 0 disable retries', async () => {
      server.respond = () => ({ status: 503, body: '', headers: {} });
      await failure(client({ retry: false }).getUser({ userId: 'u' }));
      expect(server.take()).toHaveLength(1);
      await failure(client({ retry: { retries: 0 } }).getUser({ userId: 'u' }));
      expect(server.take()).toHaveLength(1);
    });

    it('non-retryable statuses are not retried', async () => {
      for (const status of [500, 501, 400, 401, 404]) {
        server.respond = () => ({ status, body: '<h1>no</h1>', headers: { 'content-type': 'text/html' } });
        expect(await failure(client().getUser({ userId: 'u' }))).toMatchObject({ status });
        expect(server.take()).toHaveLength(1);
      }
    });

    it('Retry-After is honoured, and a fresh date is signed after the wait', async () => {
      const arrivals: number[] = [];
      server.respond = (): Answer => {
        arrivals.push(Date.now());
        return arrivals.length === 1
          ? { status: 429, body: '', headers: { 'retry-after': '1' } }
          : { body: ENVELOPE, headers: { 'content-type': 'application/json' } };
      };
      await client({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5000 } }).getUser({ userId: 'u' });
      const [first, second] = server.take();
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
      expect(first!.headers.date).not.toBe(second!.headers.date);
      expect(checkSignature(second!, ACCESS_KEY_SECRET).valid).toBe(true);
    });

    it('Retry-After is capped by maxDelayMs', async () => {
      const arrivals: number[] = [];
      server.respond = (): Answer => {
        arrivals.push(Date.now());
        return arrivals.length === 1
          ? { status: 503, body: '', headers: { 'retry-after': '3600' } }
          : { body: ENVELOPE, headers: { 'content-type': 'application/json' } };
      };
      const started = Date.now();
      await client({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 150 } }).getUser({ userId: 'u' });
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(140);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('a connection reset is a network failure, retried for GET and not for POST', async () => {
      let connections = 0;
      const tcp = createTcpServer((socket) => {
        connections++;
        socket.once('data', () => socket.resetAndDestroy());
      });
      extraServers.push(tcp);
      const c = client({ host: `http://${await listen(tcp)}`, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
      const error = await failure(c.getUser({ userId: QUERY_SECRET }));
      expect(error).toBeInstanceOf(AuthingNetworkError);
      expect(error).not.toBeInstanceOf(AuthingTimeoutError);
      expect(connections).toBe(3);
      connections = 0;
      expect(await failure(c.createRole({ code: 'r', description: BODY_SECRET }))).toBeInstanceOf(AuthingNetworkError);
      expect(connections).toBe(1);
    });

    it('connection refused: AuthingNetworkError (ECONNREFUSED) after the bounded retries', async () => {
      const port = await freePort();
      const c = client({ host: `http://127.0.0.1:${port}`, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
      const error = await failure(c.getUser({ userId: 'u' }));
      expect(error).toBeInstanceOf(AuthingNetworkError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect(error).toMatchObject({ code: 'network', reason: 'ECONNREFUSED' });
      expect((error as AuthingNetworkError).url).toBe(`http://127.0.0.1:${port}/api/v3/get-user`);
    });

    it('connection refused is retried for GET: a server that comes up during the backoff answers', async () => {
      const port = await freePort();
      const c = client({ host: `http://127.0.0.1:${port}`, retry: { retries: 10, minDelayMs: 50, maxDelayMs: 100 } });
      const pending = c.getUser({ userId: 'u' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const received: string[] = [];
      const late = createHttpServer((req, res) => {
        received.push(String(req.url));
        res.writeHead(200, { 'content-type': 'application/json' }).end(ENVELOPE);
      });
      extraServers.push(late);
      await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
      expect(await pending).toMatchObject({ statusCode: 200 });
      expect(received).toHaveLength(1);
    });

    it('connection refused is not retried for POST', async () => {
      const port = await freePort();
      const c = client({ host: `http://127.0.0.1:${port}`, retry: { retries: 10, minDelayMs: 200, maxDelayMs: 200 } });
      const started = Date.now();
      expect(await failure(c.createRole({ code: 'r' }))).toBeInstanceOf(AuthingNetworkError);
      // Ten retries would have waited; a POST fails at once.
      expect(Date.now() - started).toBeLessThan(150);
    });
  });

  describe('answers that are not an Authing envelope', () => {
    it.each([
      ['HTML 200', 200, 'text/html; charset=utf-8', '<!doctype html><p>login</p>', 'not JSON', 'not_json'],
      ['HTML 500', 500, 'text/html', '<h1>Internal Server Error</h1>', 'not JSON', 'not_json'],
      ['empty 200', 200, '', '', 'not JSON', 'not_json'],
      [
        'JSON that is not an envelope',
        200,
        'application/json',
        '[1,2,3]',
        'not an Authing response envelope',
        'not_envelope',
      ],
      [
        'JSON error page',
        404,
        'application/json',
        '{"error":"not found"}',
        'not an Authing response envelope',
        'not_envelope',
      ],
    ])('%s → AuthingHttpError naming the status and content type', async (_label, status, type, body, reason, code) => {
      server.respond = (): Answer => ({ status, body, headers: type ? { 'content-type': type } : {} });
      const error = await failure(client({ retry: false }).createUser({ email: 'a@b.c', password: BODY_SECRET }));
      expect(error).toBeInstanceOf(AuthingHttpError);
      expect(error).toMatchObject({
        status,
        contentType: type,
        method: 'POST',
        url: `${server.url}/api/v3/create-user`,
        code: 'http',
        reason: code,
      });
      const message = (error as Error).message;
      expect(message).toContain(`HTTP ${status}`);
      expect(message).toContain(type || 'no content type');
      expect(message).toContain(reason);
    });

    it('a JSON 200 envelope with a business error resolves (no throw)', async () => {
      const envelope = { statusCode: 400, message: '用户不存在', apiCode: 2004, requestId: 'req-1', data: null };
      server.respond = () => ({ body: JSON.stringify(envelope), headers: { 'content-type': 'application/json' } });
      await expect(client().getUser({ userId: 'missing' })).resolves.toEqual(envelope);
      await expect(client().createRole({ code: 'dup' })).resolves.toMatchObject({ statusCode: 400, apiCode: 2004 });
    });
  });

  describe('TLS', () => {
    let httpsUrl = '';
    beforeAll(async () => {
      const { key, cert } = selfSignedCertificate();
      const s = createHttpsServer({ key, cert }, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(ENVELOPE);
      });
      extraServers.push(s);
      httpsUrl = `https://${await listen(s)}`;
    });

    it('a self-signed certificate is refused by default with AuthingNetworkError', async () => {
      const error = await failure(client({ host: httpsUrl, retry: false }).getUser({ userId: 'u' }));
      expect(error).toBeInstanceOf(AuthingNetworkError);
      expect((error as Error).message).toMatch(/self[- ]signed|certificate/i);
      const explicit = await failure(client({ host: httpsUrl, retry: false, rejectUnauthorized: true }).listModel());
      expect(explicit).toBeInstanceOf(AuthingNetworkError);
    });

    it('rejectUnauthorized: false accepts it', async () => {
      await expect(client({ host: httpsUrl, rejectUnauthorized: false }).getUser({ userId: 'u' })).resolves.toEqual(
        JSON.parse(ENVELOPE),
      );
    });
  });

  describe('options', () => {
    it('lang is sent as x-authing-lang (default zh-CN)', async () => {
      await client().listModel();
      await client({ lang: 'en-US' }).listModel();
      await client({ lang: 'ja-JP' }).listModel();
      await client({ lang: 'zh-TW' }).listModel();
      expect(server.take().map((r: RecordedRequest) => r.headers['x-authing-lang'])).toEqual([
        'zh-CN',
        'en-US',
        'ja-JP',
        'zh-TW',
      ]);
    });

    it('tenantId is sent as x-authing-app-id, and only when set', async () => {
      await client().listModel();
      await client({ tenantId: 'tenant-9' }).listModel();
      const [without, withTenant] = server.take();
      expect(without!.headers['x-authing-app-id']).toBeUndefined();
      expect(withTenant!.headers['x-authing-app-id']).toBe('tenant-9');
      expect(checkSignature(withTenant!, ACCESS_KEY_SECRET).valid).toBe(true);
    });

    it.each([
      [{ lang: 'fr-FR' }, 'lang'],
      [{ lang: '' }, 'lang'],
      [{ timeout: -1 }, 'timeout'],
      [{ timeout: 0 }, 'timeout'],
      [{ timeout: Number.NaN }, 'timeout'],
      [{ timeout: '1000' }, 'timeout'],
      [{ host: 'not a url' }, 'host'],
      [{ host: 'ftp://api.example.com' }, 'host'],
      [{ host: 'https://api.example.com/?x=1' }, 'host'],
      [{ host: '' }, 'host'],
      [{ rejectUnauthorized: 'no' }, 'rejectUnauthorized'],
      [{ retry: 3 }, 'retry'],
      [{ retry: { retries: -1 } }, 'retry.retries'],
      [{ retry: { retries: 11 } }, 'retry.retries'],
      [{ tenantId: '' }, 'tenantId'],
      [{ accessKeyId: undefined }, 'accessKeyId'],
      [{ accessKeyId: '' }, 'accessKeyId'],
      [{ accessKeyId: '   ' }, 'accessKeyId'],
      [{ accessKeySecret: undefined }, 'accessKeySecret'],
      [{ accessKeySecret: '' }, 'accessKeySecret'],
      [{ accessKeySecret: 42 }, 'accessKeySecret'],
    ])('%j → AuthingArgumentError naming %s', async (extra, argument) => {
      const error = await failure(() => client(extra as Partial<ManagementClientOptions>));
      expect(error).toBeInstanceOf(AuthingArgumentError);
      expect((error as AuthingArgumentError).argument).toBe(argument);
      expect((error as Error).message).toContain(`"${argument}"`);
      expect(error).toMatchObject({ code: 'invalid_argument', reason: argument });
    });

    it('no options at all → AuthingArgumentError', async () => {
      const error = await failure(() => new ManagementClient(undefined as never));
      expect(error).toBeInstanceOf(AuthingArgumentError);
    });
  });

  describe('secrets', () => {
    it('no error thrown above carries the access key secret or a query/body secret', () => {
      expect(thrown.length).toBeGreaterThan(40);
      const kinds = new Set(thrown.map((e) => (e as Error).constructor.name));
      expect([...kinds].sort()).toEqual(
        ['AuthingArgumentError', 'AuthingHttpError', 'AuthingNetworkError', 'AuthingTimeoutError'].sort(),
      );
      for (const error of thrown) {
        expect(error).toBeInstanceOf(AuthingError);
        const views = [
          String(error),
          (error as Error).message,
          String((error as Error).stack),
          JSON.stringify(error),
          inspect(error, { depth: 10 }),
          inspect(error, { depth: 10, showHidden: true }),
        ];
        for (const view of views) for (const secret of SECRETS) expect(view).not.toContain(secret);
      }
    });

    it('util.inspect, JSON and String of a client hide the key pair', () => {
      const c = client({ tenantId: 't-1' });
      for (const view of [
        inspect(c),
        inspect(c, { depth: 10, showHidden: true }),
        JSON.stringify(c),
        String(c),
        `${Object.keys(c).join()}`,
      ]) {
        expect(view).not.toContain(ACCESS_KEY_SECRET);
        expect(view).not.toContain(ACCESS_KEY_ID);
      }
      expect(inspect(c)).toContain('ManagementClient');
    });
  });
});
