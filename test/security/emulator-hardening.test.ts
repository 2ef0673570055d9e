/**
 * Issue #10, emulator points: what an outside review found the emulator let through, over real HTTP.
 * Scopes granted by the sign-in API (2), oversized bodies and broken Host headers (8), revocation of
 * another client's tokens (9), brute force (10), CORS and the discovery document (11).
 */
import { request } from 'node:http';
import { decodeJwt } from 'jose';
import { AuthingEmulator, type EmulatorApp, type EmulatorLogger } from '../../lib/testing/index.js';

const USER = { email: 'erin@example.com', username: 'erin', password: 'Erin-passw0rd' };
const SPA_ORIGIN = 'http://127.0.0.1:5173';

let emulator: AuthingEmulator;
let other: EmulatorApp;
let spa: EmulatorApp;
const logged: string[] = [];
const logger: EmulatorLogger = {
  info: () => undefined,
  warn: (m) => logged.push(`WARN ${m}`),
  error: (m) => logged.push(`ERROR ${m}`),
};

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ seed: { users: [{ ...USER, name: 'Erin' }] }, logger });
  other = emulator.addApp({ appName: 'Other' });
  spa = emulator.addApp({
    appName: 'SPA',
    tokenEndpointAuthMethod: 'none',
    redirectUris: [`${SPA_ORIGIN}/callback`],
    logoutRedirectUris: [`${SPA_ORIGIN}/`],
  });
});

afterAll(() => emulator.stop());

beforeEach(() => {
  logged.length = 0;
});

async function signIn(app: EmulatorApp, scope: string, password = USER.password) {
  const res = await fetch(`${emulator.appHost}/api/v3/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
    body: JSON.stringify({
      connection: 'PASSWORD',
      passwordPayload: { email: USER.email, password },
      options: { scope },
      ...(app.tokenEndpointAuthMethod === 'none' ? {} : { client_id: app.appId, client_secret: app.appSecret }),
    }),
  });
  return (await res.json()) as {
    statusCode: number;
    apiCode?: number;
    message: string;
    data: { access_token: string; refresh_token?: string; scope: string } | null;
  };
}

/** A form POST with client_secret_post (or a bare client_id for a public app). */
async function clientPost(app: EmulatorApp, path: string, form: Record<string, string>) {
  const body = new URLSearchParams({
    ...form,
    client_id: app.appId,
    ...(app.tokenEndpointAuthMethod === 'none' ? {} : { client_secret: app.appSecret }),
  });
  const res = await fetch(`${emulator.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A raw request, so that headers fetch would refuse (a broken Host) can be sent. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: emulator.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('(2) the sign-in API grants only the scopes the application allows', () => {
  it('drops a scope the caller made up, in the answer and in the access token', async () => {
    const answer = await signIn(emulator.app, 'openid profile admin:write orders:delete');
    expect(answer.statusCode).toBe(200);
    expect(answer.data!.scope).toBe('openid profile');
    expect(decodeJwt(answer.data!.access_token).scope).toBe('openid profile');
  });

  it('drops it from issueTokens as well, which mirrors the sign-in API', async () => {
    const set = await emulator.issueTokens({ user: USER.email, scope: 'openid email admin:write' });
    expect(decodeJwt(set.access_token).scope).toBe('openid email');
  });
});

describe('(8) oversized bodies and broken Host headers', () => {
  const big = Buffer.alloc(1024 * 1024 + 1, 'a');

  it.each(['/oidc/me', '/oidc/token/introspection', '/oidc/token/revocation'])(
    'answers 413 to a body over 1 MB at %s, without a stack trace in the log',
    async (path) => {
      const res = await raw(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) },
        body: big,
      });
      expect(res.status).toBe(413);
      expect(logged.join('\n')).not.toMatch(/\n\s+at |Error:/);
    },
  );

  it('answers 413 to a body over 1 MB posted to the login form', async () => {
    // Open a real interaction first, so the request reaches the body.
    const authorize = new URL(`${emulator.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: emulator.app.appId,
      redirect_uri: emulator.app.redirectUris[0]!,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const first = await fetch(authorize, { redirect: 'manual' });
    const location = first.headers.get('location')!;
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await raw(`${location}/login`, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(big.length),
      },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain('Request too large');
    expect(logged.join('\n')).not.toMatch(/\n\s+at |Error:/);
  });

  it.each([
    ['a space', 'exa mple:80'],
    ['a port out of range', 'example.com:99999'],
    ['a path', 'example.com/evil'],
  ])('answers 400 to a Host header with %s, at discovery and at session end', async (_label, host) => {
    for (const path of ['/oidc/.well-known/openid-configuration', '/oidc/session/end']) {
      const res = await raw(path, { headers: { host } });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
    }
    expect(logged).toEqual([]);
  });
});

describe('(9) revocation: only the client a token was issued to may revoke it (RFC 7009 2.1)', () => {
  it("refuses a confidential client revoking another client's access token, which stays active", async () => {
    const { data } = await signIn(emulator.app, 'openid profile');
    const refused = await clientPost(other, '/token/revocation', { token: data!.access_token });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request' });
    const introspected = await clientPost(emulator.app, '/token/introspection', { token: data!.access_token });
    expect(introspected.body.active).toBe(true);
  });

  it("refuses a confidential client revoking another client's refresh token, which keeps working", async () => {
    const { data } = await signIn(emulator.app, 'openid profile offline_access');
    const refused = await clientPost(other, '/token/revocation', { token: data!.refresh_token! });
    expect(refused.status).toBe(400);
    const refreshed = await clientPost(emulator.app, '/token', {
      grant_type: 'refresh_token',
      refresh_token: data!.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
  });

  it("ignores a public client revoking another client's token (200, nothing revoked)", async () => {
    const { data } = await signIn(emulator.app, 'openid profile');
    const ignored = await clientPost(spa, '/token/revocation', { token: data!.access_token });
    expect(ignored.status).toBe(200);
    const introspected = await clientPost(emulator.app, '/token/introspection', { token: data!.access_token });
    expect(introspected.body.active).toBe(true);
  });

  it('still lets the owner revoke its own token', async () => {
    const { data } = await signIn(emulator.app, 'openid profile');
    expect((await clientPost(emulator.app, '/token/revocation', { token: data!.access_token })).status).toBe(200);
    const introspected = await clientPost(emulator.app, '/token/introspection', { token: data!.access_token });
    expect(introspected.body.active).toBe(false);
  });
});

describe('(10) lockout after repeated failed sign-ins', () => {
  const WINDOW_SECONDS = 2;
  let locking: AuthingEmulator;

  beforeAll(async () => {
    locking = await AuthingEmulator.start({
      seed: { users: [{ ...USER, name: 'Erin' }] },
      lockout: { maxAttempts: 3, windowSeconds: WINDOW_SECONDS },
      logger,
    });
  });

  afterAll(() => locking.stop());

  async function api(path: string, body: Record<string, unknown>) {
    const app = locking.app;
    const res = await fetch(`${locking.appHost}/api/v3/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-app-id': app.appId },
      body: JSON.stringify({ ...body, client_id: app.appId, client_secret: app.appSecret }),
    });
    return (await res.json()) as { statusCode: number; apiCode?: number; message: string };
  }

  const password = (pw: string) =>
    api('signin', { connection: 'PASSWORD', passwordPayload: { email: USER.email, password: pw } });

  it('locks the account after the configured failures, refuses the right password while locked, and unlocks', async () => {
    expect((await password('wrong-1')).apiCode).toBe(2006);
    expect((await password('wrong-2')).apiCode).toBe(2006);
    const third = await password('wrong-3');
    expect(third).toMatchObject({ statusCode: 403, apiCode: 2005 });
    expect(third.message).toMatch(/locked after too many failed sign-in attempts/);
    expect(await password(USER.password)).toMatchObject({ apiCode: 2005 });
    await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 100));
    expect((await password(USER.password)).statusCode).toBe(200);
  });

  it('a success clears the count', async () => {
    await password('wrong-1');
    await password('wrong-2');
    expect((await password(USER.password)).statusCode).toBe(200);
    expect((await password('wrong-3')).apiCode).toBe(2006);
  });

  it('counts wrong passcodes too, and refuses the right code while locked', async () => {
    const email = 'newcomer@example.com';
    const send = () => api('send-email', { channel: 'CHANNEL_LOGIN', email });
    const passcode = (code: string) =>
      api('signin', {
        connection: 'PASSCODE',
        passCodePayload: { email, passCode: code },
        options: { autoRegister: true },
      });
    await send();
    const right = locking.lastPasscode(email)!;
    const wrong = right === '000000' ? '111111' : '000000';
    expect((await passcode(wrong)).apiCode).toBe(2001);
    expect((await passcode(wrong)).apiCode).toBe(2001);
    expect((await passcode(wrong)).apiCode).toBe(2005);
    expect((await passcode(right)).apiCode).toBe(2005);
  });

  it('locks the hosted login page as well', async () => {
    expect((await password(USER.password)).statusCode).toBe(200); // clears the earlier failures
    const app = locking.app;
    const authorize = new URL(`${locking.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: app.redirectUris[0]!,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const first = await fetch(authorize, { redirect: 'manual' });
    const location = new URL(first.headers.get('location')!, locking.origin).href;
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const post = async (pw: string) => {
      const res = await fetch(`${location}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ account: USER.username, password: pw }),
      });
      return { status: res.status, body: await res.text() };
    };
    expect((await post('wrong-1')).body).toContain('Incorrect account or password');
    expect((await post('wrong-2')).body).toContain('Incorrect account or password');
    expect((await post('wrong-3')).body).toMatch(/Account locked after too many failed sign-in attempts/);
    const right = await post(USER.password);
    expect(right.status).toBe(200);
    expect(right.body).toMatch(/Account locked/);
  });

  it('refuses bad settings before listening, naming them', async () => {
    await expect(AuthingEmulator.start({ lockout: { maxAttempts: -1 } })).rejects.toThrow(/lockout\.maxAttempts/);
    await expect(AuthingEmulator.start({ lockout: { windowSeconds: 0 } })).rejects.toThrow(/lockout\.windowSeconds/);
  });

  it('is on by default (5 attempts) and can be turned off', async () => {
    const defaults = await AuthingEmulator.start({ seed: { users: [{ ...USER }] }, logger });
    const off = await AuthingEmulator.start({ seed: { users: [{ ...USER }] }, lockout: false, logger });
    try {
      for (const [target, expected] of [
        [defaults, 2005],
        [off, 2006],
      ] as const) {
        let last: number | undefined;
        for (let i = 0; i < 6; i++) {
          const res = await fetch(`${target.appHost}/api/v3/signin`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              connection: 'PASSWORD',
              passwordPayload: { email: USER.email, password: `wrong-${i}` },
              client_id: target.app.appId,
              client_secret: target.app.appSecret,
            }),
          });
          last = ((await res.json()) as { apiCode?: number }).apiCode;
        }
        expect(last).toBe(expected);
      }
    } finally {
      await defaults.stop();
      await off.stop();
    }
  });
});

describe('(11) CORS for registered origins only; discovery advertises what is served', () => {
  const EVIL = 'http://evil.example';

  const get = (path: string, origin: string, headers: Record<string, string> = {}) =>
    fetch(`${emulator.origin}${path}`, { headers: { origin, ...headers } });

  it('answers a preflight from an unregistered origin with 403 and no CORS grant', async () => {
    const res = await fetch(`${emulator.appHost}/api/v3/signin`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the origin of a registered redirect URI, never with credentials', async () => {
    const preflight = await fetch(`${emulator.appHost}/api/v3/signin`, {
      method: 'OPTIONS',
      headers: {
        origin: SPA_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-authing-app-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const { data } = await signIn(emulator.app, 'openid profile');
    const token = { authorization: `Bearer ${data!.access_token}` };
    for (const path of ['/oidc/me', '/api/v3/get-profile']) {
      const allowed = await get(path, SPA_ORIGIN, token);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const refused = await get(path, EVIL, token);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it("lets oidc-provider's own endpoints (the token endpoint) allow only the client's origins", async () => {
    const post = (origin: string) =>
      fetch(`${emulator.issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: spa.appId }),
      });
    const allowed = await post(SPA_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SPA_ORIGIN);
    const refused = await post(EVIL);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await refused.json()) as { error_description: string }).error_description).toMatch(/origin/);
  });

  it('allows configured web origins as well', async () => {
    const origin = 'http://127.0.0.1:4200';
    expect((await get('/oidc/me', origin)).headers.get('access-control-allow-origin')).toBeNull();
    const app = emulator.addApp({ appName: 'Web origins', webOrigins: [origin] });
    expect(app.webOrigins).toEqual([origin]);
    expect((await get('/oidc/me', origin)).headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('advertises only the code flow, the client authentications it accepts and no DPoP', async () => {
    const discovery = (await (await fetch(`${emulator.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.grant_types_supported).not.toContain('implicit');
    expect(discovery.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    expect(discovery).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(discovery).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
  });
});
