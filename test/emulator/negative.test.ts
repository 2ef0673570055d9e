import { generateKeyPair, SignJWT } from 'jose';
import { buildStringToSign, makeNonce, sign } from '../../lib/sdk/signing/signature.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator, API_CODES } from '../../lib/testing/index.js';

interface RawCall {
  method?: 'GET' | 'POST';
  path: string;
  /** Arguments that are signed. */
  args?: Record<string, unknown>;
  /** What is actually sent, when it differs from what was signed (tampering). */
  sendArgs?: Record<string, unknown>;
  rawBody?: string;
  secret?: string;
  accessKeyId?: string;
  date?: Date;
  nonce?: string;
  omitAuthorization?: boolean;
}

/** Refusals and errors: every one is an Authing envelope at HTTP 200, never a crash. */
describe('emulator: refusals and errors', () => {
  let emulator: AuthingEmulator;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: { users: [{ email: 'dave@example.com', password: 'dave-pass-1' }] },
      signatureWindowSeconds: 900,
    });
  });

  afterAll(() => emulator.stop());

  /** A management request signed by hand, so that tests can break it on purpose. */
  async function signed(call: RawCall): Promise<{ http: number; body: Record<string, any> }> {
    const method = call.method ?? 'POST';
    const args = call.args ?? {};
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-authing-signature-nonce': call.nonce ?? makeNonce(),
      'x-authing-signature-method': 'HMAC-SHA1',
      'x-authing-signature-version': '1.0',
      'x-authing-sdk-version': 'test:0',
      'x-authing-lang': 'en-US',
      date: (call.date ?? new Date()).toUTCString(),
    };
    const signature = sign(
      call.secret ?? emulator.accessKey.accessKeySecret,
      buildStringToSign(method, call.path, headers, args),
    );
    if (!call.omitAuthorization) {
      headers.authorization = `authing ${call.accessKeyId ?? emulator.accessKey.accessKeyId}:${signature}`;
    }
    const sent = call.sendArgs ?? args;
    let url = `${emulator.host}${call.path}`;
    let body: string | undefined;
    if (method === 'GET') url += `?${new URLSearchParams(sent as Record<string, string>)}`;
    else body = call.rawBody ?? JSON.stringify(sent);
    const res = await fetch(url, { method, headers, body });
    return { http: res.status, body: (await res.json()) as Record<string, any> };
  }

  const listUsers = { path: '/api/v3/list-users', args: { options: { pagination: { page: 1, limit: 10 } } } };

  it('accepts a correctly signed request (baseline for the refusals below)', async () => {
    const res = await signed(listUsers);
    expect(res).toMatchObject({ http: 200, body: { statusCode: 200, data: { totalCount: 1 } } });
  });

  it('refuses a bad signature, an unknown key and a missing authorization', async () => {
    for (const call of [
      { ...listUsers, secret: 'not-the-secret' },
      { ...listUsers, accessKeyId: 'unknown-key' },
      { ...listUsers, omitAuthorization: true },
    ]) {
      const res = await signed(call);
      expect(res.http).toBe(200);
      expect(res.body).toMatchObject({ statusCode: 401, apiCode: API_CODES.NO_PERMISSION, data: null });
      expect(res.body.requestId).toMatch(/^[0-9a-f]{24}$/);
    }
  });

  it('refuses a tampered body and a tampered query', async () => {
    const body = await signed({ ...listUsers, sendArgs: { options: { pagination: { page: 2, limit: 10 } } } });
    expect(body.body).toMatchObject({ statusCode: 401, apiCode: 1001 });
    expect(body.body.message).toMatch(/signature/i);

    const userId = emulator.findUser('dave@example.com')!.userId;
    const ok = await signed({ method: 'GET', path: '/api/v3/get-user', args: { userId } });
    expect(ok.body.statusCode).toBe(200);
    const tampered = await signed({
      method: 'GET',
      path: '/api/v3/get-user',
      args: { userId },
      sendArgs: { userId: 'other' },
    });
    expect(tampered.body).toMatchObject({ statusCode: 401, apiCode: 1001 });
  });

  it('refuses a stale date and a replayed nonce', async () => {
    const stale = await signed({ ...listUsers, date: new Date(Date.now() - 20 * 60 * 1000) });
    expect(stale.body).toMatchObject({ statusCode: 401, apiCode: 1001 });
    expect(stale.body.message).toMatch(/date/i);
    const future = await signed({ ...listUsers, date: new Date(Date.now() + 20 * 60 * 1000) });
    expect(future.body.statusCode).toBe(401);

    const nonce = makeNonce();
    const date = new Date();
    const first = await signed({ ...listUsers, nonce, date });
    expect(first.body.statusCode).toBe(200);
    const replay = await signed({ ...listUsers, nonce, date });
    expect(replay.body).toMatchObject({ statusCode: 401, apiCode: 1001 });
    expect(replay.body.message).toMatch(/replay/i);
  });

  it('answers malformed JSON, unknown endpoints and missing fields with envelopes', async () => {
    const malformed = await signed({ path: '/api/v3/create-user', rawBody: '{"email": "x@example.com",' });
    expect(malformed).toMatchObject({ http: 200, body: { statusCode: 400, apiCode: API_CODES.INVALID_ARGUMENT } });
    expect(malformed.body.message).toMatch(/JSON/);

    const unknown = await signed({ path: '/api/v3/no-such-endpoint', args: {} });
    expect(unknown).toMatchObject({ http: 200, body: { statusCode: 404, apiCode: API_CODES.UNKNOWN_ENDPOINT } });

    const missing = await signed({ path: '/api/v3/create-role', args: { description: 'no code' } });
    expect(missing.body).toMatchObject({ statusCode: 400, apiCode: API_CODES.INVALID_ARGUMENT });
    expect(missing.body.message).toMatch(/\bcode\b/);

    const missingTargets = await signed({ path: '/api/v3/assign-role', args: { code: 'x' } });
    expect(missingTargets.body.message).toMatch(/targets/);

    const noIdentifier = await signed({ path: '/api/v3/create-user', args: { name: 'nobody' } });
    expect(noIdentifier.body.statusCode).toBe(400);
    expect(noIdentifier.body.message).toMatch(/email/);

    const duplicate = await signed({ path: '/api/v3/create-user', args: { email: 'DAVE@example.com' } });
    expect(duplicate.body).toMatchObject({ statusCode: 400, apiCode: API_CODES.ALREADY_EXISTS });

    const wrongType = await signed({ path: '/api/v3/create-user', args: { email: 42 } });
    expect(wrongType.body.message).toMatch(/email must be a string/);
  });

  it('signs GET queries with arrays like the SDKs send them', async () => {
    const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
    try {
      const userId = emulator.findUser('dave@example.com')!.userId;
      const batch = await management.getUserBatch({ userIds: [userId, 'missing'] });
      expect(batch.statusCode).toBe(200);
      expect(batch.data.map((u) => u.userId)).toEqual([userId]);
    } finally {
      await management.close();
    }
  });

  describe('end-user API', () => {
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${emulator.appHost}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-authing-app-id': emulator.app.appId, ...headers },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, any>;
    };
    const signIn = (payload: Record<string, string>, secret = emulator.app.appSecret) =>
      post('/api/v3/signin', {
        connection: 'PASSWORD',
        passwordPayload: payload,
        client_id: emulator.app.appId,
        client_secret: secret,
      });
    const profile = async (authorization?: string) => {
      const res = await fetch(`${emulator.appHost}/api/v3/get-profile`, {
        headers: { 'x-authing-app-id': emulator.app.appId, ...(authorization ? { authorization } : {}) },
      });
      return (await res.json()) as Record<string, any>;
    };

    it('refuses a wrong password, an unknown user and a wrong application secret', async () => {
      expect(await signIn({ email: 'dave@example.com', password: 'wrong' })).toMatchObject({
        statusCode: 400,
        apiCode: API_CODES.BAD_PASSWORD,
        data: null,
      });
      expect(await signIn({ email: 'nobody@example.com', password: 'whatever' })).toMatchObject({
        statusCode: 400,
        apiCode: API_CODES.USER_NOT_FOUND,
      });
      expect(await signIn({ email: 'dave@example.com', password: 'dave-pass-1' }, 'bad-secret')).toMatchObject({
        statusCode: 401,
      });
      const ok = await signIn({ account: 'dave@example.com', password: 'dave-pass-1' });
      expect(ok.statusCode).toBe(200);
      expect(await signIn({ email: 'dave@example.com' } as never)).toMatchObject({ statusCode: 400 });
    });

    it('refuses calls without a token, with a bad, expired or foreign token; accepts bare and Bearer', async () => {
      expect(await profile()).toMatchObject({ statusCode: 401, apiCode: API_CODES.NOT_LOGGED_IN });
      expect(await profile('not-a-token')).toMatchObject({ statusCode: 401, apiCode: API_CODES.NOT_LOGGED_IN });

      const expired = await emulator.issueTokens({ user: 'dave@example.com', expiresIn: -60 });
      expect(await profile(expired.access_token)).toMatchObject({ statusCode: 401 });

      const { privateKey } = await generateKeyPair('RS256');
      const foreign = await new SignJWT({ scope: 'openid', jti: 'x' })
        .setProtectedHeader({ alg: 'RS256', kid: emulator.currentKid })
        .setSubject(emulator.findUser('dave@example.com')!.userId)
        .setIssuer(emulator.issuer)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
      expect(await profile(foreign)).toMatchObject({ statusCode: 401 });

      const good = await emulator.issueTokens({ user: 'dave@example.com' });
      expect(await profile(good.access_token)).toMatchObject({ statusCode: 200, data: { email: 'dave@example.com' } });
      expect(await profile(`Bearer ${good.access_token}`)).toMatchObject({ statusCode: 200 });

      const me = await fetch(`${emulator.issuer}/me`);
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });
  });
});
