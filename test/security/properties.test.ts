/**
 * Property-based tests (fast-check): the token verifier over arbitrary strings and mutated valid
 * tokens (a typed AuthingTokenError, or the genuine claims for a token that still means the same,
 * never another exception), the Authorization header parser, the Nest app over HTTP with arbitrary
 * headers, cookies and query strings (never a 500), and the returnTo check (never an off-site
 * absolute URL unless allow-listed), also through the real login redirect.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { AuthenticationClient, AuthingTokenError, checkReturnTo } from '../../lib/index.js';
import { defaultExtractToken } from '../../lib/nest/request/request-context.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { APP_HOST, APP_ID, APP_SECRET, createTestKeys, type TestKeys } from '../nest/support/keys.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'prop@example.com', password: 'Pr0p-secret-passw0rd' };
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const harness = new SecurityHarness();
let keys: TestKeys;
let verifier: AuthenticationClient;
let valid: string;
let validClaims: Record<string, unknown>;
let emulator: AuthingEmulator;
let sample: SampleApp;
let genuineCookie: string;
let bearer: string;

beforeAll(async () => {
  harness.install();
  keys = await createTestKeys();
  verifier = new AuthenticationClient({
    appId: APP_ID,
    appSecret: APP_SECRET,
    appHost: APP_HOST,
    serverJWKS: keys.jwks,
  });
  valid = harness.token('valid token', await keys.sign({ sub: 'user-1', scope: 'openid profile', jti: 'j-1' }));
  validClaims = await verifier.verifyAccessToken(valid);

  harness.secret('password', USER.password);
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [USER] }, logger: harness.emulatorLogger });
  harness.secret('emulator app secret', emulator.app.appSecret);
  sample = await createSampleApp({ port: 0, emulator, logger: harness.nestLogger });
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, sample.url, USER);
  expect((await browser.request(callback)).status).toBe(302);
  genuineCookie = `authing.sid=${harness.secret('session cookie', browser.find('authing.sid')!.value)}`;
  bearer = harness.token('bearer token', (await emulator.issueTokens({ user: USER.email })).access_token);
});

afterAll(async () => {
  await verifier?.close();
  await sample?.close();
  await emulator?.stop();
  harness.uninstall();
});

type Outcome = { accepted: true; claims: Record<string, unknown> } | { accepted: false; check: string };

/** Verifies as access token and as id_token; any exception other than AuthingTokenError fails the property. */
async function verify(token: unknown): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const run of [
    () => verifier.verifyAccessToken(token as string),
    () => verifier.verifyIdToken(token as string),
  ]) {
    try {
      outcomes.push({ accepted: true, claims: await run() });
    } catch (error) {
      if (!(error instanceof AuthingTokenError)) throw error;
      outcomes.push({ accepted: false, check: error.check });
    }
  }
  return outcomes;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

type Mutation =
  | { op: 'replace' | 'insert'; at: number; char: string }
  | { op: 'delete' | 'truncate'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'claim'; part: 0 | 1; key: string; value: fc.JsonValue | undefined };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const segment = fc.string({ unit: fc.constantFrom(...B64URL), maxLength: 120 });

describe('the token verifier', () => {
  test('arbitrary strings and values: always a typed refusal', async () => {
    const candidates = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.tuple(segment, segment, segment).map((s) => s.join('.')),
      fc
        .tuple(
          fc.record(
            {
              alg: fc.oneof(fc.constantFrom('RS256', 'HS256', 'none', 'ES256', 'PS256'), fc.jsonValue()),
              kid: fc.oneof(fc.constant('test-key'), fc.jsonValue()),
              typ: fc.jsonValue(),
              crit: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
          segment,
        )
        .map(([header, payload, signature]) => `${b64(header)}.${b64(payload)}.${signature}`),
      fc.anything().map((value) => value as unknown as string),
    );
    await fc.assert(
      fc.asyncProperty(candidates, async (token) => {
        for (const outcome of await verify(token)) expect(outcome.accepted).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  test('mutated valid tokens: refused, or the very same claims when the mutation changed nothing that is signed', async () => {
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({
        op: fc.constant('replace' as const),
        at: fc.nat(),
        char: fc.constantFrom(...B64URL, '.', '=', ' ', '~'),
      }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...B64URL, '.', '+', '/') }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }),
      fc.record({
        op: fc.constant('claim' as const),
        part: fc.constantFrom(0, 1),
        key: fc.constantFrom('alg', 'kid', 'typ', 'iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'scope', 'jti', 'x'),
        value: fc.option(fc.jsonValue(), { nil: undefined }),
      }),
    );
    const apply = (token: string, m: Mutation): string => {
      const at = (n: number) => n % (token.length + 1);
      switch (m.op) {
        case 'replace':
          return token.slice(0, at(m.at)) + m.char + token.slice(at(m.at) + 1);
        case 'insert':
          return token.slice(0, at(m.at)) + m.char + token.slice(at(m.at));
        case 'delete':
          return token.slice(0, at(m.at)) + token.slice(at(m.at) + 1);
        case 'truncate':
          return token.slice(0, at(m.at));
        case 'swap': {
          const parts = token.split('.');
          [parts[m.a], parts[m.b]] = [parts[m.b]!, parts[m.a]!];
          return parts.join('.');
        }
        default: {
          const parts = token.split('.');
          let decoded: Record<string, unknown>;
          try {
            decoded = JSON.parse(Buffer.from(parts[m.part] ?? '', 'base64url').toString()) as Record<string, unknown>;
          } catch {
            return token; // an earlier mutation already broke this part
          }
          if (typeof decoded !== 'object' || decoded === null) return token;
          if (m.value === undefined) delete decoded[m.key];
          else decoded[m.key] = m.value;
          parts[m.part] = b64(decoded);
          return parts.join('.');
        }
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce((token, m) => apply(token, m), valid);
        for (const outcome of await verify(mutated)) {
          if (outcome.accepted) {
            // Only a token that still carries exactly the signed content may pass (e.g. a change in
            // the unused bits of the signature's last base64url character).
            expect(isDeepStrictEqual(outcome.claims, validClaims)).toBe(true);
            expect(mutated.split('.').slice(0, 2)).toEqual(valid.split('.').slice(0, 2));
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the Authorization header parser', () => {
  test('any header value: no throw; a result is one whitespace-free token after a Bearer scheme', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string().map((s) => `Bearer ${s}`),
        ),
        (header) => {
          const token = defaultExtractToken({ headers: { authorization: header } });
          if (token === undefined) return;
          expect(token).toMatch(/^\S+$/);
          expect(header).toMatch(/^bearer[ \t]+/i);
          expect(header.replace(/[ \t]+$/, '').endsWith(token)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('Bearer in any case with spaces or tabs gives back exactly the token', () => {
    const scheme = fc
      .array(fc.boolean(), { minLength: 6, maxLength: 6 })
      .map((upper) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(
        scheme,
        fc.stringMatching(/^[ \t]{1,4}$/),
        fc.stringMatching(/^[\x21-\x7e]{1,200}$/),
        (s, gap, token) => {
          expect(defaultExtractToken({ headers: { authorization: `${s}${gap}${token}` } })).toBe(token);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('arbitrary request shapes never make it throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (authorization, auth) => {
        const result = defaultExtractToken({ headers: { authorization } as never, auth: auth as never });
        expect(result === undefined || typeof result === 'string').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the Nest application over HTTP', () => {
  /** Characters fetch can carry in a header value (a ByteString without CR, LF or NUL). */
  const headerChar = fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09))
    .map((c) => String.fromCharCode(c));
  const headerValue = fc.string({ unit: headerChar, maxLength: 300 });

  async function get(path: string, headers: Record<string, string>) {
    const response = await fetch(`${sample.url}${path}`, { headers, redirect: 'manual' });
    const text = await response.text();
    return { status: response.status, text };
  }

  test('the genuine credentials work (the properties below can fail)', async () => {
    expect((await get('/api/me', { authorization: `Bearer ${bearer}` })).status).toBe(200);
    expect((await get('/api/me', { cookie: genuineCookie })).status).toBe(200);
  });

  test('arbitrary Authorization headers: 200 exactly when the parsed token is the genuine one, else 401', async () => {
    const authorization = fc.oneof(
      headerValue,
      headerValue.map((s) => `Bearer ${s}`),
      headerValue.map((s) => `Bearer ${bearer}${s}`),
      fc.tuple(headerValue, headerValue).map(([a, b]) => `${a}Bearer ${bearer}${b}`),
      fc.constantFrom('bearer', 'BEARER', 'Bearer', 'BeArEr').map((s) => `${s} ${bearer}`),
    );
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        const answer = await get('/api/me', { authorization: value });
        // What the server sees: leading and trailing whitespace are not part of a header value.
        const seen = value.replace(/^[ \t]+|[ \t]+$/g, '');
        const expected =
          seen !== '' && defaultExtractToken({ headers: { authorization: seen } }) === bearer ? 200 : 401;
        expect(answer.status).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  test('arbitrary cookies on every kind of route: never a 500, never someone else’s session', async () => {
    const genuine = genuineCookie.slice('authing.sid='.length);
    const cookie = fc.oneof(
      headerValue,
      headerValue.map((s) => `authing.sid=${s}`),
      headerValue.map((s) => `authing.sid=s%3A${s}`),
      fc
        .tuple(fc.nat(genuine.length - 1), fc.constantFrom(...B64URL))
        .map(([i, c]) => `authing.sid=${genuine.slice(0, i)}${c}${genuine.slice(i + 1)}`),
      fc.tuple(headerValue, headerValue).map(([a, b]) => `${a}; ${genuineCookie}; ${b}`),
    );
    const routes: Record<string, number[]> = {
      '/api/me': [200, 400, 401],
      '/profile': [200, 302, 400],
      '/': [200, 400],
      '/login': [302, 400],
      '/callback?code=c&state=s': [302, 400],
      '/admin/users': [400, 401, 403],
    };
    await fc.assert(
      fc.asyncProperty(cookie, fc.constantFrom(...Object.keys(routes)), async (value, route) => {
        const answer = await get(route, { cookie: value });
        expect(routes[route]).toContain(answer.status);
        if (route === '/api/me' && answer.status === 200) {
          expect(JSON.parse(answer.text)).toMatchObject({ email: USER.email, via: 'session' });
          // Only the genuine cookie (however its escapes are spelled) opens the session.
          const sent = value.split(';').map((pair) => pair.trim().split('='));
          expect(
            sent.some(([name, ...rest]) => name === 'authing.sid' && decode(rest.join('=')) === decode(genuine)),
          ).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('arbitrary query strings on the login and callback routes: a redirect or a refusal, never a 500', async () => {
    const key = fc.oneof(
      fc.constantFrom('code', 'state', 'error', 'error_description', 'returnTo', 'code[]', 'state[x]', 'error[0]'),
      fc.string({ maxLength: 10 }),
    );
    const query = fc.array(fc.tuple(key, fc.string({ unit: 'binary', maxLength: 60 })), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.constantFrom('/callback', '/login'),
        fc.boolean(),
        async (pairs, path, withSession) => {
          const search = new URLSearchParams(pairs).toString();
          const answer = await get(`${path}?${search}`, withSession ? { cookie: genuineCookie } : {});
          expect([302, 400, 401]).toContain(answer.status);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('returnTo', () => {
  const ALLOWED = 'https://docs.example.com';
  const piece = fc.constantFrom(
    '/',
    '\\',
    '//',
    '/\\',
    '.',
    '..',
    '%2f',
    '%2F',
    '%5c',
    '%2e',
    '%09',
    'evil.example',
    'docs.example.com',
    '@',
    ':',
    '\t',
    '\n',
    '\r',
    ' ',
    '\u0000',
    '\u3002',
    '\uff0f',
    '\u00a0',
    'https:',
    'http:',
    'javascript:',
    'data:',
    '#',
    '?',
    'a',
    'user:pass@',
    ':443',
  );
  const candidate = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
    fc
      .tuple(
        fc.constantFrom(
          ALLOWED,
          `${ALLOWED}.evil.example`,
          'HTTPS://DOCS.EXAMPLE.COM',
          `${ALLOWED}@evil.example`,
          'https://docs.example.com:443',
          'https:docs.example.com',
          'https:/docs.example.com',
        ),
        fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
      )
      .map(([a, b]) => a + b),
  );

  test('checkReturnTo never yields an off-site absolute URL unless allow-listed', () => {
    fc.assert(
      fc.property(candidate, fc.boolean(), (value, withAllowList) => {
        const allowed = withAllowList ? [ALLOWED] : [];
        const result = checkReturnTo(value, allowed);
        if (result === undefined) return;
        expect(result).toBe(value);
        // Where a browser lands when sent there from https://app.example.
        const landing = new URL(result, 'https://app.example');
        expect(['https://app.example', ...allowed]).toContain(landing.origin);
      }),
      { numRuns: 5000 },
    );
  });

  test('through the real login: the callback redirect never leaves the site', async () => {
    const browser = new CookieClient(); // keeps the emulator's SSO session: later logins skip the form
    await fc.assert(
      fc.asyncProperty(candidate, async (returnTo) => {
        const callback = await loginUntilCallback(
          browser,
          sample.url,
          USER,
          `/login?returnTo=${encodeURIComponent(returnTo)}`,
        );
        const done = await browser.request(callback);
        expect(done.status).toBe(302);
        const landing = new URL(done.headers.get('location')!, sample.url);
        expect(landing.origin).toBe(new URL(sample.url).origin);
      }),
      { numRuns: 25 },
    );
  });
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
