/**
 * OpenID Connect Back-Channel Logout 1.0 across replicas: the user logs out at Authing (the
 * emulator), which POSTs a signed logout token to the application; the session ends on every
 * replica. Bad, replayed or mistaken tokens are refused with 400 and end nothing.
 */
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, completeEmulatorLogin, hiddenInputs, isRedirect } from '../support/cookie-client.js';
import { RecordingServer } from '../support/recording-server.js';
import { RedisServer } from '../support/redis-server.js';

const USER = { email: 'bcl@example.com', password: 'Backchannel-passw0rd' };

let redis: RedisServer;
let emulator: AuthingEmulator;
let a: SampleApp;
let b: SampleApp;

beforeAll(async () => {
  redis = await RedisServer.start();
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [{ ...USER, name: 'Bea' }] } });
  const env = { REDIS_URL: redis.url, SESSION_SECRET: 'backchannel-share-this-secret' };
  a = await createSampleApp({ port: 0, emulator, env, logger: false });
  b = await createSampleApp({ port: 0, emulator, env, logger: false, publicUrl: a.url });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await emulator?.stop();
  await redis?.dispose();
});

async function login(): Promise<CookieClient> {
  const client = new CookieClient();
  const begin = await client.request(`${a.url}/login`);
  await begin.arrayBuffer();
  const callback = await completeEmulatorLogin(
    client,
    begin.headers.get('location')!,
    { account: USER.email, password: USER.password },
    (url) => url.startsWith(a.url),
  );
  // The callback lands on B.
  const done = await client.request(callback.replace(a.url, b.url));
  await done.arrayBuffer();
  expect(done.headers.get('location')).toBe('/');
  return client;
}

async function me(client: CookieClient, replica: SampleApp): Promise<number> {
  const response = await client.request(`${replica.url}/api/me`);
  await response.arrayBuffer();
  return response.status;
}

/** The user logs out at Authing itself (not through the application), confirming the page. */
async function logoutAtAuthing(client: CookieClient): Promise<void> {
  const endSession = `${emulator.appHost}/oidc/session/end?client_id=${emulator.app.appId}`;
  const page = await client.request(endSession);
  if (isRedirect(page.status)) return void (await page.arrayBuffer());
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  const done = await client.request(new URL(action, endSession).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenInputs(html), logout: 'yes' }),
  });
  await done.arrayBuffer();
}

function postLogoutToken(replica: SampleApp, token: string): Promise<Response> {
  return fetch(`${replica.url}/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }),
  });
}

test('logging out at Authing ends the session on every replica (the emulator sends the logout token)', async () => {
  const client = await login();
  const other = await login(); // another login of the same user: another Authing session (sid)
  expect(await me(client, a)).toBe(200);
  expect(await me(client, b)).toBe(200);
  await logoutAtAuthing(client);
  expect(await me(client, a)).toBe(401);
  expect(await me(client, b)).toBe(401);
  // Only that Authing session's login ended.
  expect(await me(other, a)).toBe(200);
});

describe('the logout token is verified', () => {
  let recorder: RecordingServer;
  let token: string;
  let client: CookieClient;

  beforeAll(async () => {
    recorder = await new RecordingServer().start();
    recorder.respond = () => ({ status: 200, body: '' });
    // Catch the token the emulator sends, to deliver (and replay, and tamper with) it by hand.
    emulator.updateApp(emulator.app.appId, { backchannelLogoutUri: `${recorder.url}/bcl` });
    client = await login();
    await logoutAtAuthing(client);
    const sent = recorder.requests.find((r) => r.path === '/bcl');
    token = new URLSearchParams(sent!.body).get('logout_token')!;
    emulator.updateApp(emulator.app.appId, { backchannelLogoutUri: `${a.url}/backchannel-logout` });
  });

  afterAll(async () => {
    await recorder?.stop();
  });

  test('a tampered signature, a missing token or an id_token are refused, ending nothing', async () => {
    expect(await me(client, a)).toBe(200);
    const [header, payload] = token.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(342)}`;
    const refused = await postLogoutToken(b, tampered);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_request');
    expect((await postLogoutToken(b, '')).status).toBe(400);
    const { id_token: idToken } = await emulator.issueTokens({ user: USER.email, scope: 'openid', nonce: 'n' });
    const notLogout = await postLogoutToken(b, idToken);
    expect(notLogout.status).toBe(400);
    expect(((await notLogout.json()) as { error_description: string }).error_description).toMatch(/^events/);
    expect(await me(client, a)).toBe(200);
  });

  test('a valid token ends the session on both replicas, once: a replay is refused', async () => {
    const accepted = await postLogoutToken(b, token);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ ended: 1 });
    expect(await me(client, a)).toBe(401);
    const replay = await postLogoutToken(a, token);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error_description: string }).error_description).toMatch(/^jti/);
  });
});
