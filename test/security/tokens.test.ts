/**
 * Adversarial access tokens, as an OpenID relying-party certification run would send them, against
 * the SDK (a typed AuthingTokenError naming the failed check) and against AuthingGuard over HTTP
 * (401, a WWW-Authenticate challenge naming the check, never the token), with the emulator as the
 * identity server. Then the JWKS behaviour an attacker can lean on: unknown kids (a rate-limited
 * refetch) and key rotation at the provider.
 */
import { performance } from 'node:perf_hooks';
import { AuthenticationClient, AuthingTokenError } from '../../lib/sdk/index.js';
import { bearerGet, startProbeApp, type Refusal, type RunningApp } from './support/apps.js';
import { ForgingEmulator, TokenForge, tokenAttacks, type AttackContext } from './support/forge.js';
import { SecurityHarness, delay } from './support/harness.js';

const JWKS = '/oidc/.well-known/jwks.json';
const REFETCH_INTERVAL = 1000;
const VICTIM = { email: 'victim@example.com', password: 'Vict1m-secret-passw0rd' };

const harness = new SecurityHarness();
let source: ForgingEmulator;
let context: AttackContext;
let probe: RunningApp;
const clients: AuthenticationClient[] = [];

function sdk(extra: Partial<ConstructorParameters<typeof AuthenticationClient>[0]> = {}): AuthenticationClient {
  const { emulator } = source;
  const client = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    jwksRefetchInterval: REFETCH_INTERVAL,
    ...extra,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({
    seed: { users: [{ ...VICTIM, name: 'Victim', roles: ['reader'] }] },
    logger: harness.emulatorLogger,
  });
  const { emulator } = source;
  const other = emulator.addApp({ appName: 'another application' });
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('other app secret', other.appSecret);
  harness.secret('access key secret', emulator.accessKey.accessKeySecret);
  harness.secret('password', VICTIM.password);
  context = {
    forge: new TokenForge(source, emulator.app.appId),
    source,
    user: { id: emulator.findUser(VICTIM.email)!.userId, email: VICTIM.email },
    otherAppId: other.appId,
  };
  probe = await startProbeApp({
    module: () => ({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      jwksRefetchInterval: REFETCH_INTERVAL,
    }),
    logger: harness.nestLogger,
    // Big enough for the huge token to reach the guard rather than be cut by Node's 16 KiB limit.
    maxHeaderSize: 256 * 1024,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await probe?.close();
  await source?.stop();
  harness.uninstall();
});

/** The guard's answer must name nothing of the token: not whole, not its payload or signature. */
function expectNoEcho(refusal: Refusal, token: string): void {
  const answer = `${refusal.challenge ?? ''}\n${refusal.text}`;
  expect(answer).not.toContain(token);
  for (const segment of token.split('.').slice(1)) {
    for (let i = 0; i + 16 <= segment.length; i += 16) {
      const window = segment.slice(i, i + 16);
      if (answer.includes(window)) throw new Error(`the answer echoes part of the token: ${window}`);
    }
  }
}

const ATTACKS = tokenAttacks(() => context);

describe('every adversarial token is refused: SDK with the failed check, AuthingGuard with 401', () => {
  test.each(ATTACKS.map((attack) => [attack.name, attack] as const))('%s', async (_name, attack) => {
    const token = harness.token(attack.name, await attack.token());
    const client = sdk();
    for (const verify of [(t: string) => client.verifyAccessToken(t), (t: string) => client.verifyIdToken(t)]) {
      const error = await verify(token).then(
        () => 'accepted',
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthingTokenError);
      expect((error as AuthingTokenError).check).toBe(attack.check);
      expect((error as Error).message).not.toContain(token);
    }

    const refusal = await bearerGet(probe.url, token);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(
      new RegExp(`^Bearer realm="authing", error="invalid_token", error_description="${attack.check}: [^"]+"$`),
    );
    expect(refusal.body).toMatchObject({ error: 'invalid_token', check: attack.check });
    expectNoEcho(refusal, token);
  });

  test('a genuine id_token is not an API credential: refused as an access token by the SDK and the guard', async () => {
    // An id_token travels in logout URLs (id_token_hint) and browser history; it must not open the API.
    const { id_token: idToken } = await source.emulator.issueTokens({ user: VICTIM.email, nonce: 'n-1' });
    const token = harness.token('id_token', idToken!);
    const client = sdk();
    expect((await client.verifyIdToken(token, { nonce: 'n-1' })).sub).toBe(context.user.id);
    const error = await client.verifyAccessToken(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthingTokenError);
    expect((error as AuthingTokenError).check).toBe('claims');
    const refusal = await bearerGet(probe.url, token);
    expect(refusal.status).toBe(401);
    expect(refusal.body).toMatchObject({ error: 'invalid_token', check: 'claims' });
    expectNoEcho(refusal, token);
  });

  test('all of them at once, concurrently: not one accepted, while a genuine token is', async () => {
    // A genuine token passes, so the probe does accept what it should.
    const genuine = harness.token('genuine', (await source.emulator.issueTokens({ user: VICTIM.email })).access_token);
    expect((await bearerGet(probe.url, genuine)).status).toBe(200);
    const statuses = await Promise.all(
      ATTACKS.map(
        async (attack) => (await bearerGet(probe.url, harness.token(attack.name, await attack.token()))).status,
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
  });
});

describe('bounded work', () => {
  test('huge tokens are refused before parsing: fast, and without any JWKS request', async () => {
    const { emulator } = source;
    const cold = sdk();
    const huge = `${'a'.repeat(512 * 1024)}.${'b'.repeat(512 * 1024)}.c`;
    const jwksBefore = emulator.requestCountFor(JWKS);
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      await expect(cold.verifyAccessToken(huge)).rejects.toMatchObject({ check: 'size' });
    }
    expect((performance.now() - started) / 200).toBeLessThan(5); // ms per refusal
    expect(cold.jwksFetchCount).toBe(0);

    const overHttp = `${'a'.repeat(100 * 1024)}.${'b'.repeat(100 * 1024)}.c`;
    const httpStarted = performance.now();
    const refusal = await bearerGet(probe.url, overHttp);
    expect(performance.now() - httpStarted).toBeLessThan(1000);
    expect(refusal.status).toBe(401);
    expect(refusal.body.check).toBe('size');
    expect(emulator.requestCountFor(JWKS)).toBe(jwksBefore);
  });

  test('behind Node’s default header limit a huge token is a 431, never a 500', async () => {
    const defaultLimits = await startProbeApp({
      module: () => ({
        appId: source.emulator.app.appId,
        appSecret: source.emulator.app.appSecret,
        appHost: source.emulator.appHost,
        loadSigningKeysOnStart: false,
      }),
      logger: harness.nestLogger,
    });
    try {
      const refusal = await bearerGet(defaultLimits.url, 'a'.repeat(20 * 1024));
      expect(refusal.status).toBe(431);
    } finally {
      await defaultLimits.close();
    }
  });
});

describe('the key set: unknown kids and rotation', () => {
  test('a flood of unknown kids causes one rate-limited JWKS refetch, through the guard and the SDK', async () => {
    const { emulator } = source;
    const genuine = (await emulator.issueTokens({ user: VICTIM.email })).access_token;
    expect((await bearerGet(probe.url, genuine)).status).toBe(200); // keys in hand
    await delay(REFETCH_INTERVAL + 100);
    emulator.resetRequestCounts();
    const unknown = await Promise.all(
      Array.from({ length: 30 }, () => ATTACKS.find((a) => a.name === 'unknown kid')!.token()),
    );
    const concurrent = await Promise.all(unknown.slice(0, 15).map((t) => bearerGet(probe.url, t)));
    for (const t of unknown.slice(15)) concurrent.push(await bearerGet(probe.url, t));
    expect(concurrent.map((r) => r.status)).toEqual(Array(30).fill(401));
    expect(concurrent.every((r) => r.body.check === 'key')).toBe(true);
    expect(emulator.requestCountFor(JWKS)).toBe(1);

    const client = sdk();
    await client.loadSigningKeys();
    await delay(REFETCH_INTERVAL + 100);
    emulator.resetRequestCounts();
    const errors = await Promise.all(unknown.map((t) => client.verifyAccessToken(t).catch((e: unknown) => e)));
    expect(errors.every((e) => e instanceof AuthingTokenError && e.check === 'key')).toBe(true);
    expect(emulator.requestCountFor(JWKS)).toBe(1);
    // Within the interval nothing more is fetched, however many unknown kids arrive.
    for (const t of unknown) await expect(client.verifyAccessToken(t)).rejects.toMatchObject({ check: 'key' });
    expect(emulator.requestCountFor(JWKS)).toBe(1);
  });

  test('key rotation at the provider: new tokens verify without a restart, old ones still do', async () => {
    const { emulator } = source;
    const client = sdk();
    const before = harness.token('pre-rotation', (await emulator.issueTokens({ user: VICTIM.email })).access_token);
    expect((await bearerGet(probe.url, before)).status).toBe(200);
    await client.verifyAccessToken(before);
    const oldKid = emulator.currentKid;

    const newKid = await emulator.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    const after = harness.token('post-rotation', (await emulator.issueTokens({ user: VICTIM.email })).access_token);
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid).toBe(newKid);
    await delay(REFETCH_INTERVAL + 100); // the refetch a new kid causes is rate-limited
    emulator.resetRequestCounts();

    const accepted = await bearerGet(probe.url, after);
    expect(accepted.status).toBe(200);
    expect((await client.verifyAccessToken(after)).sub).toBe(context.user.id);
    expect(emulator.requestCountFor(JWKS)).toBe(2); // one refetch each, the app was not restarted
    expect((await bearerGet(probe.url, before)).status).toBe(200);
    await expect(client.verifyAccessToken(before)).resolves.toMatchObject({ sub: context.user.id });

    // A token forged for the new kid by another key is still refused.
    const forged = await context.forge.byAnotherKey(context.forge.claims(context.user.id));
    expect((await bearerGet(probe.url, forged)).body.check).toBe('signature');
  });
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.secretCount).toBeGreaterThan(ATTACKS.length);
  expect(harness.linesOf('emulator.info').length).toBeGreaterThan(0); // the capture does capture
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
