/**
 * Issue #10.3: the JWKS rate limit holds in every state. While the identity server fails, and before
 * the keys were ever loaded (`loadSigningKeysOnStart: false`), a flood of bearer requests, sequential
 * or concurrent, causes at most one key-set fetch per interval; a server that answers 503 is not
 * retried on top of that; once the server heals, the next interval's fetch loads the keys.
 */
import { performance } from 'node:perf_hooks';
import { AuthenticationClient, AuthingTokenError } from '../../lib/sdk/index.js';
import { bearerGet, startProbeApp, type RunningApp } from './support/apps.js';
import { FaultProxy, type Fault } from './support/fault-proxy.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness, delay } from './support/harness.js';

const JWKS = '/oidc/.well-known/jwks.json';
const INTERVAL = 3000;
const USER = { email: 'flood@example.com', password: 'Fl00d-secret-passw0rd' };
const UNAVAILABLE: Fault = { kind: 'answer', status: 503, body: '{"error":"temporarily_unavailable"}' };

const harness = new SecurityHarness();
const proxy = new FaultProxy();
let source: ForgingEmulator;

beforeAll(async () => {
  harness.install();
  await proxy.start();
  source = await ForgingEmulator.start({
    publicOrigin: proxy.origin,
    seed: { users: [USER] },
    logger: harness.emulatorLogger,
  });
  proxy.target = source.emulator.localOrigin;
  harness.secret('app secret', source.emulator.app.appSecret);
  harness.secret('password', USER.password);
});

afterEach(() => proxy.heal());

afterAll(async () => {
  await source?.stop();
  await proxy.stop();
  harness.uninstall();
});

const tokenOf = async () =>
  harness.token('access token', (await source.emulator.issueTokens({ user: USER.email })).access_token);

/** A cold app (keys never loaded) talking to the proxy, with fast transport retries. */
function coldApp(): Promise<RunningApp> {
  const { emulator } = source;
  return startProbeApp({
    module: () => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      loadSigningKeysOnStart: false,
      jwksRefetchInterval: INTERVAL,
      retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 },
    }),
    logger: harness.nestLogger,
  });
}

/** The most fetches a rate limit of one per INTERVAL allows over `elapsedMs`. */
const allowed = (elapsedMs: number) => 1 + Math.floor(elapsedMs / INTERVAL);

describe.each([
  ['answering 503', UNAVAILABLE],
  ['dropping connections', { kind: 'reset' } as Fault],
])('identity server %s, keys never loaded', (_name, fault) => {
  test('sequential and concurrent bearer requests: one fetch per interval, each 503', async () => {
    const app = await coldApp();
    try {
      const token = await tokenOf();
      await proxy.set(fault, (path) => path === JWKS);
      proxy.resetCounts();
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect((await bearerGet(app.url, token)).status).toBe(503);
      for (let batch = 0; batch < 10; batch++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => bearerGet(app.url, token)));
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(503));
      }
      const fetches = allowed(performance.now() - started);
      // A 503 is an answer: not retried. A dropped connection may be retried (twice), once per fetch.
      const perFetch = fault.kind === 'answer' ? 1 : 3;
      expect(proxy.countFor(JWKS)).toBeGreaterThanOrEqual(1);
      expect(proxy.countFor(JWKS)).toBeLessThanOrEqual(fetches * perFetch);

      // Healed, the next fetch happens once the interval has passed, and the keys are in.
      await proxy.heal();
      await delay(INTERVAL + 100);
      proxy.resetCounts();
      const answers = await Promise.all(Array.from({ length: 10 }, () => bearerGet(app.url, token)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(proxy.countFor(JWKS)).toBe(1);
    } finally {
      await app.close();
    }
  });
});

test('SDK: verifications while the JWKS answers 503 cause one request, and say when the next attempt is', async () => {
  const { emulator } = source;
  const client = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    jwksRefetchInterval: 60_000,
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 10 },
  });
  try {
    const token = await tokenOf();
    await proxy.set(UNAVAILABLE, (path) => path === JWKS);
    proxy.resetCounts();
    const errors = await Promise.all(Array.from({ length: 5 }, () => client.verifyAccessToken(token).catch((e) => e)));
    for (let i = 0; i < 5; i++) errors.push(await client.verifyAccessToken(token).catch((e: unknown) => e));
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthingTokenError);
      expect((error as AuthingTokenError).check).toBe('jwks_unavailable');
    }
    expect((errors.at(-1) as Error).message).toMatch(/next attempt in \d+ s/);
    expect(proxy.countFor(JWKS)).toBe(1);
    expect(client.jwksFetchCount).toBe(1);
    // An explicit load is the caller's decision and still goes out.
    await proxy.heal();
    await client.loadSigningKeys();
    await expect(client.verifyAccessToken(token)).resolves.toMatchObject({ sub: expect.any(String) });
  } finally {
    await client.close();
  }
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
