/**
 * The sample's two tenants on its one emulator: each under its own path prefix with its own login,
 * API and admin page; a token or session of one tenant gets 401 from the other's API.
 */
import { AuthingEmulator } from '../../lib/testing/index.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';

const ADMIN = { email: 'ada@example.com', password: 'Adm1n-pass!', name: 'Ada Admin' };
const READER = { email: 'rita@example.com', password: 'R3ader-pass!', name: 'Rita Reader' };

let emulator: AuthingEmulator;
let sample: SampleApp;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { ...ADMIN, roles: ['admin'] },
        { ...READER, roles: ['reader'] },
      ],
    },
  });
  sample = await createSampleApp({
    port: 0,
    emulator,
    logger: false,
    tenantMembers: [ADMIN.email, READER.email],
    tenantAdmins: [ADMIN.email],
  });
});

afterAll(async () => {
  await sample?.close();
  await emulator?.stop();
});

async function loginOn(tenant: string, account: { email: string; password: string }): Promise<CookieClient> {
  const client = new CookieClient();
  const callback = await loginUntilCallback(client, sample.url, account, `/t/${tenant}/login`);
  const done = await client.request(callback);
  expect(done.status).toBe(302);
  expect(done.headers.get('location')).toBe(`/t/${tenant}`);
  return client;
}

async function get(client: CookieClient | undefined, path: string, init: RequestInit = {}) {
  const response = client
    ? await client.request(`${sample.url}${path}`, init)
    : await fetch(`${sample.url}${path}`, { ...init, redirect: 'manual' });
  const body = await response.text();
  return { status: response.status, body };
}

test('each tenant logs in through its own application and Authing tenant', async () => {
  for (const [tenant, appId, tenantId] of [
    ['acme', 'sample-acme', 'tenant-acme'],
    ['globex', 'sample-globex', 'tenant-globex'],
  ] as const) {
    const start = await fetch(`${sample.url}/t/${tenant}/login`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('client_id')).toBe(appId);
    expect(authorize.searchParams.get('tenantId')).toBe(tenantId);
  }
});

test("a session on acme serves acme's API and home, not globex's nor the default app's", async () => {
  const client = await loginOn('acme', READER);
  const me = await get(client, '/t/acme/api/me', { headers: { accept: 'application/json' } });
  expect(me.status).toBe(200);
  expect(JSON.parse(me.body)).toMatchObject({ tenant: 'acme', email: READER.email, via: 'session' });
  expect((JSON.parse(me.body) as { claims: Record<string, unknown> }).claims.tenant_id).toBe('tenant-acme');
  expect((await get(client, '/t/acme')).body).toContain(`Logged in to Acme Corp as <strong>${READER.email}`);

  expect((await get(client, '/t/globex/api/me', { headers: { accept: 'application/json' } })).status).toBe(401);
  expect((await get(client, '/t/globex')).body).toContain('Log in to Globex');
  expect((await get(client, '/api/me', { headers: { accept: 'application/json' } })).status).toBe(401);
});

test("a bearer token of one tenant gets 401 from the other's API", async () => {
  const { access_token: token } = await emulator.issueTokens({
    user: READER.email,
    appId: 'sample-acme',
    tenantId: 'tenant-acme',
  });
  const bearer = { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
  expect((await get(undefined, '/t/acme/api/me', bearer)).status).toBe(200);
  expect((await get(undefined, '/t/globex/api/me', bearer)).status).toBe(401);
  expect((await get(undefined, '/api/me', bearer)).status).toBe(401);
  // The same application without the tenant (a login that did not name it) is not acme's either.
  const untenanted = await emulator.issueTokens({ user: READER.email, appId: 'sample-acme' });
  const plain = { headers: { authorization: `Bearer ${untenanted.access_token}`, accept: 'application/json' } };
  expect((await get(undefined, '/t/acme/api/me', plain)).status).toBe(401);
});

test("each tenant's admin page lists its members through its own ManagementClient; admins only", async () => {
  const admin = await loginOn('globex', ADMIN);
  const page = await get(admin, '/t/globex/admin', { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  expect(page.body).toContain('id="tenant-members"');
  expect(page.body).toContain(ADMIN.email);
  expect(page.body).toContain(READER.email);
  const reader = await loginOn('globex', READER);
  expect((await get(reader, '/t/globex/admin', { headers: { accept: 'application/json' } })).status).toBe(403);
});

test('logging out of a tenant ends its login', async () => {
  const client = await loginOn('globex', READER);
  const out = await client.request(`${sample.url}/t/globex/logout`, {
    method: 'POST',
    headers: { origin: sample.url },
  });
  expect(out.status).toBe(302);
  expect(out.headers.get('location')).toContain(`${emulator.appHost}/oidc/session/end`);
  expect((await get(client, '/t/globex/api/me', { headers: { accept: 'application/json' } })).status).toBe(401);
});

test('the single-tenant routes of the sample are unchanged', async () => {
  expect((await get(undefined, '/api/public')).status).toBe(200);
  const login = await fetch(`${sample.url}/login`, { redirect: 'manual' });
  const authorize = new URL(login.headers.get('location')!);
  expect(authorize.searchParams.get('client_id')).toBe(emulator.app.appId);
  expect(authorize.searchParams.has('tenantId')).toBe(false);
});
