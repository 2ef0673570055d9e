import request from 'supertest';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { ConfigService } from '@nestjs/config';
import { AUTHING_RESOLVED_OPTIONS, AuthenticationClient, type ResolvedAuthingOptions } from '../../lib/index.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import {
  completeEmulatorLogin,
  CookieClient,
  loginUntilCallback,
  hiddenInputs,
  isRedirect,
} from '../support/cookie-client.js';
import { authingEnvOf } from '../support/authing-env.js';

const ADMIN = { email: 'ada@example.com', password: 'Adm1n-pass!', name: 'Ada Admin' };
const USER = { email: 'bob@example.com', password: 'B0b-pass!', name: 'Bob User' };
/** What GET /api/me answers, over a bearer token and a session alike. */
const ME_FIELDS = ['claims', 'email', 'name', 'roles', 'sub', 'via'];

let emulator: AuthingEmulator;
let sample: SampleApp;
let authClient: AuthenticationClient;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { ...ADMIN, roles: ['admin'] },
        { ...USER, roles: ['reader'] },
      ],
    },
  });
  sample = await createSampleApp({ port: 0, emulator, logger: false });
  authClient = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
  });
});

afterAll(async () => {
  await authClient?.close();
  await sample?.close();
  await emulator?.stop();
});

async function signIn(account: { email: string; password: string }): Promise<string> {
  const response = await authClient.signInByEmailPassword({ email: account.email, password: account.password });
  expect(response.statusCode).toBe(200);
  return response.data.access_token;
}

/** Logs in through the hosted login like a browser; returns the client holding the session cookie. */
async function browserLogin(account: { email: string; password: string }, returnTo?: string) {
  const client = new CookieClient();
  const start = await client.request(
    `${sample.url}/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`,
  );
  expect(start.status).toBe(302);
  const authorizeUrl = start.headers.get('location')!;
  const callbackUrl = await completeEmulatorLogin(
    client,
    authorizeUrl,
    { account: account.email, password: account.password },
    (url) => url.startsWith(sample.url),
  );
  const callback = await client.request(callbackUrl);
  return { client, authorizeUrl, callbackUrl, callback };
}

describe('sample app on the emulator', () => {
  test('the home page offers a log-in button and the public routes need no login', async () => {
    const home = await request(sample.app.getHttpServer()).get('/').expect(200);
    expect(home.headers['content-type']).toMatch(/text\/html/);
    expect(home.text).toContain('id="login"');
    expect(home.text).toContain('Log in');
    await request(sample.app.getHttpServer()).get('/api/public').expect(200, { message: 'Anyone may read this.' });
    await request(sample.app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
  });

  test('the module was configured through forRootAsync and @nestjs/config', () => {
    const config = sample.app.get(ConfigService);
    expect(config.get('authing.appId')).toBe(emulator.app.appId);
    expect(sample.app.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS)).toMatchObject({
      appId: emulator.app.appId,
      redirectUri: `${sample.url}/callback`,
      roles: { source: 'management' },
    });
  });

  test('/login redirects to the emulator authorize endpoint with state, nonce and PKCE', async () => {
    const response = await request(sample.app.getHttpServer()).get('/login').expect(302);
    const location = new URL(response.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${emulator.appHost}/oidc/auth`);
    const params = location.searchParams;
    expect(params.get('client_id')).toBe(emulator.app.appId);
    expect(params.get('redirect_uri')).toBe(`${sample.url}/callback`);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid profile email');
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{24}$/);
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('code_challenge_method')).toBe('S256');
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('authing.sid='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; 'auto' adds it over https
    expect(cookie).toMatch(/^authing\.sid=s%3A[^.;]+\.[^;]+;/); // signed with the session secret
  });

  test('behind an HTTPS proxy (trust proxy 1) the session cookie is Secure', async () => {
    const response = await request(sample.app.getHttpServer())
      .get('/login')
      .set('X-Forwarded-Proto', 'https')
      .expect(302);
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('authing.sid='));
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  test('hosted login: form, consent, callback, then the session shows the profile', async () => {
    const { client, callback, callbackUrl } = await browserLogin(ADMIN, '/profile');
    expect(new URL(callbackUrl).searchParams.get('code')).toBeTruthy();
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/profile');
    const profile = await client.request(`${sample.url}/profile`);
    expect(profile.status).toBe(200);
    const html = await profile.text();
    expect(html).toContain(ADMIN.name);
    expect(html).toContain(ADMIN.email);
    expect(html).toMatch(/id="profile-roles">admin</);
    const me = await client.request(`${sample.url}/api/me`);
    expect(me.status).toBe(200);
    const body = (await me.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ email: ADMIN.email, name: ADMIN.name, roles: ['admin'], via: 'session' });
    expect(Object.keys(body).sort()).toEqual(ME_FIELDS);
  });

  test('the callback rotates the session id (no session fixation)', async () => {
    const client = new CookieClient();
    await client.request(`${sample.url}/login`);
    const before = client.find('authing.sid')!.value;
    const callback = await client.request(await loginUntilCallback(client, sample.url, USER));
    expect(callback.status).toBe(302);
    expect(client.find('authing.sid')!.value).not.toBe(before);
  });

  test('a replayed or forged callback is refused, not a 500 (single-use state)', async () => {
    const { callbackUrl, client } = await browserLogin(USER);
    const replay = await client.request(callbackUrl);
    // The sample sets loginFailureRedirect: the refusal is a redirect to the home page with the reason.
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toBe('/?login=failed&error=state');
    const forged = await request(sample.app.getHttpServer()).get('/callback?code=abc&state=forged');
    expect(forged.status).toBe(302);
    expect(forged.headers.location).toBe('/?login=failed&error=state');
  });

  test('returnTo pointing off-site is ignored (no open redirect)', async () => {
    const { callback } = await browserLogin(USER, 'https://evil.example/steal');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
  });

  test('bearer access to /api/me with a token from signin; 401 without or with a bad token', async () => {
    const token = await signIn(USER);
    const ok = await request(sample.app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    // The same fields as over a session: the access token carries no email or name (null, not
    // missing); the roles are the ones @Roles() sees, from Authing.
    expect(ok.body).toMatchObject({
      sub: emulator.findUser(USER.email)!.userId,
      email: null,
      name: null,
      roles: ['reader'],
      via: 'bearer',
    });
    expect(Object.keys(ok.body).sort()).toEqual(ME_FIELDS);
    expect(ok.body.claims).toMatchObject({ sub: ok.body.sub, aud: emulator.app.appId });

    const none = await request(sample.app.getHttpServer()).get('/api/me').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="authing"');

    const bad = await request(sample.app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`)
      .expect(401);
    expect(bad.headers['www-authenticate']).toMatch(
      /^Bearer realm="authing", error="invalid_token", error_description="signature: /,
    );
    expect(bad.body).toMatchObject({ error: 'invalid_token', check: 'signature' });
  });

  test('admin area: 403 for a non-admin, 200 for an admin (roles from the ManagementClient)', async () => {
    const userToken = await signIn(USER);
    const denied = await request(sample.app.getHttpServer())
      .get('/admin/users')
      .set('Authorization', `Bearer ${userToken}`)
      .expect(403);
    expect(denied.body.message).toBe('Requires one of the roles: admin');

    const adminToken = await signIn(ADMIN);
    const users = await request(sample.app.getHttpServer())
      .get('/admin/users')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(users.body.totalCount).toBe(2);
    expect(users.body.users.map((u: { email: string }) => u.email).sort()).toEqual([ADMIN.email, USER.email].sort());

    const created = await request(sample.app.getHttpServer())
      .post('/admin/roles')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ code: 'auditor', description: 'Reads the audit log' })
      .expect(201);
    expect(created.body).toEqual({ code: 'auditor', description: 'Reads the audit log' });
    await request(sample.app.getHttpServer())
      .post('/admin/roles')
      .set('Authorization', `Bearer ${userToken}`)
      .send({ code: 'sneaky' })
      .expect(403);
  });

  test('the per-request client carries the caller token: @AuthingClient and the request-scoped provider', async () => {
    const token = await signIn(USER);
    const viaDecorator = await request(sample.app.getHttpServer())
      .get('/api/me/profile')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(viaDecorator.body).toMatchObject({ statusCode: 200, tokenForwarded: true });
    expect(viaDecorator.body.profile.email).toBe(USER.email);

    const scoped = await request(sample.app.getHttpServer())
      .get('/api/scoped/profile')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(scoped.body.profile.email).toBe(USER.email);
    const adminToken = await signIn(ADMIN);
    const other = await request(sample.app.getHttpServer())
      .get('/api/scoped/profile')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(other.body.profile.email).toBe(ADMIN.email);
  });

  test('logout destroys the session and redirects to the emulator end-session URL', async () => {
    const { client } = await browserLogin(USER);
    expect((await client.request(`${sample.url}/api/me`)).status).toBe(200);
    // The pages' logout button: a same-origin form POST (issue #10.6).
    const logout = await client.request(`${sample.url}/logout`, {
      method: 'POST',
      headers: { origin: sample.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(logout.status).toBe(302);
    const endSession = new URL(logout.headers.get('location')!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${emulator.appHost}/oidc/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${sample.url}/`);
    expect(endSession.searchParams.get('state')).toBe('logged-out');
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    // The old cookie no longer logs anyone in.
    expect((await client.request(`${sample.url}/api/me`)).status).toBe(401);
    // The emulator ends its session and comes back to the sample.
    const confirm = await client.request(endSession.href);
    let location: string | undefined;
    if (isRedirect(confirm.status)) location = confirm.headers.get('location')!;
    else {
      const html = await confirm.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
      const done = await client.request(new URL(action, endSession).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(hiddenInputs(html)),
      });
      location = done.headers.get('location') ?? undefined;
    }
    // Back on the sample's home page, which says the logout happened.
    expect(location).toBe(`${sample.url}/?state=logged-out`);
    const home = await client.request(location!);
    expect(await home.text()).toContain('id="logged-out"');
  });

  test('with AUTHING_* variables the sample uses that application instead of its own emulator', async () => {
    const env = authingEnvOf(emulator);
    const fromEnv = await createSampleApp({ port: 0, env, logger: false });
    try {
      expect(fromEnv.emulator).toBeUndefined();
      expect(fromEnv.demo).toBeUndefined();
      const login = await request(fromEnv.app.getHttpServer()).get('/login').expect(302);
      const location = new URL(login.headers.location!);
      expect(location.origin).toBe(emulator.appHost);
      expect(location.searchParams.get('redirect_uri')).toBe(`${fromEnv.url}/callback`);
      const adminToken = await signIn(ADMIN);
      await request(fromEnv.app.getHttpServer())
        .get('/admin/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .expect(200);
    } finally {
      await fromEnv.close();
    }
  });

  test('an incomplete AUTHING_* environment stops the start with a clear message', async () => {
    await expect(createSampleApp({ port: 0, env: { AUTHING_APP_ID: 'x' }, logger: false })).rejects.toThrow(
      'The sample needs AUTHING_APP_SECRET when AUTHING_APP_ID is set',
    );
  });
});
