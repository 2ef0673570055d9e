/**
 * Cross-tenant attacks on a real Nest app with three tenants on one emulator, over HTTP: acme and
 * globex are separate Authing applications bound to Authing tenants; initech shares globex's
 * application under another Authing tenant (only the tenant claim tells their tokens apart).
 */
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, formAction, isRedirect, loginUntilCallback } from '../support/cookie-client.js';
import { startTenancyApp, type TestApp } from './support.js';

const ALICE = { email: 'alice@acme.test', password: 'Alice-passw0rd' };
const BOB = { email: 'bob@globex.test', password: 'Bob-passw0rd!' };
const ACME_APP = { appId: 'acme-app', appSecret: 'acme-secret-0123456789' };
const GLOBEX_APP = { appId: 'globex-app', appSecret: 'globex-secret-0123456789' };

let emulator: AuthingEmulator;
let server: TestApp;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [ALICE, BOB],
      apps: [ACME_APP, GLOBEX_APP],
      tenants: [
        { tenantId: 'tenant-acme', name: 'Acme', members: [ALICE.email] },
        { tenantId: 'tenant-globex', name: 'Globex', members: [BOB.email] },
        { tenantId: 'tenant-initech', name: 'Initech', members: [BOB.email] },
      ],
    },
  });
  server = await startTenancyApp((url) => {
    for (const [app, tenants] of [
      [ACME_APP, ['acme']],
      [GLOBEX_APP, ['globex', 'initech']],
    ] as const) {
      emulator.updateApp(app.appId, { redirectUris: tenants.map((t) => `${url}/t/${t}/callback`) });
    }
    emulator.updateApp(emulator.app.appId, { redirectUris: [`${url}/callback`] });
    return {
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      redirectUri: `${url}/callback`,
      tenancy: {
        resolve: { by: 'path' },
        tenants: [
          { name: 'acme', ...ACME_APP, tenantId: 'tenant-acme', redirectUri: `${url}/t/acme/callback` },
          { name: 'globex', ...GLOBEX_APP, tenantId: 'tenant-globex', redirectUri: `${url}/t/globex/callback` },
          { name: 'initech', ...GLOBEX_APP, tenantId: 'tenant-initech', redirectUri: `${url}/t/initech/callback` },
        ],
      },
    };
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.stop();
});

async function status(client: CookieClient | undefined, path: string, token?: string): Promise<number> {
  const init = token ? { headers: { authorization: `Bearer ${token}` } } : {};
  const response = client
    ? await client.request(`${server.url}${path}`, init)
    : await fetch(`${server.url}${path}`, init);
  await response.arrayBuffer();
  return response.status;
}

async function loginOn(tenant: string, user: { email: string; password: string }): Promise<CookieClient> {
  const client = new CookieClient();
  const callback = await loginUntilCallback(client, server.url, user, `/t/${tenant}/login`);
  expect(callback.startsWith(`${server.url}/t/${tenant}/callback?`)).toBe(true);
  const done = await client.request(callback);
  expect(done.status).toBe(302);
  return client;
}

async function tokenOf(client: CookieClient, tenant: string): Promise<string> {
  const response = await client.request(`${server.url}/t/${tenant}/api/token`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('the hosted login of a tenant names its Authing tenant, and its tokens say which tenant', async () => {
  const start = await fetch(`${server.url}/t/acme/login`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('client_id')).toBe(ACME_APP.appId);
  expect(authorize.searchParams.get('tenantId')).toBe('tenant-acme');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/t/acme/callback`);

  const client = await loginOn('acme', ALICE);
  const me = await client.request(`${server.url}/t/acme/api/me`);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ tenant: 'tenant-acme' });
  const claims = claimsOf(await tokenOf(client, 'acme'));
  expect(claims).toMatchObject({ aud: ACME_APP.appId, tenant_id: 'tenant-acme' });
});

test("a bearer token of tenant A gets 401 on tenant B's routes (another app, or the same app's other tenant)", async () => {
  const acmeToken = await tokenOf(await loginOn('acme', ALICE), 'acme');
  const globexToken = await tokenOf(await loginOn('globex', BOB), 'globex');

  expect(await status(undefined, '/t/acme/api/me', acmeToken)).toBe(200);
  expect(await status(undefined, '/t/globex/api/me', acmeToken)).toBe(401);
  expect(await status(undefined, '/api/me', acmeToken)).toBe(401);

  expect(await status(undefined, '/t/globex/api/me', globexToken)).toBe(200);
  // Same application (same aud, same issuer): the tenant claim alone refuses it, also once cached.
  expect(await status(undefined, '/t/initech/api/me', globexToken)).toBe(401);
  expect(await status(undefined, '/t/initech/api/me', globexToken)).toBe(401);
  const refused = await fetch(`${server.url}/t/initech/api/me`, {
    headers: { authorization: `Bearer ${globexToken}` },
  });
  expect(refused.headers.get('www-authenticate')).toContain('tenant');
  expect(await status(undefined, '/t/acme/api/me', globexToken)).toBe(401);
});

test("a callback of tenant A's login delivered on tenant B's callback is refused; A's own still completes", async () => {
  const client = new CookieClient();
  // The victim has a login pending on globex too (same browser), so B has a pending state of its own.
  const pendingOnGlobex = await client.request(`${server.url}/t/globex/login`);
  expect(pendingOnGlobex.status).toBe(302);
  const callback = await loginUntilCallback(client, server.url, ALICE, '/t/acme/login');
  const query = new URL(callback).search;

  const onGlobex = await client.request(`${server.url}/t/globex/callback${query}`);
  expect(onGlobex.status).toBe(401);
  await onGlobex.arrayBuffer();
  expect(await status(client, '/t/globex/api/me')).toBe(401);

  const onAcme = await client.request(callback);
  expect(onAcme.status).toBe(302);
  expect(await status(client, '/t/acme/api/me')).toBe(200);
});

test('a session cookie logged in on tenant A is not authenticated on tenant B nor on the default app', async () => {
  const client = await loginOn('acme', ALICE);
  expect(await status(client, '/t/acme/api/me')).toBe(200);
  expect(await status(client, '/t/globex/api/me')).toBe(401);
  expect(await status(client, '/t/initech/api/me')).toBe(401);
  expect(await status(client, '/api/me')).toBe(401);
});

test('only members of a tenant can log in through it', async () => {
  const client = new CookieClient();
  const start = await client.request(`${server.url}/t/acme/login`);
  const { response, url } = await client.follow(start.headers.get('location')!);
  const action = formAction(await response.text(), 'login-form', url);
  const posted = await client.request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: BOB.email, password: BOB.password }),
  });
  expect(posted.status).toBe(200);
  expect(await posted.text()).toContain('not a member of this tenant');
  expect(client.hops.some((hop) => hop.location?.startsWith(`${server.url}/t/acme/callback`))).toBe(false);
  const globex = await loginOn('globex', BOB);
  expect(await status(globex, '/t/globex/api/me')).toBe(200);
});

test('a path naming no known tenant falls back to the default application', async () => {
  const start = await fetch(`${server.url}/login`, { redirect: 'manual' });
  expect(isRedirect(start.status)).toBe(true);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('client_id')).toBe(emulator.app.appId);
  expect(authorize.searchParams.has('tenantId')).toBe(false);
  expect(await status(undefined, '/t/unknown/api/me')).toBe(401);
});
