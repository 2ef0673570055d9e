/**
 * The tenant registry: start-up validation (typed errors naming the option), tenants added and
 * removed at run time without a restart, served by a real Nest app against the emulator.
 */
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import {
  AuthingConfigurationError,
  AuthingModule,
  AuthingTenants,
  type AuthingModuleOptions,
  type AuthingTenantOptions,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { startTenancyApp, type TestApp } from './support.js';

const USER = { email: 'runtime@example.com', password: 'Runtime-passw0rd' };
const LATE_APP = { appId: 'late-app', appSecret: 'late-secret-0123456789' };

let emulator: AuthingEmulator;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [USER], apps: [LATE_APP] } });
});
afterAll(async () => {
  await emulator?.stop();
});

function base(): AuthingModuleOptions {
  return { appId: emulator.app.appId, appSecret: emulator.app.appSecret, appHost: emulator.appHost };
}

async function boot(options: AuthingModuleOptions): Promise<AuthingTenants> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthingModule.forRoot(options)] }).compile();
  return moduleRef.get(AuthingTenants);
}

async function configurationError(run: () => unknown): Promise<AuthingConfigurationError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthingConfigurationError);
    return error as AuthingConfigurationError;
  }
  throw new Error('expected an AuthingConfigurationError');
}

describe('start-up validation names the bad option', () => {
  test.each<[string, Partial<AuthingModuleOptions['tenancy']> | unknown, string]>([
    ['no resolver', { tenants: [] }, 'tenancy.resolve'],
    ['an unknown resolver kind', { resolve: { by: 'cookie' } }, 'tenancy.resolve'],
    ['a relative path prefix', { resolve: { by: 'path', prefix: 't' } }, 'tenancy.resolve.prefix'],
    ['a bad unmatched', { resolve: { by: 'path' }, unmatched: 'maybe' }, 'tenancy.unmatched'],
    ['tenants not an array', { resolve: { by: 'path' }, tenants: {} }, 'tenancy.tenants'],
    ['a tenant without a name', { resolve: { by: 'path' }, tenants: [{ appId: 'x' }] }, 'tenancy.tenants[0].name'],
    ['a name with a slash', { resolve: { by: 'path' }, tenants: [{ name: 'a/b' }] }, 'tenancy.tenants[0].name'],
    [
      'a duplicate name',
      { resolve: { by: 'path' }, tenants: [{ name: 'a' }, { name: 'a' }] },
      'tenancy.tenants[1].name',
    ],
    [
      'a bad appHost',
      { resolve: { by: 'path' }, tenants: [{ name: 'a', appHost: 'not a url' }] },
      'tenancy.tenants[0].appHost',
    ],
    [
      'an option a tenant cannot set',
      { resolve: { by: 'path' }, tenants: [{ name: 'a', cluster: {} }] },
      'tenancy.tenants[0].cluster',
    ],
    [
      'a misspelt tenant option',
      { resolve: { by: 'path' }, tenants: [{ name: 'a', appid: 'x' }] },
      'tenancy.tenants[0].appid',
    ],
    [
      "another app's tenant without its secret, with a hosted login",
      {
        resolve: { by: 'path' },
        tenants: [{ name: 'a', appId: 'other', tokenEndPointAuthMethod: 'client_secret_post' }],
      },
      'tenancy.tenants[0].appSecret',
    ],
    [
      'two tenants on one callback',
      {
        resolve: { by: 'path' },
        tenants: [
          { name: 'a', redirectUri: 'https://app.test/cb' },
          { name: 'b', redirectUri: 'https://app.test/cb' },
        ],
      },
      'tenancy.tenants[1].redirectUri',
    ],
    [
      'one host for two tenants',
      {
        resolve: { by: 'host' },
        tenants: [
          { name: 'a', hosts: ['a.test'] },
          { name: 'b', hosts: ['A.test:443'] },
        ],
      },
      'tenancy.tenants[1].hosts',
    ],
  ])('%s', async (_label, tenancy, option) => {
    const error = await configurationError(() => boot({ ...base(), tenancy: tenancy as never }));
    expect(error.option).toBe(option);
  });

  test("a secret in a tenant's bad option is never echoed", async () => {
    const error = await configurationError(() =>
      boot({ ...base(), tenancy: { resolve: { by: 'path' }, tenants: [{ name: 'a', appSecret: 42 as never }] } }),
    );
    expect(error.option).toBe('tenancy.tenants[0].appSecret');
  });
});

describe('without the tenancy option', () => {
  test('the registry is inert and add() says what is missing', async () => {
    const tenants = await boot(base());
    expect(tenants.enabled).toBe(false);
    expect(tenants.names).toEqual([]);
    const error = await configurationError(() => tenants.add({ name: 'a' }));
    expect(error.option).toBe('tenancy');
  });
});

describe('run-time add', () => {
  let server: TestApp;
  let tenants: AuthingTenants;

  beforeAll(async () => {
    server = await startTenancyApp(() => ({ ...base(), tenancy: { resolve: { by: 'path' } } }));
    tenants = server.app.get(AuthingTenants);
  });
  afterAll(async () => {
    await server?.close();
  });

  const me = async (path: string, token: string) =>
    (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

  test('a tenant added while the app runs is served from the next request, and removed likewise', async () => {
    const { access_token: accessToken } = await emulator.issueTokens({ user: USER.email, appId: LATE_APP.appId });
    expect(await me('/t/late/api/me', accessToken)).toBe(401); // no such tenant yet: the default app refuses it

    const added = tenants.add({ name: 'late', ...LATE_APP });
    expect(added).toMatchObject({ name: 'late', appId: LATE_APP.appId, tenantId: undefined });
    expect(tenants.names).toEqual(['late']);
    expect(tenants.get('late')?.client.appHost).toBe(emulator.appHost);
    expect(await me('/t/late/api/me', accessToken)).toBe(200);
    expect(await me('/api/me', accessToken)).toBe(401);

    expect(await tenants.remove('late')).toBe(true);
    expect(await tenants.remove('late')).toBe(false);
    expect(await me('/t/late/api/me', accessToken)).toBe(401);
  });

  test('add() validates its argument with typed errors naming tenant.<field>', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'tenant'],
      [{ name: '' }, 'tenant.name'],
      [{ name: 'x', tenantId: '' }, 'tenant.tenantId'],
      [{ name: 'x', appHost: 'ftp://x' }, 'tenant.appHost'],
      [{ name: 'x', hosts: 'x.test' }, 'tenant.hosts'],
      [{ name: 'x', sessionKey: 'authing' }, 'tenant.sessionKey'],
    ];
    for (const [argument, option] of cases) {
      const error = await configurationError(() => tenants.add(argument as AuthingTenantOptions));
      expect(error.option).toBe(option);
    }
    tenants.add({ name: 'dup', ...LATE_APP });
    expect((await configurationError(() => tenants.add({ name: 'dup' }))).option).toBe('tenant.name');
    await tenants.remove('dup');
  });
});

describe("unmatched: 'refuse'", () => {
  test('a request naming no tenant is refused, even with a token of the default app', async () => {
    const server = await startTenancyApp(() => ({
      ...base(),
      tenancy: { resolve: { by: 'header' }, unmatched: 'refuse', tenants: [{ name: 'late', ...LATE_APP }] },
    }));
    try {
      const own = await emulator.issueTokens({ user: USER.email });
      const late = await emulator.issueTokens({ user: USER.email, appId: LATE_APP.appId });
      const call = async (token: string, tenant?: string) =>
        (
          await fetch(`${server.url}/api/me`, {
            headers: { authorization: `Bearer ${token}`, ...(tenant ? { 'x-authing-tenant': tenant } : {}) },
          })
        ).status;
      expect(await call(own.access_token)).toBe(401);
      expect(await call(late.access_token)).toBe(401);
      expect(await call(late.access_token, 'late')).toBe(200);
      expect(await call(late.access_token, 'nope')).toBe(401);
      const login = await fetch(`${server.url}/login`, { redirect: 'manual' });
      expect(login.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
