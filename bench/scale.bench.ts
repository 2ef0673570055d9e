/**
 * Scale-out: two replicas of the sample on one Redis (and one emulator). Hosted logins round-robin
 * with the callback on the other replica, then session-authenticated requests over both, counting
 * failures; a session route on Redis vs MemoryStore vs a bearer route (same run, same client), and
 * the Redis commands each request costs. Counts: SCALE_LOGINS (1000), SCALE_REQUESTS (50000),
 * SCALE_COMPARE (5000). Everything runs in this process (client and servers): the ratios compare
 * routes under the same conditions, not absolute capacity.
 */
import { createSampleApp, type SampleApp } from '../sample/app.js';
import { AuthingEmulator } from '../lib/testing/index.js';
import { CookieClient, completeEmulatorLogin } from '../test/support/cookie-client.js';
import { RedisServer } from '../test/support/redis-server.js';
import { fmt, type BenchSection } from './util.js';

const USER = { email: 'scale@example.com', password: 'Scale-passw0rd' };
const count = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback) || fallback);

/** Runs `total` tasks, `concurrency` at a time (bounded). */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function loginAcross(start: SampleApp, finish: SampleApp, publicUrl: string): Promise<CookieClient> {
  const client = new CookieClient();
  const begin = await client.request(`${start.url}/login`);
  await begin.arrayBuffer();
  if (begin.status !== 302) throw new Error(`/login answered ${begin.status}`);
  const callback = await completeEmulatorLogin(
    client,
    begin.headers.get('location')!,
    { account: USER.email, password: USER.password },
    (url) => url.startsWith(publicUrl),
  );
  const done = await client.request(callback.replace(publicUrl, finish.url));
  await done.arrayBuffer();
  if (done.headers.get('location') !== '/') throw new Error(`callback answered ${done.status}`);
  client.hops.length = 0;
  return client;
}

async function get(client: CookieClient, url: string, headers?: Record<string, string>): Promise<number> {
  const response = await client.request(url, headers ? { headers } : {});
  await response.arrayBuffer();
  client.hops.length = 0;
  return response.status;
}

/** Redis commands that only read a key, and those that change one (what a session request may cost). */
const READS = new Set(['get', 'mget', 'exists', 'smembers', 'pttl', 'ttl']);

interface CommandCounts {
  total: number;
  reads: number;
  writes: number;
}

/**
 * Commands Redis has processed so far, by kind, from `INFO commandstats` (counted by Redis itself):
 * reads, writes (anything else but INFO and the connection's own HELLO/CLIENT/SELECT), and the total.
 */
async function processed(url: string): Promise<CommandCounts> {
  const { createClient } = await import('redis');
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('commandstats');
  await client.close();
  const counts: CommandCounts = { total: 0, reads: 0, writes: 0 };
  for (const match of info.matchAll(/^cmdstat_([a-z|_-]+):calls=(\d+)/gm)) {
    const name = match[1]!.split('|')[0]!;
    const calls = Number(match[2]);
    if (['info', 'hello', 'client', 'select', 'command', 'ping'].includes(name)) continue;
    counts.total += calls;
    if (READS.has(name)) counts.reads += calls;
    else counts.writes += calls;
  }
  return counts;
}

/** Commands per request between two counts. */
function perRequest(before: CommandCounts, after: CommandCounts, requests: number): CommandCounts {
  return {
    total: (after.total - before.total) / requests,
    reads: (after.reads - before.reads) / requests,
    writes: (after.writes - before.writes) / requests,
  };
}

const ratio = (x: number) => x.toFixed(2);
const rw = (counts: CommandCounts) => `${counts.reads.toFixed(3)} / ${counts.writes.toFixed(3)}`;

export async function scaleBench(): Promise<BenchSection> {
  const logins = count('SCALE_LOGINS', 1000);
  const requests = count('SCALE_REQUESTS', 50_000);
  const compare = count('SCALE_COMPARE', 5000);
  const redis = await RedisServer.start();
  const emulator = await AuthingEmulator.start({ port: 0, seed: { users: [{ ...USER }] } });
  const env = { REDIS_URL: redis.url, SESSION_SECRET: 'scale-bench-session-secret-0123' };
  const a = await createSampleApp({ port: 0, emulator, env, logger: false });
  const b = await createSampleApp({ port: 0, emulator, env, logger: false, publicUrl: a.url });
  const memory = await createSampleApp({
    port: 0,
    emulator,
    env: { SESSION_SECRET: env.SESSION_SECRET },
    logger: false,
  });
  const replicas = [a, b];
  try {
    // 1. Hosted logins, round-robin, callback on the other replica.
    let loginFailures = 0;
    const clients: CookieClient[] = [];
    const loginSeconds = await pool(logins, 8, async (i) => {
      try {
        const client = await loginAcross(replicas[i % 2]!, replicas[(i + 1) % 2]!, a.url);
        if (clients.length < 64) clients.push(client);
      } catch {
        loginFailures++;
      }
    });

    // 2. Session requests over both replicas.
    let requestFailures = 0;
    const before = await processed(redis.url);
    const requestSeconds = await pool(requests, 32, async (i) => {
      const status = await get(clients[i % clients.length]!, `${replicas[i % 2]!.url}/api/me`);
      if (status !== 200) requestFailures++;
    });
    const commandsPerRequest = perRequest(before, await processed(redis.url), requests);

    // 3. Same route: session on Redis, session on MemoryStore, bearer token.
    const memoryClient = await loginAcross(memory, memory, memory.url);
    const { access_token: bearer } = await emulator.issueTokens({ user: USER.email });
    const anonymous = new CookieClient();
    const redisClient = clients[0]!;
    const rate = async (run: () => Promise<number>) => {
      let failures = 0;
      const seconds = await pool(compare, 32, async () => {
        if ((await run()) !== 200) failures++;
      });
      return { perSecond: compare / seconds, failures };
    };
    const redisBefore = await processed(redis.url);
    const onRedis = await rate(() => get(redisClient, `${a.url}/api/me`));
    const redisPerRequest = perRequest(redisBefore, await processed(redis.url), compare);
    const onMemory = await rate(() => get(memoryClient, `${memory.url}/api/me`));
    const onBearer = await rate(() => get(anonymous, `${a.url}/api/me`, { authorization: `Bearer ${bearer}` }));

    const rows = [
      ['Measure', 'Value'],
      [`Hosted logins (round-robin, callback on the other replica)`, `${logins} in ${fmt(loginSeconds)} s`],
      ['Login failures', String(loginFailures)],
      [`Session requests over both replicas`, `${requests} in ${fmt(requestSeconds)} s`],
      ['Session request failures', String(requestFailures)],
      ['Redis commands per session request (both replicas): reads / writes', rw(commandsPerRequest)],
      ['Session route on Redis, req/s', fmt(onRedis.perSecond)],
      ['Session route on MemoryStore, req/s', fmt(onMemory.perSecond)],
      ['Bearer route, req/s', fmt(onBearer.perSecond)],
      ['Redis / MemoryStore', ratio(onRedis.perSecond / onMemory.perSecond)],
      ['Redis / bearer', ratio(onRedis.perSecond / onBearer.perSecond)],
      ['Redis commands per request (one replica, one session): reads / writes', rw(redisPerRequest)],
    ];
    return {
      title: 'Scale-out: two replicas on Redis',
      rows,
      notes: [
        'Client and servers share this process: ratios compare routes in the same run, not capacity.',
        'Redis commands are counted by Redis itself (INFO commandstats), before and after: reads are GET-like,',
        'writes everything else (SET, EXPIRE, DEL...). A session is written when it changed: a renewal, or',
        'its last-seen time, at most once per inactivity step (≤ 1 min), so over a long run writes tend to 0.',
        `Counts: SCALE_LOGINS=${logins}, SCALE_REQUESTS=${requests}, SCALE_COMPARE=${compare} (environment).`,
      ],
      targets: [
        { target: 'zero login failures', met: loginFailures === 0 },
        { target: 'zero session request failures', met: requestFailures === 0 && onRedis.failures === 0 },
        {
          target: 'at most one Redis read per session request, no write unless the session changed',
          met: redisPerRequest.reads <= 1.0 && redisPerRequest.writes <= 0.01,
        },
      ],
    };
  } finally {
    await memory.close();
    await a.close();
    await b.close();
    await emulator.stop();
    await redis.dispose();
  }
}
