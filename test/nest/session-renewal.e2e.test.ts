/**
 * A logged-in session outlives its access token when the login asked for `offline_access`: the
 * refresh token renews it in place (once, however many requests arrive together). Without a refresh
 * token, or when Authing refuses it, the login ends with the access token.
 */
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';

const TOKEN_TTL_SECONDS = 2;
const USER = { email: 'renew@example.com', password: 'Renew-passw0rd' };

let emulator: AuthingEmulator;
const samples: SampleApp[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
    seed: { users: [{ ...USER, name: 'Renee' }] },
  });
});

afterAll(async () => {
  for (const sample of samples) await sample.close();
  await emulator.stop();
});

async function sampleWithScope(scope: string): Promise<SampleApp> {
  const sample = await createSampleApp({ port: 0, emulator, env: { AUTHING_SCOPE: scope }, logger: false });
  samples.push(sample);
  return sample;
}

async function login(sample: SampleApp): Promise<CookieClient> {
  const client = new CookieClient();
  const callback = await loginUntilCallback(client, sample.url, USER);
  expect((await client.request(callback)).status).toBe(302);
  return client;
}

async function me(client: CookieClient, sample: SampleApp): Promise<number> {
  const response = await client.request(`${sample.url}/api/me`);
  await response.arrayBuffer();
  return response.status;
}

const pastExpiry = () => new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_SECONDS * 1000 + 300));

test('with offline_access, an expired session is renewed once by its refresh token and goes on', async () => {
  const sample = await sampleWithScope('openid profile email offline_access');
  const client = await login(sample);
  expect(await me(client, sample)).toBe(200);
  await pastExpiry();

  emulator.resetRequestCounts();
  const statuses = await Promise.all([1, 2, 3].map(() => me(client, sample)));
  expect(statuses).toEqual([200, 200, 200]);
  // One refresh for the three concurrent requests of the session.
  expect(emulator.requestCountFor('/oidc/token')).toBe(1);
  // The renewed tokens were kept: the next request needs no refresh.
  expect(await me(client, sample)).toBe(200);
  expect(emulator.requestCountFor('/oidc/token')).toBe(1);
});

test('without a refresh token the login ends with its access token', async () => {
  const sample = await sampleWithScope('openid profile email');
  const client = await login(sample);
  expect(await me(client, sample)).toBe(200);
  await pastExpiry();
  emulator.resetRequestCounts();
  expect(await me(client, sample)).toBe(401);
  expect(emulator.requestCountFor('/oidc/token')).toBe(0);
});
