/**
 * Session lifetime: an inactivity timeout (rolling) and an absolute lifetime, both enforced while the
 * refresh token would keep renewing the session; on the shared Redis store, across replicas.
 */
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { RedisServer } from '../support/redis-server.js';
import { startReplica, type ScaleReplica } from '../support/scale-app.js';

const USER = { email: 'lifetime@example.com', password: 'Lifetime-passw0rd' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
let emulator: AuthingEmulator;
const samples: SampleApp[] = [];
const replicas: ScaleReplica[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  // Access tokens of 1 s: every later request needs the refresh token, which keeps working.
  emulator = await AuthingEmulator.start({ port: 0, tokenTtlSeconds: 1, seed: { users: [{ ...USER }] } });
});

afterAll(async () => {
  for (const sample of samples) await sample.close();
  for (const replica of replicas) await replica.close();
  await emulator?.stop();
  await redis?.dispose();
});

async function sample(lifetime: Record<string, string>): Promise<SampleApp> {
  const env = {
    REDIS_URL: redis.url,
    REDIS_PREFIX: `life${samples.length}:`,
    SESSION_SECRET: 'lifetime-tests-session-secret',
    AUTHING_SCOPE: 'openid profile email offline_access',
    ...lifetime,
  };
  const app = await createSampleApp({ port: 0, emulator, env, logger: false });
  samples.push(app);
  return app;
}

async function login(app: { url: string }): Promise<CookieClient> {
  const client = new CookieClient();
  const done = await client.request(await loginUntilCallback(client, app.url, USER));
  await done.arrayBuffer();
  expect(done.status).toBe(302);
  return client;
}

async function me(client: CookieClient, app: { url: string }): Promise<number> {
  const response = await client.request(`${app.url}/api/me`);
  await response.arrayBuffer();
  return response.status;
}

test('inactivity: a session used often lives on; left alone past the timeout, it ends', async () => {
  // 3 s: activity is recorded to within max(1 s, idle / 10), so a shorter timeout leaves too little
  // slack for a request on a loaded machine (1.5 s failed under a full parallel run).
  const app = await sample({ SESSION_IDLE_TIMEOUT_MS: '3000' });
  const client = await login(app);
  // Active for 6 s (twice the timeout), with refreshes along the way: still logged in.
  for (let i = 0; i < 12; i++) {
    expect(await me(client, app)).toBe(200);
    await sleep(500);
  }
  await sleep(3200);
  expect(await me(client, app)).toBe(401);
});

test('absolute lifetime: the session ends however active it is and whatever the refresh token allows', async () => {
  const app = await sample({ SESSION_ABSOLUTE_LIFETIME_MS: '2500' });
  const client = await login(app);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push(await me(client, app));
    await sleep(400);
  }
  expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
  expect(statuses.at(-1)).toBe(401);
});

test('on Fastify too: the inactivity timeout and the absolute lifetime end the session', async () => {
  const idle = await startReplica({
    adapter: 'fastify',
    emulator,
    redisUrl: redis.url,
    module: { sessionLifetime: { idle: 3000 } },
  });
  replicas.push(idle);
  const client = await login(idle);
  for (let i = 0; i < 8; i++) {
    expect(await me(client, idle)).toBe(200);
    await sleep(500);
  }
  await sleep(3200);
  expect(await me(client, idle)).toBe(401);

  const absolute = await startReplica({
    adapter: 'fastify',
    emulator,
    redisUrl: redis.url,
    module: { sessionLifetime: { absolute: 2500 } },
  });
  replicas.push(absolute);
  const other = await login(absolute);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push(await me(other, absolute));
    await sleep(400);
  }
  expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
  expect(statuses.at(-1)).toBe(401);
});
