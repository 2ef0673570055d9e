/**
 * Issue #10.7a: an anonymous `/login` must not leave an 8-hour session behind. The session that holds
 * only a pending login lives as long as that login may take (`loginTimeout`, plus a minute); the login callback
 * starts the logged-in session with the full lifetime, and a logged-in user starting another login
 * keeps theirs.
 */
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { startProbeApp, type RunningApp } from './support/apps.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'lifetime@example.com', password: 'L1fetime-secret-passw0rd' };
const LOGIN_TIMEOUT = 5 * 60_000;
const SESSION_LIFETIME = 8 * 3600_000; // authingSessionOptions' default
const SLACK = 10_000;
const GRACE = 60_000; // a late callback still hears that the login took too long

const harness = new SecurityHarness();
let source: ForgingEmulator;
let probe: RunningApp;

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  const { emulator } = source;
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('password', USER.password);
  probe = await startProbeApp({
    module: () => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      loginTimeout: LOGIN_TIMEOUT,
    }),
    logger: harness.nestLogger,
  });
  emulator.updateApp(emulator.app.appId, { redirectUris: [`${probe.url}/callback`] });
});

afterAll(async () => {
  await probe?.close();
  await source?.stop();
  harness.uninstall();
});

/** How long from now the session cookie a response sets lives, in ms. */
function lifetimeOf(response: Response): number {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('authing.sid='));
  if (!cookie) throw new Error('no session cookie was set');
  harness.secret('session cookie', cookie.split(';')[0]!.slice('authing.sid='.length));
  return Date.parse(/; Expires=([^;]+)/i.exec(cookie)![1]!) - Date.now();
}

test('an anonymous /login: the session lives as long as the pending login, not 8 hours', async () => {
  const response = await fetch(`${probe.url}/login`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const lifetime = lifetimeOf(response);
  expect(lifetime).toBeLessThanOrEqual(LOGIN_TIMEOUT + GRACE + SLACK);
  expect(lifetime).toBeGreaterThan(LOGIN_TIMEOUT - SLACK);
  expect(lifetime).toBeLessThan(SESSION_LIFETIME / 10);
});

test('several pending logins (tabs) still expire with the login timeout', async () => {
  const browser = new CookieClient();
  for (let i = 0; i < 3; i++) {
    const response = await browser.request(`${probe.url}/login`);
    expect(response.status).toBe(302);
    expect(lifetimeOf(response)).toBeLessThanOrEqual(LOGIN_TIMEOUT + GRACE + SLACK);
  }
  expect(browser.find('authing.sid')!.expires! - Date.now()).toBeLessThanOrEqual(LOGIN_TIMEOUT + GRACE + SLACK);
});

test('the completed login gets the full session lifetime; starting another login keeps it', async () => {
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, probe.url, USER);
  const done = await browser.request(callback);
  expect(done.status).toBe(302);
  expect(lifetimeOf(done)).toBeGreaterThan(SESSION_LIFETIME - SLACK);
  expect((await browser.request(`${probe.url}/me`)).status).toBe(200);

  const again = await browser.request(`${probe.url}/login`);
  expect(again.status).toBe(302);
  if (again.headers.getSetCookie().length > 0) expect(lifetimeOf(again)).toBeGreaterThan(SESSION_LIFETIME - SLACK);
  expect(browser.find('authing.sid')!.expires! - Date.now()).toBeGreaterThan(SESSION_LIFETIME - SLACK);
  expect((await browser.request(`${probe.url}/me`)).status).toBe(200);
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
