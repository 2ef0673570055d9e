import { compileResolver } from '../../lib/nest/tenancy/tenant-resolver.js';
import type { AuthingRequest } from '../../lib/index.js';

const hosts = new Map([
  ['acme.example.com', 'acme'],
  ['globex.example.com', 'globex'],
]);
const byHost = (host: string) => hosts.get(host);
const req = (init: { url?: string; originalUrl?: string; headers?: Record<string, string> }): AuthingRequest =>
  ({ headers: {}, ...init }) as unknown as AuthingRequest;

describe('path resolver', () => {
  const nameOf = compileResolver({ by: 'path' }, byHost);

  test.each([
    ['/t/acme/api/me', 'acme'],
    ['/t/acme', 'acme'],
    ['/t/acme?x=1', 'acme'],
    ['/t/globex/callback?code=1&state=2', 'globex'],
  ])('%s is tenant %s', (url, tenant) => {
    expect(nameOf(req({ url }))).toBe(tenant);
  });

  test.each(['/api/me', '/t/', '/t', '/tx/acme/api', '/', '/T/acme'])('%s names no tenant', (url) => {
    expect(nameOf(req({ url }))).toBeUndefined();
  });

  test("Express's originalUrl wins over a url a router rewrote", () => {
    expect(nameOf(req({ url: '/api/me', originalUrl: '/t/acme/api/me' }))).toBe('acme');
  });

  test('a custom prefix, with or without its trailing slash', () => {
    expect(compileResolver({ by: 'path', prefix: '/orgs/' }, byHost)(req({ url: '/orgs/acme/x' }))).toBe('acme');
    expect(compileResolver({ by: 'path', prefix: '/orgs' }, byHost)(req({ url: '/orgs/acme' }))).toBe('acme');
    expect(compileResolver({ by: 'path', prefix: '/orgs' }, byHost)(req({ url: '/t/acme' }))).toBeUndefined();
  });
});

describe('host resolver', () => {
  const nameOf = compileResolver({ by: 'host' }, byHost);

  test('matches the Host header case-insensitively, port ignored', () => {
    expect(nameOf(req({ headers: { host: 'ACME.example.com:8443' } }))).toBe('acme');
    expect(nameOf(req({ headers: { host: 'globex.example.com' } }))).toBe('globex');
  });

  test('an unknown or missing host names no tenant', () => {
    expect(nameOf(req({ headers: { host: 'evil.example.com' } }))).toBeUndefined();
    expect(nameOf(req({ headers: {} }))).toBeUndefined();
    expect(nameOf(req({ headers: { host: '[::1]:3000' } }))).toBeUndefined();
  });
});

describe('header resolver', () => {
  test('default header x-authing-tenant', () => {
    const nameOf = compileResolver({ by: 'header' }, byHost);
    expect(nameOf(req({ headers: { 'x-authing-tenant': 'globex' } }))).toBe('globex');
    expect(nameOf(req({ headers: { 'x-authing-tenant': '' } }))).toBeUndefined();
    expect(nameOf(req({ headers: {} }))).toBeUndefined();
  });

  test('a header of its own, named in any case', () => {
    const nameOf = compileResolver({ by: 'header', name: 'X-Org' }, byHost);
    expect(nameOf(req({ headers: { 'x-org': 'acme' } }))).toBe('acme');
  });
});

describe('function resolver', () => {
  test("returns the function's answer; an empty or non-string answer names no tenant", () => {
    const answers: unknown[] = ['acme', '', undefined, 42];
    const nameOf = compileResolver(() => answers.shift() as string | undefined, byHost);
    expect(nameOf(req({}))).toBe('acme');
    expect(nameOf(req({}))).toBeUndefined();
    expect(nameOf(req({}))).toBeUndefined();
    expect(nameOf(req({}))).toBeUndefined();
  });
});
