import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestMemo } from '../../lib/nest/request/request-memo.js';
import { attachUser, attachedUser, returnToOf, setReturnTo } from '../../lib/nest/request/request-state.js';
import type { AuthingUser } from '../../lib/nest/user/authing-user.js';

const user = { sub: 'u-1', accessToken: 'token-1' } as unknown as AuthingUser;

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
  test("on Node's IncomingMessage (Express) it adds no property but the Passport convention's user", () => {
    const request = nodeRequest();
    const before = new Set(Reflect.ownKeys(request));
    const memo = new RequestMemo<string>('test');
    memo.set(request, 'remembered');
    setReturnTo(request, '/after');
    attachUser(request, user);

    const added = Reflect.ownKeys(request).filter((key) => !before.has(key));
    expect(added).toEqual(['user']);
    expect(memo.get(request)).toBe('remembered');
    expect(returnToOf(request)).toBe('/after');
    expect(attachedUser(request)).toBe(user);
    expect((request as unknown as { user: unknown }).user).toBe(user);
  });

  test('on other carriers (Fastify requests, sockets) it keeps symbol-keyed properties', () => {
    const request = { headers: {} };
    const memo = new RequestMemo<number>('test');
    memo.set(request, 7);
    attachUser(request, null);

    expect(memo.get(request)).toBe(7);
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
      expect(a.get(first)).toBeUndefined();
      expect(attachedUser(first)).toBeUndefined();

      a.set(first, 'a-first');
      b.set(first, 'b-first');
      a.set(second, 'a-second');
      expect([a.get(first), b.get(first), a.get(second), b.get(second)]).toEqual([
        'a-first',
        'b-first',
        'a-second',
        undefined,
      ]);
      expect(a.of(second, () => 'recomputed')).toBe('a-second');
      expect(b.of(second, () => 'computed once')).toBe('computed once');
      expect(b.of(second, () => 'again')).toBe('computed once');
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
        expect(memo.get(request)).toBeUndefined();
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
      memo.set(first, 'first');
      memo.set(second, 'second');
      memo.set(third, 'third');
      expect([memo.get(first), memo.get(second), memo.get(third)]).toEqual(['first', 'second', 'third']);
    });

    test("an ended request's value, once the next request took the connection, is computed again, never another's", () => {
      const socket = new Socket();
      const memo = new RequestMemo<string>('client');
      const ended = { writableEnded: false };
      const [first, second] = [nodeRequest(socket, ended), nodeRequest(socket)];
      memo.set(first, 'first');
      ended.writableEnded = true;
      memo.set(second, 'second');
      expect(memo.get(second)).toBe('second');
      expect(memo.get(first)).toBeUndefined();
      expect(memo.of(first, () => 'first again')).toBe('first again');
      expect(memo.get(second)).toBe('second');
    });

    test('a request without a socket or a response still gets its value', () => {
      const memo = new RequestMemo<string>('client');
      const request = new IncomingMessage(new Socket());
      (request as unknown as { socket: null }).socket = null;
      memo.set(request, 'alone');
      expect(memo.get(request)).toBe('alone');
    });
  });
});
