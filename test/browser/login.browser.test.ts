import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createSampleApp, type SampleApp } from '../../sample/app.js';

/**
 * A real browser through the sample: home page → "Log in" → the emulator's login form → profile page
 * → the admin pages (a role created through the form) → a 404 page → logout. Needs Chromium at /usr/bin/chromium (Debian: `apt-get install -y chromium`).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let sample: SampleApp;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  sample = await createSampleApp({ port: 0, logger: false });
  userDataDir = await mkdtemp(join(tmpdir(), 'authing-browser-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await sample?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

test('log in on the hosted page, see the profile, log out', async () => {
  const demo = sample.demo!;
  const emulator = sample.emulator!;
  const page = await context.newPage();

  await page.goto(sample.url);
  await page.getByRole('link', { name: 'Log in' }).click();

  // The emulator's hosted login page.
  await page.waitForURL((url) => url.href.startsWith(emulator.appHost));
  await page.fill('#account', demo.email);
  await page.fill('#password', demo.password);
  await page.click('#login-submit');

  // Consent (first login of this user for the app), then back to the sample.
  await page.waitForURL((url) => url.href.startsWith(sample.url) || url.pathname.includes('/interaction/'));
  if (await page.locator('#consent-allow').count()) await page.click('#consent-allow');

  await page.waitForURL(`${sample.url}/profile`);
  await expect(page.locator('#profile-name').textContent()).resolves.toBe('Demo Admin');
  await expect(page.locator('#profile-email').textContent()).resolves.toBe(demo.email);
  await expect(page.locator('#profile-roles').textContent()).resolves.toBe('admin');

  // The session cookie is HttpOnly and SameSite=Lax.
  const cookie = (await context.cookies(sample.url)).find((c) => c.name === 'authing.sid');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

  // A session-authenticated JSON call from the page.
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  expect(me).toMatchObject({ email: demo.email, via: 'session' });

  // The admin area through its links: users, then roles, where a form creates one.
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.waitForURL(`${sample.url}/admin/users`);
  await expect(page.locator('#users-count').textContent()).resolves.toMatch(/^1 user in the user pool/);
  await page.getByRole('link', { name: 'Roles', exact: true }).first().click();
  await page.waitForURL(`${sample.url}/admin/roles`);
  await page.fill('#code', 'auditor');
  await page.fill('#description', 'Reads the audit log');
  await page.click('#create-role-submit');
  await page.waitForURL(`${sample.url}/admin/roles?created=auditor`);
  await expect(page.locator('#role-created').textContent()).resolves.toBe('Role auditor created.');
  await expect(page.locator('#roles').textContent()).resolves.toContain('Reads the audit log');

  // An unknown address is a page with a way home, not JSON.
  const missing = await page.goto(`${sample.url}/nowhere`);
  expect(missing?.status()).toBe(404);
  await expect(page.locator('#error-title').textContent()).resolves.toBe('Page not found');
  await page.getByRole('link', { name: 'Back to the home page' }).click();
  await page.waitForURL(`${sample.url}/`);

  await page.click('#logout');
  await page.waitForURL(`${sample.url}/?state=logged-out`);
  await expect(page.locator('#logged-out').textContent()).resolves.toBe('You have been logged out.');
  await expect(page.getByRole('link', { name: 'Log in' }).count()).resolves.toBe(1);
  const after = await page.evaluate(async () => (await fetch('/api/me')).status);
  expect(after).toBe(401);
  await page.close();
}, 60_000);
