/**
 * Issue #10.7b: every refusal the module answers (401 without or with a bad token, 403 for a missing
 * role, 401 from the login callback, 503 when the identity server is needed and down) carries
 * `X-Content-Type-Options: nosniff`, so a browser shown the JSON never sniffs it into HTML.
 */
import { startProbeApp, type RunningApp } from './support/apps.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'refused@example.com', password: 'Ref00sed-secret-passw0rd' };

const harness = new SecurityHarness();
let source: ForgingEmulator;
let probe: RunningApp;
let cold: RunningApp;

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  const { emulator } = source;
  harness.secret('app secret', emulator.app.appSecret);
  const module = () => ({ appId: emulator.app.appId, appSecret: emulator.app.appSecret, appHost: emulator.appHost });
  probe = await startProbeApp({ module, logger: harness.nestLogger });
  // Its identity server does not listen: token checks answer 503.
  cold = await startProbeApp({
    module: () => ({ ...module(), appHost: 'http://127.0.0.1:9', loadSigningKeysOnStart: false, retry: false }),
    logger: harness.nestLogger,
  });
});

afterAll(async () => {
  await probe?.close();
  await cold?.close();
  await source?.stop();
  harness.uninstall();
});

test.each([
  ['no credentials', 401, () => `${probe.url}/me`, () => ({})],
  ['a bad token', 401, () => `${probe.url}/me`, () => ({ authorization: 'Bearer not-a-jwt' })],
  [
    'a token without the role',
    403,
    () => `${probe.url}/admin`,
    async () => ({ authorization: `Bearer ${await token()}` }),
  ],
  ['a forged login callback', 401, () => `${probe.url}/callback?code=c&state=forged`, () => ({})],
  [
    'an unreachable identity server',
    503,
    () => `${cold.url}/me`,
    async () => ({ authorization: `Bearer ${await token()}` }),
  ],
] as const)('%s: %i JSON with nosniff', async (_name, status, url, headers) => {
  const response = await fetch(url(), { headers: await headers(), redirect: 'manual' });
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await response.json()).toMatchObject({ statusCode: status });
});

async function token(): Promise<string> {
  return harness.token('access token', (await source.emulator.issueTokens({ user: USER.email })).access_token);
}

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
