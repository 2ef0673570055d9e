/**
 * Issue #10.6: another site must not be able to log the user out. AuthingLogout.logout() proceeds on
 * a POST that passes the same-origin check, and on a GET only when the browser shows it comes from
 * the application; any other GET gets a confirmation page (not frameable, its button POSTs) and the
 * session survives. endSession() refuses what logout() would not do. Finally Chromium follows an
 * attacker page's top-level navigation to /logout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthingLogout } from '../../lib/index.js';
import { launchProfile } from '../support/chromium.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { closeServer, startProbeApp, type RunningApp } from './support/apps.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'leaving@example.com', password: 'Le4ving-secret-passw0rd', name: 'Leaving' };
const OTHER_SITE = 'https://evil.example';

const harness = new SecurityHarness();
let source: ForgingEmulator;
let probe: RunningApp;
let attacker: Server;
let attackerOrigin: string;

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  const { emulator } = source;
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('password', USER.password);
  probe = await startProbeApp({
    module: (url) => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      logoutRedirectUri: `${url}/`,
    }),
    logger: harness.nestLogger,
  });
  emulator.updateApp(emulator.app.appId, { redirectUris: [`${probe.url}/callback`] });
  // The attacker's page sends the browser to the logout URL (a top-level cross-site navigation).
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><script>location.href = ${JSON.stringify(`${probe.url}/logout`)}</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await probe?.close();
  if (attacker) await closeServer(attacker);
  await source?.stop();
  harness.uninstall();
});

async function loggedIn(): Promise<CookieClient> {
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, probe.url, USER);
  expect((await browser.request(callback)).status).toBe(302);
  harness.secret('session cookie', browser.find('authing.sid')?.value);
  return browser;
}

const stillLoggedIn = async (browser: CookieClient) => (await browser.request(`${probe.url}/me`)).status === 200;

/** The logout answered with the redirect to Authing's end-session URL, and the session is gone. */
async function expectLoggedOut(browser: CookieClient, response: Response): Promise<void> {
  expect(response.status).toBe(302);
  const endSession = new URL(response.headers.get('location')!);
  expect(`${endSession.origin}${endSession.pathname}`).toBe(`${source.emulator.appHost}/oidc/session/end`);
  harness.token('id_token_hint', endSession.searchParams.get('id_token_hint') ?? undefined);
  expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
  expect(await stillLoggedIn(browser)).toBe(false);
}

test.each([
  ['a cross-site navigation', { 'sec-fetch-site': 'cross-site' }],
  ['a navigation from another port of the host', { 'sec-fetch-site': 'same-site', referer: 'http://127.0.0.1:9/' }],
  ['a browser that sends no Sec-Fetch-Site, Origin or Referer', {}],
  ['a Referer of another site', { referer: `${OTHER_SITE}/page` }],
])('GET /logout after %s: a confirmation page, and the session lives on', async (_name, headers) => {
  const browser = await loggedIn();
  const response = await browser.request(`${probe.url}/logout`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  const html = await response.text();
  expect(html).toMatch(/<form method="post" id="logout-confirm">/);
  expect(await stillLoggedIn(browser)).toBe(true);

  // The button: a same-origin POST to the same address.
  const confirmed = await browser.request(`${probe.url}/logout`, {
    method: 'POST',
    headers: { origin: probe.url, 'sec-fetch-site': 'same-origin' },
  });
  await expectLoggedOut(browser, confirmed);
});

test.each([
  ['Sec-Fetch-Site same-origin', () => ({ 'sec-fetch-site': 'same-origin' })],
  ['a Referer of the application (older browsers)', () => ({ referer: `${probe.url}/profile` })],
  ['Sec-Fetch-Site none (typed into the address bar)', () => ({ 'sec-fetch-site': 'none' })],
])('GET /logout with %s: logged out at once', async (_name, headers) => {
  const browser = await loggedIn();
  await expectLoggedOut(browser, await browser.request(`${probe.url}/logout`, { headers: headers() }));
});

test('POST /logout from another origin: 403 cross_site_request, the session lives on', async () => {
  const browser = await loggedIn();
  for (const headers of [
    { origin: attackerOrigin, 'sec-fetch-site': 'same-site' },
    { origin: OTHER_SITE, 'sec-fetch-site': 'cross-site' },
  ]) {
    const response = await browser.request(`${probe.url}/logout`, { method: 'POST', headers });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'cross_site_request' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect(await stillLoggedIn(browser)).toBe(true);
});

test('endSession() (for custom logout routes) refuses what logout() would not do', async () => {
  const logout = probe.app.get(AuthingLogout);
  const session = () => ({ authing: { idToken: 'eyJ.x.y' }, destroy: (done: () => void) => done() });
  const crossSite = { method: 'GET', headers: { 'sec-fetch-site': 'cross-site' }, session: session() };
  await expect(logout.endSession(crossSite)).rejects.toMatchObject({
    status: 403,
    response: { error: 'cross_site_request' },
  });
  const foreignPost = { method: 'POST', headers: { origin: OTHER_SITE }, session: session() };
  await expect(logout.endSession(foreignPost)).rejects.toMatchObject({ status: 403 });
  const own = { method: 'GET', headers: { 'sec-fetch-site': 'same-origin' }, session: session() };
  await expect(logout.endSession(own)).resolves.toMatch(/\/oidc\/session\/end\?/);
});

test('Chromium: an attacker page navigating to /logout gets the confirmation; the button logs out', async () => {
  const session = (await loggedIn()).find('authing.sid')!;
  const { context, close } = await launchProfile('logout');
  try {
    await context.addCookies([
      { name: session.name, value: session.value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    await page.goto(attackerOrigin);
    await page.waitForURL(`${probe.url}/logout`);
    await page.locator('#logout-confirm-button').waitFor();
    // (The confirmation page's policy forbids scripts and fetch: the session is probed from a new tab.)
    const me = async () => {
      const tab = await context.newPage();
      const status = (await tab.goto(`${probe.url}/me`))!.status();
      await tab.close();
      return status;
    };
    expect(await me()).toBe(200);
    // The user does want to leave: the button's POST passes the check and ends the session.
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(source.emulator.appHost)),
      page.click('#logout-confirm-button'),
    ]);
    expect(await me()).toBe(401);
  } finally {
    await close();
  }
}, 60_000);

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
