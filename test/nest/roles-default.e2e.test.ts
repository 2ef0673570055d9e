/**
 * `@Roles('admin')` works by default (#11.3): with management credentials the roles come from
 * Authing; without them, from the id_token's `roles` claim (session) or the userinfo endpoint for a
 * bearer token granted the `roles` scope. When the source cannot tell, the 403 is explained in the
 * log, once. A real Nest app (hosted login, express-session) against the emulator.
 */
import type { LoggerService } from '@nestjs/common';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { bearerGet, startProbeApp, type RunningApp } from '../security/support/apps.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';

const ADMIN = { email: 'admin@example.com', password: 'Adm1n-pass!' };
const READER = { email: 'reader@example.com', password: 'Re4der-pass!' };

let emulator: AuthingEmulator;
const running: RunningApp[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { ...ADMIN, roles: ['admin'] },
        { ...READER, roles: ['reader'] },
      ],
    },
  });
});

afterAll(async () => {
  for (const app of running) await app.close();
  await emulator?.stop();
});

/** A logger that keeps the warnings, to read what the module explained. */
function warnings(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: unknown) => lines.push(String(message));
  return { lines, logger: { log: () => {}, error: keep, warn: keep, debug: () => {}, verbose: () => {} } };
}

async function start(withManagement: boolean, logger?: LoggerService): Promise<RunningApp> {
  const app = await startProbeApp({
    logger,
    module: () => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      ...(withManagement ? { ...emulator.accessKey, host: emulator.host } : {}),
    }),
  });
  running.push(app);
  emulator.updateApp(emulator.app.appId, {
    redirectUris: [...new Set([...emulator.app.redirectUris, `${app.url}/callback`])],
  });
  return app;
}

/** Logs in through the hosted login and asks /admin with the session cookie. */
async function adminBySession(app: RunningApp, account: { email: string; password: string }): Promise<number> {
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, app.url, account);
  const landed = await browser.request(callback);
  expect(landed.status).toBe(302);
  return (await browser.request(`${app.url}/admin`)).status;
}

const tokenOf = async (email: string, scope?: string) =>
  (await emulator.issueTokens({ user: email, ...(scope ? { scope } : {}) })).access_token;

test('with management credentials and no roles option, roles come from Authing (bearer and session)', async () => {
  const app = await start(true);
  emulator.resetRequestCounts();
  // Authing's access tokens carry no roles claim: only the management lookup can decide.
  expect((await bearerGet(app.url, await tokenOf(ADMIN.email), '/admin')).status).toBe(200);
  expect((await bearerGet(app.url, await tokenOf(READER.email), '/admin')).status).toBe(403);
  expect(emulator.requestCountFor('/api/v3/get-user-roles')).toBe(2);
  expect(await adminBySession(app, ADMIN)).toBe(200);
  expect(await adminBySession(app, READER)).toBe(403);
});

test('without management credentials, the id_token roles claim decides for sessions', async () => {
  const app = await start(false);
  expect(await adminBySession(app, ADMIN)).toBe(200);
  expect(await adminBySession(app, READER)).toBe(403);
});

test('without management credentials, a bearer token granted the roles scope is decided by userinfo (cached)', async () => {
  const app = await start(false);
  const admin = await tokenOf(ADMIN.email, 'openid profile roles');
  emulator.resetRequestCounts();
  expect((await bearerGet(app.url, admin, '/admin')).status).toBe(200);
  expect((await bearerGet(app.url, admin, '/admin')).status).toBe(200);
  expect(emulator.requestCountFor('/oidc/me')).toBe(1);
  expect((await bearerGet(app.url, await tokenOf(READER.email, 'openid roles'), '/admin')).status).toBe(403);
});

test('a 403 the token source cannot decide is explained in the log, once', async () => {
  const { logger, lines } = warnings();
  const app = await start(false, logger);
  const admin = await tokenOf(ADMIN.email, 'openid profile');
  expect((await bearerGet(app.url, admin, '/admin')).status).toBe(403);
  expect((await bearerGet(app.url, admin, '/admin')).status).toBe(403);
  const explained = lines.filter((line) => line.includes('Role check answered 403'));
  expect(explained).toHaveLength(1);
  expect(explained[0]).toContain('not granted the `roles` scope');
  expect(explained[0]).toContain('accessKeyId/accessKeySecret');
  expect(explained[0]).not.toContain(admin);
});
