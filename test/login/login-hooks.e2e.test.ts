/**
 * Login hooks on a real Nest app (Express and Fastify) against the real emulator: the afterLogin hook
 * (enrich, refuse with a reason, decide what the session keeps), per-login authorize parameters from
 * the route and the allow-listed `/login` query, and silent login (`prompt=none`) falling back
 * gracefully.
 */
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthingLoginGuard, AuthingLoginParams, Public } from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, completeEmulatorLogin, isRedirect } from '../support/cookie-client.js';
import { startReplica, type Adapter, type ScaleReplica } from '../support/scale-app.js';

const ALICE = { email: 'alice@example.com', password: 'Alice-passw0rd' };
const BLOCKED = { email: 'blocked@example.com', password: 'Blocked-passw0rd' };

@Controller()
class LoginRoutesController {
  @Get('login/silent')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @AuthingLoginParams({ prompt: 'none' })
  silent(): void {
    // The guard answers.
  }

  @Get('login/acme')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @AuthingLoginParams({ tenantId: 'acme', scopes: ['phone'], uiLocales: 'zh-CN', extra: { audience: 'billing' } })
  acme(): void {
    // The guard answers.
  }
}

let emulator: AuthingEmulator;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    tokenTtlSeconds: 2,
    seed: {
      users: [
        { ...ALICE, name: 'Alice' },
        { ...BLOCKED, name: 'Blocked' },
      ],
    },
  });
});

afterAll(async () => {
  await emulator?.stop();
});

const hooks: Array<{ sub: string; hasRefreshToken: boolean; returnTo?: string }> = [];

describe.each<Adapter>(['express', 'fastify'])('on %s', (adapter) => {
  let app: ScaleReplica;
  let plain: ScaleReplica;
  let fallback: ScaleReplica;

  beforeAll(async () => {
    app = await startReplica({
      adapter,
      emulator,
      controllers: [LoginRoutesController],
      module: {
        login: {
          allowedScopes: ['phone'],
          async afterLogin(user, context) {
            await new Promise((resolve) => setTimeout(resolve, 5)); // async is fine
            hooks.push({ sub: user.sub, hasRefreshToken: context.hasRefreshToken, returnTo: context.returnTo });
            if (user.email === BLOCKED.email) context.refuse('account_blocked', 'this account is blocked here');
            return {
              claims: { plan: 'gold', sub: 'forged' },
              roles: ['member'],
              keepClaims: ['email', 'plan'],
              keepRefreshToken: false,
            };
          },
        },
      },
    });
    // No loginFailureRedirect: a refused login answers 401 with the reason.
    plain = await startReplica({
      adapter,
      emulator,
      module: {
        loginFailureRedirect: undefined,
        login: { afterLogin: (_user, context) => context.refuse('not_invited') },
      },
    });
    fallback = await startReplica({
      adapter,
      emulator,
      controllers: [LoginRoutesController],
      module: { login: { silentFallback: 'login' } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await plain?.close();
    await fallback?.close();
  });

  async function start(client: CookieClient, url: string): Promise<URL> {
    const begin = await client.request(url);
    await begin.arrayBuffer();
    expect(begin.status).toBe(302);
    return new URL(begin.headers.get('location')!);
  }

  async function login(replica: ScaleReplica, user: typeof ALICE, client = new CookieClient()) {
    const authorize = await start(client, `${replica.url}/login?returnTo=%2Fwelcome`);
    const callback = await completeEmulatorLogin(
      client,
      authorize.href,
      { account: user.email, password: user.password },
      (url) => url.startsWith(replica.url),
    );
    const done = await client.request(callback);
    const body = await done.text();
    return { client, done, body };
  }

  async function me(client: CookieClient, replica: ScaleReplica) {
    const response = await client.request(`${replica.url}/api/me`);
    return { status: response.status, body: response.status === 200 ? ((await response.json()) as any) : undefined };
  }

  test('afterLogin enriches the user and decides what the session keeps', async () => {
    hooks.length = 0;
    const { client, done } = await login(app, ALICE);
    expect(done.headers.get('location')).toBe('/welcome');
    const { status, body } = await me(client, app);
    expect(status).toBe(200);
    // Enriched (plan, roles), trimmed to the kept claims, and sub cannot be changed by the hook.
    expect(body.claims.plan).toBe('gold');
    expect(body.claims.email).toBe(ALICE.email);
    expect(body.claims.name).toBeUndefined();
    expect(body.roles).toEqual(['member']);
    expect(body.sub).not.toBe('forged');
    expect(hooks).toEqual([{ sub: body.sub, hasRefreshToken: true, returnTo: '/welcome' }]);
    // keepRefreshToken: false: when the access token expires the session ends, with no refresh call.
    emulator.resetRequestCounts();
    await new Promise((resolve) => setTimeout(resolve, 2300));
    expect((await me(client, app)).status).toBe(401);
    expect(emulator.requestCountFor('/oidc/token')).toBe(0);
  });

  test('afterLogin refuses a login with its reason: the failure redirect, or 401 naming it; no session', async () => {
    const refused = await login(app, BLOCKED);
    expect(refused.done.headers.get('location')).toBe('/?login=failed&error=account_blocked');
    expect((await me(refused.client, app)).status).toBe(401);

    const plainRefused = await login(plain, ALICE);
    expect(plainRefused.done.status).toBe(401);
    expect(JSON.parse(plainRefused.body)).toMatchObject({ error: 'not_invited' });
    expect((await me(plainRefused.client, plain)).status).toBe(401);
  });

  test('authorize parameters: the allow-listed query, the route decorator winning over the query', async () => {
    const client = new CookieClient();
    const fromQuery = await start(
      client,
      `${app.url}/login?login_hint=alice%40example.com&ui_locales=en&prompt=login&scope=phone%20admin&tenant_id=evil&max_age=0`,
    );
    expect(fromQuery.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(fromQuery.searchParams.get('ui_locales')).toBe('en');
    expect(fromQuery.searchParams.get('prompt')).toBe('login');
    const scopes = fromQuery.searchParams.get('scope')!.split(' ');
    expect(scopes).toContain('phone'); // allow-listed
    expect(scopes).not.toContain('admin'); // not allow-listed
    expect(fromQuery.searchParams.has('tenant_id')).toBe(false); // not a default query parameter
    expect(fromQuery.searchParams.has('max_age')).toBe(false);

    const fromRoute = await start(client, `${app.url}/login/acme?ui_locales=en`);
    expect(fromRoute.searchParams.get('tenant_id')).toBe('acme');
    expect(fromRoute.searchParams.get('ui_locales')).toBe('zh-CN');
    expect(fromRoute.searchParams.get('audience')).toBe('billing');
    expect(fromRoute.searchParams.get('scope')!.split(' ')).toContain('phone');

    // A login with a hint completes at the emulator like any other.
    const hinted = new CookieClient();
    const authorize = await start(hinted, `${app.url}/login?login_hint=alice%40example.com`);
    const callback = await completeEmulatorLogin(
      hinted,
      authorize.href,
      { account: ALICE.email, password: ALICE.password },
      (url) => url.startsWith(app.url),
    );
    const done = await hinted.request(callback);
    await done.arrayBuffer();
    expect((await me(hinted, app)).status).toBe(200);
  });

  test('silent login without an Authing session lands anonymous on returnTo, not on the failure page', async () => {
    const client = new CookieClient();
    const authorize = await start(client, `${app.url}/login/silent?returnTo=%2Fdashboard`);
    expect(authorize.searchParams.get('prompt')).toBe('none');
    const { url: callback } = await client.follow(authorize.href, (url) => url.startsWith(app.url));
    expect(new URL(callback).searchParams.get('error')).toBe('login_required');
    const done = await client.request(callback);
    await done.arrayBuffer();
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/dashboard');
    expect((await me(client, app)).status).toBe(401);
  });

  test('silent login with an Authing session logs in without a page', async () => {
    const { client } = await login(app, ALICE);
    // A new application session (the cookie dropped), the Authing session kept.
    client.cookies.splice(
      client.cookies.findIndex((c) => c.name === 'authing.sid'),
      1,
    );
    expect((await me(client, app)).status).toBe(401);
    const authorize = await start(client, `${app.url}/login/silent`);
    const { response, url: callback } = await client.follow(authorize.href, (url) => url.startsWith(app.url));
    expect(isRedirect(response.status)).toBe(true);
    expect(new URL(callback).searchParams.has('code')).toBe(true);
    const done = await client.request(callback);
    await done.arrayBuffer();
    expect(done.headers.get('location')).toBe('/');
    expect((await me(client, app)).status).toBe(200);
  });

  test('a forged login_required on a state that was not a silent login is a failure', async () => {
    const client = new CookieClient();
    const authorize = await start(client, `${app.url}/login`);
    const state = authorize.searchParams.get('state')!;
    const forged = await client.request(
      `${app.url}/callback?error=login_required&state=${state}&iss=${encodeURIComponent(emulator.issuer)}`,
    );
    await forged.arrayBuffer();
    expect(forged.headers.get('location')).toBe('/?login=failed&error=login_required');
  });

  test("silentFallback: 'login' starts the interactive login when the silent one needs the user", async () => {
    const client = new CookieClient();
    const authorize = await start(client, `${fallback.url}/login/silent?returnTo=%2Fdashboard`);
    const { url: callback } = await client.follow(authorize.href, (url) => url.startsWith(fallback.url));
    const done = await client.request(callback);
    await done.arrayBuffer();
    expect(done.status).toBe(302);
    const interactive = new URL(done.headers.get('location')!);
    expect(interactive.pathname).toBe('/oidc/auth');
    expect(interactive.searchParams.get('prompt')).not.toBe('none');
    const finished = await completeEmulatorLogin(
      client,
      interactive.href,
      { account: ALICE.email, password: ALICE.password },
      (url) => url.startsWith(fallback.url),
    );
    const landed = await client.request(finished);
    await landed.arrayBuffer();
    expect(landed.headers.get('location')).toBe('/dashboard');
    expect((await me(client, fallback)).status).toBe(200);
  });
});
