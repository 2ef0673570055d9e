/**
 * Adversarial login callbacks: forged and replayed `state`, missing or wrong `nonce`, a wrong PKCE
 * verifier, an authorization code used twice, a userinfo for another user, and id_tokens forged at
 * the token endpoint (the OpenID Foundation's `rp-id_token-*` tests). Against the SDK
 * (`handleRedirectCallback`: AuthingCallbackError with the reason) and against the Nest login route
 * (AuthingLoginGuard: 401 and never a session). The identity server is the emulator, behind a proxy
 * that forges what the provider answers.
 */
import { AuthenticationClient, AuthingCallbackError, AuthingError, type TokenCheck } from '../../lib/sdk/index.js';
import { completeEmulatorLogin, CookieClient } from '../support/cookie-client.js';
import { startProbeApp, type RunningApp } from './support/apps.js';
import { FaultProxy } from './support/fault-proxy.js';
import { claimsOf, ForgingEmulator, TokenForge } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const SDK_REDIRECT = 'http://127.0.0.1:9/callback';
const ALICE = { email: 'alice@example.com', password: 'Al1ce-secret-passw0rd', name: 'Alice' };
const MALLORY = { email: 'mallory@example.com', password: 'Mall0ry-secret-passw0rd', name: 'Mallory' };
const TOKEN_PATH = '/oidc/token';

const harness = new SecurityHarness();
const proxy = new FaultProxy();
let source: ForgingEmulator;
let forge: TokenForge;
let sdk: AuthenticationClient;
let probe: RunningApp;
let probeWithUserInfo: RunningApp;

beforeAll(async () => {
  harness.install();
  await proxy.start();
  source = await ForgingEmulator.start({
    publicOrigin: proxy.origin,
    seed: { users: [ALICE, MALLORY], app: { redirectUris: [SDK_REDIRECT] } },
    logger: harness.emulatorLogger,
  });
  const { emulator } = source;
  proxy.target = emulator.localOrigin;
  forge = new TokenForge(source, emulator.app.appId);
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('access key secret', emulator.accessKey.accessKeySecret);
  harness.secret('password of alice', ALICE.password);
  harness.secret('password of mallory', MALLORY.password);
  sdk = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    redirectUri: SDK_REDIRECT,
    scope: 'openid profile email',
    jwksRefetchInterval: 0,
  });
  const module = () => ({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    jwksRefetchInterval: 0,
  });
  probe = await startProbeApp({ module, logger: harness.nestLogger });
  probeWithUserInfo = await startProbeApp({
    module: () => ({ ...module(), fetchUserInfo: true }),
    logger: harness.nestLogger,
  });
  emulator.updateApp(emulator.app.appId, {
    redirectUris: [SDK_REDIRECT, `${probe.url}/callback`, `${probeWithUserInfo.url}/callback`],
  });
});

afterEach(() => proxy.rewrites.clear());

afterAll(async () => {
  await sdk?.close();
  await probe?.close();
  await probeWithUserInfo?.close();
  await source?.stop();
  await proxy.stop();
  harness.uninstall();
});

/** Signs in at the provider from an authorize URL; returns the callback URL with its code. */
async function atProvider(
  authorizeUrl: string,
  account: { email: string; password: string },
  isApp: (url: string) => boolean,
  browser = new CookieClient(),
): Promise<string> {
  const callback = await completeEmulatorLogin(
    browser,
    authorizeUrl,
    { account: account.email, password: account.password },
    isApp,
  );
  const code = new URL(callback).searchParams.get('code');
  harness.secret('authorization code', code ?? undefined);
  return callback;
}

async function refusal(promise: Promise<unknown>): Promise<AuthingCallbackError> {
  const error = await promise.then(
    (result) => {
      for (const t of Object.values((result as { tokens?: Record<string, string> }).tokens ?? {})) {
        if (typeof t === 'string') harness.token('token of an accepted login', t);
      }
      return 'accepted';
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthingCallbackError);
  return error as AuthingCallbackError;
}

/** Replaces a query parameter of a URL (or removes it with `undefined`). */
function withParam(url: string, name: string, value: string | undefined): string {
  const u = new URL(url);
  if (value === undefined) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.href;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * id_tokens the token endpoint answers instead of the genuine one (built from its claims). `nest`
 * is the error code the login route answers: `id_token_<check>`, since the SDK makes every check.
 */
const ID_TOKEN_FORGERIES: {
  name: string;
  check: TokenCheck;
  nest: string;
  forge: (claims: Record<string, unknown>) => Promise<string>;
}[] = [
  {
    name: 'unsigned (alg: none)',
    check: 'algorithm',
    nest: 'id_token_algorithm',
    forge: async (c) => forge.unsigned(c),
  },
  {
    name: 'signed by another key carrying the current kid',
    check: 'signature',
    nest: 'id_token_signature',
    forge: (c) => forge.byAnotherKey(c),
  },
  {
    name: 'HS256 signed with the public key',
    check: 'algorithm',
    nest: 'id_token_algorithm',
    forge: (c) => forge.hmacWithPublicKey(c, 'pem'),
  },
  {
    name: 'another issuer',
    check: 'issuer',
    nest: 'id_token_issuer',
    forge: (c) => forge.signed({ ...c, iss: 'https://evil.example/oidc' }),
  },
  {
    name: 'another audience',
    check: 'audience',
    nest: 'id_token_audience',
    forge: (c) => forge.signed({ ...c, aud: 'another-client' }),
  },
  {
    // OpenID Connect Core 3.1.3.7 (issue #10.4): several audiences, and another client as the authorized party.
    name: 'several audiences, azp naming the other one',
    check: 'azp',
    nest: 'id_token_azp',
    forge: (c) => forge.signed({ ...c, aud: [c.aud, 'another-client'], azp: 'another-client' }),
  },
  {
    name: 'several audiences and no azp',
    check: 'azp',
    nest: 'id_token_azp',
    forge: (c) => forge.signed({ ...c, aud: [c.aud, 'another-client'], azp: undefined }),
  },
  {
    name: 'our audience alone, but azp naming another client',
    check: 'azp',
    nest: 'id_token_azp',
    forge: (c) => forge.signed({ ...c, azp: 'another-client' }),
  },
  {
    name: 'expired',
    check: 'expired',
    nest: 'id_token_expired',
    forge: (c) => forge.signed({ ...c, iat: now() - 7200, exp: now() - 3600 }),
  },
  {
    name: 'issued in the future',
    check: 'issued_at',
    nest: 'id_token_issued_at',
    forge: (c) => forge.signed({ ...c, iat: now() + 600, exp: now() + 4200 }),
  },
  {
    name: 'unknown kid',
    check: 'key',
    nest: 'id_token_key',
    forge: (c) => forge.byAnotherKey(c, { kid: 'kid-nobody-published' }),
  },
  {
    name: 'the nonce of another login',
    check: 'nonce',
    nest: 'id_token_nonce',
    forge: (c) => forge.signed({ ...c, nonce: 'nonce-of-another-login' }),
  },
  { name: 'no nonce', check: 'nonce', nest: 'id_token_nonce', forge: (c) => forge.signed({ ...c, nonce: undefined }) },
];

/** Makes the token endpoint answer a forged id_token built from the genuine one. */
function forgeIdTokens(make: (claims: Record<string, unknown>) => Promise<string>): void {
  proxy.rewrites.set(TOKEN_PATH, async (_path, body, status) => {
    if (status !== 200) return body;
    const tokens = JSON.parse(body) as Record<string, string>;
    for (const t of Object.values(tokens)) if (typeof t === 'string') harness.token('genuine token', t);
    tokens.id_token = harness.token('forged id_token', await make(claimsOf(tokens.id_token!)));
    return JSON.stringify(tokens);
  });
}

/** Makes userinfo answer with another user's sub. */
function userInfoOfSomeoneElse(): void {
  const mallory = source.emulator.findUser(MALLORY.email)!.userId;
  proxy.rewrites.set('/oidc/me', (_path, body) => JSON.stringify({ ...JSON.parse(body), sub: mallory }));
}

describe('SDK: handleRedirectCallback refuses with a typed reason', () => {
  const isApp = (url: string) => url.startsWith(SDK_REDIRECT);

  test('a genuine login completes (the checks below can pass)', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    const result = await sdk.handleRedirectCallback(callback, login as { state: string }, { fetchUserInfo: true });
    harness.token('access token', result.tokens.access_token);
    harness.token('id token', result.tokens.id_token);
    expect(result.claims.email).toBe(ALICE.email);
    expect(result.userInfo?.sub).toBe(result.claims.sub);
  });

  test('a forged state: refused before any request to the token endpoint', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    proxy.resetCounts();
    const error = await refusal(sdk.handleRedirectCallback(withParam(callback, 'state', 'forged'), login as never));
    expect(error.reason).toBe('state');
    expect(error.code).toBe('callback');
    expect(error).toBeInstanceOf(AuthingError);
    const missing = await refusal(sdk.handleRedirectCallback(withParam(callback, 'state', undefined), login as never));
    expect(missing.reason).toBe('state');
    expect(proxy.countFor(TOKEN_PATH)).toBe(0);
  });

  test('RFC 9207: a callback naming another issuer is refused before the code is redeemed', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    expect(new URL(callback).searchParams.get('iss')).toBe(source.emulator.issuer); // the provider sends it
    proxy.resetCounts();
    for (const iss of ['https://evil.example/oidc', `${source.emulator.issuer}/`, '']) {
      const error = await refusal(sdk.handleRedirectCallback(withParam(callback, 'iss', iss), login as never));
      expect(error.reason).toBe('issuer');
      const asParams = Object.fromEntries(new URL(withParam(callback, 'iss', iss)).searchParams);
      expect((await refusal(sdk.handleRedirectCallback(asParams, login as never))).reason).toBe('issuer');
    }
    // An error answer from another issuer is not believed either.
    const mixedUp = `${SDK_REDIRECT}?error=access_denied&state=${login.state}&iss=https%3A%2F%2Fevil.example`;
    expect((await refusal(sdk.handleRedirectCallback(mixedUp, login as never))).reason).toBe('issuer');
    expect(proxy.countFor(TOKEN_PATH)).toBe(0);
    // The genuine callback, iss included, still completes.
    const done = await sdk.handleRedirectCallback(callback, login as never);
    harness.token('access token', done.tokens.access_token);
    expect(done.claims.email).toBe(ALICE.email);
  });

  test('the callback of another login (a state replayed across logins)', async () => {
    const first = sdk.buildAuthorizeUrl();
    const second = sdk.buildAuthorizeUrl();
    const callback = await atProvider(first.url, ALICE, isApp);
    const error = await refusal(sdk.handleRedirectCallback(callback, second as never));
    expect(error.reason).toBe('state');
  });

  test('the same callback twice: the authorization code is single-use', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    const done = await sdk.handleRedirectCallback(callback, login as never);
    harness.token('access token', done.tokens.access_token);
    const replay = await refusal(sdk.handleRedirectCallback(callback, login as never));
    expect(replay.reason).toBe('token_exchange');
    expect(replay.error).toBe('invalid_grant');
  });

  test('a wrong or missing PKCE verifier', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    const wrong = await refusal(
      sdk.handleRedirectCallback(callback, { ...login, codeVerifier: 'x'.repeat(43) } as never),
    );
    expect([wrong.reason, wrong.error]).toEqual(['token_exchange', 'invalid_grant']);
    const again = sdk.buildAuthorizeUrl();
    const callback2 = await atProvider(again.url, ALICE, isApp);
    const missing = await refusal(
      sdk.handleRedirectCallback(callback2, { ...again, codeVerifier: undefined } as never),
    );
    expect([missing.reason, missing.error]).toEqual(['token_exchange', 'invalid_grant']);
  });

  test('a missing nonce, and the nonce of another login', async () => {
    const login = sdk.buildAuthorizeUrl();
    const withoutNonce = await atProvider(withParam(login.url, 'nonce', undefined), ALICE, isApp);
    const missing = await refusal(sdk.handleRedirectCallback(withoutNonce, login as never));
    expect([missing.reason, missing.tokenError?.check]).toEqual(['id_token', 'nonce']);

    const other = sdk.buildAuthorizeUrl();
    const foreignNonce = await atProvider(withParam(other.url, 'nonce', 'attacker-nonce'), ALICE, isApp);
    const wrong = await refusal(sdk.handleRedirectCallback(foreignNonce, other as never));
    expect([wrong.reason, wrong.tokenError?.check]).toEqual(['id_token', 'nonce']);
  });

  test('a userinfo whose sub differs from the id_token’s', async () => {
    const login = sdk.buildAuthorizeUrl();
    const callback = await atProvider(login.url, ALICE, isApp);
    userInfoOfSomeoneElse();
    const error = await refusal(sdk.handleRedirectCallback(callback, login as never, { fetchUserInfo: true }));
    expect(error.reason).toBe('userinfo');
  });

  test('an error callback and a callback without a code', async () => {
    const login = sdk.buildAuthorizeUrl();
    const denied = await refusal(
      sdk.handleRedirectCallback(`${SDK_REDIRECT}?error=access_denied&state=${login.state}`, login as never),
    );
    expect([denied.reason, denied.error]).toEqual(['authorization_error', 'access_denied']);
    const noCode = await refusal(sdk.handleRedirectCallback(`${SDK_REDIRECT}?state=${login.state}`, login as never));
    expect(noCode.reason).toBe('missing_code');
  });

  test('verifyIdToken: azp decides between several audiences (OpenID Connect Core 3.1.3.7)', async () => {
    const appId = source.emulator.app.appId;
    const sub = source.emulator.findUser(ALICE.email)!.userId;
    const idToken = (extra: Record<string, unknown>) =>
      forge.signed(forge.claims(sub, { scope: undefined, client_id: undefined, ...extra }));
    await expect(
      sdk.verifyIdToken(await idToken({ aud: [appId, 'another-client'], azp: appId })),
    ).resolves.toMatchObject({ sub });
    await expect(sdk.verifyIdToken(await idToken({ azp: appId }))).resolves.toMatchObject({ sub });
    for (const extra of [
      { aud: [appId, 'another-client'], azp: 'another-client' },
      { aud: [appId, 'another-client'] },
      { azp: 'another-client' },
    ]) {
      await expect(sdk.verifyIdToken(await idToken(extra))).rejects.toMatchObject({ check: 'azp' });
    }
  });

  test.each(ID_TOKEN_FORGERIES.map((f) => [f.name, f] as const))(
    'an id_token from the token endpoint: %s',
    async (_name, forgery) => {
      const login = sdk.buildAuthorizeUrl();
      const callback = await atProvider(login.url, ALICE, isApp);
      forgeIdTokens(forgery.forge);
      const error = await refusal(sdk.handleRedirectCallback(callback, login as never));
      expect(error.reason).toBe('id_token');
      expect(error.tokenError?.check).toBe(forgery.check);
    },
  );
});

describe('Nest login route (AuthingLoginGuard): 401 and no session', () => {
  const isProbe = (app: RunningApp) => (url: string) => url.startsWith(app.url);

  /** GET /login with this browser; the authorize URL it redirects to. */
  async function startLogin(browser: CookieClient, app: RunningApp = probe): Promise<string> {
    const start = await browser.request(`${app.url}/login`);
    expect(start.status).toBe(302);
    return start.headers.get('location')!;
  }

  /** The browser holds no logged-in session at the app. */
  async function expectNoSession(browser: CookieClient, app: RunningApp = probe): Promise<void> {
    const me = await browser.request(`${app.url}/me`);
    expect(me.status).toBe(401);
  }

  async function callbackStatus(browser: CookieClient, url: string): Promise<{ status: number; error?: string }> {
    const response = await browser.request(url);
    const text = await response.text();
    const body = text.startsWith('{') ? (JSON.parse(text) as { error?: string }) : {};
    return { status: response.status, error: body.error };
  }

  test('a genuine login starts a session (the checks below can pass)', async () => {
    const browser = new CookieClient();
    const callback = await atProvider(await startLogin(browser), ALICE, isProbe(probe), browser);
    const done = await browser.request(callback);
    expect(done.status).toBe(302);
    harness.secret('session cookie', browser.find('authing.sid')?.value);
    const me = await browser.request(`${probe.url}/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: ALICE.email, via: 'session' });
  });

  test('a forged state: 401, no session, the code is never redeemed', async () => {
    const browser = new CookieClient();
    await startLogin(browser); // a pending login of its own, with another state
    proxy.resetCounts();
    expect(await callbackStatus(browser, `${probe.url}/callback?code=stolen-code&state=forged-state`)).toEqual({
      status: 401,
      error: 'state',
    });
    await expectNoSession(browser);
    expect(proxy.countFor(TOKEN_PATH)).toBe(0);
  });

  test('RFC 9207: a callback naming another issuer: 401 issuer, no session, the code is never redeemed', async () => {
    const browser = new CookieClient();
    const callback = await atProvider(await startLogin(browser), ALICE, isProbe(probe), browser);
    expect(new URL(callback).searchParams.get('iss')).toBe(source.emulator.issuer);
    proxy.resetCounts();
    const forged = withParam(callback, 'iss', 'https://evil.example/oidc');
    expect(await callbackStatus(browser, forged)).toEqual({ status: 401, error: 'issuer' });
    await expectNoSession(browser);
    expect(proxy.countFor(TOKEN_PATH)).toBe(0);
    // The pending login was not consumed by the refused callback: the genuine one completes.
    expect((await browser.request(callback)).status).toBe(302);
    harness.secret('session cookie', browser.find('authing.sid')?.value);
    expect((await browser.request(`${probe.url}/me`)).status).toBe(200);
  });

  test('a callback replayed by an attacker, and by the victim: 401, no new session', async () => {
    const victim = new CookieClient();
    const callback = await atProvider(await startLogin(victim), ALICE, isProbe(probe), victim);
    expect((await victim.request(callback)).status).toBe(302);
    proxy.resetCounts();

    const attacker = new CookieClient();
    expect(await callbackStatus(attacker, callback)).toEqual({ status: 401, error: 'state' });
    await expectNoSession(attacker);

    const sidBefore = victim.find('authing.sid')!.value;
    expect(await callbackStatus(victim, callback)).toEqual({ status: 401, error: 'state' });
    expect(victim.find('authing.sid')!.value).toBe(sidBefore); // no session was rotated in
    expect(proxy.countFor(TOKEN_PATH)).toBe(0);
  });

  test('login CSRF: the attacker’s own code and state delivered to the victim’s browser', async () => {
    const attacker = new CookieClient();
    const attackersCallback = await atProvider(await startLogin(attacker), MALLORY, isProbe(probe), attacker);
    const victim = new CookieClient();
    expect(await callbackStatus(victim, attackersCallback)).toEqual({ status: 401, error: 'state' });
    await expectNoSession(victim);
  });

  test('an authorization code used twice: a redeemed code paired with a fresh state', async () => {
    const victim = new CookieClient();
    const victimsCallback = await atProvider(await startLogin(victim), ALICE, isProbe(probe), victim);
    expect((await victim.request(victimsCallback)).status).toBe(302);

    const attacker = new CookieClient();
    const attackersState = new URL(await startLogin(attacker)).searchParams.get('state')!;
    const code = new URL(victimsCallback).searchParams.get('code')!;
    const reuse = `${probe.url}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(attackersState)}`;
    expect(await callbackStatus(attacker, reuse)).toEqual({ status: 401, error: 'token_exchange' });
    await expectNoSession(attacker);
  });

  test('a wrong PKCE challenge at the provider: the code exchange fails', async () => {
    const browser = new CookieClient();
    const authorize = withParam(await startLogin(browser), 'code_challenge', 'A'.repeat(43));
    const callback = await atProvider(authorize, ALICE, isProbe(probe), browser);
    expect(await callbackStatus(browser, callback)).toEqual({ status: 401, error: 'token_exchange' });
    await expectNoSession(browser);
  });

  test.each([
    ['missing', undefined],
    ['of another login', 'attacker-chosen-nonce'],
  ])('a nonce %s at the provider', async (_name, nonce) => {
    const browser = new CookieClient();
    const authorize = withParam(await startLogin(browser), 'nonce', nonce);
    const callback = await atProvider(authorize, ALICE, isProbe(probe), browser);
    const answer = await callbackStatus(browser, callback);
    expect(answer.status).toBe(401);
    expect(answer.error).toBe('id_token_nonce');
    await expectNoSession(browser);
  });

  test('a userinfo whose sub differs from the id_token’s (fetchUserInfo)', async () => {
    const browser = new CookieClient();
    const callback = await atProvider(
      await startLogin(browser, probeWithUserInfo),
      ALICE,
      isProbe(probeWithUserInfo),
      browser,
    );
    userInfoOfSomeoneElse();
    expect(await callbackStatus(browser, callback)).toEqual({ status: 401, error: 'userinfo' });
    await expectNoSession(browser, probeWithUserInfo);
  });

  test.each(ID_TOKEN_FORGERIES.map((f) => [f.name, f] as const))(
    'an id_token from the token endpoint: %s',
    async (_name, forgery) => {
      const browser = new CookieClient();
      const callback = await atProvider(await startLogin(browser), ALICE, isProbe(probe), browser);
      forgeIdTokens(forgery.forge);
      expect(await callbackStatus(browser, callback)).toEqual({ status: 401, error: forgery.nest });
      await expectNoSession(browser);
    },
  );
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.secretCount).toBeGreaterThan(20);
  expect(harness.linesOf('nest.warn').some((line) => line.includes('Login failed'))).toBe(true);
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
