import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestMemo } from '../../lib/nest/request/request-memo.js';
import {
  attachUser,
  attachedUser,
  exposeUserOnRequests,
  returnToOf,
  setReturnTo,
} from '../../lib/nest/request/request-state.js';
import type { AuthingUser } from '../../lib/nest/user/authing-user.js';

const user = { sub: 'u-1', accessToken: 'token-1' } as unknown as AuthingUser;

/** Remembers `value` for `request`, expecting that nothing was remembered for it before. */
function remember<T>(memo: RequestMemo<T>, request: object, value: T): void {
  expect(memo.of(request, () => value)).toBe(value);
}

/** What `memo` remembers for `request`; `'(computed)'` when nothing was, which it then remembers. */
function recall<T>(memo: RequestMemo<T | string>, request: object): T | string {
  return memo.of(request, () => '(computed)');
}

/** An Express-like request on `socket`, whose response (`req.res`) has ended or not. */
function nodeRequest(
  socket = new Socket(),
  res: { writableEnded: boolean } = { writableEnded: false },
): IncomingMessage {
  const request = new IncomingMessage(socket);
  request.headers = { authorization: 'Bearer token-1' };
  (request as unknown as { res: object }).res = res;
  return request;
}

describe('per-request state', () => {
  test("on a bare Node IncomingMessage it adds no property but the Passport convention's user", () => {
    const request = nodeRequest();
    const before = new Set(Reflect.ownKeys(request));
    const memo = new RequestMemo<string>('test');
    remember(memo, request, 'remembered');
    setReturnTo(request, '/after');
    attachUser(request, user);

    const added = Reflect.ownKeys(request).filter((key) => !before.has(key));
    expect(added).toEqual(['user']);
    expect(recall(memo, request)).toBe('remembered');
    expect(returnToOf(request)).toBe('/after');
    expect(attachedUser(request)).toBe(user);
    expect((request as unknown as { user: unknown }).user).toBe(user);
  });

  describe('on Express requests (a prototype from app.request, res.locals)', () => {
    /** An Express application's request prototype, and a request of it with its `res.locals`. */
    function expressApp(): { app: { request: object }; request: () => IncomingMessage } {
      const app = { request: Object.create(IncomingMessage.prototype) as object };
      const request = (): IncomingMessage => {
        const req = nodeRequest();
        (req as unknown as { res: object }).res = { writableEnded: false, locals: Object.create(null) as object };
        Object.setPrototypeOf(req, app.request);
        return req;
      };
      return { app, request };
    }
    const localsOf = (request: IncomingMessage): object =>
      (request as unknown as { res: { locals: object } }).res.locals;

    test('the user and the return address go in res.locals, out of sight, and req.user reads the user', () => {
      const { app, request: newRequest } = expressApp();
      exposeUserOnRequests(app);
      const request = newRequest();
      const before = Reflect.ownKeys(request);
      expect((request as unknown as { user?: unknown }).user).toBeUndefined();

      attachUser(request, user);
      setReturnTo(request, '/after');

      expect(Reflect.ownKeys(request)).toEqual(before);
      expect(attachedUser(request)).toBe(user);
      expect(returnToOf(request)).toBe('/after');
      expect((request as unknown as { user: unknown }).user).toBe(user);
      expect(Object.keys(localsOf(request))).toEqual([]);
      expect({ ...localsOf(request) }).toEqual({});
      // Another request of the same application sees none of it.
      expect((newRequest() as unknown as { user?: unknown }).user).toBeUndefined();
    });

    test('an anonymous request reads req.user as undefined, as before', () => {
      const { app, request: newRequest } = expressApp();
      exposeUserOnRequests(app);
      const request = newRequest();
      attachUser(request, null);
      expect(attachedUser(request)).toBeNull();
      expect((request as unknown as { user?: unknown }).user).toBeUndefined();
    });

    test('req.user assigned by other code (Passport) is a plain property, which the guard then overwrites', () => {
      const { app, request: newRequest } = expressApp();
      exposeUserOnRequests(app);
      const request = newRequest() as IncomingMessage & { user?: unknown };
      request.user = { from: 'passport' };
      expect(Object.keys(request)).toContain('user');
      expect(request.user).toEqual({ from: 'passport' });
      expect(attachedUser(request)).toBeUndefined();

      attachUser(request, user);
      expect(request.user).toBe(user);
      request.user = null; // Passport's logout
      expect(request.user).toBeNull();
      expect(attachedUser(request)).toBe(user);
    });

    test('without the view (a prototype that defines user, or none installed) the guard assigns req.user', () => {
      const own = { request: Object.create(IncomingMessage.prototype, { user: { value: 'theirs', writable: true } }) };
      exposeUserOnRequests(own);
      exposeUserOnRequests(undefined);
      exposeUserOnRequests({ request: 'not an object' });
      const request = nodeRequest();
      (request as unknown as { res: object }).res = { locals: Object.create(null) as object };
      Object.setPrototypeOf(request, own.request);
      attachUser(request, user);
      expect(Object.hasOwn(request, 'user')).toBe(true);
      expect((request as unknown as { user: unknown }).user).toBe(user);
      expect(attachedUser(request)).toBe(user);
    });
  });

  test('on other carriers (Fastify requests, sockets) it keeps symbol-keyed properties', () => {
    const request = { headers: {} };
    const memo = new RequestMemo<number>('test');
    remember(memo, request, 7);
    attachUser(request, null);

    expect(memo.of(request, () => 0)).toBe(7);
    expect(attachedUser(request)).toBeNull();
    expect(Object.getOwnPropertySymbols(request)).toHaveLength(2);
    expect(Object.keys(request)).toEqual(['headers', 'user']);
  });

  test.each([
    ['IncomingMessage', nodeRequest],
    ['plain object', () => ({ headers: {} })],
  ])(
    'on a %s: two memos, and two requests, keep their values apart; none is remembered before it is set',
    (_kind, make) => {
      const [first, second] = [make(), make()];
      const [a, b] = [new RequestMemo<string>('a'), new RequestMemo<string>('a')];
      expect(attachedUser(first)).toBeUndefined();

      remember(a, first, 'a-first');
      remember(b, first, 'b-first');
      remember(a, second, 'a-second');
      expect([recall(a, first), recall(b, first), recall(a, second), recall(b, second)]).toEqual([
        'a-first',
        'b-first',
        'a-second',
        '(computed)',
      ]);
      expect(b.of(second, () => 'again')).toBe('(computed)');
    },
  );

  describe('a memo on Express requests of one keep-alive connection', () => {
    test('requests one after another each get their own value, with nothing added to the request', () => {
      const socket = new Socket();
      const memo = new RequestMemo<string>('client');
      for (let i = 0; i < 5; i++) {
        const response = { writableEnded: false };
        const request = nodeRequest(socket, response);
        const keys = Reflect.ownKeys(request).length;
        expect(memo.of(request, () => `value-${i}`)).toBe(`value-${i}`);
        expect(memo.of(request, () => 'computed again')).toBe(`value-${i}`);
        expect(Reflect.ownKeys(request)).toHaveLength(keys);
        response.writableEnded = true;
      }
    });

    test('pipelined requests (the first not answered yet) keep their values apart', () => {
      const socket = new Socket();
      const memo = new RequestMemo<string>('client');
      const [first, second, third] = [nodeRequest(socket), nodeRequest(socket), nodeRequest(socket)];
      remember(memo, first, 'first');
      remember(memo, second, 'second');
      remember(memo, third, 'third');
      expect([recall(memo, first), recall(memo, second), recall(memo, third)]).toEqual(['first', 'second', 'third']);
    });

    test("an ended request's value, once the next request took the connection, is computed again, never another's", () => {
      const socket = new Socket();
      const memo = new RequestMemo<string>('client');
      const ended = { writableEnded: false };
      const [first, second] = [nodeRequest(socket, ended), nodeRequest(socket)];
      remember(memo, first, 'first');
      ended.writableEnded = true;
      remember(memo, second, 'second');
      expect(recall(memo, second)).toBe('second');
      expect(memo.of(first, () => 'first again')).toBe('first again');
      expect(recall(memo, second)).toBe('second');
    });

    test('a request without a socket or a response still gets its value', () => {
      const memo = new RequestMemo<string>('client');
      const request = new IncomingMessage(new Socket());
      (request as unknown as { socket: null }).socket = null;
      remember(memo, request, 'alone');
      expect(recall(memo, request)).toBe('alone');
    });
  });
});
