/**
 * Two replicas behind one public URL (as behind a load balancer), on Express, on Fastify, and one of
 * each: one emulator, one real Redis holding the sessions (connect-redis) and the cluster state. A
 * login started on one replica completes on the other; a refresh made by one is seen by both, and
 * concurrent requests on both after the access token expired make exactly one refresh call; logout
 * on one ends the session on both.
 */
import { createClient } from 'redis';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient } from '../support/cookie-client.js';
import { RedisServer } from '../support/redis-server.js';
import { loginUntilCallback, startReplica, type Adapter, type ScaleReplica } from '../support/scale-app.js';

const TOKEN_TTL_SECONDS = 2;
const USER = { email: 'replica@example.com', password: 'Replica-passw0rd' };

let redis: RedisServer;
let emulator: AuthingEmulator;

beforeAll(async () => {
  redis = await RedisServer.start();
  emulator = await AuthingEmulator.start({
    port: 0,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
    seed: { users: [{ ...USER, name: 'Rep' }] },
  });
});

afterAll(async () => {
  await emulator?.stop();
  await redis?.dispose();
});

const PAIRS: [Adapter, Adapter][] = [
  ['express', 'express'],
  ['fastify', 'fastify'],
  ['express', 'fastify'],
];

describe.each(PAIRS)('replica A on %s, replica B on %s', (adapterA, adapterB) => {
  let a: ScaleReplica;
  let b: ScaleReplica;

  beforeAll(async () => {
    a = await startReplica({ adapter: adapterA, emulator, redisUrl: redis.url });
    // B answers under A's public URL: the load balancer's, in production.
    b = await startReplica({ adapter: adapterB, emulator, redisUrl: redis.url, publicUrl: a.url });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  /** The same path on another replica (cookies are per host, as in browsers: both replicas get them). */
  const on = (replica: ScaleReplica, url: string) => {
    const parsed = new URL(url);
    return `${replica.url}${parsed.pathname}${parsed.search}`;
  };

  /** The hosted login started on `start`, up to the callback at the public URL (A's). */
  const loginUntilPublicCallback = (client: CookieClient, start: ScaleReplica): Promise<string> =>
    loginUntilCallback(client, start, a.url, USER);

  async function loginAcross(start: ScaleReplica, finish: ScaleReplica): Promise<CookieClient> {
    const client = new CookieClient();
    const callback = await loginUntilPublicCallback(client, start);
    const done = await client.request(on(finish, callback));
    await done.arrayBuffer();
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/');
    return client;
  }

  async function me(client: CookieClient, replica: ScaleReplica): Promise<number> {
    const response = await client.request(`${replica.url}/api/me`);
    await response.arrayBuffer();
    return response.status;
  }

  test('a login started on one replica completes on the other, and both know the user', async () => {
    const ab = await loginAcross(a, b);
    expect(await me(ab, a)).toBe(200);
    expect(await me(ab, b)).toBe(200);
    const ba = await loginAcross(b, a);
    expect(await me(ba, b)).toBe(200);
    expect(await me(ba, a)).toBe(200);
  });

  test('the login state and the session are in Redis; a callback used on one replica fails on the other', async () => {
    const client = new CookieClient();
    const callback = await loginUntilPublicCallback(client, a);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const keys = await raw.keys('scale:sess:*');
    await raw.close();
    expect(keys.length).toBeGreaterThan(0);
    const done = await client.request(on(b, callback));
    await done.arrayBuffer();
    expect(done.headers.get('location')).toBe('/');
    // Replaying the callback on A: the state was used on B, and A sees that.
    const replay = await client.request(on(a, callback));
    await replay.arrayBuffer();
    expect(replay.headers.get('location')).toBe('/?login=failed&error=state');
  });

  test('after expiry, concurrent requests on both replicas make one refresh call; both see the renewal', async () => {
    const client = await loginAcross(b, a);
    expect(await me(client, a)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_SECONDS * 1000 + 300));

    emulator.resetRequestCounts();
    const statuses = await Promise.all([a, b, a, b, a, b].map((replica) => me(client, replica)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(emulator.requestCountFor('/oidc/token')).toBe(1);
    // Renewed tokens were stored: neither replica needs another refresh.
    expect(await me(client, b)).toBe(200);
    expect(await me(client, a)).toBe(200);
    expect(emulator.requestCountFor('/oidc/token')).toBe(1);

    // And again after the renewed token expires: the rotated refresh token works once more.
    await new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_SECONDS * 1000 + 300));
    const again = await Promise.all([b, a, b, a].map((replica) => me(client, replica)));
    expect(again).toEqual([200, 200, 200, 200]);
    expect(emulator.requestCountFor('/oidc/token')).toBe(2);
  });

  test('logout on one replica ends the session on all', async () => {
    const client = await loginAcross(a, b);
    expect(await me(client, b)).toBe(200);
    // A GET that may come from another site gets the confirmation page, and changes nothing.
    const page = await client.request(`${b.url}/logout`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('id="logout-confirm"');
    expect(await me(client, a)).toBe(200);
    const logout = await client.request(`${b.url}/logout`, {
      method: 'POST',
      headers: { origin: a.url, 'sec-fetch-site': 'same-origin' },
    });
    await logout.arrayBuffer();
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toContain('/oidc/session/end');
    expect(await me(client, a)).toBe(401);
    expect(await me(client, b)).toBe(401);
  });
});
