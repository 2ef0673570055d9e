import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { createBearerApiConsumer, startConsumerServer, type StartedServer } from '../support/bearer-api-consumer.js';
import type { ConsumerApp } from '../support/packed-package.js';
import { startSpa, type RunningSpa } from './support/spa-app.js';

/**
 * Issue #17: the most common setup, end to end. A single-page app logs in with Authing's official
 * browser SDK (`@authing/web` 5.1.21) in Chromium, against the emulator, and calls a NestJS API
 * (bearer only, AuthingGuard) with the access token.
 *
 * The SDK refuses a domain with a port, so the emulator listens on port 80 of a loopback address of
 * its own (127.0.0.2, clear of anything on 127.0.0.1:80); the SPA and the API use free ports on the
 * same address (same site: the emulator's SameSite=Lax session cookie reaches the silent-login
 * iframe). Binding port 80 needs root or `sysctl net.ipv4.ip_unprivileged_port_start=80`.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOST = '127.0.0.2';
const USER = { email: 'spa-user@example.com', password: 'Spa-user-passw0rd', name: 'Spa User' };
const SCOPE = 'openid profile email offline_access';
const INTROSPECTION_CACHE_MS = 500;

interface LoginState {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  parsedAccessToken: { sub: string; exp: number };
}

declare global {
  interface Window {
    sdk: {
      loginWithRedirect(): Promise<void>;
      getLoginState(options?: { ignoreCache?: boolean }): Promise<LoginState | null>;
      refreshToken(): Promise<LoginState>;
      getUserInfo(): Promise<{ email?: string; userId?: string }>;
      logoutWithRedirect(): Promise<void>;
      loginWithPopup(): Promise<LoginState | null>;
    };
    ready: Promise<LoginState | null>;
  }
}

let emulator: AuthingEmulator;
let spa: RunningSpa;
let consumer: ConsumerApp;
let localApi: StartedServer;
let introspectingApi: StartedServer;
let context: BrowserContext;
let userDataDir: string;
let page: Page;

beforeAll(async () => {
  // The API is a user's app on the packed package (npm install on first use: up to a few minutes).
  consumer = await createBearerApiConsumer();
  const compiled = await consumer.tsc();
  expect(compiled.stdout + compiled.stderr).toBe('');
  try {
    emulator = await AuthingEmulator.start({
      host: HOST,
      port: 80,
      seed: {
        users: [USER],
        // Registered below, once the SPA's port is known.
        app: { appName: 'SPA', tokenEndpointAuthMethod: 'none', redirectUris: [], logoutRedirectUris: [] },
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fix =
      code === 'EACCES'
        ? 'Run as root, or allow unprivileged port 80: sysctl net.ipv4.ip_unprivileged_port_start=80'
        : `Stop what listens there (ss -ltnp | grep ${HOST}:80)`;
    throw new Error(
      `The SPA test runs the emulator on ${HOST}:80 (the SDK refuses a domain with a port) and could not: ${
        (error as Error).message
      }. ${fix}`,
    );
  }
  expect(emulator.origin).toBe(`http://${HOST}`);
  expect(emulator.issuer).toBe(`http://${HOST}/oidc`);
  const { appId } = emulator.app;
  spa = await startSpa(HOST, { domain: emulator.origin, appId, scope: SCOPE });
  emulator.updateApp(appId, { redirectUris: [`${spa.origin}/`], logoutRedirectUris: [`${spa.origin}/`] });
  const env = { AUTHING_APP_ID: appId, AUTHING_APP_HOST: emulator.appHost, CORS_ORIGIN: spa.origin, HOST };
  localApi = await startConsumerServer(consumer, 'dist/main.js', env);
  // Introspection answers are cached (30 s by default): revocation shows once the cache expires.
  introspectingApi = await startConsumerServer(consumer, 'dist/main.js', {
    ...env,
    AUTHING_TOKEN_VALIDATION: 'introspection',
    AUTHING_INTROSPECTION_CACHE_TTL: String(INTROSPECTION_CACHE_MS),
  });

  userDataDir = await mkdtemp(join(tmpdir(), 'authing-spa-'));
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
  page = await context.newPage();
}, 360_000);

afterAll(async () => {
  await context?.close();
  await localApi?.close();
  await introspectingApi?.close();
  await spa?.close();
  await emulator?.stop();
  await consumer?.remove();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

/** GET <api>/api/me from the page, with the token, across origins (CORS). */
function callApi(api: StartedServer, token: string) {
  return page.evaluate(
    async ({ url, token }) => {
      const res = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as { sub?: string; via?: string } };
    },
    { url: api.url, token },
  );
}

/** Revocation as an SPA does it at logout: the public client revokes its own token (CORS). */
function revoke(token: string) {
  return page.evaluate(
    async ({ domain, appId, token }) => {
      const res = await fetch(`${domain}/oidc/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: appId, token }),
      });
      return res.status;
    },
    { domain: emulator.origin, appId: emulator.app.appId, token },
  );
}

test('@authing/web: login with redirect, silent login, refresh, API calls with CORS, revocation, logout, popup login', async () => {
  // ── Login with redirect (code + PKCE, response_mode=fragment) ──
  await page.goto(`${spa.origin}/`);
  await expect(page.evaluate(() => window.ready)).resolves.toBeNull();
  await page.evaluate(() => {
    void window.sdk.loginWithRedirect();
  });
  await page.waitForURL((url) => url.href.startsWith(`${emulator.origin}/interaction/`));
  await expect(page.locator('.sub strong').textContent()).resolves.toBe('SPA');
  await page.fill('#account', USER.email);
  await page.fill('#password', USER.password);
  await page.click('#login-submit');
  await page.waitForURL((url) => url.href.startsWith(`${spa.origin}/`));
  const first = (await page.evaluate(() => window.ready))!;
  expect(first.accessToken).toEqual(expect.any(String));
  expect(first.refreshToken).toEqual(expect.any(String));
  const sub = first.parsedAccessToken.sub;
  await expect(page.evaluate(() => window.sdk.getUserInfo())).resolves.toMatchObject({ email: USER.email });

  // ── Silent login after a reload: prompt=none in a hidden iframe, response_mode=web_message ──
  await page.reload();
  await expect(page.evaluate(() => window.ready)).resolves.toBeNull();
  const silent = await page.evaluate(() => window.sdk.getLoginState({ ignoreCache: true }));
  expect(silent).not.toBeNull();
  expect(silent!.parsedAccessToken.sub).toBe(sub);
  expect(silent!.accessToken).not.toBe(first.accessToken);
  expect(silent!.refreshToken).toEqual(expect.any(String));

  // ── Refresh (x-authing-app-id header, no client_id, empty redirect_uri) ──
  const refreshed = await page.evaluate(() => window.sdk.refreshToken());
  expect(refreshed.parsedAccessToken.sub).toBe(sub);
  expect(refreshed.accessToken).not.toBe(silent!.accessToken);
  const token = refreshed.accessToken;

  // ── The Nest API, from the SPA's origin ──
  await expect(callApi(localApi, token)).resolves.toEqual({ status: 200, body: { sub, via: 'bearer' } });
  await expect(callApi(introspectingApi, token)).resolves.toEqual({ status: 200, body: { sub, via: 'bearer' } });

  // ── Revocation: refused at once by the API that introspects; local validation cannot know ──
  expect(await revoke(token)).toBe(200);
  await new Promise((r) => setTimeout(r, INTROSPECTION_CACHE_MS + 100));
  await expect(callApi(introspectingApi, token)).resolves.toMatchObject({ status: 401 });
  await expect(callApi(localApi, token)).resolves.toMatchObject({ status: 200 });

  // ── Logout with redirect: back on the SPA, signed out of the emulator too ──
  await page.evaluate(() => {
    void window.sdk.logoutWithRedirect();
  });
  await page.waitForURL((url) => url.href.startsWith(`${emulator.origin}/oidc/session/end`));
  await page.waitForURL((url) => url.href.startsWith(`${spa.origin}/`));
  await expect(page.evaluate(() => window.sdk.getLoginState())).resolves.toBeNull();
  await expect(page.evaluate(() => window.sdk.getLoginState({ ignoreCache: true }))).resolves.toBeNull();

  // ── Popup login: the hosted login in a popup, the code posted back with web_message ──
  const popupOpened = context.waitForEvent('page');
  const popupLogin = page.evaluate(() => window.sdk.loginWithPopup());
  const popup = await popupOpened;
  await popup.waitForURL((url) => url.href.startsWith(`${emulator.origin}/interaction/`));
  await popup.fill('#account', USER.email);
  await popup.fill('#password', USER.password);
  await popup.click('#login-submit');
  const viaPopup = await popupLogin;
  expect(viaPopup).not.toBeNull();
  expect(viaPopup!.parsedAccessToken.sub).toBe(sub);
  await expect(callApi(introspectingApi, viaPopup!.accessToken)).resolves.toEqual({
    status: 200,
    body: { sub, via: 'bearer' },
  });
}, 90_000);
