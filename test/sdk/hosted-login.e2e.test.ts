/**
 * The AuthenticationClient's hosted-login flow end to end against a real OpenID Provider (the
 * emulator, built on oidc-provider): authorize with PKCE, the login form, consent, the callback,
 * code exchange, id_token verification, userinfo, refresh, introspection, revocation and logout.
 */
import { AuthenticationClient, AuthingCallbackError, type EndpointAuthMethod } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieBrowser, type Page } from '../emulator/support/cookie-browser.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const LOGOUT_URI = 'http://127.0.0.1:9/bye';
const PASSWORD = 'dora-passw0rd';

describe('AuthenticationClient hosted login against the emulator', () => {
  let emulator: AuthingEmulator;
  const clients: AuthenticationClient[] = [];

  beforeAll(async () => {
    const app = (appId: string, tokenEndpointAuthMethod: EndpointAuthMethod) => ({
      appId,
      redirectUris: [REDIRECT_URI],
      logoutRedirectUris: [LOGOUT_URI],
      tokenEndpointAuthMethod,
    });
    emulator = await AuthingEmulator.start({
      seed: {
        users: [{ email: 'dora@example.com', username: 'dora', password: PASSWORD, name: 'Dora' }],
        app: app('e2e-post', 'client_secret_post'),
        apps: [app('e2e-basic', 'client_secret_basic'), app('e2e-none', 'none')],
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await emulator.stop();
  });

  function clientFor(method: EndpointAuthMethod): AuthenticationClient {
    const app = emulator.apps.find((a) => a.tokenEndpointAuthMethod === method)!;
    const client = new AuthenticationClient({
      appId: app.appId,
      appSecret: method === 'none' ? undefined : app.appSecret,
      appHost: emulator.appHost,
      redirectUri: REDIRECT_URI,
      logoutRedirectUri: LOGOUT_URI,
      scope: 'openid profile email offline_access',
      tokenEndPointAuthMethod: method,
      introspectionEndPointAuthMethod: method,
      revocationEndPointAuthMethod: method,
    });
    clients.push(client);
    return client;
  }

  /** What a browser does between the authorize URL and the callback; returns the callback URL. */
  async function signInInBrowser(url: string): Promise<{ callback: string; browser: CookieBrowser }> {
    const browser = new CookieBrowser(emulator.origin);
    const loginPage = await browser.follow(await browser.request(url));
    expect(loginPage.status).toBe(200);
    let page: Page = await browser.follow(
      await browser.submit(loginPage, { id: 'login-form' }, { account: 'dora@example.com', password: PASSWORD }),
    );
    if (page.body.includes('consent-form'))
      page = await browser.follow(await browser.submit(page, { id: 'consent-form' }));
    expect(page.location).toBeDefined();
    return { callback: page.location!, browser };
  }

  it.each<EndpointAuthMethod>(['client_secret_post', 'client_secret_basic', 'none'])(
    'completes the flow with %s client authentication',
    async (method) => {
      const client = clientFor(method);
      const login = client.buildAuthorizeUrl();
      expect(new URL(login.url).searchParams.get('prompt')).toBe('consent');
      const { callback, browser } = await signInInBrowser(login.url);
      expect(callback.startsWith(REDIRECT_URI)).toBe(true);

      const { tokens, claims, userInfo } = await client.handleRedirectCallback(callback, login as { state: string }, {
        fetchUserInfo: true,
      });
      expect(claims.iss).toBe(`${emulator.appHost}/oidc`);
      expect(claims.aud).toBe(client.appId);
      expect(claims.nonce).toBe(login.nonce);
      expect(userInfo?.sub).toBe(claims.sub);
      expect(tokens.refresh_token).toBeDefined();
      expect((await client.verifyAccessToken(tokens.access_token)).sub).toBe(claims.sub);

      const refreshed = await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!);
      expect(refreshed.statusCode).toBe(200);
      const fresh = refreshed.data as { access_token: string; refresh_token?: string };
      expect(fresh.access_token).not.toBe(tokens.access_token);

      const active = await client.introspectToken(fresh.access_token);
      expect(active.data).toMatchObject({ active: true, sub: claims.sub });
      expect((await client.revokeToken(fresh.access_token)).data).toBe(true);
      expect((await client.introspectToken(fresh.access_token)).data).toMatchObject({ active: false });

      // RP-initiated logout: the provider asks the browser to confirm, then returns to our URI.
      const confirm = await browser.request(client.buildLogoutUrl({ idToken: tokens.id_token, state: 'after-logout' }));
      expect(confirm.body).toContain('Log out');
      const loggedOut = await browser.submit(confirm, { id: 'op.logoutForm' });
      const landing = new URL(loggedOut.location!);
      expect(`${landing.origin}${landing.pathname}`).toBe(LOGOUT_URI);
      expect(landing.searchParams.get('state')).toBe('after-logout');

      // The same code cannot be used twice; the replay also revokes what the code had granted.
      const replay = await client.handleRedirectCallback(callback, login as { state: string }).catch((e: unknown) => e);
      expect(replay).toBeInstanceOf(AuthingCallbackError);
      expect((replay as AuthingCallbackError).reason).toBe('token_exchange');
      expect((replay as AuthingCallbackError).error).toBe('invalid_grant');
      expect((await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!)).statusCode).toBe(400);
    },
  );

  it('refuses a wrong PKCE verifier at the token endpoint', async () => {
    const client = clientFor('client_secret_post');
    const login = client.buildAuthorizeUrl();
    const { callback } = await signInInBrowser(login.url);
    const error = await client
      .handleRedirectCallback(callback, { ...login, codeVerifier: 'x'.repeat(43) } as { state: string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthingCallbackError);
    expect((error as AuthingCallbackError).error).toBe('invalid_grant');
  });

  it('signs in with a password and acts as the user', async () => {
    const client = clientFor('client_secret_post');
    const { statusCode, data } = await client.signInByEmailPassword({ email: 'dora@example.com', password: PASSWORD });
    expect(statusCode).toBe(200);
    client.setAccessToken(data.access_token);
    const updated = await client.updateProfile({ nickname: '张三' });
    expect(updated.statusCode).toBe(200);
    expect((await client.getProfile()).data.nickname).toBe('张三');
    expect((await client.verifyAccessToken(data.access_token)).sub).toBe(updated.data.userId);
    const wrong = await client.signInByEmailPassword({ email: 'dora@example.com', password: 'nope' });
    expect(wrong.statusCode).not.toBe(200);
    expect(wrong.apiCode).toBeDefined();
  });

  it('gets a machine-to-machine token with the client credentials grant, and an envelope on a wrong secret', async () => {
    const client = clientFor('client_secret_post');
    const response = await client.getAccessTokenByClientCredentials('openid');
    expect(response.statusCode).toBe(200);
    expect((response.data as { access_token: string }).access_token).toBeTruthy();
    const refused = await client.getAccessTokenByClientCredentials('openid', {
      accessKey: client.appId,
      accessSecret: 'not-the-secret',
    });
    expect(refused.statusCode).toBe(401);
    expect((refused.data as { error: string }).error).toBe('invalid_client');
  });
});
