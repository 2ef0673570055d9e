import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { decodeJwt } from 'jose';
import { AuthingEmulator, type EmulatorApp } from '../../lib/testing/index.js';
import { CookieBrowser, type Page } from './support/cookie-browser.js';

const SPA = 'http://127.0.0.1:5173';
const USER = { email: 'spa@example.com', password: 'Spa-passw0rd' };

/**
 * Issue #17, the emulator as Authing behaves for `@authing/web`, over HTTP without a browser (the
 * browser test runs the SDK itself): web_message responses, refresh tokens for offline_access without
 * prompt=consent, the SDK's refresh request, token lifetimes, and one issuer on any port.
 */
describe('emulator: what a single-page app with @authing/web needs', () => {
  let emulator: AuthingEmulator;
  let spa: EmulatorApp;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: {
        users: [{ ...USER, name: 'Spa' }],
        app: {
          appName: 'SPA',
          tokenEndpointAuthMethod: 'none',
          redirectUris: [`${SPA}/`],
          logoutRedirectUris: [`${SPA}/`],
        },
      },
      accessTokenTtlSeconds: 120,
      idTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 600,
    });
    spa = emulator.app;
  });

  afterAll(() => emulator.stop());

  function authorizeUrl(params: Record<string, string>): { url: string; verifier: string; state: string } {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const url = new URL(`${emulator.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: spa.appId,
      redirect_uri: `${SPA}/`,
      response_type: 'code',
      scope: 'openid profile offline_access',
      state,
      nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...params,
    }).toString();
    return { url: url.href, verifier, state };
  }

  /** Login with redirect (response_mode=fragment, no prompt), as loginWithRedirect sends it. */
  async function loginWithRedirect(browser: CookieBrowser) {
    const { url, verifier } = authorizeUrl({ response_mode: 'fragment' });
    const loginPage = await browser.follow(await browser.request(url));
    const back: Page = await browser.follow(
      await browser.submit(loginPage, { id: 'login-form' }, { account: USER.email, password: USER.password }),
    );
    // No consent page for offline_access without prompt=consent.
    expect(back.location).toMatch(new RegExp(`^${SPA}/#`));
    const code = new URLSearchParams(new URL(back.location!).hash.slice(1)).get('code')!;
    return exchange(code, verifier);
  }

  async function exchange(code: string, verifier: string) {
    const res = await fetch(`${emulator.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: SPA },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: spa.appId,
        redirect_uri: `${SPA}/`,
      }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA);
    return (await res.json()) as Record<string, string | number>;
  }

  it('issues a refresh token for offline_access without prompt=consent, and the SDK refresh shape works', async () => {
    const browser = new CookieBrowser(emulator.origin);
    const tokens = await loginWithRedirect(browser);
    expect(typeof tokens.refresh_token).toBe('string');
    expect(tokens.expires_in).toBe(120);
    const id = decodeJwt(tokens.id_token as string);
    expect(id.exp! - id.iat!).toBe(60);

    // refreshToken() of @authing/web: app id in a header, an empty redirect_uri, no client_id.
    const refreshed = await fetch(`${emulator.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-authing-app-id': spa.appId,
        origin: SPA,
      },
      body: `grant_type=refresh_token&redirect_uri=&refresh_token=${encodeURIComponent(tokens.refresh_token as string)}`,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('access-control-allow-origin')).toBe(SPA);
    const next = (await refreshed.json()) as Record<string, string>;
    expect(decodeJwt(next.access_token!).sub).toBe(decodeJwt(tokens.access_token as string).sub);
    expect(typeof next.refresh_token).toBe('string');

    const introspected = await fetch(`${emulator.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: spa.appId, token: next.refresh_token! }),
    });
    const info = (await introspected.json()) as { active: boolean; exp: number; iat: number };
    expect(info.active).toBe(true);
    expect(info.exp - info.iat).toBe(600);
  });

  it('still asks for consent when the app sends prompt=consent with offline_access', async () => {
    const browser = new CookieBrowser(emulator.origin);
    const { url } = authorizeUrl({ prompt: 'consent' });
    const loginPage = await browser.follow(await browser.request(url));
    const consent = await browser.follow(
      await browser.submit(loginPage, { id: 'login-form' }, { account: USER.email, password: USER.password }),
    );
    expect(consent.body).toContain('id="consent-form"');
  });

  it('answers response_mode=web_message with a page posting the code to the redirect URI origin', async () => {
    const browser = new CookieBrowser(emulator.origin);
    const signedOut = authorizeUrl({ response_mode: 'web_message', prompt: 'none' });
    const refused = await browser.request(signedOut.url);
    expect(refused.body).toContain("type: 'authorization_response'");
    expect(refused.body).toContain('"error":"login_required"');
    expect(refused.headers.get('x-frame-options')).toBeNull();

    await loginWithRedirect(browser);
    const silent = authorizeUrl({ response_mode: 'web_message', prompt: 'none' });
    const answered = await browser.request(silent.url);
    expect(answered.status).toBe(200);
    const data = JSON.parse(/var data = (\{.*\});/.exec(answered.body)![1]!) as {
      response: { code: string; state: string };
      redirect_uri: string;
    };
    expect(data.redirect_uri).toBe(`${SPA}/`);
    expect(data.response.state).toBe(silent.state);
    const tokens = await exchange(data.response.code, silent.verifier);
    expect(typeof tokens.access_token).toBe('string');
    expect(typeof tokens.refresh_token).toBe('string');

    const discovery = (await (await fetch(`${emulator.issuer}/.well-known/openid-configuration`)).json()) as {
      response_modes_supported: string[];
    };
    expect(discovery.response_modes_supported).toContain('web_message');
  });

  it('applies the token lifetimes to the sign-in API too', async () => {
    const res = await fetch(`${emulator.appHost}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': spa.appId },
      body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: USER }),
    });
    const { data } = (await res.json()) as { data: { access_token: string; id_token: string; expire_in: number } };
    expect(data.expire_in).toBe(120);
    const access = decodeJwt(data.access_token);
    const id = decodeJwt(data.id_token);
    expect(access.exp! - access.iat!).toBe(120);
    expect(id.exp! - id.iat!).toBe(60);
  });

  it('writes origins as browsers do: no default port in the issuer', async () => {
    const behindProxy = await AuthingEmulator.start({ publicOrigin: 'http://127.0.0.1:80/' });
    try {
      expect(behindProxy.issuer).toBe('http://127.0.0.1/oidc');
      // As a browser reaching it through port 80 would send it: Host without the default port.
      const discovery = await new Promise<Record<string, string>>((resolve, reject) => {
        get(
          `${behindProxy.localOrigin}/oidc/.well-known/openid-configuration`,
          { headers: { host: '127.0.0.1' } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(JSON.parse(body) as Record<string, string>));
          },
        ).on('error', reject);
      });
      expect(discovery.issuer).toBe('http://127.0.0.1/oidc');
      expect(discovery.token_endpoint).toBe('http://127.0.0.1/oidc/token');
    } finally {
      await behindProxy.stop();
    }
    await expect(AuthingEmulator.start({ publicOrigin: 'ftp://x' })).rejects.toThrow(/publicOrigin/);
    await expect(AuthingEmulator.start({ accessTokenTtlSeconds: 0 })).rejects.toThrow(/accessTokenTtlSeconds/);
  });
});
