/**
 * Issue #10.1: with `tokenValidation: 'introspection'`, `active: true` is not enough. The guard
 * accepts only an access token (`token_type` Bearer) issued to this application (`aud`, else
 * `client_id`), as local mode does: another application's tokens, a public client's, refresh tokens
 * (ours or another's) and id_tokens are refused with 401, against a real emulator with several apps.
 */
import { bearerGet, startProbeApp, type RunningApp } from './support/apps.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'intro@example.com', password: 'Intr0-secret-passw0rd', name: 'Intro' };
const OFFLINE = 'openid profile offline_access';

const harness = new SecurityHarness();
let source: ForgingEmulator;
let introspecting: RunningApp;
let local: RunningApp;
let otherAppId: string;
let publicAppId: string;

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  const { emulator } = source;
  const other = emulator.addApp({ appName: 'another confidential app' });
  const publicApp = emulator.addApp({ appName: 'a public client', tokenEndpointAuthMethod: 'none' });
  otherAppId = other.appId;
  publicAppId = publicApp.appId;
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('other app secret', other.appSecret);
  harness.secret('password', USER.password);
  const module = (tokenValidation: 'local' | 'introspection') => () => ({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    tokenValidation,
  });
  introspecting = await startProbeApp({ module: module('introspection'), logger: harness.nestLogger });
  local = await startProbeApp({ module: module('local'), logger: harness.nestLogger });
});

afterAll(async () => {
  await introspecting?.close();
  await local?.close();
  await source?.stop();
  harness.uninstall();
});

async function tokens(appId?: string): Promise<{ access: string; refresh: string; id: string }> {
  const set = await source.emulator.issueTokens({ user: USER.email, appId, scope: OFFLINE });
  return {
    access: harness.token('access token', set.access_token),
    refresh: harness.token('refresh token', set.refresh_token!),
    id: harness.token('id token', set.id_token!),
  };
}

test('our own access token is accepted (the checks below can pass)', async () => {
  const { access } = await tokens();
  const answer = await bearerGet(introspecting.url, access);
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toMatchObject({ via: 'bearer', sub: source.emulator.findUser(USER.email)!.userId });
});

test.each([
  ['another application’s access token', 'audience', async () => (await tokens(otherAppId)).access],
  ['the public client’s access token', 'audience', async () => (await tokens(publicAppId)).access],
  ['our refresh token', 'token_type', async () => (await tokens()).refresh],
  ['another application’s refresh token', 'token_type', async () => (await tokens(otherAppId)).refresh],
  ['the public client’s refresh token', 'token_type', async () => (await tokens(publicAppId)).refresh],
] as const)('%s: active at the identity server, refused by the guard (401 %s)', async (_name, check, make) => {
  const token = await make();
  // The identity server does consider it active: the refusal is the guard's own check.
  const introspected = await fetch(`${source.emulator.appHost}/oidc/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: source.emulator.app.appId,
      client_secret: source.emulator.app.appSecret,
      token,
    }),
  });
  expect(((await introspected.json()) as { active: boolean }).active).toBe(true);

  const answer = await bearerGet(introspecting.url, token);
  expect(answer.status).toBe(401);
  expect(answer.body).toMatchObject({ error: 'invalid_token', check });
  expect(answer.challenge).toContain(`error_description="${check}: `);
  expect(answer.text).not.toContain(token);
  // Local mode refuses the same token too.
  expect((await bearerGet(local.url, token)).status).toBe(401);
});

test('our id_token is no bearer credential in either mode', async () => {
  const { id } = await tokens();
  expect((await bearerGet(introspecting.url, id)).status).toBe(401);
  expect((await bearerGet(local.url, id)).status).toBe(401);
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
