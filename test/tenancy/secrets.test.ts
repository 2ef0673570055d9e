/**
 * With tenants, every object the module keeps (AuthingClients, AuthingTenants, the dispatch, a
 * tenant's view) still renders without the module's or a tenant's secrets, whatever inspects it.
 */
import { inspect } from 'node:util';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuthingClients, AuthingModule, AuthingTenants } from '../../lib/index.js';
import { AuthingAuthenticator } from '../../lib/nest/authentication/authing-authenticator.service.js';
import { AUTHING_TENANCY } from '../../lib/nest/tenancy/tenancy-dispatch.js';

const SECRETS = {
  app: 'module-app-secret-3f9a1c',
  accessKey: 'module-access-key-secret-77b2e0',
  tenantApp: 'tenant-app-secret-c41d8e',
  lateApp: 'late-tenant-secret-9e0f12',
};

let moduleRef: TestingModule;

beforeAll(async () => {
  moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: 'main',
        appSecret: SECRETS.app,
        appHost: 'http://127.0.0.1:9',
        accessKeyId: 'ak',
        accessKeySecret: SECRETS.accessKey,
        loadSigningKeysOnStart: false,
        tenancy: {
          resolve: { by: 'header' },
          tenants: [{ name: 'acme', appId: 'acme-app', appSecret: SECRETS.tenantApp, tenantId: 't-acme' }],
        },
      }),
    ],
  }).compile();
  moduleRef.get(AuthingTenants).add({ name: 'late', appId: 'late-app', appSecret: SECRETS.lateApp });
});

afterAll(async () => {
  await moduleRef?.close();
});

function renderings(value: unknown): string {
  return [
    inspect(value, { showHidden: true, depth: Infinity }),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    inspect(value),
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '',
    String(value),
  ].join('\n');
}

function leaked(value: unknown): string[] {
  const text = renderings(value);
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

test.each([
  ['AuthingClients', () => moduleRef.get(AuthingClients)],
  ['AuthingTenants', () => moduleRef.get(AuthingTenants)],
  ['the tenant dispatch', () => moduleRef.get(AUTHING_TENANCY)],
  ['the authenticator', () => moduleRef.get(AuthingAuthenticator)],
  ['a tenant', () => moduleRef.get(AuthingTenants).get('acme')],
  ['a tenant added at run time', () => moduleRef.get(AuthingTenants).get('late')],
])('%s renders no secret', (_name, target) => {
  const value = target();
  expect(value).toBeDefined();
  expect(leaked(value)).toEqual([]);
});

test('each tenant keeps its own application and Authing tenant', () => {
  const acme = moduleRef.get(AuthingTenants).get('acme')!;
  expect(acme.appId).toBe('acme-app');
  expect(acme.tenantId).toBe('t-acme');
  expect(acme.client.appId).toBe('acme-app');
});
