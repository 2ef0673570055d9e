/**
 * The authorization building blocks on their own: role/permission matching, the controller+handler
 * merging rule, decorator validation, resource ids read from a request, the answer cache (TTL and
 * in-flight de-duplication), token `roles` claims with namespaces, and the emulator's instance rule.
 */
import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { SetMetadata } from '@nestjs/common';
import { Permissions, ResourceAccess, Roles, ROLES_KEY } from '../../lib/index.js';
import { AnswerCache } from '../../lib/nest/authorization/answer-cache.js';
import { meets, mergeRequirements, missingOf } from '../../lib/nest/authorization/requirements.js';
import { resourceIdOf } from '../../lib/nest/authorization/resource-id.js';
import { readRequirements } from '../../lib/nest/authorization/route-requirements.js';
import { roleRefs } from '../../lib/nest/roles/token-roles.js';
import { covers } from '../../lib/testing/families/resources-more.js';

describe('matching', () => {
  test('any: one held code suffices; all: every code is needed', () => {
    expect(meets(['a'], ['a', 'b'], 'any')).toBe(true);
    expect(meets(['c'], ['a', 'b'], 'any')).toBe(false);
    expect(meets(['a'], ['a', 'b'], 'all')).toBe(false);
    expect(meets(['b', 'a', 'c'], ['a', 'b'], 'all')).toBe(true);
    expect(meets(new Set(['a', 'b']), ['a', 'b'], 'all')).toBe(true);
    expect(meets([], ['a'], 'any')).toBe(false);
  });

  test('missingOf lists what is lacking, in the required order', () => {
    expect(missingOf(['b'], ['a', 'b', 'c'])).toEqual(['a', 'c']);
  });
});

describe('merging rule', () => {
  const r = (name: string, inherit?: boolean) => ({ name, ...(inherit === undefined ? {} : { inherit }) });

  test('controller and handler requirements accumulate, controller first', () => {
    expect(mergeRequirements({ onClass: [r('c')], onHandler: [r('h')] })).toEqual([r('c'), r('h')]);
    expect(mergeRequirements({ onClass: [r('c')], onHandler: undefined })).toEqual([r('c')]);
    expect(mergeRequirements({ onClass: undefined, onHandler: [r('h')] })).toEqual([r('h')]);
  });

  test('a handler requirement with inherit: false replaces the controller ones', () => {
    expect(mergeRequirements({ onClass: [r('c')], onHandler: [r('h', false), r('h2')] })).toEqual([
      r('h', false),
      r('h2'),
    ]);
  });
});

describe('decorators', () => {
  class Docs {
    review() {}
    replace() {}
    plain() {}
    legacy() {}
  }
  Roles('editor')(Docs);
  const on = (name: keyof Docs, ...decorators: MethodDecorator[]) => {
    const descriptor = Object.getOwnPropertyDescriptor(Docs.prototype, name)!;
    for (const d of decorators.reverse()) d(Docs.prototype, name, descriptor);
  };
  on('review', Roles({ roles: ['a', 'b'], match: 'all', namespace: 'cms' }), Roles('c'));
  on('replace', Roles({ roles: ['v'], inherit: false }), Permissions({ permissions: ['p:r', 'p:w'], match: 'any' }));
  on('legacy', SetMetadata(ROLES_KEY, ['old']) as MethodDecorator);
  const reflector = new Reflector();
  const read = (name: keyof Docs) => readRequirements(reflector, Docs.prototype[name], Docs);

  test('stacked decorators read in source order, after the controller requirement', () => {
    expect(read('review')!.roles.map((x) => [x.codes, x.match, x.namespace])).toEqual([
      [['editor'], 'any', undefined],
      [['a', 'b'], 'all', 'cms'],
      [['c'], 'any', undefined],
    ]);
  });

  test('inherit: false drops the controller roles; @Permissions defaults to all, here any', () => {
    const route = read('replace')!;
    expect(route.roles.map((x) => x.codes)).toEqual([['v']]);
    expect(route.permissions.map((x) => [x.codes, x.match])).toEqual([[['p:r', 'p:w'], 'any']]);
  });

  test('a plain SetMetadata(ROLES_KEY) still counts, as "any"', () => {
    expect(read('legacy')!.roles.map((x) => [x.codes, x.match])).toEqual([
      [['editor'], 'any'],
      [['old'], 'any'],
    ]);
    expect(read('plain')!.roles.map((x) => x.codes)).toEqual([['editor']]);
  });

  test.each([
    ['no codes', () => Roles()],
    ['an empty code', () => Roles('a', '')],
    ['a bad match', () => Roles({ roles: ['a'], match: 'some' as never })],
    ['an unknown field', () => Roles({ roles: ['a'], mode: 'all' } as never)],
    ['an empty namespace', () => Permissions({ permissions: ['x'], namespace: ' ' })],
    ['a resource without action', () => ResourceAccess({ resource: 'order' } as never)],
    ['two id sources', () => ResourceAccess({ resource: 'o', action: 'r', id: { param: 'a', query: 'b' } as never })],
    ['an unknown id source', () => ResourceAccess({ resource: 'o', action: 'r', id: { header: 'x' } as never })],
    ['an unknown api', () => ResourceAccess({ resource: 'o', action: 'r', api: 'ask' as never })],
  ])('%s is a TypeError at class definition', (_name, build) => {
    expect(build).toThrow(TypeError);
  });
});

describe('resource ids from the request', () => {
  test('params, query and body; numbers become strings', () => {
    const request = { headers: {}, params: { id: '42' }, query: { o: '7' }, body: { n: 9 } };
    expect(resourceIdOf(request, { param: 'id' })).toEqual({ id: '42' });
    expect(resourceIdOf(request, { query: 'o' })).toEqual({ id: '7' });
    expect(resourceIdOf(request, { body: 'n' })).toEqual({ id: '9' });
  });

  test('missing, empty, repeated, nested or inherited values are refused with a reason', () => {
    const request = { headers: {}, query: { a: '', b: ['1', '2'] }, body: { c: { id: 1 } } };
    expect(resourceIdOf(request, { param: 'id' })).toEqual({ problem: 'route parameter "id" is missing' });
    expect(resourceIdOf(request, { query: 'a' })).toEqual({ problem: 'query parameter "a" is missing' });
    expect(resourceIdOf(request, { query: 'b' })).toEqual({
      problem: 'query parameter "b" must be a single string or number',
    });
    expect(resourceIdOf(request, { body: 'c' })).toMatchObject({ problem: expect.stringContaining('single') });
    expect(resourceIdOf(request, { body: 'toString' })).toEqual({ problem: 'body field "toString" is missing' });
    for (const id of ['1:2', '*', 'a/b']) {
      expect(resourceIdOf({ headers: {}, query: { id } }, { query: 'id' })).toEqual({
        problem: 'query parameter "id" must not contain ":", "*" or "/"',
      });
    }
    expect(resourceIdOf({ headers: {}, query: { l: 'x'.repeat(257) } }, { query: 'l' })).toMatchObject({
      problem: expect.stringContaining('longer than 256'),
    });
  });
});

describe('answer cache', () => {
  test('concurrent askers of one key share one call; a settled answer is reused', async () => {
    const cache = new AnswerCache<boolean>(60_000);
    let calls = 0;
    let release!: (v: boolean) => void;
    const load = () => {
      calls++;
      return new Promise<boolean>((resolve) => (release = resolve));
    };
    const pending = Array.from({ length: 5 }, () => cache.get('k', load));
    expect(calls).toBe(1);
    release(true);
    expect(await Promise.all(pending)).toEqual([true, true, true, true, true]);
    expect(cache.peek('k')).toBe(true);
    expect(await cache.get('k', load)).toBe(true);
    expect(calls).toBe(1);
  });

  test('failures and unkept answers are not remembered; ttl 0 keeps nothing but still shares', async () => {
    const cache = new AnswerCache<boolean>(60_000);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(
      await cache.get(
        'k',
        () => Promise.resolve(false),
        () => false,
      ),
    ).toBe(false);
    expect(cache.peek('k')).toBeUndefined();
    const none = new AnswerCache<boolean>(0);
    let calls = 0;
    const load = async () => (calls++, true);
    await Promise.all([none.get('k', load), none.get('k', load)]);
    await none.get('k', load);
    expect(calls).toBe(2);
  });

  test('forget drops matching answers', async () => {
    const cache = new AnswerCache<boolean>(60_000);
    await cache.get('u1\u0000x', async () => true);
    await cache.get('u2\u0000x', async () => true);
    cache.forget((key) => key.startsWith('u1\u0000'));
    expect(cache.peek('u1\u0000x')).toBeUndefined();
    expect(cache.peek('u2\u0000x')).toBe(true);
  });
});

describe('roles claim', () => {
  test('string entries are the default namespace; objects keep theirs', () => {
    expect(roleRefs(['a', { code: 'b', namespace: 'crm' }, { code: 'c' }, 7, ''])).toEqual([
      { code: 'a', namespace: 'default' },
      { code: 'b', namespace: 'crm' },
      { code: 'c', namespace: 'default' },
    ]);
    expect(roleRefs('a b')).toEqual([
      { code: 'a', namespace: 'default' },
      { code: 'b', namespace: 'default' },
    ]);
    expect(roleRefs(undefined)).toBeUndefined();
  });
});

describe("the emulator's resource instance rule", () => {
  test.each([
    ['order', 'order:42', true],
    ['order:*', 'order:42', true],
    ['order:*', 'order:*', true],
    ['order', 'order:*', true],
    ['order:42', 'order:42', true],
    ['order:42', 'order:43', false],
    ['order:42', 'order:*', false],
    ['order:42', 'order', false],
    ['order:*', 'order', false],
    ['order', 'orders:1', false],
    ['order:4', 'order:42', false],
  ])('granted %s covers %s: %s', (granted, asked, expected) => {
    expect(covers(granted, asked)).toBe(expected);
  });
});
