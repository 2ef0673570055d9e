import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { AuthingEmulator, type EmulatorApp } from '../../lib/testing/index.js';
import { CookieBrowser } from './support/cookie-browser.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const LOGOUT_URI = 'http://127.0.0.1:9/logged-out';
const PASSWORD = 'carol-pass-1';

type Method = EmulatorApp['tokenEndpointAuthMethod'];

/** Hosted login end to end with a cookie jar: what a browser and an OIDC relying party do. */
describe('emulator: OIDC hosted login', () => {
  let emulator: AuthingEmulator;
  let jwks: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    const app = (id: string, tokenEndpointAuthMethod: Method) => ({
      appId: id,
      appName: `App ${id}`,
      redirectUris: [REDIRECT_URI],
      logoutRedirectUris: [LOGOUT_URI],
      tokenEndpointAuthMethod,
    });
    emulator = await AuthingEmulator.start({
      seed: {
        users: [{ email: 'carol@example.com', username: 'carol', password: PASSWORD, name: 'Carol', roles: ['staff'] }],
        app: app('app-post', 'client_secret_post'),
        apps: [app('app-basic', 'client_secret_basic'), app('app-none', 'none')],
      },
    });
    const keys = (await (await fetch(`${emulator.issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    jwks = createLocalJWKSet(keys);
  });

  afterAll(() => emulator.stop());

  /** Token-endpoint style request with the client authentication of `app`. */
  async function clientPost(app: EmulatorApp, path: string, params: Record<string, string>) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const form: Record<string, string> = { ...params };
    if (app.tokenEndpointAuthMethod === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${app.appId}:${app.appSecret}`).toString('base64')}`;
    } else {
      form.client_id = app.appId;
      if (app.tokenEndpointAuthMethod === 'client_secret_post') form.client_secret = app.appSecret;
    }
    const res = await fetch(`${emulator.issuer}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  }

  /** authorize → login page → login → consent → callback; returns the code and the browser. */
  async function login(app: EmulatorApp, state: string, nonce: string, challenge: string) {
    const browser = new CookieBrowser(emulator.origin);
    const authorize = new URL(`${emulator.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      response_mode: 'query',
      scope: 'openid profile email offline_access',
      prompt: 'consent',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const loginPage = await browser.follow(await browser.request(authorize.href));
    expect(loginPage.status).toBe(200);
    expect(loginPage.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(loginPage.body).toContain(`App ${app.appId}`);

    const wrong = await browser.submit(
      loginPage,
      { id: 'login-form' },
      { account: 'carol@example.com', password: 'wrong' },
    );
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatch(/<p class="error"[^>]*>Incorrect account or password/);

    const consentPage = await browser.follow(
      await browser.submit(wrong, { id: 'login-form' }, { account: 'carol', password: PASSWORD }),
    );
    expect(consentPage.status).toBe(200);
    expect(consentPage.body).toContain('Allow');
    expect(consentPage.body).toMatch(/refresh token/);

    const callback = await browser.follow(await browser.submit(consentPage, { id: 'consent-form' }));
    expect(callback.status).toBe(303);
    const redirect = new URL(callback.location!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('error')).toBeNull();
    return { code: redirect.searchParams.get('code')!, browser };
  }

  it('publishes discovery with Authing paths and issuer <origin>/oidc', async () => {
    const res = await fetch(`${emulator.issuer}/.well-known/openid-configuration`);
    const config = (await res.json()) as Record<string, any>;
    expect(config).toMatchObject({
      issuer: `${emulator.origin}/oidc`,
      authorization_endpoint: `${emulator.origin}/oidc/auth`,
      token_endpoint: `${emulator.origin}/oidc/token`,
      userinfo_endpoint: `${emulator.origin}/oidc/me`,
      introspection_endpoint: `${emulator.origin}/oidc/token/introspection`,
      revocation_endpoint: `${emulator.origin}/oidc/token/revocation`,
      end_session_endpoint: `${emulator.origin}/oidc/session/end`,
      jwks_uri: `${emulator.origin}/oidc/.well-known/jwks.json`,
    });
    expect(config.code_challenge_methods_supported).toContain('S256');
    expect(config.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_post', 'client_secret_basic', 'none']),
    );
  });

  it('counts requests per path (for benchmarks counting JWKS and introspection calls)', async () => {
    emulator.resetRequestCounts();
    await (await fetch(`${emulator.issuer}/.well-known/jwks.json`)).arrayBuffer();
    await (await fetch(`${emulator.issuer}/.well-known/jwks.json?x=1`)).arrayBuffer();
    await clientPost(emulator.app, '/token/introspection', { token: 'opaque-unknown' });
    expect(emulator.requestCountFor('/oidc/.well-known/jwks.json')).toBe(2);
    expect(emulator.requestCountFor('/oidc/token/introspection')).toBe(1);
    expect(emulator.requestCounts).toEqual({ '/oidc/.well-known/jwks.json': 2, '/oidc/token/introspection': 1 });
    expect(emulator.requestCount).toBe(3);
  });

  it.each<[Method]>([['client_secret_post'], ['client_secret_basic'], ['none']])(
    'runs the whole flow with %s client authentication',
    async (method) => {
      const app = emulator.apps.find((a) => a.tokenEndpointAuthMethod === method)!;
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(8).toString('hex');
      const nonce = randomBytes(8).toString('hex');
      const { code, browser } = await login(app, state, nonce, challenge);

      // PKCE is enforced: a wrong verifier loses the code exchange.
      const badPkce = await clientPost(app, '/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: randomBytes(32).toString('base64url'),
      });
      expect(badPkce.status).toBe(400);
      expect(badPkce.body.error).toBe('invalid_grant');

      // The failed attempt consumed nothing the attacker could reuse; log in again for a fresh code.
      const second = await login(app, state, nonce, challenge);
      const tokens = await clientPost(app, '/token', {
        grant_type: 'authorization_code',
        code: second.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
      expect(tokens.status).toBe(200);
      expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('offline_access') });
      const {
        access_token: accessToken,
        id_token: idToken,
        refresh_token: refreshToken,
      } = tokens.body as Record<string, string>;
      expect(refreshToken).toEqual(expect.any(String));

      const carol = emulator.findUser('carol')!;
      const id = await jwtVerify(idToken!, jwks, { issuer: `${emulator.origin}/oidc`, audience: app.appId });
      expect(id.protectedHeader.alg).toBe('RS256');
      expect(id.payload).toMatchObject({ sub: carol.userId, nonce, email: 'carol@example.com', name: 'Carol' });

      // Access tokens are JWTs with aud = appId, verifiable with the same JWKS.
      expect(decodeProtectedHeader(accessToken!).kid).toBe(emulator.currentKid);
      const at = await jwtVerify(accessToken!, jwks, { issuer: emulator.issuer, audience: app.appId });
      expect(at.payload).toMatchObject({ sub: carol.userId, client_id: app.appId });
      expect(String(at.payload.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));

      // Userinfo at /oidc/me, by header and by query like Authing.
      const me = await fetch(`${emulator.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ sub: carol.userId, email: 'carol@example.com', name: 'Carol' });
      const meQuery = await fetch(`${emulator.issuer}/me?access_token=${encodeURIComponent(accessToken!)}`);
      expect(((await meQuery.json()) as { sub: string }).sub).toBe(carol.userId);

      // The same token works on the v3 end-user API.
      const profile = await fetch(`${emulator.origin}/api/v3/get-profile`, {
        headers: { authorization: accessToken!, 'x-authing-app-id': app.appId },
      });
      expect(await profile.json()).toMatchObject({ statusCode: 200, data: { userId: carol.userId } });

      // Refresh.
      const refreshed = await clientPost(app, '/token', { grant_type: 'refresh_token', refresh_token: refreshToken! });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.access_token).toEqual(expect.any(String));
      expect(refreshed.body.access_token).not.toBe(accessToken);
      const refreshedAt = await jwtVerify(refreshed.body.access_token, jwks, {
        issuer: emulator.issuer,
        audience: app.appId,
      });
      expect(refreshedAt.payload.sub).toBe(carol.userId);
      const liveRefresh = (refreshed.body.refresh_token as string | undefined) ?? refreshToken!;

      // Introspection: active, then inactive after revocation.
      const active = await clientPost(app, '/token/introspection', { token: accessToken! });
      expect(active.status).toBe(200);
      expect(active.body).toMatchObject({ active: true, sub: carol.userId, client_id: app.appId });
      expect((await clientPost(app, '/token/revocation', { token: accessToken! })).status).toBe(200);
      expect((await clientPost(app, '/token/introspection', { token: accessToken! })).body).toEqual({ active: false });
      const meAfter = await fetch(`${emulator.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(meAfter.status).toBe(401);

      // Refresh tokens too.
      expect((await clientPost(app, '/token/introspection', { token: liveRefresh })).body.active).toBe(true);
      expect((await clientPost(app, '/token/revocation', { token: liveRefresh })).status).toBe(200);
      expect((await clientPost(app, '/token/introspection', { token: liveRefresh })).body.active).toBe(false);
      const deadRefresh = await clientPost(app, '/token', { grant_type: 'refresh_token', refresh_token: liveRefresh });
      expect(deadRefresh.status).toBe(400);
      expect(deadRefresh.body.error).toBe('invalid_grant');

      // RP-initiated logout returns to the registered post-logout URI with the state.
      const end = new URL(`${emulator.issuer}/session/end`);
      end.search = new URLSearchParams({
        id_token_hint: idToken!,
        post_logout_redirect_uri: LOGOUT_URI,
        state,
      }).toString();
      const confirm = await second.browser.request(end.href);
      expect(confirm.status).toBe(200);
      expect(confirm.body).toContain('Log out');
      const loggedOut = await second.browser.submit(confirm, { id: 'op.logoutForm' });
      expect(loggedOut.status).toBe(303);
      expect(loggedOut.location).toBe(`${LOGOUT_URI}?state=${state}`);

      // The session is gone: authorizing again asks for the login again.
      const again = new URL(`${emulator.issuer}/auth`);
      again.search = new URLSearchParams({
        client_id: app.appId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      const relogin = await second.browser.follow(await second.browser.request(again.href));
      expect(relogin.body).toContain('id="login-form"');
      void browser;
    },
  );

  it('refuses a token request with the wrong client authentication', async () => {
    const app = emulator.apps.find((a) => a.tokenEndpointAuthMethod === 'client_secret_post')!;
    const res = await clientPost({ ...app, appSecret: 'not-the-secret' }, '/token', {
      grant_type: 'authorization_code',
      code: 'whatever',
      redirect_uri: REDIRECT_URI,
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const intro = await clientPost({ ...app, appSecret: 'not-the-secret' }, '/token/introspection', { token: 'x' });
    expect(intro.status).toBe(401);
  });

  it('skips the consent page when offline access is not requested, and keeps SSO', async () => {
    const app = emulator.app;
    const browser = new CookieBrowser(emulator.origin);
    const authorize = (state: string) =>
      `${emulator.issuer}/auth?${new URLSearchParams({
        client_id: app.appId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid profile',
        state,
      })}`;
    const page = await browser.follow(await browser.request(authorize('s1')));
    const callback = await browser.follow(
      await browser.submit(page, { id: 'login-form' }, { account: 'carol@example.com', password: PASSWORD }),
    );
    expect(callback.location).toMatch(new RegExp(`^${REDIRECT_URI}\\?code=[^&]+&state=s1`));
    // A second authorization in the same browser needs no login (SSO session).
    const sso = await browser.follow(await browser.request(authorize('s2')));
    expect(sso.status).toBe(303);
    expect(sso.location).toMatch(/[?&]state=s2/);
    expect(sso.location).toMatch(/[?&]code=/);
  });

  it('rotates keys: new tokens use the new kid, old tokens still verify against the JWKS', async () => {
    const before = await emulator.issueTokens({ user: 'carol' });
    const oldKid = emulator.currentKid;
    const newKid = await emulator.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    const published = (await (await fetch(`${emulator.issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(published.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const after = await emulator.issueTokens({ user: 'carol' });
    expect(decodeProtectedHeader(after.access_token).kid).toBe(newKid);
    const set = createLocalJWKSet(published);
    await expect(jwtVerify(before.access_token, set, { issuer: emulator.issuer })).resolves.toBeDefined();
    // Both still accepted by the emulator itself.
    for (const token of [before.access_token, after.access_token]) {
      const res = await fetch(`${emulator.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    // The OIDC side signs with the new key too.
    const browser = new CookieBrowser(emulator.origin);
    const page = await browser.follow(
      await browser.request(
        `${emulator.issuer}/auth?${new URLSearchParams({
          client_id: emulator.app.appId,
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
        })}`,
      ),
    );
    const callback = await browser.follow(
      await browser.submit(page, { id: 'login-form' }, { account: 'carol', password: PASSWORD }),
    );
    const code = new URL(callback.location!).searchParams.get('code')!;
    const tokens = await clientPost(emulator.app, '/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(decodeProtectedHeader(tokens.body.id_token).kid).toBe(newKid);
    expect(decodeProtectedHeader(tokens.body.access_token).kid).toBe(newKid);
  });
});
