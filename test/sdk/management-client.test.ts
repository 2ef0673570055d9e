/**
 * ManagementClient behaviour against a recording server on 127.0.0.1: the seed examples, argument
 * errors (rejected before any request), `pub`, raw requests, and `paginate` over several pages.
 */
import { inspect } from 'node:util';
import {
  AuthingApiError,
  AuthingArgumentError,
  AuthingError,
  ManagementClient,
  type AuthingResponse,
  type User,
} from '../../lib/sdk/index.js';
import { RecordingServer, type RecordedRequest } from '../support/recording-server.js';
import { checkSignature } from '../wire/support/signature.js';

const ACCESS_KEY_ID = 'mgmt-ak';
const ACCESS_KEY_SECRET = 'mgmt-SECRET-sk-9876543210';
const VALUE_SECRET = 'argument-secret-value-xyz';

type Answer = { status?: number; headers?: Record<string, string>; body: string };

function envelope(data: unknown, extra: Record<string, unknown> = {}): Answer {
  return {
    body: JSON.stringify({ statusCode: 200, message: 'ok', data, ...extra }),
    headers: { 'content-type': 'application/json' },
  };
}

describe('ManagementClient', () => {
  const server = new RecordingServer();
  let client: ManagementClient;
  const thrown: unknown[] = [];

  async function rejection(call: () => Promise<unknown>): Promise<unknown> {
    let promise: Promise<unknown>;
    try {
      promise = call();
    } catch (error) {
      throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
    }
    try {
      await promise;
    } catch (error) {
      thrown.push(error);
      return error;
    }
    throw new Error('expected a rejection');
  }

  beforeAll(async () => {
    await server.start();
    client = new ManagementClient({
      accessKeyId: ACCESS_KEY_ID,
      accessKeySecret: ACCESS_KEY_SECRET,
      host: server.url,
      retry: false,
    });
  });
  afterEach(() => {
    server.take();
    server.respond = () => envelope(null);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  function only(): RecordedRequest {
    const requests = server.take();
    expect(requests).toHaveLength(1);
    expect(checkSignature(requests[0]!, ACCESS_KEY_SECRET).valid).toBe(true);
    return requests[0]!;
  }

  describe('seed examples', () => {
    it('listUsers({ options: { pagination: { page: 1, limit: 10 } } })', async () => {
      server.respond = () => envelope({ list: [{ userId: 'u-1' }], totalCount: 1 });
      const response = await client.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
      const users: User[] = response.data.list;
      expect(users[0]!.userId).toBe('u-1');
      const req = only();
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/api/v3/list-users');
      expect(req.query).toEqual([]);
      expect(req.body).toBe('{"options":{"pagination":{"page":1,"limit":10}}}');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers.authorization).toMatch(/^authing mgmt-ak:[A-Za-z0-9+/]{27}=$/);
    });

    it("createRole({ code: 'admin', description: '管理员' })", async () => {
      await client.createRole({ code: 'admin', description: '管理员' });
      const req = only();
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/api/v3/create-role');
      expect(req.body).toBe('{"code":"admin","description":"管理员"}');
    });

    it("getUser({ userId: 'u1' }) fills in the official defaults", async () => {
      await client.getUser({ userId: 'u1' });
      const req = only();
      expect(req.method).toBe('GET');
      expect(req.body).toBe('');
      expect(req.query).toEqual([
        ['userId', 'u1'],
        ['userIdType', 'user_id'],
        ['flatCustomData', 'false'],
        ['withCustomData', 'false'],
        ['withPost', 'false'],
        ['withIdentities', 'false'],
        ['withDepartmentIds', 'false'],
      ]);
    });

    it('an explicit undefined gets the default too; null leaves the parameter out', async () => {
      await client.getUser({ userId: 'u1', userIdType: undefined, withPost: null as never });
      const query = only().query;
      expect(query).toContainEqual(['userIdType', 'user_id']);
      expect(query.map(([k]) => k)).not.toContain('withPost');
    });
  });

  describe('argument errors reject before any request', () => {
    it.each([
      [
        'an unknown query parameter',
        () => client.getUser({ userId: 'u', nope: VALUE_SECRET } as never),
        'getUser.nope',
      ],
      ['an unknown body field (#11.7)', () => client.listUsers({ foo: 1 } as never), 'listUsers.foo'],
      [
        'an unknown body field beside known ones',
        () => client.createRole({ code: 'r', nope: VALUE_SECRET } as never),
        'createRole.nope',
      ],
      [
        'an argument to an endpoint without any',
        () => client.callEndpoint('listModel', { x: VALUE_SECRET }),
        'listModel.x',
      ],
      [
        'a path parameter of the wrong type',
        () => client.deleteById({ id: { v: VALUE_SECRET } } as never),
        'deleteById.id',
      ],
      ['a boolean path parameter', () => client.deleteById({ id: true } as never), 'deleteById.id'],
      ['a missing path parameter', () => client.deleteUserListById({} as never), 'deleteUserListById.id'],
      ['an empty path parameter', () => client.deleteRiskListPolicyById({ id: '' }), 'deleteRiskListPolicyById.id'],
      ['a string instead of an object', () => client.getUser(VALUE_SECRET as never), 'getUser'],
      ['an array instead of an object', () => client.createRole([VALUE_SECRET] as never), 'createRole'],
      ['null instead of an object', () => client.listUsers(null as never), 'listUsers'],
      ['a class instance instead of an object', () => client.createRole(new Date() as never), 'createRole'],
      ['an unknown endpoint name', () => client.callEndpoint('noSuchMethod', {}), 'name'],
      ['pub without an event name', () => client.pub('', 'data'), 'eventName'],
      ['pub with non-string data', () => client.pub('evt', { secret: VALUE_SECRET } as never), 'data'],
    ])('%s → AuthingArgumentError naming %s', async (_label, call, argument) => {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(AuthingArgumentError);
      expect((error as AuthingArgumentError).argument).toBe(argument);
      expect((error as Error).message).toContain(`"${argument}"`);
      expect(server.take()).toEqual([]);
    });

    it('paginate refuses what it cannot iterate', async () => {
      const cases: [() => AsyncGenerator<unknown>, string][] = [
        [() => client.paginate('getUser' as never, {} as never), 'method'],
        [() => client.paginate('listUsers', [] as never), 'listUsers.request'],
        [() => client.paginate('listUsers', {}, { pageSize: 0 }), 'pageSize'],
        [() => client.paginate('listUsers', {}, { pageSize: 2.5 }), 'pageSize'],
        [() => client.paginate('listUsers', {}, { startPage: 0 }), 'startPage'],
      ];
      for (const [make, argument] of cases) {
        const error = await rejection(() => make().next());
        expect(error).toBeInstanceOf(AuthingArgumentError);
        expect((error as AuthingArgumentError).argument).toBe(argument);
      }
      expect(server.take()).toEqual([]);
    });

    it('none of these errors carries a secret', () => {
      expect(thrown.length).toBeGreaterThanOrEqual(13);
      for (const error of thrown) {
        expect(error).toBeInstanceOf(AuthingError);
        for (const view of [
          String(error),
          (error as Error).message,
          String((error as Error).stack),
          JSON.stringify(error),
          inspect(error, { depth: 10, showHidden: true }),
        ]) {
          expect(view).not.toContain(VALUE_SECRET);
          expect(view).not.toContain(ACCESS_KEY_SECRET);
        }
      }
    });
  });

  describe('pub and raw requests', () => {
    it('pub(eventName, data) posts the event with our SDK as its source', async () => {
      await client.pub('order.paid', '{"orderId":"o-1"}');
      const req = only();
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/api/v3/pub-event');
      expect(JSON.parse(req.body)).toEqual({
        eventType: 'order.paid',
        source: 'nestjs-authing: 0.1.0',
        eventData: '{"orderId":"o-1"}',
      });
    });

    it('request() signs any path; dates and arrays in the query are signed as sent', async () => {
      const response = await client.request<{ ok: boolean }>({
        method: 'GET',
        path: '/api/v3/some-newer-endpoint',
        query: { since: new Date(Date.UTC(2026, 10, 24)), ids: ['a', null, 'b c'], empty: [], gone: undefined, n: 5 },
      });
      expect(response.statusCode).toBe(200);
      const req = only();
      expect(req.path).toBe('/api/v3/some-newer-endpoint');
      expect(req.query).toEqual([
        ['since', '2026-11-24T00:00:00.000Z'],
        ['ids[]', 'a'],
        ['ids[]', 'b c'],
        ['n', '5'],
      ]);
    });

    it('path parameters are substituted and URL-encoded', async () => {
      await client.deleteById({ id: 'ip/1 2' });
      const req = server.take()[0]!;
      expect(req.method).toBe('DELETE');
      expect(req.path).toBe('/api/v3/ip-list/ip%2F1%202');
      expect(req.body).toBe('');
    });
  });

  describe('paginate', () => {
    const USERS = Array.from({ length: 23 }, (_, i) => ({ userId: `u-${i + 1}` }));

    /** Serves USERS page by page from `options.pagination` (body) or `page`/`limit` (query). */
    function serveUsers(opts: { totalCount?: boolean; failOnPage?: number } = {}) {
      server.respond = (req) => {
        let page: number;
        let limit: number;
        if (req.method === 'GET') {
          const q = new Map(req.query);
          page = Number(q.get('page'));
          limit = Number(q.get('limit'));
        } else {
          const pagination = (JSON.parse(req.body) as { options: { pagination: { page: number; limit: number } } })
            .options.pagination;
          ({ page, limit } = pagination);
        }
        if (page === opts.failOnPage) {
          return {
            body: JSON.stringify({ statusCode: 403, message: '无权限', apiCode: 1002, requestId: 'req-p', data: null }),
            headers: { 'content-type': 'application/json' },
          };
        }
        const list = USERS.slice((page - 1) * limit, page * limit);
        return envelope(opts.totalCount === false ? { list } : { list, totalCount: USERS.length });
      };
    }

    function pages(requests: RecordedRequest[]): number[] {
      return requests.map((r) =>
        r.method === 'GET'
          ? Number(new Map(r.query).get('page'))
          : (JSON.parse(r.body) as { options: { pagination: { page: number } } }).options.pagination.page,
      );
    }

    it('yields every item in order, requesting one page at a time', async () => {
      serveUsers();
      const iterator = client.paginate('listUsers', { keywords: 'a' }, { pageSize: 10 })[Symbol.asyncIterator]();
      expect(server.requests).toHaveLength(0);
      const seen: string[] = [];
      const requestsWhenSeen: number[] = [];
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        seen.push(r.value.userId);
        requestsWhenSeen.push(server.requests.length);
      }
      expect(seen).toEqual(USERS.map((u) => u.userId));
      // Page 2 is fetched only when item 11 is wanted, page 3 for item 21.
      expect(requestsWhenSeen[0]).toBe(1);
      expect(requestsWhenSeen[9]).toBe(1);
      expect(requestsWhenSeen[10]).toBe(2);
      expect(requestsWhenSeen[20]).toBe(3);
      const requests = server.take();
      expect(pages(requests)).toEqual([1, 2, 3]);
      for (const req of requests) {
        expect(JSON.parse(req.body)).toEqual({
          keywords: 'a',
          options: { pagination: { page: expect.any(Number), limit: 10 } },
        });
        expect(checkSignature(req, ACCESS_KEY_SECRET).valid).toBe(true);
      }
    });

    it('keeps the other options of the request', async () => {
      serveUsers();
      const all = [];
      for await (const user of client.paginate('listUsers', { options: { withCustomData: true } }, { pageSize: 50 })) {
        all.push(user);
      }
      expect(all).toHaveLength(23);
      const [req] = server.take();
      expect(JSON.parse(req!.body)).toEqual({ options: { withCustomData: true, pagination: { page: 1, limit: 50 } } });
    });

    it('stops at totalCount without asking for a page past it', async () => {
      server.respond = (req) => {
        const { page } = (JSON.parse(req.body) as { options: { pagination: { page: number } } }).options.pagination;
        const list = USERS.slice((page - 1) * 5, page * 5);
        return envelope({ list, totalCount: 10 });
      };
      const ids: string[] = [];
      for await (const user of client.paginate('listUsers', {}, { pageSize: 5 })) ids.push(user.userId);
      expect(ids).toEqual(['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-7', 'u-8', 'u-9', 'u-10']);
      expect(pages(server.take())).toEqual([1, 2]);
    });

    it('without totalCount, stops at the first short or empty page', async () => {
      serveUsers({ totalCount: false });
      const ids: string[] = [];
      for await (const user of client.paginate('listUsers', {}, { pageSize: 23 })) ids.push(user.userId);
      expect(ids).toHaveLength(23);
      // A full first page could be followed by more: page 2 is asked for, and is empty.
      expect(pages(server.take())).toEqual([1, 2]);
    });

    it('query-style list calls page with page/limit query parameters', async () => {
      serveUsers();
      const ids: string[] = [];
      for await (const role of client.paginate('listRoles', { namespace: 'default' }, { pageSize: 20, startPage: 1 })) {
        ids.push((role as unknown as { userId: string }).userId);
      }
      expect(ids).toHaveLength(23);
      const requests = server.take();
      expect(requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(requests.map((r) => r.path)).toEqual(['/api/v3/list-roles', '/api/v3/list-roles']);
      expect(requests[1]!.query).toEqual([
        ['page', '2'],
        ['limit', '20'],
        ['namespace', 'default'],
      ]);
    });

    it('startPage skips the pages before it', async () => {
      serveUsers();
      const ids: string[] = [];
      for await (const user of client.paginate('listUsers', {}, { pageSize: 10, startPage: 3 })) ids.push(user.userId);
      expect(ids).toEqual(['u-21', 'u-22', 'u-23']);
      expect(pages(server.take())).toEqual([3]);
    });

    it('a business error mid-way throws AuthingApiError after yielding the earlier pages', async () => {
      serveUsers({ failOnPage: 2 });
      const ids: string[] = [];
      let caught: unknown;
      try {
        for await (const user of client.paginate('listUsers', {}, { pageSize: 10 })) ids.push(user.userId);
      } catch (error) {
        caught = error;
      }
      expect(ids).toHaveLength(10);
      expect(caught).toBeInstanceOf(AuthingApiError);
      expect(caught).toMatchObject({ statusCode: 403, apiCode: 1002, requestId: 'req-p' });
      expect(caught).toMatchObject({ code: 'api', reason: 'listUsers' });
      expect(caught).toBeInstanceOf(AuthingError);
      expect((caught as Error).message).toContain('listUsers');
      expect(pages(server.take())).toEqual([1, 2]);
    });
  });

  it('business errors resolve as the envelope', async () => {
    const answer = { statusCode: 400, message: '角色已存在', apiCode: 2011, requestId: 'r-9', data: null };
    server.respond = () => ({ body: JSON.stringify(answer), headers: { 'content-type': 'application/json' } });
    const response: AuthingResponse = await client.createRole({ code: 'admin' });
    expect(response).toEqual(answer);
  });
});
