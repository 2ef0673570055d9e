/**
 * Secrets: the app secret, the access key secret, passwords, codes, PKCE verifiers, session cookies
 * and tokens never appear in logs (process stdout and stderr, the console, the Nest logger, the
 * emulator's logger, all captured), in error messages, or in any property of a thrown error
 * (`String(e)`, `e.stack`, `JSON.stringify(e)`, `util.inspect(e, { depth: 10, showHidden: true })`),
 * even when the identity server echoes back everything it receives. And the session cookie is
 * HttpOnly, SameSite=Lax, Secure behind HTTPS, and signed.
 */
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AuthenticationClient,
  AuthingArgumentError,
  AuthingCallbackError,
  AuthingConfigurationError,
  AuthingHttpError,
  AuthingModule,
  AuthingNetworkError,
  AuthingTimeoutError,
  AuthingTokenError,
  ManagementClient,
  type AuthingModuleOptions,
} from '../../lib/index.js';
import { resolveAuthingOptions } from '../../lib/nest/options/validate-options.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import {
  completeEmulatorLogin,
  CookieClient,
  loginUntilCallback,
  formAction,
  isRedirect,
} from '../support/cookie-client.js';
import { authingEnvOf } from '../support/authing-env.js';
import { startProbeApp, type RunningApp } from './support/apps.js';
import { FaultProxy } from './support/fault-proxy.js';
import { ForgingEmulator, TokenForge, tokenAttacks, type AttackContext } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const ADMIN = { email: 'keeper@example.com', password: 'K33per-secret-passw0rd', name: 'Keeper' };
const READER = { email: 'reader@example.com', password: 'R3ader-secret-passw0rd', name: 'Reader' };
const WRONG_PASSWORD = 'Wr0ng-but-still-a-secret-passw0rd';
const SESSION_SECRET = 'secrets-suite-session-secret-0123456789';
const CLOSED = 'http://127.0.0.1:9';

const harness = new SecurityHarness();
const proxy = new FaultProxy();
let source: ForgingEmulator;
let sample: SampleApp;
const apps: RunningApp[] = [];
const clients: { close(): Promise<void> }[] = [];
/** Every error this file provokes, inspected at the end. */
const errors: { label: string; error: unknown }[] = [];

async function caught(label: string, call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    errors.push({ label, error });
    return error;
  }
  throw new Error(`${label}: expected an error`);
}

function sdk(appHost = source.emulator.appHost, extra: Record<string, unknown> = {}): AuthenticationClient {
  const client = new AuthenticationClient({
    appId: source.emulator.app.appId,
    appSecret: source.emulator.app.appSecret,
    appHost,
    redirectUri: `${sample.url}/callback`,
    retry: false,
    timeout: 500,
    ...extra,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  harness.install();
  await proxy.start();
  source = await ForgingEmulator.start({
    publicOrigin: proxy.origin,
    seed: { users: [{ ...ADMIN, roles: ['admin'] }, READER] },
    logger: harness.emulatorLogger,
  });
  const { emulator } = source;
  proxy.target = emulator.localOrigin;
  for (const [label, value] of Object.entries({
    'app secret': emulator.app.appSecret,
    'access key secret': emulator.accessKey.accessKeySecret,
    // Half of the credential pair: kept out of logs like the secret.
    'access key id': emulator.accessKey.accessKeyId,
    'admin password': ADMIN.password,
    'reader password': READER.password,
    'wrong password': WRONG_PASSWORD,
    'session secret': SESSION_SECRET,
  })) {
    harness.secret(label, value);
  }
  // Whatever travels through the proxy that is a credential is remembered as a secret.
  proxy.observe = (_path, query, body) => {
    for (const params of [new URLSearchParams(query), new URLSearchParams(body)]) {
      for (const key of ['code', 'code_verifier', 'client_secret', 'refresh_token', 'token', 'access_token']) {
        const value = params.get(key);
        if (value) harness.token(key, value);
      }
    }
  };
  proxy.rewrites.set('/oidc/token', (_path, body) => {
    try {
      for (const value of Object.values(JSON.parse(body) as Record<string, unknown>)) {
        if (typeof value === 'string' && value.length > 20) harness.token('token from the token endpoint', value);
      }
    } catch {
      // not JSON
    }
    return body;
  });
  sample = await createSampleApp({
    port: 0,
    env: {
      ...authingEnvOf(emulator),
      SESSION_SECRET,
    },
    // Nest's own console logger, every level but the route listing: its output goes to the captured
    // process streams.
    logger: ['error', 'warn', 'debug', 'verbose'],
  });
  emulator.updateApp(emulator.app.appId, {
    redirectUris: [`${sample.url}/callback`],
    logoutRedirectUris: [`${sample.url}/`],
  });
});

afterEach(() => proxy.heal());

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const app of apps) await app.close();
  await sample?.close();
  await source?.stop();
  await proxy.stop();
  harness.uninstall();
});

/** A complete hosted login through the sample; the browser holds the session afterwards. */
async function hostedLogin(
  account: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<{ browser: CookieClient; setCookies: string[] }> {
  const browser = new CookieClient();
  const setCookies: string[] = [];
  const start = await browser.request(`${sample.url}/login`, { headers });
  setCookies.push(...start.headers.getSetCookie());
  const callback = await completeEmulatorLogin(
    browser,
    start.headers.get('location')!,
    { account: account.email, password: account.password },
    (url) => url.startsWith(sample.url),
  );
  const done = await browser.request(callback, { headers });
  expect(done.status).toBe(302);
  setCookies.push(...done.headers.getSetCookie());
  harness.secret('session cookie', browser.find('authing.sid')?.value);
  return { browser, setCookies };
}

const sessionCookieOf = (setCookies: string[]) => setCookies.filter((c) => c.startsWith('authing.sid='));

describe('logs', () => {
  test('the capture hears every channel: a canary written to each is found', async () => {
    const canary = new SecurityHarness();
    canary.install();
    try {
      const secret = canary.secret('canary', `canary-${Date.now()}-never-log-me`);
      process.stdout.write(`${secret}\n`);
      process.stderr.write(`${secret}\n`);
      console.warn(secret);
      canary.nestLogger.warn?.(secret);
      canary.emulatorLogger.info(secret);
      const channels = new Set(canary.leaks().map((l) => l.channel));
      expect([...channels].sort()).toEqual(['console.warn', 'emulator.info', 'nest.warn', 'stderr', 'stdout']);
    } finally {
      canary.uninstall();
    }
    // The suite's own capture heard the same writes (it stays installed underneath).
    expect(harness.linesOf('stdout').some((line) => line.includes('never-log-me'))).toBe(true);
    // The Nest logger of the sample writes to the captured stream as well.
    new Logger('SecretsSuite').warn('probe line from a Nest Logger');
    expect(harness.output.some((o) => o.text.includes('probe line from a Nest Logger'))).toBe(true);
  });

  test('a complete session: hosted login, API, profile, admin, logout', async () => {
    const { browser } = await hostedLogin(ADMIN);
    expect((await browser.request(`${sample.url}/api/me`)).status).toBe(200);
    expect((await browser.request(`${sample.url}/api/me/profile`)).status).toBe(200);
    const bearer = harness.token(
      'admin token',
      (await source.emulator.issueTokens({ user: ADMIN.email })).access_token,
    );
    expect((await fetch(`${sample.url}/admin/users`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(
      200,
    );
    const logout = await browser.request(`${sample.url}/logout`, { method: 'POST', headers: { origin: sample.url } });
    const idTokenHint = new URL(logout.headers.get('location')!).searchParams.get('id_token_hint');
    harness.token('id_token of the session', idTokenHint ?? undefined);
    expect(idTokenHint).toMatch(/^ey/);
    expect((await browser.request(`${sample.url}/api/me`)).status).toBe(401);
  });

  test('failed logins: a wrong password, a forged state, a replayed callback', async () => {
    const browser = new CookieClient();
    const start = await browser.request(`${sample.url}/login`);
    let { response, url } = await browser.follow(start.headers.get('location')!);
    const html = await response.text();
    const wrong = await browser.request(formAction(html, 'login-form', url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ account: READER.email, password: WRONG_PASSWORD }),
    });
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('Incorrect account or password');
    ({ response, url } = await browser.follow(start.headers.get('location')!, (u) => u.startsWith(sample.url)));
    expect(isRedirect(response.status) || response.status === 200).toBe(true);

    const forged = await fetch(`${sample.url}/callback?code=forged-code-value&state=forged-state-value`, {
      redirect: 'manual',
    });
    expect(forged.headers.get('location')).toBe('/?login=failed&error=state');

    const victim = new CookieClient();
    const callback = await loginUntilCallback(victim, sample.url, READER);
    expect((await victim.request(callback)).status).toBe(302);
    const replay = await new CookieClient().request(callback);
    expect(replay.headers.get('location')).toBe('/?login=failed&error=state');
  });

  test('the sign-in API, refresh and revocation through the SDK', async () => {
    const client = sdk(source.emulator.appHost, { scope: 'openid profile email offline_access' });
    const signIn = await client.signInByEmailPassword({
      email: READER.email,
      password: READER.password,
      options: { scope: 'openid profile offline_access' },
    });
    expect(signIn.statusCode).toBe(200);
    for (const value of Object.values(signIn.data)) if (typeof value === 'string') harness.token('sign-in', value);
    const refreshed = await client.getNewAccessTokenByRefreshToken(signIn.data.refresh_token!);
    expect(refreshed.statusCode).toBe(200);
    expect((await client.revokeToken(signIn.data.access_token)).data).toBe(true);
    const refused = await client.signInByEmailPassword({ email: READER.email, password: WRONG_PASSWORD });
    expect(refused.statusCode).not.toBe(200);
    expect(JSON.stringify(refused)).not.toContain(WRONG_PASSWORD);
  });

  test('adversarial tokens through the guard and the SDK', async () => {
    const { emulator } = source;
    const context: AttackContext = {
      forge: new TokenForge(source, emulator.app.appId),
      source,
      user: { id: emulator.findUser(READER.email)!.userId, email: READER.email },
      otherAppId: emulator.addApp({ appName: 'other' }).appId,
    };
    const client = sdk();
    for (const attack of tokenAttacks(() => context)) {
      const token = harness.token(attack.name, await attack.token());
      const status = (await fetch(`${sample.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status;
      expect(status).toBe(attack.check === 'size' ? 431 : 401); // the huge one stops at Node's header limit
      const error = await caught(attack.name, () => client.verifyAccessToken(token));
      expect(error).toBeInstanceOf(AuthingTokenError);
    }
  });

  test('a custom extractToken that throws with the token in its message', async () => {
    const token = harness.token(
      'token in a custom header',
      (await source.emulator.issueTokens({ user: READER.email })).access_token,
    );
    const app = await startProbeApp({
      module: () => ({
        appId: source.emulator.app.appId,
        appSecret: source.emulator.app.appSecret,
        appHost: source.emulator.appHost,
        extractToken: (request) => {
          const raw = request.headers['x-api-token'];
          if (typeof raw === 'string' && !raw.startsWith('v1:')) throw new TypeError(`malformed API token ${raw}`);
          return typeof raw === 'string' ? raw.slice(3) : undefined;
        },
      }),
      logger: harness.nestLogger,
    });
    apps.push(app);
    const refused = await fetch(`${app.url}/me`, { headers: { 'x-api-token': token } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(token);
    expect(harness.linesOf('nest.warn').some((l) => l.includes('extractToken threw'))).toBe(true);
    expect(harness.leaks()).toEqual([]);
  });

  test('an identity server that echoes back everything it receives', async () => {
    const { emulator } = source;
    const introspecting = await startProbeApp({
      module: () => ({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        tokenValidation: 'introspection',
        roles: { source: 'management' },
        retry: false,
      }),
      logger: harness.nestLogger,
    });
    apps.push(introspecting);
    const withRoles = await startProbeApp({
      module: () => ({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        roles: { source: 'management' },
        retry: false,
      }),
      logger: harness.nestLogger,
    });
    apps.push(withRoles);
    const token = harness.token('introspected token', (await emulator.issueTokens({ user: ADMIN.email })).access_token);
    expect((await fetch(`${withRoles.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const browser = new CookieClient();
    const callback = await loginUntilCallback(browser, sample.url, READER);

    await proxy.set({ kind: 'echo', status: 400, as: 'json' });
    const introspection = await fetch(`${introspecting.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(introspection.status).toBe(503);
    // A role lookup answered with an error envelope counts as no role (403).
    expect((await fetch(`${withRoles.url}/admin`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await browser.request(callback)).headers.get('location')).toBe('/?login=failed&error=token_exchange');

    // The SDK returns such answers as envelopes (they are the server's words), and throws nothing.
    const client = sdk();
    const code = new URL(callback).searchParams.get('code')!;
    const forged = await caught('callback with a forged state', () =>
      client.handleRedirectCallback(callback, { state: 'the-state-of-another-login' }),
    );
    expect(forged).toBeInstanceOf(AuthingCallbackError);
    expect((await client.getAccessTokenByCode(code, { codeVerifier: 'v'.repeat(43) })).statusCode).toBe(400);
    expect((await client.introspectToken(token)).statusCode).toBe(400);
    expect((await client.getUserInfoByAccessToken(token, { tokenPlace: 'query' })).statusCode).toBe(400);

    // An HTML error page echoing the request: thrown as AuthingHttpError, without the page.
    await proxy.set({ kind: 'echo', status: 502, as: 'html' });
    const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
    clients.push(management);
    for (const [label, call] of [
      ['token exchange', () => client.getAccessTokenByCode(code, { codeVerifier: 'v'.repeat(43) })],
      ['refresh', () => client.getNewAccessTokenByRefreshToken(`refresh-${token}`)],
      ['introspection', () => client.introspectToken(token)],
      ['revocation', () => client.revokeToken(token)],
      ['userinfo in the query', () => client.getUserInfoByAccessToken(token, { tokenPlace: 'query' })],
      ['userinfo in the body', () => client.getUserInfoByAccessToken(token, { method: 'POST', tokenPlace: 'body' })],
      ['sign-in', () => client.signInByEmailPassword({ email: READER.email, password: READER.password })],
      ['management', () => management.listUsers({ options: { pagination: { page: 1, limit: 10 } } })],
      [
        'callback',
        () => client.handleRedirectCallback(callback, { state: new URL(callback).searchParams.get('state')! }),
      ],
    ] as const) {
      const error = await caught(`echo: ${label}`, call);
      expect(error).toBeInstanceOf(AuthingHttpError);
    }
  });

  test('network failures and timeouts carry no query string, body or token', async () => {
    const token = harness.token(
      'token sent to nowhere',
      (await source.emulator.issueTokens({ user: READER.email })).access_token,
    );
    const closed = sdk(CLOSED);
    for (const [label, call] of [
      ['userinfo, token in the query', () => closed.getUserInfoByAccessToken(token, { tokenPlace: 'query' })],
      [
        'sign-in with a password',
        () => closed.signInByEmailPassword({ email: READER.email, password: READER.password }),
      ],
      ['code exchange', () => closed.getAccessTokenByCode(`code-${token}`, { codeVerifier: 'w'.repeat(43) })],
      ['cold key set', () => closed.verifyAccessToken(token)],
    ] as const) {
      const error = await caught(`closed: ${label}`, call);
      expect(error instanceof AuthingNetworkError || error instanceof AuthingTokenError).toBe(true);
    }
    await proxy.set({ kind: 'hang' });
    const slow = sdk();
    const timeout = await caught('timeout', () => slow.getUserInfoByAccessToken(token, { tokenPlace: 'query' }));
    expect(timeout).toBeInstanceOf(AuthingTimeoutError);
    const management = new ManagementClient({
      accessKeyId: 'AK',
      accessKeySecret: source.emulator.accessKey.accessKeySecret,
      host: CLOSED,
      retry: false,
    });
    clients.push(management);
    expect(await caught('management unreachable', () => management.getUser({ userId: 'u' }))).toBeInstanceOf(
      AuthingNetworkError,
    );
  });

  test('bad options carrying secrets: the error names the option, never the secret', async () => {
    const { emulator } = source;
    const secret = emulator.app.appSecret;
    const ak = emulator.accessKey.accessKeySecret;
    const cases: [string, () => unknown][] = [
      ['client with a bad appHost', () => new AuthenticationClient({ appId: 'a', appSecret: secret, appHost: 'nope' })],
      [
        'client with a bad scope',
        () => new AuthenticationClient({ appId: 'a', appSecret: secret, appHost: CLOSED, scope: '' }),
      ],
      ['management with a blank id', () => new ManagementClient({ accessKeyId: ' ', accessKeySecret: ak })],
      ['management with a bad host', () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: ak, host: 'x' })],
      [
        'the secret passed as the appId',
        () => resolveAuthingOptions({ appId: '', appSecret: secret, appHost: secret } as AuthingModuleOptions),
      ],
      [
        'a secret in the wrong type',
        () =>
          resolveAuthingOptions({
            appId: 'a',
            appHost: CLOSED,
            appSecret: secret,
            accessKeyId: 'AK',
            accessKeySecret: ak,
            tenantId: 7,
          } as never),
      ],
      [
        'management credentials half given',
        () => resolveAuthingOptions({ appId: 'a', appHost: CLOSED, accessKeySecret: ak }),
      ],
      [
        'a module that cannot boot',
        async () => {
          const moduleRef = await Test.createTestingModule({
            imports: [AuthingModule.forRoot({ appId: 'a', appHost: CLOSED, appSecret: secret, timeout: -1 })],
          }).compile();
          await moduleRef.close();
        },
      ],
    ];
    for (const [label, call] of cases) {
      const error = await caught(label, call);
      expect(error instanceof AuthingArgumentError || error instanceof AuthingConfigurationError).toBe(true);
    }
  });

  test('every error provoked in this file hides every secret: String, stack, JSON, util.inspect', () => {
    const kinds = new Set(errors.map(({ error }) => (error as Error).constructor.name));
    for (const kind of [
      AuthingTokenError,
      AuthingCallbackError,
      AuthingHttpError,
      AuthingNetworkError,
      AuthingTimeoutError,
      AuthingArgumentError,
      AuthingConfigurationError,
    ]) {
      expect(kinds).toContain(kind.name);
    }
    for (const { label, error } of errors) {
      const e = error as Error;
      const renderings = [
        String(e),
        e.stack ?? '',
        JSON.stringify(e) ?? '',
        inspect(e, { depth: 10, showHidden: true }),
      ];
      expect({ label, found: harness.secretsIn(renderings.join('\n')) }).toEqual({ label, found: [] });
    }
  });
});

describe('the session cookie', () => {
  test('HttpOnly, SameSite=Lax, Path=/, signed, bounded lifetime; not Secure over plain HTTP', async () => {
    const { setCookies } = await hostedLogin(READER);
    const cookies = sessionCookieOf(setCookies);
    expect(cookies.length).toBeGreaterThanOrEqual(2); // at /login, and the new session id at the callback
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^authing\.sid=s%3A[^.;]+\.[^;]+;/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/; Secure/);
      const expires = Date.parse(/; Expires=([^;]+)/.exec(cookie)![1]!);
      expect(expires - Date.now()).toBeLessThanOrEqual(8 * 3600 * 1000 + 5000);
    }
  });

  test('behind an HTTPS proxy (X-Forwarded-Proto, trust proxy 1, as the sample sets): Secure too', async () => {
    const { setCookies } = await hostedLogin(READER, { 'x-forwarded-proto': 'https' });
    const cookies = sessionCookieOf(setCookies);
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
    }
  });

  test('signed: re-signed with another secret, another id, a flipped signature or no signature: no session', async () => {
    const { browser } = await hostedLogin(READER);
    const genuine = browser.find('authing.sid')!.value;
    const decoded = decodeURIComponent(genuine);
    const sid = decoded.slice(2, decoded.lastIndexOf('.'));
    const signWith = (secret: string, id = sid) =>
      encodeURIComponent(`s:${id}.${createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')}`);
    const status = async (value: string) =>
      (await fetch(`${sample.url}/api/me`, { headers: { cookie: `authing.sid=${value}` } })).status;

    expect(signWith(SESSION_SECRET)).toBe(genuine); // the construction is the real one
    expect(await status(signWith(SESSION_SECRET))).toBe(200);
    expect(await status(signWith('another-secret-of-enough-length'))).toBe(401);
    expect(await status(signWith(SESSION_SECRET, `${sid.slice(0, -1)}x`))).not.toBe(200);
    expect(await status(`${genuine.slice(0, -2)}${genuine.endsWith('AA') ? 'BB' : 'AA'}`)).toBe(401);
    expect(await status(sid)).toBe(401);
  });

  test('an anonymous request gets no cookie at all (nothing is stored before there is something to store)', async () => {
    for (const path of ['/api/me', '/', '/health', '/api/public']) {
      const response = await fetch(`${sample.url}${path}`);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.secretCount).toBeGreaterThan(40);
  expect(harness.linesOf('emulator.info').length).toBeGreaterThan(20);
  expect(harness.linesOf('nest').length + harness.linesOf('stdout').length).toBeGreaterThan(0);
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
