/**
 * Faults of a scaled-out deployment, with a real Redis, on Express and on Fastify: nothing lost,
 * nothing let in.
 * - Redis unavailable: session routes answer 503 with Retry-After (not 500, not a logout), bearer
 *   routes keep working, and the sessions are intact when Redis returns.
 * - Redis restarted with persistence off: the user must log in again, told so by a 401, not a 500.
 * - A replica stopped abruptly during logins: the pending logins are in Redis, so their callbacks
 *   complete on the other replica, and its own logins carry on.
 */
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient } from '../support/cookie-client.js';
import { RedisServer } from '../support/redis-server.js';
import { loginUntilCallback, startReplica, type Adapter, type ScaleReplica } from '../support/scale-app.js';

const USER = { email: 'fault@example.com', password: 'Fault-passw0rd' };

let redis: RedisServer;
let emulator: AuthingEmulator;

beforeAll(async () => {
  redis = await RedisServer.start();
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [{ ...USER, name: 'Fay' }] } });
});

afterAll(async () => {
  await emulator?.stop();
  await redis?.dispose();
});

describe.each<Adapter>(['express', 'fastify'])('on %s', (adapter) => {
  let a: ScaleReplica;

  beforeAll(async () => {
    a = await startReplica({ adapter, emulator, redisUrl: redis.url });
  });

  afterAll(async () => {
    await a?.close();
  });

  const startLogin = (client: CookieClient, replica: ScaleReplica): Promise<string> =>
    loginUntilCallback(client, replica, a.url, USER);

  async function login(): Promise<CookieClient> {
    const client = new CookieClient();
    const done = await client.request(await startLogin(client, a));
    await done.arrayBuffer();
    expect(done.headers.get('location')).toBe('/');
    return client;
  }

  async function me(client: CookieClient, init: RequestInit = {}): Promise<Response> {
    const response = await client.request(`${a.url}/api/me`, init);
    await response.arrayBuffer();
    return response;
  }

  /** Until Redis answers again (the client reconnects within a second). */
  async function untilNot503(client: CookieClient): Promise<Response> {
    for (let i = 0; i < 100; i++) {
      const response = await me(client);
      if (response.status !== 503) return response;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('Redis never came back');
  }

  test('Redis unavailable: 503 with Retry-After on session routes, bearer routes work, sessions intact after', async () => {
    const client = await login();
    expect((await me(client)).status).toBe(200);
    const { access_token: bearer } = await emulator.issueTokens({ user: USER.email });

    await redis.stop({ keepData: true });
    try {
      const refused = await me(client);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      // The login page too: no pending login can be stored.
      const loginPage = await new CookieClient().request(`${a.url}/login`);
      await loginPage.arrayBuffer();
      expect(loginPage.status).toBe(503);
      // A bearer request needs no session: it goes on, with or without the session cookie.
      const anonymous = new CookieClient();
      expect((await me(anonymous, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(200);
      expect((await me(client, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(200);
      // The callback of a login cannot find its state: 503 too, not a failed login.
      const callback = await client.request(`${a.url}/callback?code=x&state=y`);
      await callback.arrayBuffer();
      expect(callback.status).toBe(503);
    } finally {
      await redis.start();
    }
    // Back: the same cookie is the same login.
    expect((await untilNot503(client)).status).toBe(200);
  });

  test('Redis restarted without persistence: a clear 401, log in again', async () => {
    const client = await login();
    expect((await me(client)).status).toBe(200);
    await redis.restart();
    const after = await untilNot503(client);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
    // Logging in again works.
    const again = await login();
    expect((await me(again)).status).toBe(200);
  });

  test('a replica stopped abruptly during logins: its pending logins complete on the other one', async () => {
    const b = await startReplica({ adapter, emulator, redisUrl: redis.url, publicUrl: a.url });
    const onB = Array.from({ length: 6 }, () => new CookieClient());
    const callbacks = await Promise.all(onB.map((client) => startLogin(client, b)));
    // B goes away with connections cut, as a killed process.
    await b.close();
    // The load balancer sends the callbacks (and new logins) to A: all complete.
    const [finished, fresh] = await Promise.all([
      Promise.all(
        onB.map(async (client, i) => {
          const done = await client.request(callbacks[i]!);
          await done.arrayBuffer();
          return [done.headers.get('location'), (await me(client)).status];
        }),
      ),
      Promise.all(Array.from({ length: 4 }, () => login().then(async (client) => (await me(client)).status))),
    ]);
    expect(finished).toEqual(onB.map(() => ['/', 200]));
    expect(fresh).toEqual([200, 200, 200, 200]);
  });
});
