/**
 * An identity server that misbehaves: down, slower than the timeout, answering 500, 429, HTML, or
 * dropping connections. The emulator sits behind a proxy switched into each failure mode. The
 * application keeps serving: bearer routes work from the cached key set, routes that need the
 * server answer 503 with Retry-After (never 500, never a hang), retries stay within their bound
 * (counted at the proxy), and every scenario ends with no unhandled rejection and no socket, server
 * or timer left behind once its applications are closed.
 */
import { performance } from 'node:perf_hooks';
import type { AuthingModuleOptions } from '../../lib/index.js';
import { createSampleApp } from '../../sample/app.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { authingEnvOf } from '../support/authing-env.js';
import { startProbeApp, type RunningApp } from './support/apps.js';
import { FaultProxy, HTML_PAGE, type Fault } from './support/fault-proxy.js';
import { ForgingEmulator } from './support/forge.js';
import { delay, resources, resourcesInExcess, SecurityHarness } from './support/harness.js';

const JWKS = '/oidc/.well-known/jwks.json';
const TOKEN = '/oidc/token';
const INTROSPECTION = '/oidc/token/introspection';
const ROLES = '/api/v3/get-user-roles';
const ADMIN = { email: 'root@example.com', password: 'R00t-secret-passw0rd', name: 'Root' };
const TIMEOUT = 300;
const RETRIES = 2;

const harness = new SecurityHarness();
const proxy = new FaultProxy();
let source: ForgingEmulator;

beforeAll(async () => {
  harness.install();
  await proxy.start();
  source = await ForgingEmulator.start({
    publicOrigin: proxy.origin,
    seed: { users: [{ ...ADMIN, roles: ['admin'] }] },
    logger: harness.emulatorLogger,
  });
  proxy.target = source.emulator.localOrigin;
  harness.secret('app secret', source.emulator.app.appSecret);
  harness.secret('access key secret', source.emulator.accessKey.accessKeySecret);
  harness.secret('password', ADMIN.password);
});

afterAll(async () => {
  await source?.stop();
  await proxy.stop();
  harness.uninstall();
});

/** Module options for an app talking to the proxy, with a short timeout and bounded fast retries. */
function options(extra: Partial<AuthingModuleOptions> = {}): (url: string) => AuthingModuleOptions {
  const { emulator } = source;
  return () => ({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    ...emulator.accessKey,
    host: emulator.host,
    roles: { source: 'management', cacheTtl: 60_000 },
    timeout: TIMEOUT,
    retry: { retries: RETRIES, minDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  });
}

/**
 * Runs a scenario: whatever it opens it must close; afterwards no socket, server or timer may be in
 * excess of what there was before, and no promise may have been left rejected unhandled.
 */
async function scenario(run: (open: <T extends { close(): Promise<void> }>(thing: T) => T) => Promise<void>) {
  const before = resources();
  const unhandledBefore = harness.unhandled.length;
  const opened: { close(): Promise<void> }[] = [];
  try {
    await run((thing) => {
      opened.push(thing);
      return thing;
    });
  } finally {
    await proxy.heal();
    for (const thing of opened.reverse()) await thing.close();
    proxy.dropIdleConnections();
  }
  expect(await resourcesInExcess(before)).toEqual({});
  expect(harness.unhandled.slice(unhandledBefore)).toEqual([]);
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
  ms: number;
}

/** GET with an optional bearer token or browser; never waits more than 5 s (a hang fails). */
async function get(url: string, token?: string, browser?: CookieClient): Promise<Answer> {
  const started = performance.now();
  const init: RequestInit = {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(5000),
  };
  const response = browser ? await browser.request(url, init) : await fetch(url, { ...init, redirect: 'manual' });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text: text.slice(0, 200) };
  }
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body,
    ms: performance.now() - started,
  };
}

const tokenOf = async () =>
  harness.token('access token', (await source.emulator.issueTokens({ user: ADMIN.email })).access_token);

/** A browser that signed in at the provider and holds the app's callback URL (not yet followed). */
async function pendingCallback(app: RunningApp): Promise<{ browser: CookieClient; callback: string }> {
  const { emulator } = source;
  emulator.updateApp(emulator.app.appId, {
    redirectUris: [...new Set([...emulator.app.redirectUris, `${app.url}/callback`])],
  });
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, app.url, ADMIN);
  harness.secret('authorization code', new URL(callback).searchParams.get('code') ?? undefined);
  return { browser, callback };
}

function expect503(answer: Answer, maxMs: number): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toMatch(/^\d+$/);
  expect(answer.ms).toBeLessThan(maxMs);
}

/**
 * The shared part of every failure mode: a warm app keeps verifying bearer tokens, a cold one
 * answers 503, role lookups and introspection answer 503, the login callback answers 503 and starts
 * no session. Returns the attempts counted at the proxy per path.
 */
async function underFault(
  fault: Fault,
  open: <T extends { close(): Promise<void> }>(thing: T) => T,
  maxMs: number,
): Promise<Record<string, number>> {
  const warm = open(await startProbeApp({ module: options(), logger: harness.nestLogger }));
  const introspecting = open(
    await startProbeApp({ module: options({ tokenValidation: 'introspection' }), logger: harness.nestLogger }),
  );
  const seen = await tokenOf();
  expect((await get(`${warm.url}/me`, seen)).status).toBe(200); // keys in hand
  const unseen = await tokenOf();
  const { browser, callback } = await pendingCallback(warm);
  const cold = open(
    await startProbeApp({ module: options({ loadSigningKeysOnStart: false }), logger: harness.nestLogger }),
  );

  await proxy.set(fault);
  proxy.resetCounts();
  const attempts: Record<string, number> = {};
  const count = (path: string) => {
    attempts[path] = proxy.countFor(path);
    proxy.resetCounts();
  };

  // Bearer routes keep working from the cached key set, for known and new tokens alike.
  const bearer = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${warm.url}/me`, i % 2 ? seen : unseen)));
  expect(bearer.map((a) => a.status)).toEqual(Array(20).fill(200));
  count('warm');

  expect503(await get(`${cold.url}/me`, unseen), maxMs);
  count(JWKS);
  expect503(await get(`${warm.url}/admin`, seen), maxMs);
  count(ROLES);
  expect503(await get(`${introspecting.url}/me`, seen), maxMs);
  count(INTROSPECTION);
  const login = await get(callback, undefined, browser);
  expect503(login, maxMs);
  expect(login.body).toMatchObject({ error: 'unavailable' });
  count(TOKEN);
  expect((await get(`${warm.url}/me`, undefined, browser)).status).toBe(401); // no session
  // /login needs nothing from the server: it still redirects there.
  expect((await get(`${warm.url}/login`)).status).toBe(302);
  return attempts;
}

const GET_BOUND = 1 + RETRIES;

describe('the application keeps serving when the identity server misbehaves', () => {
  test('down: connections refused', () =>
    scenario(async (open) => {
      const attempts = await underFault({ kind: 'refuse' }, open, 2000);
      // Nothing listens, so the proxy counts nothing: the bound is checked with `reset` below.
      expect(attempts).toEqual({ warm: 0, [JWKS]: 0, [ROLES]: 0, [INTROSPECTION]: 0, [TOKEN]: 0 });
    }));

  test('connections dropped mid-request: GETs retried within their bound, POSTs not at all', () =>
    scenario(async (open) => {
      const attempts = await underFault({ kind: 'reset' }, open, 2000);
      expect(attempts).toEqual({ warm: 0, [JWKS]: GET_BOUND, [ROLES]: GET_BOUND, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('slower than the timeout: 503 after the bounded attempts, not a hang', () =>
    scenario(async (open) => {
      const attempts = await underFault({ kind: 'slow', delayMs: 1000 }, open, GET_BOUND * (TIMEOUT + 100) + 500);
      expect(attempts).toEqual({ warm: 0, [JWKS]: GET_BOUND, [ROLES]: GET_BOUND, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('answering 500: not retried, 503', () =>
    scenario(async (open) => {
      const fault: Fault = { kind: 'answer', status: 500, body: '{"error":"server_error"}' };
      const attempts = await underFault(fault, open, 2000);
      expect(attempts).toEqual({ warm: 0, [JWKS]: 1, [ROLES]: 1, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('answering 429 with Retry-After: GETs retried within their bound (the key set excepted), 503', () =>
    scenario(async (open) => {
      const fault: Fault = {
        kind: 'answer',
        status: 429,
        body: '{"error":"too_many_requests"}',
        headers: { 'retry-after': '1' },
      };
      const attempts = await underFault(fault, open, 2000);
      // The key set is not retried on an answer: its store has its own back-off (issue #10.3).
      expect(attempts).toEqual({ warm: 0, [JWKS]: 1, [ROLES]: GET_BOUND, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('answering an HTML page with 200 instead of JSON: 503', () =>
    scenario(async (open) => {
      const fault: Fault = { kind: 'answer', status: 200, body: HTML_PAGE, headers: { 'content-type': 'text/html' } };
      const attempts = await underFault(fault, open, 2000);
      expect(attempts).toEqual({ warm: 0, [JWKS]: 1, [ROLES]: 1, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('a gateway answering 502 HTML: GETs retried within their bound (the key set excepted), 503', () =>
    scenario(async (open) => {
      const fault: Fault = { kind: 'answer', status: 502, body: HTML_PAGE, headers: { 'content-type': 'text/html' } };
      const attempts = await underFault(fault, open, 2000);
      expect(attempts).toEqual({ warm: 0, [JWKS]: 1, [ROLES]: GET_BOUND, [INTROSPECTION]: 1, [TOKEN]: 1 });
    }));

  test('a stale key set is refreshed in the background at most once per interval while the server fails', () =>
    scenario(async (open) => {
      const app = open(
        await startProbeApp({
          module: options({ jwksMaxAge: 1, jwksRefetchInterval: 60_000, retry: false }),
          logger: harness.nestLogger,
        }),
      );
      const tokens = await Promise.all(Array.from({ length: 40 }, () => tokenOf()));
      expect((await get(`${app.url}/me`, tokens[0])).status).toBe(200);
      await proxy.set({ kind: 'answer', status: 500, body: '{"error":"server_error"}' }, (path) => path === JWKS);
      proxy.resetCounts();
      for (const token of tokens) {
        expect((await get(`${app.url}/me`, token)).status).toBe(200);
        await delay(2);
      }
      expect(proxy.countFor(JWKS)).toBeLessThanOrEqual(1);
    }));
});

describe('the sample application', () => {
  test('down: /api/me keeps working, the admin area and the login answer 503 / the failure page', () =>
    scenario(async (open) => {
      const { emulator } = source;
      const sample = open(
        await createSampleApp({
          port: 0,
          env: {
            ...authingEnvOf(emulator),
            SESSION_SECRET: harness.secret('session secret', 'sample-session-secret-for-faults'),
          },
          logger: harness.nestLogger,
        }),
      );
      const token = await tokenOf();
      expect((await get(`${sample.url}/api/me`, token)).status).toBe(200);
      expect((await get(`${sample.url}/admin/users`, token)).status).toBe(200); // roles now cached
      const { browser, callback } = await pendingCallback({ app: sample.app, url: sample.url, close: sample.close });

      await proxy.set({ kind: 'refuse' });
      expect((await get(`${sample.url}/api/me`, token)).status).toBe(200);
      expect((await get(`${sample.url}/api/me`, await tokenOf())).status).toBe(200);
      expect503(await get(`${sample.url}/admin/users`, token), 5000);
      const login = await get(callback, undefined, browser);
      expect(login.status).toBe(302); // the sample sets loginFailureRedirect
      expect(browser.hops.at(-1)!.location).toBe(`${sample.url}/?login=failed&error=unavailable`);
      expect((await get(`${sample.url}/api/me`, undefined, browser)).status).toBe(401);
      expect((await get(`${sample.url}/health`)).status).toBe(200);
    }));
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.linesOf('nest.warn').some((line) => line.includes('unavailable'))).toBe(true);
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
