import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { AuthenticationClient, AuthingTokenError, type TokenCheck } from '../../lib/sdk/index.js';
import { tokenHash } from '../../lib/sdk/internal.js';
import { VerifiedTokenCache } from '../../lib/sdk/tokens/verified-cache.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A real HTTP server standing in for the app's JWKS endpoint, counting its fetches. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  down = false;
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url === '/oidc/.well-known/jwks.json') {
        this.fetches++;
        if (this.down) {
          res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>down</h1>');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const APP_ID = 'app-under-test';
const APP_SECRET = 'app-secret-for-hs256-tests-0123456789';

async function publicJwk(pair: KeyPair, kid: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
}

describe('token verification', () => {
  const server = new JwksServer();
  let keyA: KeyPair;
  let keyB: KeyPair;
  let outsider: KeyPair;
  let issuer: string;
  const clients: AuthenticationClient[] = [];

  beforeAll(async () => {
    [keyA, keyB, outsider] = await Promise.all([
      generateKeyPair('RS256', { extractable: true }),
      generateKeyPair('RS256', { extractable: true }),
      generateKeyPair('RS256', { extractable: true }),
    ]);
    await server.start();
    issuer = `${server.origin}/oidc`;
  });

  beforeEach(async () => {
    server.keys = [await publicJwk(keyA, 'kid-a')];
    server.fetches = 0;
    server.down = false;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  function client(extra: Partial<ConstructorParameters<typeof AuthenticationClient>[0]> = {}): AuthenticationClient {
    const c = new AuthenticationClient({
      appId: APP_ID,
      appSecret: APP_SECRET,
      appHost: server.origin,
      retry: false,
      ...extra,
    });
    clients.push(c);
    return c;
  }

  function jwt(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: 'openid profile', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'kid-a', ...header } as { alg: string })
      .setIssuer((claims.iss as string | undefined) ?? issuer)
      .setAudience((claims.aud as string | undefined) ?? APP_ID)
      .setSubject('user-1')
      .setIssuedAt((claims.iat as number | undefined) ?? now)
      .setExpirationTime((claims.exp as number | undefined) ?? now + 3600);
  }

  async function expectRejected(promise: Promise<unknown>, check: TokenCheck): Promise<AuthingTokenError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthingTokenError);
    expect((error as AuthingTokenError).check).toBe(check);
    // One error model: the family in `code`, the failed check in `reason`, the words in `detail`.
    expect(error).toMatchObject({ code: 'token', reason: check });
    expect((error as Error).message).toBe(`Token rejected (${check}): ${(error as AuthingTokenError).detail}`);
    return error as AuthingTokenError;
  }

  it('accepts a valid RS256 access token and fetches the JWKS once for many verifications', async () => {
    const c = client();
    const token = await jwt().sign(keyA.privateKey);
    const claims = await c.verifyAccessToken(token);
    expect(claims.sub).toBe('user-1');
    expect(claims.iss).toBe(issuer);
    const other = await jwt({ jti: 'x' }).sign(keyA.privateKey);
    await c.verifyAccessToken(other);
    await c.verifyAccessToken(token);
    expect(server.fetches).toBe(1);
  });

  it('shares the key cache with clients derived by withAccessToken', async () => {
    const root = client();
    await root.loadSigningKeys();
    const token = await jwt().sign(keyA.privateKey);
    await root.withAccessToken(token).verifyAccessToken(token);
    await root.withAccessToken(undefined).verifyIdToken(token);
    expect(server.fetches).toBe(1);
  });

  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'kid-a' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ iss: issuer, aud: APP_ID, sub: 'user-1', iat: now, exp: now + 60 }),
    ).toString('base64url');
    await expectRejected(client().verifyAccessToken(`${header}.${payload}.`), 'algorithm');
  });

  it('refuses a signature by another key carrying a known kid', async () => {
    const token = await jwt().sign(outsider.privateKey);
    await expectRejected(client().verifyAccessToken(token), 'signature');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(keyA.publicKey);
    const token = await jwt({}, { alg: 'HS256' }).sign(Buffer.from(pem));
    await expectRejected(client().verifyAccessToken(token), 'algorithm');
    await expectRejected(client().verifyIdToken(token), 'algorithm');
  });

  it('verifies HS256 id_tokens with the app secret only when configured so', async () => {
    const secret = new TextEncoder().encode(APP_SECRET);
    const token = await jwt({ nonce: 'n-1' }, { alg: 'HS256', kid: undefined }).sign(secret);
    const hsClient = client({ idTokenSigningAlg: 'HS256' });
    expect((await hsClient.verifyIdToken(token, { nonce: 'n-1' })).sub).toBe('user-1');
    await expectRejected(client().verifyIdToken(token), 'algorithm');
    const forged = await jwt({}, { alg: 'HS256' }).sign(new TextEncoder().encode('not-the-secret-0123456789abcdef'));
    await expectRejected(hsClient.verifyIdToken(forged), 'signature');
  });

  it.each([
    ['wrong issuer', { iss: 'https://evil.example/oidc' }, 'issuer'],
    ['wrong audience', { aud: 'another-app' }, 'audience'],
    ['expired beyond tolerance', { exp: Math.floor(Date.now() / 1000) - 120, iat: 1 }, 'expired'],
    ['issued in the future beyond tolerance', { iat: Math.floor(Date.now() / 1000) + 600 }, 'issued_at'],
  ] as const)('refuses a token with %s', async (_name, claims, check) => {
    const token = await jwt(claims).sign(keyA.privateKey);
    await expectRejected(client().verifyAccessToken(token), check);
  });

  it('refuses a token that is not valid yet (nbf beyond tolerance) but tolerates small skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await jwt()
      .setNotBefore(now + 600)
      .sign(keyA.privateKey);
    await expectRejected(client().verifyAccessToken(future), 'not_yet_valid');
    const skewed = await jwt()
      .setNotBefore(now + 10)
      .sign(keyA.privateKey);
    expect((await client({ clockTolerance: 30 }).verifyAccessToken(skewed)).sub).toBe('user-1');
    await expectRejected(client({ clockTolerance: 0 }).verifyAccessToken(skewed), 'not_yet_valid');
  });

  it('tolerates an expiry within the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await jwt({ exp: now - 5, iat: now - 100 }).sign(keyA.privateKey);
    expect((await client({ clockTolerance: 30 }).verifyAccessToken(token)).sub).toBe('user-1');
    await expectRejected(client({ clockTolerance: 0 }).verifyAccessToken(token), 'expired');
  });

  it('refuses an id_token, or a token without scope, as an access token', async () => {
    const c = client();
    const idToken = await jwt({ nonce: 'n-1', scope: undefined }).sign(keyA.privateKey);
    expect((await c.verifyIdToken(idToken, { nonce: 'n-1' })).sub).toBe('user-1');
    await expectRejected(c.verifyAccessToken(idToken), 'claims');
    await expectRejected(c.verifyAccessToken(await jwt({ scope: undefined }).sign(keyA.privateKey)), 'claims');
    await expectRejected(c.verifyAccessToken(await jwt({ at_hash: 'abc' }).sign(keyA.privateKey)), 'claims');
  });

  it('checks the nonce of an id_token', async () => {
    const token = await jwt({ nonce: 'expected' }).sign(keyA.privateKey);
    const c = client();
    expect((await c.verifyIdToken(token, { nonce: 'expected' })).nonce).toBe('expected');
    await expectRejected(c.verifyIdToken(token, { nonce: 'other' }), 'nonce');
    const without = await jwt().sign(keyA.privateKey);
    await expectRejected(c.verifyIdToken(without, { nonce: 'expected' }), 'nonce');
  });

  it('refetches the JWKS on an unknown kid at most once per interval, never guessing a key', async () => {
    const c = client({ jwksRefetchInterval: 60_000 });
    await c.verifyAccessToken(await jwt().sign(keyA.privateKey));
    expect(server.fetches).toBe(1);
    // A flood of tokens with unknown kids, signed by a key the server does not publish.
    for (let i = 0; i < 20; i++) {
      const token = await jwt({}, { kid: `unknown-${i}` }).sign(outsider.privateKey);
      await expectRejected(c.verifyAccessToken(token), 'key');
    }
    expect(server.fetches).toBe(1);
  });

  it('follows key rotation at the provider without a restart', async () => {
    const c = client({ jwksRefetchInterval: 0 });
    await c.verifyAccessToken(await jwt().sign(keyA.privateKey));
    server.keys = [await publicJwk(keyA, 'kid-a'), await publicJwk(keyB, 'kid-b')];
    const rotated = await jwt({}, { kid: 'kid-b' }).sign(keyB.privateKey);
    expect((await c.verifyAccessToken(rotated)).sub).toBe('user-1');
    expect(server.fetches).toBe(2);
  });

  it('stops accepting remembered tokens as soon as their key is withdrawn', async () => {
    const c = client({ jwksRefetchInterval: 0 });
    const old = await jwt().sign(keyA.privateKey);
    await c.verifyAccessToken(old);
    // The provider retires kid-a; a token with the new kid makes the client notice.
    server.keys = [await publicJwk(keyB, 'kid-b')];
    await c.verifyAccessToken(await jwt({}, { kid: 'kid-b' }).sign(keyB.privateKey));
    await expectRejected(c.verifyAccessToken(old), 'key');
  });

  it('says remembered claims no longer hold once their key is withdrawn (the guard skips re-hashing by them)', async () => {
    const c = client({ jwksRefetchInterval: 0 });
    const old = await jwt().sign(keyA.privateKey);
    await c.loadSigningKeys(); // a result is remembered under the key set it was verified with
    const claims = await c.verifyAccessToken(old);
    expect(c.peekVerifiedAccessToken(old)).toBe(claims);
    expect(c.isVerifiedAccessTokenRemembered(claims)).toBe(true);
    expect(c.withAccessToken('other').isVerifiedAccessTokenRemembered(claims)).toBe(true); // shared core
    server.keys = [await publicJwk(keyB, 'kid-b')];
    await c.verifyAccessToken(await jwt({}, { kid: 'kid-b' }).sign(keyB.privateKey));
    expect(c.isVerifiedAccessTokenRemembered(claims)).toBe(false);
  });

  it('refuses a token without kid when the key set has several keys', async () => {
    server.keys = [await publicJwk(keyA, 'kid-a'), await publicJwk(keyB, 'kid-b')];
    const token = await jwt({}, { kid: undefined }).sign(keyA.privateKey);
    await expectRejected(client().verifyAccessToken(token), 'key');
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a token'],
    ['two segments', 'abc.def'],
    ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
    ['a header that is a JSON array', `${Buffer.from('[1]').toString('base64url')}.e30.c2ln`],
  ])('refuses %s as malformed', async (_name, token) => {
    await expectRejected(client().verifyAccessToken(token), 'format');
  });

  it('refuses a truncated token', async () => {
    const token = await jwt().sign(keyA.privateKey);
    const error = await expectRejected(client().verifyAccessToken(token.slice(0, -10)), 'signature');
    expect(error.message).not.toContain(token.slice(0, 40));
  });

  it('refuses a huge token before parsing it', async () => {
    const huge = `${'a'.repeat(20_000)}.${'b'.repeat(20_000)}.c`;
    await expectRejected(client().verifyAccessToken(huge), 'size');
    expect(server.fetches).toBe(0);
  });

  it('verifies offline with serverJWKS and never fetches', async () => {
    const c = client({ serverJWKS: { keys: [(await publicJwk(keyA, 'kid-a')) as never] } });
    expect((await c.verifyAccessToken(await jwt().sign(keyA.privateKey))).sub).toBe('user-1');
    await expectRejected(c.verifyAccessToken(await jwt({}, { kid: 'zzz' }).sign(keyA.privateKey)), 'key');
    expect(server.fetches).toBe(0);
  });

  it('reports an unreachable JWKS as jwks_unavailable, and keeps verifying from the cache once warm', async () => {
    server.down = true;
    const cold = client();
    await expectRejected(cold.verifyAccessToken(await jwt().sign(keyA.privateKey)), 'jwks_unavailable');
    server.down = false;
    const warm = client({ jwksRefetchInterval: 0 });
    await warm.loadSigningKeys();
    server.down = true;
    expect((await warm.verifyAccessToken(await jwt({ jti: 'later' }).sign(keyA.privateKey))).sub).toBe('user-1');
  });
});

describe('VerifiedTokenCache', () => {
  it('forgets an entry at its expiry, on a key-set change, and beyond its size', () => {
    let now = 1_000;
    const cache = new VerifiedTokenCache<string>(2, () => now);
    cache.set('a', 'A', 2_000, 1);
    expect(cache.get('a', 1)).toBe('A');
    expect(cache.get('a', 2)).toBeUndefined();
    cache.set('a', 'A', 2_000, 1);
    now = 2_000;
    expect(cache.get('a', 1)).toBeUndefined();
    now = 1_000;
    cache.set('a', 'A', 5_000, 1);
    cache.set('b', 'B', 5_000, 1);
    cache.get('a', 1); // a is now the most recently used
    cache.set('c', 'C', 5_000, 1);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBe('A');
  });

  it('holds a value exactly while get would return it; a hit among the newest half does not reorder', () => {
    let now = 1_000;
    const cache = new VerifiedTokenCache<{ name: string }>(4, () => now);
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    cache.set('a', a!, 5_000, 1);
    cache.set('b', b!, 5_000, 1);
    expect(cache.holds(a!, 1)).toBe(true);
    expect(cache.holds(a!, 2)).toBe(false); // another key set
    cache.set('c', c!, 5_000, 1);
    cache.set('d', d!, 5_000, 1);
    cache.get('a', 1); // a was in the older half: moved to the newest end
    cache.get('d', 1); // d is among the newest: stays
    cache.set('e', e!, 5_000, 1); // evicts b, the least recently used
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.holds(b!, 1)).toBe(false);
    expect(cache.get('a', 1)).toBe(a);
    cache.set('a', { name: 'a again' }, 5_000, 1); // replaced
    expect(cache.holds(a!, 1)).toBe(false);
    now = 5_000;
    expect(cache.holds(c!, 1)).toBe(false); // expired
    now = 1_000;
    cache.clear();
    expect(cache.holds(d!, 1)).toBe(false);
  });

  it('with the system clock, holds reads it at most once per 50 ms far from expiry, and precisely near it', async () => {
    const cache = new VerifiedTokenCache<{ name: string }>(4);
    const far = { name: 'far' };
    const near = { name: 'near' };
    cache.set('far', far, Date.now() + 60_000, 1);
    cache.set('near', near, Date.now() + 80, 1);
    const now = jest.spyOn(Date, 'now');
    try {
      await new Promise((resolve) => setTimeout(resolve, 60)); // whatever the recent clock held is gone
      now.mockClear();
      for (let i = 0; i < 100; i++) expect(cache.holds(far, 1)).toBe(true);
      expect(now).toHaveBeenCalledTimes(1);
      expect(cache.holds(near, 1)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cache.holds(near, 1)).toBe(false); // expired, though the recent clock may lag
      expect(cache.holds(far, 1)).toBe(true);
    } finally {
      now.mockRestore();
    }
  });

  it('never stores an already expired entry and keys tokens by hash', () => {
    const cache = new VerifiedTokenCache<string>(10, () => 5_000);
    cache.set('k', 'v', 4_000, 1);
    expect(cache.size).toBe(0);
    const key = tokenHash('header.payload.signature');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('payload');
    // The same key the Nest layer's caches use, whether or not crypto.hash is available.
    expect(key).toBe(createHash('sha256').update('header.payload.signature').digest('base64url'));
  });
});
