/**
 * Issue #10.5: cross-site request forgery against session-authenticated writes. Another port of the
 * same host is the same *site*, so SameSite=Lax lets the session cookie through on a form POST; the
 * module must refuse unsafe requests that do not come from the application's own origin (403
 * `cross_site_request`, naming why), accept same-origin ones and allow-listed origins, leave bearer
 * requests alone, and be switchable off. First with the headers browsers send, then with Chromium
 * itself submitting an attacker's form.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthingModuleOptions } from '../../lib/index.js';
import { launchProfile } from '../support/chromium.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { closeServer, startProbeApp, type RunningApp } from './support/apps.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'csrf@example.com', password: 'Csrf-secret-passw0rd', name: 'Victim' };

const harness = new SecurityHarness();
let source: ForgingEmulator;
let attacker: Server;
let attackerOrigin: string;
const apps: RunningApp[] = [];

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  harness.secret('app secret', source.emulator.app.appSecret);
  harness.secret('password', USER.password);
  // The attacker's site: another port of the same host, serving a self-submitting form to `?target=`.
  attacker = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><form id="f" method="POST" action="${target.replace(/"/g, '')}">` +
        '<input name="role" value="attacker-admin"></form><script>document.getElementById("f").submit()</script>',
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const app of apps) await app.close();
  if (attacker) await closeServer(attacker);
  await source?.stop();
  harness.uninstall();
});

async function app(extra: Partial<AuthingModuleOptions> = {}): Promise<RunningApp> {
  const { emulator } = source;
  const started = await startProbeApp({
    module: () => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      ...extra,
    }),
    logger: harness.nestLogger,
  });
  apps.push(started);
  emulator.updateApp(emulator.app.appId, {
    redirectUris: [...new Set([...emulator.app.redirectUris, `${started.url}/callback`])],
  });
  return started;
}

/** A browser logged in at `target` through the emulator's hosted login. */
async function loggedIn(target: RunningApp): Promise<CookieClient> {
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, target.url, USER);
  expect((await browser.request(callback)).status).toBe(302);
  harness.secret('session cookie', browser.find('authing.sid')?.value);
  return browser;
}

/** A form POST to `/me` with the browser's cookie and the given request headers. */
async function post(browser: CookieClient, target: RunningApp, headers: Record<string, string>) {
  const response = await browser.request(`${target.url}/me`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'role=attacker-admin',
  });
  const body = (await response.json()) as { error?: string; message?: string; via?: string };
  return { status: response.status, body, nosniff: response.headers.get('x-content-type-options') };
}

describe('session-authenticated POST (the headers browsers send)', () => {
  let target: RunningApp;
  let browser: CookieClient;

  beforeAll(async () => {
    target = await app();
    browser = await loggedIn(target);
  });

  test.each([
    ['from another port of the same host', () => ({ 'sec-fetch-site': 'same-site', origin: attackerOrigin })],
    ['from another site', () => ({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })],
    ['an older browser: Origin only', () => ({ origin: attackerOrigin })],
    ['a sandboxed page: Origin null', () => ({ origin: 'null' })],
    ['Sec-Fetch-Site cross-site, no Origin', () => ({ 'sec-fetch-site': 'cross-site' })],
    ['Referer only, from the other port', () => ({ referer: `${attackerOrigin}/attack.html` })],
  ])('%s: 403 cross_site_request, the handler does not run', async (_name, headers) => {
    const answer = await post(browser, target, headers());
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('cross_site_request');
    expect(answer.body.message).toMatch(/^Cross-site request refused: /);
    expect(answer.nosniff).toBe('nosniff');
  });

  test('the reason names the foreign origin', async () => {
    const answer = await post(browser, target, { origin: attackerOrigin });
    expect(answer.body.message).toContain(attackerOrigin);
  });

  test.each([
    ['same origin (Sec-Fetch-Site)', () => ({ 'sec-fetch-site': 'same-origin', origin: target.url })],
    ['same origin (Origin only)', () => ({ origin: target.url })],
    ['same origin (Referer only)', () => ({ referer: `${target.url}/profile` })],
    ['no browser headers at all (not a browser)', () => ({})],
  ])('%s: accepted', async (_name, headers) => {
    const answer = await post(browser, target, headers());
    expect(answer.status).toBe(200);
    expect(answer.body.via).toBe('session');
  });

  test('a cross-site GET is not refused (safe method)', async () => {
    const response = await browser.request(`${target.url}/me`, {
      headers: { 'sec-fetch-site': 'same-site', origin: attackerOrigin },
    });
    expect(response.status).toBe(200);
  });

  test('a bearer request from another origin is not checked', async () => {
    const token = harness.token('access token', (await source.emulator.issueTokens({ user: USER.email })).access_token);
    const response = await fetch(`${target.url}/me`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ via: 'bearer' });
  });
});

test('csrf.allowedOrigins lets a listed origin through, and only that one', async () => {
  const target = await app({ csrf: { allowedOrigins: [attackerOrigin] } });
  const browser = await loggedIn(target);
  expect((await post(browser, target, { 'sec-fetch-site': 'same-site', origin: attackerOrigin })).status).toBe(200);
  const other = await post(browser, target, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
  expect(other.status).toBe(403);
});

test('csrf: false turns the check off', async () => {
  const target = await app({ csrf: false });
  const browser = await loggedIn(target);
  expect((await post(browser, target, { 'sec-fetch-site': 'same-site', origin: attackerOrigin })).status).toBe(200);
});

test('Chromium: the attacker page’s form POST is refused, the application’s own fetch POST accepted', async () => {
  const target = await app();
  const session = (await loggedIn(target)).find('authing.sid')!;
  const { context, close } = await launchProfile('csrf');
  try {
    await context.addCookies([
      { name: session.name, value: session.value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    // The attack: a page on another port auto-submits a form to the application.
    await page.goto(`${attackerOrigin}/?target=${encodeURIComponent(`${target.url}/me`)}`);
    await page.waitForURL(`${target.url}/me`);
    const refused = JSON.parse((await page.locator('body').innerText()).trim()) as { error?: string };
    expect(refused.error).toBe('cross_site_request');
    // The application's own page posting to itself.
    await page.goto(`${target.url}/me`);
    const own = await page.evaluate(async () => {
      const response = await fetch('/me', { method: 'POST' });
      return { status: response.status, body: (await response.json()) as { via?: string } };
    });
    expect(own).toEqual({ status: 200, body: expect.objectContaining({ via: 'session' }) });
  } finally {
    await close();
  }
}, 60_000);

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
