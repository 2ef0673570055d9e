import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import {
  attachUser,
  attachedUser,
  RequestMemo,
  returnToOf,
  setReturnTo,
} from '../../lib/nest/request/request-state.js';
import type { AuthingUser } from '../../lib/nest/user/authing-user.js';

const user = { sub: 'u-1', accessToken: 'token-1' } as unknown as AuthingUser;

function nodeRequest(): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = { authorization: 'Bearer token-1' };
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
});
