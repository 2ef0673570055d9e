import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieBrowser } from './support/cookie-browser.js';

/**
 * Issue #11.4 and #11.8: post-logout redirect URIs match exactly what is registered (as at Authing),
 * the defaults register both spellings of an app's home page, error pages say what failed, and the
 * login card names the application.
 */
describe('emulator: logout redirect URIs, error titles, the app name', () => {
  let emulator: AuthingEmulator;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: { apps: [{ appId: 'slash-only', appName: 'Slash only', logoutRedirectUris: ['http://127.0.0.1:9/'] }] },
    });
  });

  afterAll(() => emulator.stop());

  async function endSession(clientId: string, uri: string) {
    const url = new URL(`${emulator.issuer}/session/end`);
    url.search = new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: uri }).toString();
    const res = await fetch(url, { headers: { accept: 'text/html' } });
    return { status: res.status, body: await res.text() };
  }

  it.each(['http://127.0.0.1:3000/', 'http://127.0.0.1:3000', 'http://localhost:3000/', 'http://localhost:3000'])(
    'registers %s for the default application',
    async (uri) => {
      expect(emulator.app.logoutRedirectUris).toContain(uri);
      const res = await endSession(emulator.app.appId, uri);
      expect(res.status).toBe(200);
      expect(res.body).toContain('/oidc/session/end/confirm');
    },
  );

  it('matches exactly: only the registered spelling is accepted', async () => {
    const accepted = await endSession('slash-only', 'http://127.0.0.1:9/');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toContain('/oidc/session/end/confirm');
    const refused = await endSession('slash-only', 'http://127.0.0.1:9');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('post_logout_redirect_uri not registered');
  });

  it('titles a logout error "Sign-out error", and an authorization error "Sign-in error"', async () => {
    const logout = await endSession('slash-only', 'http://127.0.0.1:9/elsewhere');
    expect(logout.body).toMatch(/<h1>Sign-out error<\/h1>/);
    expect(logout.body).not.toContain('Sign-in error');

    const url = new URL(`${emulator.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: emulator.app.appId,
      redirect_uri: 'http://127.0.0.1:9/not-registered',
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const login = await fetch(url, { headers: { accept: 'text/html' } });
    expect(await login.text()).toMatch(/<h1>Sign-in error<\/h1>/);
  });

  it("shows the application's name on the login card, 'My App' by default", async () => {
    const browser = new CookieBrowser(emulator.origin);
    const url = new URL(`${emulator.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: emulator.app.appId,
      redirect_uri: emulator.app.redirectUris[0]!,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const page = await browser.follow(await browser.request(url.href));
    expect(page.body).toContain('to continue to <strong>My App</strong>');
    expect(emulator.app.appName).toBe('My App');
  });
});
