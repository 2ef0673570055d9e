/**
 * The management "kick users" call ends the user's sessions in applications too: the emulator sends
 * an OpenID Connect back-channel logout token to each application the user logged into, whose
 * `AuthingBackchannelLogout` ends the matching sessions on every replica (Express and Fastify).
 */
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient } from '../support/cookie-client.js';
import { RedisServer } from '../support/redis-server.js';
import { loginUntilCallback, startReplica, type Adapter, type ScaleReplica } from '../support/scale-app.js';

const KICKED = { email: 'kicked@example.com', password: 'Kicked-passw0rd' };
const OTHER = { email: 'stays@example.com', password: 'Stays-passw0rd' };

let redis: RedisServer;
let emulator: AuthingEmulator;
let management: ManagementClient;

beforeAll(async () => {
  redis = await RedisServer.start();
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [{ ...KICKED }, { ...OTHER }] } });
  management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
});

afterAll(async () => {
  await emulator?.stop();
  await redis?.dispose();
});

describe.each<[Adapter, Adapter]>([
  ['fastify', 'express'],
  ['express', 'fastify'],
])('back-channel logout received on %s, the other replica on %s', (adapterA, adapterB) => {
  let a: ScaleReplica;
  let b: ScaleReplica;

  beforeAll(async () => {
    a = await startReplica({ adapter: adapterA, emulator, redisUrl: redis.url });
    b = await startReplica({ adapter: adapterB, emulator, redisUrl: redis.url, publicUrl: a.url });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  /** Logs in on A, the callback landing on B. */
  async function login(user: { email: string; password: string }): Promise<CookieClient> {
    const client = new CookieClient();
    const callback = await loginUntilCallback(client, a, a.url, user);
    const done = await client.request(callback.replace(a.url, b.url));
    await done.arrayBuffer();
    expect(done.headers.get('location')).toBe('/');
    return client;
  }

  async function me(client: CookieClient, replica: ScaleReplica): Promise<{ status: number; sub?: string }> {
    const response = await client.request(`${replica.url}/api/me`);
    if (response.status !== 200) return { status: response.status };
    return { status: 200, sub: ((await response.json()) as { sub: string }).sub };
  }

  test('kickUsers ends every session of the user on every replica, and only that user’s', async () => {
    const first = await login(KICKED);
    const second = await login(KICKED); // another browser: another Authing session
    const other = await login(OTHER);
    const { sub } = await me(first, a);
    expect(sub).toBeDefined();
    expect((await me(second, b)).status).toBe(200);

    const kicked = await management.kickUsers({ userId: sub!, appIds: [emulator.app.appId] });
    expect(kicked.statusCode).toBe(200);

    for (const client of [first, second]) {
      expect((await me(client, a)).status).toBe(401);
      expect((await me(client, b)).status).toBe(401);
    }
    expect((await me(other, a)).status).toBe(200);
    expect((await me(other, b)).status).toBe(200);

    // The same browser's next login asks for the password again: its Authing session ended too.
    const begin = await first.request(`${a.url}/login`);
    await begin.arrayBuffer();
    const page = await first.follow(begin.headers.get('location')!, (url) => url.startsWith(a.url));
    expect(await page.response.text()).toContain('id="login-form"');
    // The other user's Authing session is untouched: their next login needs no password (consent at most).
    const otherBegin = await other.request(`${a.url}/login`);
    await otherBegin.arrayBuffer();
    const otherPage = await other.follow(otherBegin.headers.get('location')!, (url) => url.startsWith(a.url));
    expect(await otherPage.response.text()).not.toContain('id="login-form"');
  });
});
