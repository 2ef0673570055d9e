/**
 * Bad input to every public entry point: module options (AuthingConfigurationError naming the
 * option), client options and method arguments (AuthingArgumentError naming the argument), and
 * hostile headers and cookies over HTTP against the sample (401 / 400 / redirect, never a 500).
 * No message echoes a secret that was passed along.
 */
import 'reflect-metadata';
import { connect } from 'node:net';
import { Test } from '@nestjs/testing';
import {
  AuthenticationClient,
  AuthingArgumentError,
  AuthingConfigurationError,
  AuthingModule,
  AuthingTokenError,
  authingSessionOptions,
  checkReturnTo,
  ManagementClient,
  type AuthingModuleOptions,
} from '../../lib/index.js';
import { resolveAuthingOptions } from '../../lib/nest/options/validate-options.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';
import { SecurityHarness } from './support/harness.js';

const APP_SECRET = 'app-secret-that-must-never-be-echoed';
const AK_SECRET = 'access-key-secret-that-must-never-be-echoed';
const BASE = { appId: 'app-under-test', appSecret: APP_SECRET, appHost: 'https://example.authing.cn' };
const USER = { email: 'input@example.com', password: 'Inp0t-secret-passw0rd' };

const harness = new SecurityHarness();
let emulator: AuthingEmulator;
let sample: SampleApp;
let session: { cookie: string; value: string };
let token: string;

beforeAll(async () => {
  harness.install();
  harness.secret('app secret', APP_SECRET);
  harness.secret('access key secret', AK_SECRET);
  harness.secret('password', USER.password);
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [USER] }, logger: harness.emulatorLogger });
  harness.secret('emulator app secret', emulator.app.appSecret);
  harness.secret('emulator access key secret', emulator.accessKey.accessKeySecret);
  sample = await createSampleApp({
    port: 0,
    emulator,
    logger: harness.nestLogger,
    env: { SESSION_SECRET: harness.secret('session secret', 'bad-input-session-secret-0123456789') },
  });
  const browser = new CookieClient();
  const callback = await loginUntilCallback(browser, sample.url, USER);
  expect((await browser.request(callback)).status).toBe(302);
  const value = browser.find('authing.sid')!.value;
  session = { cookie: `authing.sid=${value}`, value: harness.secret('session cookie', value) };
  token = harness.token('access token', (await emulator.issueTokens({ user: USER.email })).access_token);
});

afterAll(async () => {
  await sample?.close();
  await emulator?.stop();
  harness.uninstall();
});

/** The error a call throws (synchronously or as a rejection); fails when it does not throw. */
async function thrown(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (error) {
    const text = `${String(error)}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
    expect(harness.secretsIn(text)).toEqual([]);
    return error as Error;
  }
  throw new Error('expected an error, the call succeeded');
}

describe('module options: AuthingConfigurationError names the option', () => {
  const cases: [string, unknown, string][] = [
    ['options that are not an object', null, 'options'],
    ['options that are a string', 'appId=x', 'options'],
    ['no appId', { ...BASE, appId: undefined }, 'appId'],
    ['a blank appId', { ...BASE, appId: '   ' }, 'appId'],
    ['a numeric appId', { ...BASE, appId: 42 }, 'appId'],
    ['no appHost', { ...BASE, appHost: undefined }, 'appHost'],
    ['an appHost that is not a URL', { ...BASE, appHost: 'example.authing.cn' }, 'appHost'],
    ['an ftp appHost', { ...BASE, appHost: 'ftp://example.authing.cn' }, 'appHost'],
    ['an empty appSecret', { ...BASE, appSecret: '' }, 'appSecret'],
    ['a numeric appSecret', { ...BASE, appSecret: 1234 }, 'appSecret'],
    ['a relative redirectUri', { ...BASE, redirectUri: '/callback' }, 'redirectUri'],
    ['a javascript: redirectUri', { ...BASE, redirectUri: 'javascript:alert(1)' }, 'redirectUri'],
    ['a logoutRedirectUri that is not a URL', { ...BASE, logoutRedirectUri: 'home' }, 'logoutRedirectUri'],
    ['an empty scope', { ...BASE, scope: '' }, 'scope'],
    ['a scope without openid', { ...BASE, scope: 'profile email' }, 'scope'],
    ['an access key id without its secret', { ...BASE, accessKeyId: 'AK' }, 'accessKeySecret'],
    ['an access key secret without its id', { ...BASE, accessKeySecret: AK_SECRET }, 'accessKeyId'],
    ['a numeric access key id', { ...BASE, accessKeyId: 7, accessKeySecret: AK_SECRET }, 'accessKeyId'],
    ['a management host that is not a URL', { ...BASE, host: 'api' }, 'host'],
    ['an empty tenantId', { ...BASE, accessKeyId: 'AK', accessKeySecret: AK_SECRET, tenantId: '' }, 'tenantId'],
    ['an unknown tokenValidation', { ...BASE, tokenValidation: 'remote' }, 'tokenValidation'],
    ['a negative introspectionCacheTtl', { ...BASE, introspectionCacheTtl: -1 }, 'introspectionCacheTtl'],
    ['a NaN introspectionCacheTtl', { ...BASE, introspectionCacheTtl: Number.NaN }, 'introspectionCacheTtl'],
    ['roles that are a string', { ...BASE, roles: 'admin' }, 'roles'],
    ['an unknown roles.source', { ...BASE, roles: { source: 'ldap' } }, 'roles.source'],
    ['management roles without credentials', { ...BASE, roles: { source: 'management' } }, 'roles.source'],
    ['a negative roles.cacheTtl', { ...BASE, roles: { cacheTtl: -5 } }, 'roles.cacheTtl'],
    ['an empty roles.namespace', { ...BASE, roles: { namespace: '' } }, 'roles.namespace'],
    ['an extractToken that is not a function', { ...BASE, extractToken: 'header' }, 'extractToken'],
    ['allowedReturnTo that is a string', { ...BASE, allowedReturnTo: 'https://a.example' }, 'allowedReturnTo'],
    ['an allowedReturnTo entry that is not a URL', { ...BASE, allowedReturnTo: ['a.example'] }, 'allowedReturnTo[0]'],
    [
      'an allowedReturnTo entry with a path',
      { ...BASE, allowedReturnTo: ['https://a.example/x'] },
      'allowedReturnTo[0]',
    ],
    ['an off-site defaultReturnTo', { ...BASE, defaultReturnTo: 'https://evil.example/' }, 'defaultReturnTo'],
    ['a protocol-relative defaultReturnTo', { ...BASE, defaultReturnTo: '//evil.example' }, 'defaultReturnTo'],
    ['a javascript: loginFailureRedirect', { ...BASE, loginFailureRedirect: 'javascript:x' }, 'loginFailureRedirect'],
    ['an empty sessionKey', { ...BASE, sessionKey: '' }, 'sessionKey'],
    ['zero maxPendingLogins', { ...BASE, maxPendingLogins: 0 }, 'maxPendingLogins'],
    ['fractional maxPendingLogins', { ...BASE, maxPendingLogins: 1.5 }, 'maxPendingLogins'],
    ['a negative loginTimeout', { ...BASE, loginTimeout: -1 }, 'loginTimeout'],
    ['a string loadSigningKeysOnStart', { ...BASE, loadSigningKeysOnStart: 'yes' }, 'loadSigningKeysOnStart'],
    ['a string pkce', { ...BASE, pkce: 'no' }, 'pkce'],
    ['a numeric fetchUserInfo', { ...BASE, fetchUserInfo: 1 }, 'fetchUserInfo'],
  ];

  test.each(cases)('%s', async (_name, options, option) => {
    const error = await thrown(() => resolveAuthingOptions(options as AuthingModuleOptions));
    expect(error).toBeInstanceOf(AuthingConfigurationError);
    expect((error as AuthingConfigurationError).option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
  });

  // Checked by the SDK client the module builds: the boot stops with the option named.
  const sdkCases: [string, Record<string, unknown>, string][] = [
    ['a zero timeout', { timeout: 0 }, 'timeout'],
    ['a string timeout', { timeout: '5000' }, 'timeout'],
    ['an unknown lang', { lang: 'fr-FR' }, 'lang'],
    ['retry that is a string', { retry: 'yes' }, 'retry'],
    ['too many retries', { retry: { retries: 11 } }, 'retry.retries'],
    ['negative retries', { retry: { retries: -1 } }, 'retry.retries'],
    ['a string rejectUnauthorized', { rejectUnauthorized: 'no' }, 'rejectUnauthorized'],
    ['a negative clockTolerance', { clockTolerance: -1 }, 'clockTolerance'],
    ['a string jwksRefetchInterval', { jwksRefetchInterval: '1s' }, 'jwksRefetchInterval'],
    ['a negative jwksMaxAge', { jwksMaxAge: -1 }, 'jwksMaxAge'],
    ['a negative verifiedTokenCacheSize', { verifiedTokenCacheSize: -1 }, 'verifiedTokenCacheSize'],
    ['serverJWKS without keys', { serverJWKS: {} }, 'serverJWKS'],
    ['an id_token algorithm of none', { idTokenSigningAlg: 'none' }, 'idTokenSigningAlg'],
    ['an unsupported access token algorithm', { accessTokenSigningAlg: 'ES256' }, 'accessTokenSigningAlg'],
    [
      'HS256 without the app secret (a public client)',
      {
        appSecret: undefined,
        tokenEndPointAuthMethod: 'none',
        introspectionEndPointAuthMethod: 'none',
        revocationEndPointAuthMethod: 'none',
        idTokenSigningAlg: 'HS256',
      },
      'idTokenSigningAlg',
    ],
    ['an unknown token endpoint method', { tokenEndPointAuthMethod: 'private_key_jwt' }, 'tokenEndPointAuthMethod'],
    ['an unknown introspection method', { introspectionEndPointAuthMethod: 'x' }, 'introspectionEndPointAuthMethod'],
    ['an unknown revocation method', { revocationEndPointAuthMethod: 'x' }, 'revocationEndPointAuthMethod'],
    ['an appHost with credentials', { appHost: `https://user:${APP_SECRET}@example.authing.cn` }, 'appHost'],
  ];

  test.each(sdkCases)('%s stops the boot', async (_name, override, option) => {
    const error = await thrown(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [AuthingModule.forRoot({ ...BASE, loadSigningKeysOnStart: false, ...override } as never)],
      }).compile();
      await moduleRef.close();
    });
    expect(error).toBeInstanceOf(AuthingConfigurationError);
    expect((error as AuthingConfigurationError).option).toBe(option);
  });
});

describe('client options and method arguments: a typed error naming the argument', () => {
  const clients: AuthenticationClient[] = [];
  const client = () => {
    const c = new AuthenticationClient({ ...BASE, redirectUri: 'https://app.example/callback', retry: false });
    clients.push(c);
    return c;
  };
  afterAll(() => Promise.all(clients.map((c) => c.close())));

  test.each<[string, () => unknown, string]>([
    ['AuthenticationClient without options', () => new AuthenticationClient(undefined as never), 'options'],
    ['AuthenticationClient with a blank appId', () => new AuthenticationClient({ ...BASE, appId: ' ' }), 'appId'],
    [
      'AuthenticationClient with a bad appHost',
      () => new AuthenticationClient({ ...BASE, appHost: 'nope' }),
      'appHost',
    ],
    ['an unknown protocol', () => new AuthenticationClient({ ...BASE, protocol: 'ldap' as never }), 'protocol'],
    ['a blank scope', () => new AuthenticationClient({ ...BASE, scope: ' ' }), 'scope'],
    ['an empty access token', () => new AuthenticationClient({ ...BASE, accessToken: '' }), 'accessToken'],
    ['ManagementClient without options', () => new ManagementClient(null as never), 'options'],
    [
      'ManagementClient with a blank secret',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: '  ' }),
      'accessKeySecret',
    ],
    [
      'ManagementClient with a bad host',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: AK_SECRET, host: 'api.example' }),
      'host',
    ],
    [
      'ManagementClient with an empty tenant',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: AK_SECRET, tenantId: '' }),
      'tenantId',
    ],
    ['getAccessTokenByCode without a code', () => client().getAccessTokenByCode(''), 'code'],
    [
      'getAccessTokenByCode with an empty verifier',
      () => client().getAccessTokenByCode('c', { codeVerifier: '' }),
      'codeVerifier',
    ],
    ['introspectToken without a token', () => client().introspectToken(undefined as never), 'token'],
    ['revokeToken with a number', () => client().revokeToken(42 as never), 'token'],
    ['getUserInfoByAccessToken without a token', () => client().getUserInfoByAccessToken(''), 'accessToken'],
    [
      'getUserInfoByAccessToken with PUT',
      () => client().getUserInfoByAccessToken('t', { method: 'PUT' as never }),
      'options.method',
    ],
    [
      'getUserInfoByAccessToken in a cookie',
      () => client().getUserInfoByAccessToken('t', { tokenPlace: 'cookie' as never }),
      'options.tokenPlace',
    ],
    [
      'handleRedirectCallback without expectations',
      () => client().handleRedirectCallback('/cb?code=x', {} as never),
      'expected.state',
    ],
    [
      'handleRedirectCallback with a number',
      () => client().handleRedirectCallback(42 as never, { state: 's' }),
      'callback',
    ],
    [
      'signInByEmailPassword without an email',
      () => client().signInByEmailPassword({ email: '', password: 'x' }),
      'email',
    ],
    [
      'signInByEmailPassword without a password',
      () => client().signInByEmailPassword({ email: 'a@b.c' } as never),
      'password',
    ],
    ['setAccessToken with blanks', () => client().setAccessToken('   '), 'accessToken'],
    [
      'buildAuthorizeUrl without a redirect URI',
      () => new AuthenticationClient(BASE).buildAuthorizeUrl(),
      'redirectUri',
    ],
    ['client credentials without a scope', () => client().getAccessTokenByClientCredentials(''), 'scope'],
    ['an unknown endpoint', () => client().callEndpoint('stealEverything', {}), 'name'],
    ['a CAS ticket format that does not exist', () => client().validateTicketV2('t', 's', 'YAML' as never), 'format'],
    [
      'a management call with an argument that is not an object',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: AK_SECRET }).getUser('u1' as never),
      'getUser',
    ],
    [
      'a management call with an unknown parameter',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: AK_SECRET }).listRoles({ drop: 1 } as never),
      'listRoles.drop',
    ],
    [
      'a management event without a name',
      () => new ManagementClient({ accessKeyId: 'AK', accessKeySecret: AK_SECRET }).pub('', '{}'),
      'eventName',
    ],
  ])('%s', async (_name, call, argument) => {
    const error = await thrown(call);
    expect(error).toBeInstanceOf(AuthingArgumentError);
    expect((error as AuthingArgumentError).argument).toBe(argument);
    expect(error.message).toContain(`"${argument}"`);
  });

  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['a number', 42],
    ['an object', { token: 'x' }],
    ['an empty string', ''],
  ])('verifying %s as a token: AuthingTokenError (format), not a crash', async (_name, value) => {
    const error = await thrown(() => client().verifyAccessToken(value as never));
    expect(error).toBeInstanceOf(AuthingTokenError);
    expect((error as AuthingTokenError).check).toBe('format');
  });

  test('authingSessionOptions and checkReturnTo refuse clearly or safely', async () => {
    expect((await thrown(() => authingSessionOptions({ secret: 'short' }))).message).toMatch(
      /secret must be a string of at least 16/,
    );
    expect((await thrown(() => authingSessionOptions(undefined as never))).message).toMatch(/secret/);
    expect((await thrown(() => authingSessionOptions({ secret: [] }))).message).toMatch(/secret/);
    for (const value of [undefined, null, 42, {}, ['/a'], '', 'x'.repeat(5000)]) {
      expect(checkReturnTo(value, [])).toBeUndefined();
    }
  });
});

describe('hostile headers and cookies over HTTP: 401 / 400 / redirect, never a 500', () => {
  async function status(path: string, headers: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`${sample.url}${path}`, { headers, redirect: 'manual' });
    await response.arrayBuffer();
    return response.status;
  }

  test('the session and the token used below are genuine (the refusals can fail)', async () => {
    expect(await status('/api/me', { cookie: session.cookie })).toBe(200);
    expect(await status('/api/me', { authorization: `Bearer ${token}` })).toBe(200);
  });

  test.each<[string, string, number]>([
    ['no scheme', 'TOKEN', 401],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', 401],
    ['Bearer and nothing', 'Bearer', 401],
    ['Bearer and spaces', 'Bearer    ', 401],
    ['two tokens', 'Bearer TOKEN TOKEN', 401],
    ['a token with a suffix', 'Bearer TOKENx', 401],
    ['a comma list', 'Bearer TOKEN, Basic abc', 401],
    ['lower-case scheme', 'bearer TOKEN', 200],
    ['a tab after the scheme', 'Bearer\tTOKEN', 200],
    ['latin-1 bytes', 'Bearer \u00e9\u00ff\u00a0', 401],
    ['a 15 KiB value', `Bearer ${'x'.repeat(15 * 1024)}`, 401],
    ['a 64 KiB value (beyond Node’s limit)', `Bearer ${'x'.repeat(64 * 1024)}`, 431],
  ])('Authorization: %s', async (_name, value, expected) => {
    expect(await status('/api/me', { authorization: value.replace('TOKEN', token).replace('TOKEN', token) })).toBe(
      expected,
    );
  });

  test.each<[string, () => string, number]>([
    ['garbage', () => 'authing.sid=%%%%; other=1', 401],
    ['an unsigned session id', () => `authing.sid=${decodeURIComponent(session.value).slice(2).split('.')[0]}`, 401],
    ['a flipped signature', () => `authing.sid=${flipLast(session.value)}`, 401],
    ['another session id under the same signature', () => `authing.sid=${otherId(session.value)}`, 401],
    ['signed with another secret', () => 'authing.sid=s%3Aabc.dGhpcy1pcy1ub3QtdGhlLXNpZ25hdHVyZQ', 401],
    ['an empty value', () => 'authing.sid=', 401],
    ['a 12 KiB value', () => `authing.sid=${'a'.repeat(12 * 1024)}`, 401],
    ['the genuine cookie twice', () => `${session.cookie}; ${session.cookie}`, 200],
    ['a forged cookie before the genuine one', () => `authing.sid=s%3Aforged.sig; ${session.cookie}`, 401],
  ])('Cookie: %s', async (_name, cookie, expected) => {
    expect(await status('/api/me', { cookie: cookie() })).toBe(expected);
    // The browser pages behave the same way: a redirect to the login, or the anonymous home page.
    expect([302, 200]).toContain(await status('/profile', { cookie: cookie() }));
    expect(await status('/', { cookie: cookie() })).toBe(200);
  });

  test.each([
    ['repeated code and state', '/callback?code=a&code=b&state=x&state=y'],
    ['bracketed parameters', '/callback?code[a]=1&state[b]=2'],
    ['an error without a state', '/callback?error=access_denied&error_description=%3Cscript%3E'],
    ['an unknown error code', '/callback?error=%00%0d%0aSet-Cookie:%20x=y&state=z'],
    ['a returnTo array', '/login?returnTo=/a&returnTo=//evil.example'],
    ['a huge state', `/callback?code=c&state=${'s'.repeat(8000)}`],
  ])('callback and login with %s', async (_name, path) => {
    const answer = await status(path, { cookie: session.cookie });
    expect([302, 400, 401]).toContain(answer);
  });

  test('raw requests with control characters or obs-text in the headers: 400 or 401, never a 500', async () => {
    const port = Number(new URL(sample.url).port);
    const lines = [
      'Authorization: Bearer \x01\x02\x03',
      'Authorization: Bearer abc\x7f',
      'Authorization: \xff\xfe\xfd',
      'Cookie: authing.sid=\x00\x01',
      'Cookie: authing.sid=s%3A\xe9t\xe9.x',
      'Authorization: Bearer a\r\nX-Injected: 1',
    ];
    for (const line of lines) {
      const code = await rawStatus(port, '/api/me', line);
      expect([400, 401]).toContain(code);
    }
  });
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});

/** Changes the last character of a signed cookie value (its signature). */
function flipLast(value: string): string {
  const last = value.at(-1) === 'A' ? 'B' : 'A';
  return `${value.slice(0, -1)}${last}`;
}

/** Replaces the session id of a signed cookie value, keeping its signature. */
function otherId(value: string): string {
  const decoded = decodeURIComponent(value);
  const dot = decoded.lastIndexOf('.');
  return encodeURIComponent(`s:someone-elses-session-id${decoded.slice(dot)}`);
}

/** Sends one raw HTTP/1.1 request (bytes as given, latin-1) and returns the status code. */
function rawStatus(port: number, path: string, headerLine: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without a status: ${JSON.stringify(data.slice(0, 80))}`)));
    socket.write(
      Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLine}\r\nConnection: close\r\n\r\n`, 'latin1'),
    );
  });
}
