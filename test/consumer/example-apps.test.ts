import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AuthenticationClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import {
  checkSnippets,
  EXAMPLE_APPS,
  freePort,
  installSet,
  placeApp,
  tsc,
  type ExampleAppName,
  type InstalledSet,
} from './support/example-apps.js';

/**
 * The documented quick start as users build it: each app under examples/ installs the packed
 * tarball (npm pack) with NestJS 11 or 12, compiles with `strict` under its module setting
 * (CommonJS + node10, or ESM + nodenext), boots against the emulator, and is driven by Chromium
 * through the hosted login, /api/me, an @Roles('admin') route, and logout.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN = { email: 'ada@example.com', password: 'Adm1n-pass!', name: 'Ada Admin' };
const USER = { email: 'bob@example.com', password: 'B0b-pass!', name: 'Bob User' };

let root: string;
let emulator: AuthingEmulator;
let browser: Browser;
let auth: AuthenticationClient;
const sets = new Map<number, InstalledSet>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'authing-examples-'));
  emulator = await AuthingEmulator.start({
    seed: {
      users: [
        { ...ADMIN, roles: ['admin'] },
        { ...USER, roles: ['reader'] },
      ],
    },
  });
  auth = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
  });
  // One install per NestJS major (two in parallel), shared by the apps of that major.
  const [nest11, nest12] = await Promise.all([installSet(11, root), installSet(12, root)]);
  sets.set(11, nest11).set(12, nest12);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}, 540_000);

afterAll(async () => {
  await browser?.close();
  await auth?.close();
  await emulator?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Starts the compiled app on a free port, registered with the emulator; resolves once it answers. */
async function startApp(appDir: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = emulator.app;
  emulator.updateApp(app.appId, {
    redirectUris: [...app.redirectUris, `${url}/callback`],
    logoutRedirectUris: [...app.logoutRedirectUris, `${url}/`],
  });
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    stdio: 'pipe',
    env: {
      PATH: process.env.PATH,
      AUTHING_APP_ID: app.appId,
      AUTHING_APP_SECRET: app.appSecret,
      AUTHING_APP_HOST: emulator.appHost,
      AUTHING_REDIRECT_URI: `${url}/callback`,
      AUTHING_LOGOUT_REDIRECT_URI: `${url}/`,
      AUTHING_ACCESS_KEY_ID: emulator.accessKey.accessKeyId,
      AUTHING_ACCESS_KEY_SECRET: emulator.accessKey.accessKeySecret,
      AUTHING_HOST: emulator.host,
      SESSION_SECRET: 'a-session-secret-for-this-test-only',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { url, child, output: () => output };
    if (Date.now() > deadline) throw new Error(`the app did not answer within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The hosted login in a fresh browser context: the app's Log in link, the emulator's form, consent. */
async function browserLogin(url: string, account: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.click('#login');
  await page.waitForURL((u) => u.href.startsWith(`${emulator.appHost}/`));
  await page.fill('#account', account.email);
  await page.fill('#password', account.password);
  await page.click('#login-submit');
  await page.waitForURL((u) => u.href.startsWith(`${url}/`) || u.pathname.includes('/interaction/'));
  if (await page.locator('#consent-allow').count()) await page.click('#consent-allow');
  await page.waitForURL(`${url}/`);
  return page;
}

const fetchFromPage = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const response = await fetch(p);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }, path);

async function bearer(url: string, path: string, account: { email: string; password: string }) {
  const signIn = await auth.signInByEmailPassword({ email: account.email, password: account.password });
  expect(signIn.statusCode).toBe(200);
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${signIn.data.access_token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the installed package', () => {
  const installed = () => join(sets.get(12)!.dir, 'node_modules/nestjs-authing');

  test('ships its LICENSE, README (both languages), CHANGELOG and docs', async () => {
    const names = await readdir(installed());
    expect(names).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'README.zh-CN.md', 'CHANGELOG.md', 'docs']));
    expect(await readFile(join(installed(), 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  test('every source map embeds the sources it names, so it resolves without lib/', async () => {
    const maps = (await readdir(join(installed(), 'dist'), { recursive: true })).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(join(installed(), 'dist', map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect({ map, embedded: sourcesContent?.filter((c) => typeof c === 'string' && c.length > 0).length }).toEqual({
        map,
        embedded: sources.length,
      });
    }
  });
});

describe.each(EXAMPLE_APPS.map((a) => [a.name, a.nest] as [ExampleAppName, 11 | 12]))(
  'examples/%s (NestJS %i) from the packed package',
  (name, nest) => {
    let appDir: string;

    beforeAll(async () => {
      appDir = await placeApp(sets.get(nest)!, name);
    });

    test('installs the NestJS major it names', async () => {
      const installed = JSON.parse(
        await readFile(join(sets.get(nest)!.dir, 'node_modules/@nestjs/core/package.json'), 'utf8'),
      ) as { version: string };
      expect(installed.version.split('.')[0]).toBe(String(nest));
    });

    test('the quick start and the SDK snippets compile with strict under its module setting', async () => {
      const build = await tsc(appDir);
      expect(`${build.stdout}${build.stderr}`).toBe('');
      expect(build.code).toBe(0);
      const snippets = await checkSnippets(appDir);
      expect(`${snippets.stdout}${snippets.stderr}`).toBe('');
      expect(snippets.code).toBe(0);
    }, 120_000);

    if (name === 'esm-nodenext') {
      test.each([
        ['node16', { module: 'node16', moduleResolution: 'node16' }],
        ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
      ])(
        'the subpaths resolve with their types under moduleResolution %s too',
        async (resolution, options) => {
          const result = await checkSnippets(appDir, options, `tsconfig.${resolution}.json`);
          expect(`${result.stdout}${result.stderr}`).toBe('');
          expect(result.code).toBe(0);
        },
        120_000,
      );
    }

    test('boots on the emulator: hosted login, /api/me, @Roles 403/200 by session and bearer, logout', async () => {
      const app = await startApp(appDir);
      try {
        // A non-admin: logged in, /api/me answers, the admin route refuses.
        const bob = await browserLogin(app.url, USER);
        const bobMe = await fetchFromPage(bob, '/api/me');
        expect(bobMe.status).toBe(200);
        expect(bobMe.body).toMatchObject({ email: USER.email, name: USER.name, roles: ['reader'], via: 'session' });
        expect(Object.keys(bobMe.body).sort()).toEqual(['claims', 'email', 'name', 'roles', 'sub', 'via']);
        expect((await fetchFromPage(bob, '/api/admin/users')).status).toBe(403);
        expect((await bearer(app.url, '/api/admin/users', USER)).status).toBe(403);

        // An admin: 200 on the same route, by session and by bearer token.
        const ada = await browserLogin(app.url, ADMIN);
        const adaUsers = await fetchFromPage(ada, '/api/admin/users');
        expect(adaUsers.status).toBe(200);
        expect(JSON.stringify(adaUsers.body)).toContain(USER.email);
        const byToken = await bearer(app.url, '/api/admin/users', ADMIN);
        expect(byToken.status).toBe(200);
        const adaMe = await bearer(app.url, '/api/me', ADMIN);
        expect(adaMe.body).toMatchObject({
          sub: emulator.findUser(ADMIN.email)!.userId,
          roles: ['admin'],
          via: 'bearer',
        });

        // Logout (the app's logout link or button) ends at the app's home page, logged out.
        await ada.click('#logout');
        await ada.waitForURL(`${app.url}/`);
        await expect(ada.locator('#login').count()).resolves.toBe(1);
        expect((await fetchFromPage(ada, '/api/me')).status).toBe(401);
        await bob.context().close();
        await ada.context().close();
      } catch (error) {
        throw new Error(`${String(error)}\n--- app output ---\n${app.output()}`);
      } finally {
        await stopApp(app.child);
      }
    }, 120_000);
  },
);
